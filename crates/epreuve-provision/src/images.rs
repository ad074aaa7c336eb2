//! The images `epreuve images build` makes for machines that reach no image registry: a
//! Debian base made with `debootstrap` and imported into Docker, then PostgreSQL and MariaDB
//! installed from Debian's packages by the Dockerfiles of the repository's `docker/` folder
//! (compiled into the binary, so the command works from anywhere).
//!
//! The images honour the official images' environment variables, so the `docker` route starts
//! both kinds the same way.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use bollard::Docker;
use bollard::query_parameters::{BuildImageOptionsBuilder, CreateImageOptionsBuilder};
use epreuve_db::{Engine, ServerKind};
use futures_util::StreamExt;

use epreuve_i18n::{Said, said};

use crate::ProvisionError;

/// The Debian base every local image starts from.
pub const LOCAL_BASE: &str = "epreuve/debian:bookworm";
/// Debian release and mirror of the base.
const SUITE: &str = "bookworm";
const MIRROR: &str = "http://deb.debian.org/debian";

/// What the build reports as it goes.
#[derive(Debug, Clone)]
pub enum BuildEvent {
    /// The image exists already and is kept.
    Skipped {
        /// Image reference.
        image: String,
    },
    /// Building starts.
    Started {
        /// Image reference.
        image: String,
    },
    /// A line of the build's output.
    Line {
        /// Image reference.
        image: String,
        /// The line.
        line: String,
    },
    /// The image is ready.
    Built {
        /// Image reference.
        image: String,
        /// How long it took, in seconds.
        seconds: f64,
    },
}

/// The locally built image for `engine` (`epreuve/postgres:15`); `None` for DuckDB.
pub fn local_image(engine: Engine) -> Option<&'static str> {
    ServerKind::of(engine)
        .and_then(|kind| kind.local_image.as_ref())
        .map(|image| image.name)
}

/// Builds the base, PostgreSQL and MariaDB images that are missing (all of them with
/// `force`), reporting progress to `progress`.
pub fn build_images(
    force: bool,
    mut progress: impl FnMut(BuildEvent),
) -> Result<(), ProvisionError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(ProvisionError::io(said!("action-start-the-async-runtime")))?;
    let docker = Docker::connect_with_local_defaults().map_err(|e| ProvisionError::NoDocker {
        detail: Said::verbatim(e.to_string()),
    })?;
    runtime
        .block_on(docker.ping())
        .map_err(|e| ProvisionError::NoDocker {
            detail: Said::verbatim(e.to_string()),
        })?;
    let present = |image: &str| runtime.block_on(docker.inspect_image(image)).is_ok();
    if !force && present(LOCAL_BASE) {
        progress(BuildEvent::Skipped {
            image: LOCAL_BASE.into(),
        });
    } else {
        import_base(&runtime, &docker, &mut progress)?;
    }
    // MongoDB has none: Debian ships no MongoDB.
    let buildable = Engine::servers()
        .filter_map(ServerKind::of)
        .filter_map(|kind| kind.local_image.as_ref());
    for local in buildable {
        let image = local.name;
        if !force && present(image) {
            progress(BuildEvent::Skipped {
                image: image.into(),
            });
            continue;
        }
        build_one(&runtime, &docker, local, &mut progress)?;
    }
    Ok(())
}

/// Imports a Debian root file system made by debootstrap as the base image.
fn import_base(
    runtime: &tokio::runtime::Runtime,
    docker: &Docker,
    progress: &mut impl FnMut(BuildEvent),
) -> Result<(), ProvisionError> {
    let started = Instant::now();
    progress(BuildEvent::Started {
        image: LOCAL_BASE.into(),
    });
    let tar = debootstrap(progress)?;
    let (repo, tag) = LOCAL_BASE.split_once(':').unwrap_or((LOCAL_BASE, "latest"));
    let options = CreateImageOptionsBuilder::default()
        .from_src("-")
        .repo(repo)
        .tag(tag)
        .build();
    let result: Result<(), bollard::errors::Error> = runtime.block_on(async {
        let mut stream =
            docker.create_image(Some(options), Some(bollard::body_full(tar.into())), None);
        while let Some(item) = stream.next().await {
            item?;
        }
        Ok(())
    });
    result.map_err(|e| ProvisionError::Docker {
        action: said!("action-import-image", image = LOCAL_BASE),
        detail: Said::verbatim(e.to_string()),
    })?;
    progress(BuildEvent::Built {
        image: LOCAL_BASE.into(),
        seconds: started.elapsed().as_secs_f64(),
    });
    Ok(())
}

