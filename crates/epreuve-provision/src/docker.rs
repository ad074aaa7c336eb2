//! The `docker` route, through the Docker Engine API (bollard): one labelled container per
//! workspace, its port bound on 127.0.0.1 only, and an anonymous volume removed with it.
//!
//! The server's administrator (`epreuve_admin` on PostgreSQL, `root` on MariaDB) gets a random
//! password that creates the candidate's account and the grading account (see
//! [`crate::accounts`]) and is kept in the centre's record only, never in the workspace. A container is started or removed only when
//! its label names the workspace asking.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use bollard::Docker;
use bollard::models::{ContainerCreateBody, HostConfig, PortBinding};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, CreateImageOptionsBuilder, ListContainersOptionsBuilder,
    LogsOptionsBuilder, RemoveContainerOptionsBuilder,
};
use epreuve_db::{ServerAddress, ServerKind};
use epreuve_i18n::{Said, said};
use futures_util::StreamExt;

use crate::wait::{ensure_free, random_token, slug, until_ready};
use crate::{Cancel, DatabaseLocation, ImageSource, ProvisionError, Request};

/// The official PostgreSQL image, pinned.
pub const OFFICIAL_POSTGRES: &str = epreuve_db::POSTGRES.official_image;
/// The official MariaDB image, pinned.
pub const OFFICIAL_MARIADB: &str = epreuve_db::MARIADB.official_image;

/// Label every epreuve container carries.
const LABEL: &str = "epreuve";
/// Label naming the workspace a container serves.
const LABEL_WORKSPACE: &str = "epreuve.workspace";
/// Label naming the candidate.
const LABEL_CANDIDATE: &str = "epreuve.candidate";
/// How long a new container may take to answer.
const READY_LIMIT: Duration = Duration::from_secs(90);

/// A runtime and a client; every call of this module blocks on it.
struct Client {
    runtime: tokio::runtime::Runtime,
    docker: Docker,
}

impl Client {
    fn connect() -> Result<Self, ProvisionError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(ProvisionError::io(said!("action-start-the-async-runtime")))?;
        let docker =
            Docker::connect_with_local_defaults().map_err(|e| ProvisionError::NoDocker {
                detail: Said::verbatim(e.to_string()),
            })?;
        let ping = runtime
            .block_on(async { tokio::time::timeout(Duration::from_secs(5), docker.ping()).await });
        match ping {
            Ok(Ok(_)) => Ok(Self { runtime, docker }),
            Ok(Err(e)) => Err(ProvisionError::NoDocker {
                detail: Said::verbatim(e.to_string()),
            }),
            Err(_) => Err(ProvisionError::NoDocker {
                detail: said!("docker-no-answer"),
            }),
        }
    }

    fn fail(action: Said) -> impl FnOnce(bollard::errors::Error) -> ProvisionError {
        move |e| ProvisionError::Docker {
            action,
            detail: Said::verbatim(e.to_string()),
        }
    }

    fn image_present(&self, image: &str) -> bool {
        self.runtime
            .block_on(self.docker.inspect_image(image))
            .is_ok()
    }

    /// Pulls `image`; fails with a hint when no registry is reachable.
    fn pull(&self, image: &str, source: ImageSource) -> Result<(), ProvisionError> {
        let hint = match source {
            ImageSource::Official => said!("image-hint-official"),
            ImageSource::Local => said!("image-hint-local"),
        };
        if source == ImageSource::Local {
            return Err(ProvisionError::ImageMissing {
                image: image.into(),
                detail: said!("image-not-built"),
                hint,
            });
        }
        let options = CreateImageOptionsBuilder::default()
            .from_image(image)
            .build();
        let result: Result<(), bollard::errors::Error> = self.runtime.block_on(async {
            let mut stream = self.docker.create_image(Some(options), None, None);
            while let Some(item) = stream.next().await {
                item?;
            }
            Ok(())
        });
        result.map_err(|e| ProvisionError::ImageMissing {
            image: image.into(),
            detail: said!("image-pull-failed", error = e.to_string()),
            hint,
        })
    }

    fn remove(&self, name: &str) -> Result<(), ProvisionError> {
        let options = RemoveContainerOptionsBuilder::default()
            .force(true)
            .v(true)
            .build();
        match self
            .runtime
            .block_on(self.docker.remove_container(name, Some(options)))
        {
            Ok(()) => Ok(()),
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 404, ..
            }) => Ok(()),
            Err(e) => Err(Self::fail(said!("action-remove-container", name = name))(e)),
        }
    }

    /// Fails unless the container `name` carries epreuve's label naming the workspace at
    /// `root`: a name read from a workspace file never reaches another workspace's container.
    fn owned_by(&self, name: &str, root: &Path) -> Result<(), ProvisionError> {
        let inspect = self
            .runtime
            .block_on(self.docker.inspect_container(name, None))
            .map_err(Self::fail(said!("action-inspect-container", name = name)))?;
        let labels = inspect.config.and_then(|c| c.labels).unwrap_or_default();
        let labelled = labels.get(LABEL_WORKSPACE).map(std::path::PathBuf::from);
        let same = |a: &Path, b: &Path| {
            let a = a.canonicalize().unwrap_or_else(|_| a.to_path_buf());
            let b = b.canonicalize().unwrap_or_else(|_| b.to_path_buf());
            a == b
        };
        match labelled {
            Some(workspace) if labels.contains_key(LABEL) && same(&workspace, root) => Ok(()),
            _ => Err(ProvisionError::Docker {
                action: said!("action-use-container", name = name),
                detail: said!("container-not-ours"),
            }),
        }
    }

    fn running(&self, name: &str) -> Result<(), ProvisionError> {
        let inspect = self
            .runtime
            .block_on(self.docker.inspect_container(name, None))
            .map_err(Self::fail(said!("action-inspect-container", name = name)))?;
        let state = inspect.state.unwrap_or_default();
        if state.running == Some(true) {
            return Ok(());
        }
        Err(ProvisionError::ServerFailed {
            what: said!("what-container", name = name),
            detail: said!(
                "container-stopped",
                code = state.exit_code.unwrap_or(-1).to_string(),
                log = self.logs(name)
            ),
        })
    }

    fn logs(&self, name: &str) -> String {
        let options = LogsOptionsBuilder::default()
            .stdout(true)
            .stderr(true)
            .tail("15")
            .build();
        self.runtime.block_on(async {
            let mut out = String::new();
            let mut stream = self.docker.logs(name, Some(options));
            while let Some(Ok(line)) = stream.next().await {
                out.push_str(&line.to_string());
            }
            out
        })
    }

    fn host_port(&self, name: &str, container_port: &str) -> Result<u16, ProvisionError> {
        let inspect = self
            .runtime
            .block_on(self.docker.inspect_container(name, None))
            .map_err(Self::fail(said!("action-inspect-container", name = name)))?;
        inspect
            .network_settings
            .and_then(|n| n.ports)
            .and_then(|ports| ports.get(container_port).cloned().flatten())
            .and_then(|bindings| bindings.into_iter().find_map(|b| b.host_port))
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| ProvisionError::Docker {
                action: said!("action-publish-port", name = name),
                detail: said!("port-none-bound"),
            })
    }
}

