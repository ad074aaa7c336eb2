//! The server engines, each by its module: the dialect grading reads with, and the accounts
//! an administrator makes for a candidate (a database, the candidate's role, the grading role).

use crate::SqlEngine;

use super::dialect::{AccountNames, Dialect};
use super::{mariadb, postgres};

/// The dialect of `engine` (DuckDB is not a server: PostgreSQL's is given).
pub(super) fn of(engine: SqlEngine) -> &'static dyn Dialect {
    match engine {
        SqlEngine::MariaDb => &mariadb::MariaDb,
        SqlEngine::Postgres | SqlEngine::DuckDb => &postgres::Postgres,
    }
}

/// The statements an administrator runs, one at a time (PostgreSQL does not create a
/// database inside a transaction), to create the database of `names` and both roles.
///
/// On PostgreSQL the grading role is a member of the candidate's role: it reads exactly what
/// the candidate owns, the candidate cannot take that away (revoking a membership needs an
/// admin option the candidate does not have), and it cannot read the password hashes that
/// `pg_read_all_data` would expose. On MariaDB it holds `SELECT, SHOW VIEW` on the
/// candidate's database only. Neither role is ever a superuser or able to create roles.
pub fn create_accounts(
    engine: SqlEngine,
    names: &AccountNames,
    candidate_password: &str,
    grader_password: &str,
) -> Vec<String> {
    match engine {
        SqlEngine::MariaDb => mariadb::create_accounts(names, candidate_password, grader_password),
        SqlEngine::Postgres | SqlEngine::DuckDb => {
            postgres::create_accounts(names, candidate_password, grader_password)
        }
    }
}

/// The statements that drop the database of `names` and both roles, whatever is left of them.
pub fn drop_accounts(engine: SqlEngine, names: &AccountNames) -> Vec<String> {
    match engine {
        SqlEngine::MariaDb => mariadb::drop_accounts(names),
        SqlEngine::Postgres | SqlEngine::DuckDb => postgres::drop_accounts(names),
    }
}

/// The script a fresh local MariaDB data folder runs at its bootstrap (`mariadbd
/// --bootstrap`, no network): root's password set, stray root and anonymous accounts
/// removed, then the accounts of `names` made.
pub fn mariadb_bootstrap(
    root_password: &str,
    names: &AccountNames,
    candidate_password: &str,
    grader_password: &str,
) -> String {
    mariadb::bootstrap(root_password, names, candidate_password, grader_password)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(name: &str) -> AccountNames {
        AccountNames {
            database: name.into(),
            candidate: name.into(),
            grader: format!("{name}_correcteur"),
        }
    }

    /// A name or a password that holds a quote or a backslash stays inside its literal or its
    /// identifier, on both engines (MariaDB reads backslashes in literals).
    #[test]
    fn names_and_passwords_stay_inside_their_quotes() {
        let hostile = names("epreuve_o'brien\\");
        let maria = create_accounts(SqlEngine::MariaDb, &hostile, "p'w\\", "g");
        assert!(
            maria.contains(
                &"CREATE USER 'epreuve_o''brien\\\\'@'%' IDENTIFIED BY 'p''w\\\\'".to_owned()
            ),
            "{maria:#?}"
        );
        assert!(maria.contains(&"GRANT SELECT, SHOW VIEW ON `epreuve_o'brien\\` TO 'epreuve_o''brien\\\\_correcteur'@'%'".replace("`epreuve_o'brien\\` TO", "`epreuve_o'brien\\`.* TO")), "{maria:#?}");
        let pg = create_accounts(SqlEngine::Postgres, &hostile, "p'w\\", "g");
        assert_eq!(
            pg[0],
            "CREATE ROLE \"epreuve_o'brien\\\" LOGIN PASSWORD 'p''w\\' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
        );
        assert!(
            pg.iter()
                .all(|s| !s.contains("SUPERUSER ") || s.contains("NOSUPERUSER"))
        );
        let dropped = drop_accounts(SqlEngine::MariaDb, &hostile);
        assert_eq!(dropped[1], "DROP USER IF EXISTS 'epreuve_o''brien\\\\'@'%'");
    }
}
