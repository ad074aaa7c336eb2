//! The accounts of a server database: the candidate's, which owns the candidate's database
//! and nothing else (never a superuser, never able to create roles or read other databases),
//! and the grading account, which reads that database and nothing else.
//!
//! On PostgreSQL the grading account is a member of the candidate's role: it reads exactly
//! what the candidate owns, the candidate cannot take that away (revoking a membership needs
//! an admin option the candidate does not have), and it cannot read the password hashes that
//! `pg_read_all_data` would expose. On MariaDB it holds `SELECT, SHOW VIEW` on the candidate's
//! database only. Both are created by an administrator account whose password epreuve never
//! writes into the workspace.

use epreuve_db::{Engine, Loader, ServerAddress, ServerDb, quote_ident};

use crate::ProvisionError;
use crate::wait::random_token;

/// The candidate's account and the grading account of one database.
#[derive(Debug, Clone)]
pub(crate) struct Accounts {
    /// How the candidate logs in to their database.
    pub candidate: ServerAddress,
    /// How grading logs in to it.
    pub grader: ServerAddress,
}

/// Names of the database and of the two roles.
#[derive(Debug, Clone)]
pub(crate) struct Names {
    /// The candidate's database.
    pub database: String,
    /// The candidate's role.
    pub candidate: String,
    /// The grading role.
    pub grader: String,
}

impl Names {
    /// The names of a server epreuve made for one workspace.
    pub fn single() -> Self {
        Self {
            database: "epreuve".into(),
            candidate: "epreuve".into(),
            grader: crate::GRADER.into(),
        }
    }

    /// The names on a shared server, after the candidate's identifier.
    pub fn shared(slug: &str) -> Self {
        Self {
            database: format!("epreuve_{slug}"),
            candidate: format!("epreuve_{slug}"),
            grader: format!("epreuve_{slug}_correcteur"),
        }
    }
}

/// The statements an administrator runs, one at a time (PostgreSQL does not create a
/// database inside a transaction), to create the database and both roles.
pub(crate) fn statements(
    engine: Engine,
    names: &Names,
    candidate_password: &str,
    grader_password: &str,
) -> Vec<String> {
    let database = quote_ident(engine, &names.database);
    let candidate = quote_ident(engine, &names.candidate);
    let grader = quote_ident(engine, &names.grader);
    let secret = |p: &str| format!("'{}'", p.replace('\'', "''"));
    match engine {
        Engine::MariaDb => vec![
            format!("CREATE DATABASE {database}"),
            format!(
                "CREATE USER '{}'@'%' IDENTIFIED BY {}",
                names.candidate,
                secret(candidate_password)
            ),
            format!(
                "GRANT ALL PRIVILEGES ON {database}.* TO '{}'@'%'",
                names.candidate
            ),
            format!(
                "CREATE USER '{}'@'%' IDENTIFIED BY {}",
                names.grader,
                secret(grader_password)
            ),
            format!(
                "GRANT SELECT, SHOW VIEW ON {database}.* TO '{}'@'%'",
                names.grader
            ),
        ],
        _ => vec![
            format!(
                "CREATE ROLE {candidate} LOGIN PASSWORD {} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS",
                secret(candidate_password)
            ),
            format!("CREATE DATABASE {database} OWNER {candidate}"),
            format!("REVOKE ALL ON DATABASE {database} FROM PUBLIC"),
            format!(
                "CREATE ROLE {grader} LOGIN PASSWORD {} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION",
                secret(grader_password)
            ),
            format!("GRANT {candidate} TO {grader}"),
            format!("GRANT CONNECT ON DATABASE {database} TO {grader}"),
        ],
    }
}

/// Creates the database and both roles on the server `admin` logs in to; returns their
/// addresses. Nothing is left half-made: what was created is dropped when a step fails.
pub(crate) fn create(admin: &ServerAddress, names: &Names) -> Result<Accounts, ProvisionError> {
    let candidate_password = random_token(20)?;
    let grader_password = random_token(20)?;
    let server = ServerDb::connect(admin)?;
    for statement in statements(admin.engine, names, &candidate_password, &grader_password) {
        if let Err(error) = server.execute(&statement) {
            drop_all(&server, admin.engine, names);
            return Err(error.into());
        }
    }
    Ok(made(admin, names, candidate_password, grader_password))
}

/// The addresses of accounts made with these passwords.
pub(crate) fn made(
    admin: &ServerAddress,
    names: &Names,
    candidate_password: String,
    grader_password: String,
) -> Accounts {
    Accounts {
        candidate: ServerAddress {
            user: names.candidate.clone(),
            password: candidate_password,
            database: names.database.clone(),
            ..admin.clone()
        },
        grader: ServerAddress {
            user: names.grader.clone(),
            password: grader_password,
            database: names.database.clone(),
            ..admin.clone()
        },
    }
}

/// Drops the database and both roles, whatever is left of them.
pub(crate) fn drop_all(server: &ServerDb, engine: Engine, names: &Names) {
    let database = quote_ident(engine, &names.database);
    let statements = match engine {
        Engine::MariaDb => vec![
            format!("DROP DATABASE IF EXISTS {database}"),
            format!("DROP USER IF EXISTS '{}'@'%'", names.candidate),
            format!("DROP USER IF EXISTS '{}'@'%'", names.grader),
        ],
        _ => vec![
            format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"),
            format!("DROP ROLE IF EXISTS {}", quote_ident(engine, &names.grader)),
            format!(
                "DROP ROLE IF EXISTS {}",
                quote_ident(engine, &names.candidate)
            ),
        ],
    };
    for statement in statements {
        if let Err(error) = server.execute(&statement) {
            tracing::warn!("cleaning up `{}`: {error}", names.database);
        }
    }
}