/// The image the `docker` route runs for a server of `kind`.
pub(crate) fn image_for(
    kind: &ServerKind,
    source: ImageSource,
) -> Result<&'static str, ProvisionError> {
    match (source, &kind.local_image) {
        (ImageSource::Official, _) => Ok(kind.official_image),
        (ImageSource::Local, Some(local)) => Ok(local.name),
        (ImageSource::Local, None) => Err(ProvisionError::Unsupported {
            detail: said!(
                "image-none-local",
                engine = kind.engine.label(),
                image = kind.official_image
            ),
        }),
    }
}

pub(crate) fn provision(
    root: &Path,
    request: &Request,
    kind: &'static ServerKind,
) -> Result<DatabaseLocation, ProvisionError> {
    let client = Client::connect()?;
    let workspace = crate::absolute(root);
    // Housekeeping: an orphan that cannot be removed now (another start removing it at the
    // same moment, in a class prepared several at a time) is no reason to refuse this one.
    if let Err(error) = sweep_with(&client) {
        tracing::warn!("the sweep of orphaned containers stopped: {error}");
    }
    request.cancel.check()?;
    let image = image_for(kind, request.images)?.to_owned();
    if !client.image_present(&image) {
        client.pull(&image, request.images)?;
    }
    request.cancel.check()?;
    if let Some(port) = request.port {
        ensure_free(port)?;
    }
    let admin_password = random_token(20)?;
    let name = format!(
        "epreuve-{}-{}",
        slug(&request.candidate),
        random_token(6)?.to_lowercase()
    );
    let (container_port, env) = (kind.container_port, (kind.container_env)(&admin_password));
    let labels = HashMap::from([
        (LABEL.to_owned(), "1".to_owned()),
        (LABEL_WORKSPACE.to_owned(), workspace.display().to_string()),
        (LABEL_CANDIDATE.to_owned(), request.candidate.clone()),
    ]);
    let binding = PortBinding {
        host_ip: Some("127.0.0.1".into()),
        host_port: Some(request.port.map(|p| p.to_string()).unwrap_or_default()),
    };
    let body = ContainerCreateBody {
        image: Some(image.clone()),
        env: Some(env),
        cmd: (!kind.container_args.is_empty()).then(|| {
            kind.container_args
                .iter()
                .map(|a| (*a).to_owned())
                .collect()
        }),
        labels: Some(labels),
        exposed_ports: Some(vec![container_port.to_owned()]),
        host_config: Some(HostConfig {
            port_bindings: Some(HashMap::from([(
                container_port.to_owned(),
                Some(vec![binding]),
            )])),
            ..Default::default()
        }),
        ..Default::default()
    };
    let options = CreateContainerOptionsBuilder::default().name(&name).build();
    client
        .runtime
        .block_on(client.docker.create_container(Some(options), body))
        .map_err(Client::fail(said!("action-create-the-container")))?;
    // From here on the container exists: any failure or Ctrl-C removes it.
    let result = (|| {
        request.cancel.check()?;
        client
            .runtime
            .block_on(client.docker.start_container(&name, None))
            .map_err(|e| start_error(e, request.port))?;
        let port = client.host_port(&name, container_port)?;
        let admin = ServerAddress {
            engine: request.engine,
            host: "127.0.0.1".into(),
            port,
            user: kind.container_admin.0.into(),
            password: admin_password.clone(),
            database: kind.container_admin.1.into(),
        };
        until_ready(Some(&admin), &request.cancel, READY_LIMIT, || {
            client.running(&name)
        })?;
        let accounts = crate::accounts::create(&admin, &crate::accounts::single())?;
        request.cancel.check()?;
        Ok(DatabaseLocation::Docker {
            container: name.clone(),
            image: image.clone(),
            address: accounts.candidate,
            grader: Some(accounts.grader),
            admin: Some(admin),
        })
    })();
    if result.is_err() {
        let _ = client.remove(&name);
    }
    result
}