/// Builds one engine's image from its context, on the base image.
fn build_one(
    runtime: &tokio::runtime::Runtime,
    docker: &Docker,
    local: &epreuve_db::LocalImage,
    progress: &mut impl FnMut(BuildEvent),
) -> Result<(), ProvisionError> {
    let image = local.name;
    let started = Instant::now();
    progress(BuildEvent::Started {
        image: image.into(),
    });
    let mut archive = tar::Builder::new(Vec::new());
    for (name, text) in local.context {
        let mut header = tar::Header::new_gnu();
        header.set_size(text.len() as u64);
        header.set_mode(0o755);
        header.set_cksum();
        archive
            .append_data(&mut header, name, text.as_bytes())
            .map_err(ProvisionError::io(said!("action-pack-the-build-context")))?;
    }
    let body = archive
        .into_inner()
        .map_err(ProvisionError::io(said!("action-pack-the-build-context")))?;
    let options = BuildImageOptionsBuilder::default()
        .dockerfile("Dockerfile")
        .t(image)
        .rm(true)
        .forcerm(true)
        .build();
    let result: Result<(), String> = runtime.block_on(async {
        let mut stream = docker.build_image(options, None, Some(bollard::body_full(body.into())));
        while let Some(item) = stream.next().await {
            match item {
                Ok(info) => {
                    if let Some(error) = info.error_detail.and_then(|d| d.message) {
                        return Err(error);
                    }
                    if let Some(text) = info.stream {
                        for line in text.lines().filter(|l| !l.trim().is_empty()) {
                            progress(BuildEvent::Line {
                                image: image.into(),
                                line: line.to_owned(),
                            });
                        }
                    }
                }
                Err(e) => return Err(e.to_string()),
            }
        }
        Ok(())
    });
    result.map_err(|detail| ProvisionError::Docker {
        action: said!("action-build-image", image = image),
        detail: Said::verbatim(detail),
    })?;
    progress(BuildEvent::Built {
        image: image.into(),
        seconds: started.elapsed().as_secs_f64(),
    });
    Ok(())
}

/// A minimal Debian root file system, as a tar archive in memory.
fn debootstrap(progress: &mut impl FnMut(BuildEvent)) -> Result<Vec<u8>, ProvisionError> {
    let program = ["/usr/sbin/debootstrap", "/usr/bin/debootstrap"]
        .into_iter()
        .find(|p| Path::new(p).is_file())
        .ok_or_else(|| ProvisionError::NotInstalled {
            program: "debootstrap".into(),
            package: Said::verbatim("debootstrap"),
        })?;
    let temp = tempfile::Builder::new()
        .prefix("epreuve-rootfs-")
        .tempdir()
        .map_err(ProvisionError::io(said!(
            "action-create-a-temporary-folder"
        )))?;
    let rootfs = temp.path().join("rootfs");
    let mut child = Command::new(program)
        .args(["--variant=minbase", SUITE])
        .arg(&rootfs)
        .arg(MIRROR)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(ProvisionError::io(said!("action-run-debootstrap")))?;
    if let Some(stdout) = child.stdout.take() {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if line.starts_with("I: Retrieving") || line.starts_with("I: Base system") {
                progress(BuildEvent::Line {
                    image: LOCAL_BASE.into(),
                    line,
                });
            }
        }
    }
    let output = child
        .wait_with_output()
        .map_err(ProvisionError::io(said!("action-run-debootstrap")))?;
    if !output.status.success() {
        return Err(ProvisionError::ServerFailed {
            what: said!("what-debootstrap"),
            detail: said!(
                "debootstrap-failed",
                status = output.status.to_string(),
                error = String::from_utf8_lossy(&output.stderr).trim(),
                mirror = MIRROR
            ),
        });
    }
    let tar = Command::new("tar")
        .arg("-C")
        .arg(&rootfs)
        .args(["--numeric-owner", "-cf", "-", "."])
        .output()
        .map_err(ProvisionError::io(said!(
            "action-pack-the-root-file-system"
        )))?;
    if !tar.status.success() {
        return Err(ProvisionError::ServerFailed {
            what: said!("what-tar-root"),
            detail: Said::verbatim(String::from_utf8_lossy(&tar.stderr).trim()),
        });
    }
    Ok(tar.stdout)
}
