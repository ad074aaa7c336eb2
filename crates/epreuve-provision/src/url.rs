//! The `url` route: a server the training centre already runs. epreuve logs in with the
//! centre's account and creates one database per candidate, named after the candidate.

use epreuve_db::{Backend, DbError, Engine, ServerAddress, ServerDb, quote_ident};

use crate::wait::slug;
use crate::{DatabaseLocation, ProvisionError, Request};

pub(crate) fn provision(request: &Request) -> Result<DatabaseLocation, ProvisionError> {
    let url = request
        .url
        .as_deref()
        .ok_or_else(|| ProvisionError::Unsupported {
            detail:
                "--via url needs --url postgres://user:password@host:5432/postgres (or mysql://…)"
                    .into(),
        })?;
    let mut admin =
        ServerAddress::parse(url).map_err(|detail| ProvisionError::BadUrl { detail })?;
    if admin.engine != request.engine {
        return Err(ProvisionError::BadUrl {
            detail: format!(
                "the URL is a {} server but --engine is {}",
                admin.engine.label(),
                request.engine.label()
            ),
        });
    }
    if admin.database.is_empty() && admin.engine == Engine::Postgres {
        admin.database = "postgres".into();
    }
    request.cancel.check()?;
    let server = connect(&admin)?;
    let name = format!("epreuve_{}", slug(&request.candidate));
    let exists = match admin.engine {
        Engine::MariaDb => format!(
            "SELECT schema_name FROM information_schema.schemata WHERE schema_name = '{name}'"
        ),
        _ => format!("SELECT datname FROM pg_database WHERE datname = '{name}'"),
    };
    let found = server
        .candidate_query(&exists, 1)
        .map_err(ProvisionError::Db)?;
    if found.frame.height() > 0 {
        return Err(ProvisionError::DatabaseExists {
            name,
            url: admin.redacted(),
        });
    }
    server.execute(&format!(
        "CREATE DATABASE {}",
        quote_ident(admin.engine, &name)
    ))?;
    let address = ServerAddress {
        database: name,
        ..admin
    };
    let location = DatabaseLocation::Url { address };
    if request.cancel.is_cancelled() {
        let _ = drop_database(&location);
        return Err(ProvisionError::Cancelled);
    }
    Ok(location)
}

/// Drops the candidate's database from the shared server.
pub(crate) fn drop_database(location: &DatabaseLocation) -> Result<(), ProvisionError> {
    let DatabaseLocation::Url { address } = location else {
        return Ok(());
    };
    let admin = ServerAddress {
        database: match address.engine {
            Engine::MariaDb => String::new(),
            _ => "postgres".into(),
        },
        ..address.clone()
    };
    let server = connect(&admin)?;
    let name = quote_ident(address.engine, &address.database);
    let sql = match address.engine {
        Engine::MariaDb => format!("DROP DATABASE IF EXISTS {name}"),
        _ => format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
    };
    server.execute(&sql)?;
    Ok(())
}

fn connect(address: &ServerAddress) -> Result<ServerDb, ProvisionError> {
    ServerDb::connect(address).map_err(|e| match e {
        DbError::Unavailable { detail, .. } => ProvisionError::Unreachable {
            url: address.redacted(),
            detail,
        },
        other => ProvisionError::Db(other),
    })
}
