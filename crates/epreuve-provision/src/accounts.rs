//! The accounts of a server database: the candidate's, which owns the candidate's database
//! and nothing else (never a superuser, never able to create roles or read other databases),
//! and the grading account, which reads that database and nothing else.
//!
//! What each account may do is the engine's ([`epreuve_db::create_accounts`] for the SQL
//! servers, `epreuve_db::mongo` for MongoDB), made through [`epreuve_db::administer`] by an
//! administrator account whose password epreuve never writes into the workspace.

use epreuve_db::{AccountNames, Administration, ServerAddress, administer};

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
pub(crate) type Names = AccountNames;

/// The names of a server epreuve made for one workspace.
pub(crate) fn single() -> Names {
    Names {
        database: "epreuve".into(),
        candidate: "epreuve".into(),
        grader: crate::GRADER.into(),
    }
}

/// The names on a shared server, after the candidate's identifier.
pub(crate) fn shared(slug: &str) -> Names {
    Names {
        database: format!("epreuve_{slug}"),
        candidate: format!("epreuve_{slug}"),
        grader: format!("epreuve_{slug}_correcteur"),
    }
}

/// Creates the database and both roles on the server `admin` logs in to; returns their
/// addresses. Nothing is left half-made: what was created is dropped when a step fails.
pub(crate) fn create(admin: &ServerAddress, names: &Names) -> Result<Accounts, ProvisionError> {
    let candidate_password = random_token(20)?;
    let grader_password = random_token(20)?;
    administer(admin)?.create_accounts(names, &candidate_password, &grader_password)?;
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
pub(crate) fn drop_all(server: &dyn Administration, names: &Names) {
    server.drop_accounts(names);
}
