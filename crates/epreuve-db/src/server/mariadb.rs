//! MariaDB's SQL: its catalogue (`information_schema`), its plan, its accounts.

use crate::SqlEngine;
use crate::load::{literal, quote_ident};
use epreuve_data::TextRow;

use super::dialect::{AccountNames, Dialect, ErrorMeaning};

/// MariaDB (or MySQL).
pub(super) struct MariaDb;

impl Dialect for MariaDb {
    fn error_meaning(&self, code: &str, lower: &str) -> Option<ErrorMeaning> {
        match code {
            // ER_STATEMENT_TIMEOUT (max_statement_time), and the SQLSTATE of an interrupted
            // query.
            "1969" | "70100" => Some(ErrorMeaning::Timeout),
            _ if lower.contains("max_statement_time") => Some(ErrorMeaning::Timeout),
            // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION.
            "1792" => Some(ErrorMeaning::Write),
            _ if lower.contains("read-only transaction") => Some(ErrorMeaning::Write),
            // ER_TABLEACCESS_DENIED_ERROR, ER_COLUMNACCESS_DENIED_ERROR.
            "1142" | "1143" => Some(ErrorMeaning::Denied),
            _ => None,
        }
    }

    fn relations(&self, schema: &str) -> String {
        format!(
            "SELECT TABLE_NAME, CASE WHEN TABLE_TYPE = 'VIEW' THEN 'view' ELSE 'table' END \
             FROM information_schema.TABLES WHERE TABLE_SCHEMA = {schema} ORDER BY 1"
        )
    }

    fn catalogue_relations(&self) -> &'static str {
        "SELECT TABLE_NAME FROM information_schema.TABLES"
    }

    // `tinyint(1)`, `decimal(4,2)`, `varchar(30)`: the type as declared.
    fn columns(&self, schema: &str, table: &str) -> String {
        format!(
            "SELECT COLUMN_NAME, COLUMN_TYPE, CAST(NUMERIC_PRECISION AS CHAR(10)), \
             CAST(NUMERIC_SCALE AS CHAR(10)), CAST(CHARACTER_MAXIMUM_LENGTH AS CHAR(10)) \
             FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = {schema} \
             AND lower(TABLE_NAME) = lower({table}) ORDER BY ORDINAL_POSITION"
        )
    }

    fn count(&self) -> &'static str {
        "COUNT(*)"
    }

    fn indexes(&self, schema: &str, table: &str) -> String {
        format!(
            "SELECT INDEX_NAME, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX SEPARATOR ','), \
             CASE WHEN MIN(NON_UNIQUE) = 0 THEN 'true' ELSE 'false' END \
             FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = {schema} \
             AND lower(TABLE_NAME) = lower({table}) GROUP BY INDEX_NAME ORDER BY INDEX_NAME"
        )
    }

    /// The columns, comma-separated as [`Dialect::indexes`] concatenates them.
    fn index_columns(&self, definition: &str) -> Vec<String> {
        definition.split(',').map(str::to_owned).collect()
    }

    /// The plan is a table: one line per step, `column=value`.
    fn plan_text(&self, names: &[String], rows: Vec<TextRow>) -> String {
        rows.into_iter()
            .map(|r| {
                names
                    .iter()
                    .zip(r)
                    .filter_map(|(n, v)| v.map(|v| format!("{n}={v}")))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// An account `'name'@'%'`, its name as a literal.
fn account(name: &str) -> String {
    format!("{}@'%'", literal(SqlEngine::MariaDb, name))
}

pub(super) fn create_accounts(
    names: &AccountNames,
    candidate_password: &str,
    grader_password: &str,
) -> Vec<String> {
    let database = quote_ident(SqlEngine::MariaDb, &names.database);
    let (candidate, grader) = (account(&names.candidate), account(&names.grader));
    vec![
        format!("CREATE DATABASE {database}"),
        format!(
            "CREATE USER {candidate} IDENTIFIED BY {}",
            literal(SqlEngine::MariaDb, candidate_password)
        ),
        format!("GRANT ALL PRIVILEGES ON {database}.* TO {candidate}"),
        format!(
            "CREATE USER {grader} IDENTIFIED BY {}",
            literal(SqlEngine::MariaDb, grader_password)
        ),
        format!("GRANT SELECT, SHOW VIEW ON {database}.* TO {grader}"),
    ]
}

pub(super) fn drop_accounts(names: &AccountNames) -> Vec<String> {
    vec![
        format!(
            "DROP DATABASE IF EXISTS {}",
            quote_ident(SqlEngine::MariaDb, &names.database)
        ),
        format!("DROP USER IF EXISTS {}", account(&names.candidate)),
        format!("DROP USER IF EXISTS {}", account(&names.grader)),
    ]
}

/// What a fresh MariaDB data folder runs at its bootstrap, while it listens on no port: root
/// gets a password nobody uses, then the accounts of `names` are made.
///
/// mariadb-install-db leaves root without a password on 127.0.0.1, ::1 and the host's name:
/// any local user could log in as root. Only root@localhost (the socket, which is private)
/// and root@127.0.0.1 stay, both with the administrator's password.
pub(super) fn bootstrap(
    root_password: &str,
    names: &AccountNames,
    candidate_password: &str,
    grader_password: &str,
) -> String {
    let root = literal(SqlEngine::MariaDb, root_password);
    let mut script = format!(
        "FLUSH PRIVILEGES;\n\
         DELETE FROM mysql.global_priv WHERE (User = 'root' AND Host NOT IN ('localhost', '127.0.0.1')) OR User = '';\n\
         FLUSH PRIVILEGES;\n\
         ALTER USER 'root'@'localhost' IDENTIFIED BY {root};\n\
         CREATE OR REPLACE USER 'root'@'127.0.0.1' IDENTIFIED BY {root};\n\
         GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;\n"
    );
    for statement in create_accounts(names, candidate_password, grader_password) {
        script.push_str(&statement);
        script.push_str(";\n");
    }
    script
}