fn start_error(error: bollard::errors::Error, port: Option<u16>) -> ProvisionError {
    let detail = error.to_string();
    match port {
        Some(port)
            if detail.contains("already allocated")
                || detail.contains("address already in use") =>
        {
            ProvisionError::PortTaken {
                port,
                detail: Said::verbatim(detail),
            }
        }
        _ => ProvisionError::Docker {
            action: said!("action-start-the-container"),
            detail: Said::verbatim(detail),
        },
    }
}

pub(crate) fn up(
    root: &Path,
    location: &DatabaseLocation,
    cancel: &Cancel,
) -> Result<(), ProvisionError> {
    let DatabaseLocation::Docker { container, .. } = location else {
        return Ok(());
    };
    let client = Client::connect()?;
    client.owned_by(container, root)?;
    client
        .runtime
        .block_on(client.docker.start_container(container, None))
        .or_else(|e| match e {
            // 304: already running.
            bollard::errors::Error::DockerResponseServerError {
                status_code: 304, ..
            } => Ok(()),
            other => Err(other),
        })
        .map_err(Client::fail(said!(
            "action-start-container",
            name = container
        )))?;
    until_ready(location.address(), cancel, READY_LIMIT, || {
        client.running(container)
    })
}

/// Removes the container of the workspace at `root` and its volume; a container already gone
/// is fine, a container of another workspace is refused.
pub(crate) fn remove(root: &Path, container: &str) -> Result<(), ProvisionError> {
    let client = Client::connect()?;
    match client.owned_by(container, root) {
        Ok(()) => client.remove(container),
        Err(ProvisionError::Docker { detail, .. }) if no_such_container(&detail) => Ok(()),
        Err(error) => Err(error),
    }
}

/// Whether the daemon's words say the container is not there.
fn no_such_container(detail: &Said) -> bool {
    let words = detail.english();
    words.contains("404") || words.contains("No such container")
}

/// Removes the containers epreuve made for workspaces that no longer exist or no longer use
/// them (left by a crash or a deleted folder). Returns their names; one that cannot be removed
/// (already being removed by another command) is left to the next sweep.
pub fn sweep() -> Result<Vec<String>, ProvisionError> {
    sweep_with(&Client::connect()?)
}

fn sweep_with(client: &Client) -> Result<Vec<String>, ProvisionError> {
    let filters = HashMap::from([("label", vec![LABEL])]);
    let options = ListContainersOptionsBuilder::default()
        .all(true)
        .filters(&filters)
        .build();
    let containers = client
        .runtime
        .block_on(client.docker.list_containers(Some(options)))
        .map_err(Client::fail(said!("action-list-containers")))?;
    let mut removed = Vec::new();
    for container in containers {
        let Some(name) = container
            .names
            .as_ref()
            .and_then(|n| n.first())
            .map(|n| n.trim_start_matches('/').to_owned())
        else {
            continue;
        };
        let workspace = container
            .labels
            .as_ref()
            .and_then(|l| l.get(LABEL_WORKSPACE))
            .cloned()
            .unwrap_or_default();
        if !in_use(Path::new(&workspace), &name) {
            match client.remove(&name) {
                Ok(()) => removed.push(name),
                Err(error) => {
                    tracing::warn!("the orphan {name} is left to the next sweep: {error}")
                }
            }
        }
    }
    Ok(removed)
}

/// Whether the workspace at `workspace` records `container` as its database. A workspace
/// still being created (no state yet, folder present) keeps its container.
fn in_use(workspace: &Path, container: &str) -> bool {
    if !workspace.is_dir() {
        return false;
    }
    match std::fs::read_to_string(workspace.join(".epreuve").join("state.json")) {
        Ok(text) => text.contains(&format!("\"{container}\"")),
        Err(_) => workspace.join(".epreuve").is_dir(),
    }
}
