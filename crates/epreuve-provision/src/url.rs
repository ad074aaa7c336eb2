//! The `url` route: a server the training centre already runs. epreuve logs in with the
//! centre's account and creates, per candidate, a database, a role of the candidate's own that
//! reaches only that database, and a grading role that reads only it (see
//! [`crate::accounts`]). The centre's account is used for that and for `db down`, never stored
//! in the workspace, never shown to the candidate, never used to run a candidate's query.

use epreuve_db::{Administration, DbError, Engine, ServerAddress, administer};

use crate::accounts::{self};
use crate::wait::slug;
use crate::{DatabaseLocation, ProvisionError, Request};
use epreuve_i18n::said;

/// The centre's account, from `--url`.
fn admin(url: Option<&str>, engine: Engine) -> Result<ServerAddress, ProvisionError> {
    let url = url.ok_or_else(|| ProvisionError::Unsupported {
        detail: said!("url-needs-url"),
    })?;
    let mut admin =
        ServerAddress::parse(url).map_err(|detail| ProvisionError::BadUrl { detail })?;
    if admin.engine != engine {
        return Err(ProvisionError::BadUrl {
            detail: said!(
                "url-other-engine",
                url = admin.engine.label(),
                engine = engine.label()
            ),
        });
    }
    // The database the centre's account logs in to.
    match admin.engine {
        Engine::Postgres if admin.database.is_empty() => admin.database = "postgres".into(),
        Engine::Postgres | Engine::DuckDb => {}
        Engine::MariaDb => admin.database = String::new(),
        // Accounts are looked for in `admin` (the URL's authSource).
        Engine::MongoDb => admin.database = "admin".into(),
    }
    Ok(admin)
}

pub(crate) fn provision(request: &Request) -> Result<DatabaseLocation, ProvisionError> {
    let admin = admin(request.url.as_deref(), request.engine)?;
    request.cancel.check()?;
    let server = connect(&admin)?;
    let names = accounts::shared(&slug(&request.candidate));
    if server
        .database_exists(&names.database)
        .map_err(ProvisionError::Db)?
    {
        return Err(ProvisionError::DatabaseExists {
            name: names.database,
            url: admin.redacted(),
        });
    }
    drop(server);
    let made = accounts::create(&admin, &names)?;
    let location = DatabaseLocation::Url {
        address: made.candidate,
        grader: Some(made.grader),
    };
    if request.cancel.is_cancelled() {
        let _ = drop_database(&location, request.url.as_deref());
        return Err(ProvisionError::Cancelled);
    }
    Ok(location)
}

/// Drops the candidate's database and both roles from the shared server, logged in with the
/// centre's account.
pub(crate) fn drop_database(
    location: &DatabaseLocation,
    admin_url: Option<&str>,
) -> Result<(), ProvisionError> {
    let DatabaseLocation::Url { address, .. } = location else {
        return Ok(());
    };
    let admin = admin(admin_url, address.engine).map_err(|_| ProvisionError::Unsupported {
        detail: said!("url-drop-needs-account"),
    })?;
    if admin.host != address.host || admin.port != address.port {
        return Err(ProvisionError::BadUrl {
            detail: said!(
                "url-other-server",
                host = &address.host,
                port = address.port.to_string()
            ),
        });
    }
    let database = address.database.as_str();
    let Some(slug) = database.strip_prefix("epreuve_") else {
        return Err(ProvisionError::Unsupported {
            detail: said!("url-not-ours", database = database),
        });
    };
    let server = connect(&admin)?;
    accounts::drop_all(server.as_ref(), &accounts::shared(slug));
    Ok(())
}

fn connect(address: &ServerAddress) -> Result<Box<dyn Administration>, ProvisionError> {
    administer(address).map_err(|e| match e {
        DbError::Unavailable { detail, .. } => ProvisionError::Unreachable {
            url: address.redacted(),
            detail,
        },
        other => ProvisionError::Db(other),
    })
}
