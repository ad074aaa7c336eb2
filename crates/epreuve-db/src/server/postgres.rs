//! PostgreSQL's SQL: its catalogue (`pg_catalog`, read with qualified names), its plan, its
//! accounts.

use crate::SqlEngine;
use crate::load::{literal, quote_ident};
use epreuve_data::TextRow;

use super::dialect::{AccountNames, Dialect, ErrorMeaning};

/// PostgreSQL.
pub(super) struct Postgres;

impl Dialect for Postgres {
    fn error_meaning(&self, code: &str, lower: &str) -> Option<ErrorMeaning> {
        match code {
            // query_canceled, which statement_timeout raises.
            "57014" => Some(ErrorMeaning::Timeout),
            // read_only_sql_transaction.
            "25006" => Some(ErrorMeaning::Write),
            // syntax_error, for "cannot insert multiple commands into a prepared statement".
            "42601" if lower.contains("multiple commands") => Some(ErrorMeaning::SeveralStatements),
            // insufficient_privilege, row-level security included.
            "42501" => Some(ErrorMeaning::Denied),
            _ if lower.contains("read-only transaction") => Some(ErrorMeaning::Write),
            _ => None,
        }
    }

    fn relations(&self, schema: &str) -> String {
        format!(
            "SELECT c.relname, CASE WHEN c.relkind IN ('v', 'm') THEN 'view' ELSE 'table' END \
             FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = {schema} AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY 1"
        )
    }

    fn catalogue_relations(&self) -> &'static str {
        "SELECT relname FROM pg_catalog.pg_class WHERE relkind IN ('r', 'p', 'v', 'm', 'f')"
    }

    // The catalogue itself: format_type spells `numeric(6,2)`, `character varying(30)`.
    fn columns(&self, schema: &str, table: &str) -> String {
        format!(
            "SELECT a.attname, pg_catalog.format_type(a.atttypid, NULL), \
             CASE WHEN a.atttypid = 1700 AND a.atttypmod >= 4 THEN ((a.atttypmod - 4) >> 16)::text END, \
             CASE WHEN a.atttypid = 1700 AND a.atttypmod >= 4 THEN ((a.atttypmod - 4) & 65535)::text END, \
             CASE WHEN a.atttypid IN (1042, 1043) AND a.atttypmod >= 4 THEN (a.atttypmod - 4)::text END \
             FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = {schema} AND lower(c.relname) = lower({table}) \
             AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"
        )
    }

    fn count(&self) -> &'static str {
        "pg_catalog.count(*)"
    }

    fn indexes(&self, schema: &str, table: &str) -> String {
        format!(
            "SELECT i.relname, pg_catalog.pg_get_indexdef(x.indexrelid), \
             CASE WHEN x.indisunique THEN 'true' ELSE 'false' END \
             FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid \
             JOIN pg_catalog.pg_class t ON t.oid = x.indrelid \
             JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace \
             WHERE n.nspname = {schema} AND lower(t.relname) = lower({table}) ORDER BY 1"
        )
    }

    fn index_columns(&self, definition: &str) -> Vec<String> {
        crate::backend::index_columns(definition)
    }

    /// One line of plan per row.
    fn plan_text(&self, _names: &[String], rows: Vec<TextRow>) -> String {
        rows.into_iter()
            .filter_map(|r| r.into_iter().next().flatten())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

pub(super) fn create_accounts(
    names: &AccountNames,
    candidate_password: &str,
    grader_password: &str,
) -> Vec<String> {
    let database = quote_ident(SqlEngine::Postgres, &names.database);
    let candidate = quote_ident(SqlEngine::Postgres, &names.candidate);
    let grader = quote_ident(SqlEngine::Postgres, &names.grader);
    let secret = |p: &str| literal(SqlEngine::Postgres, p);
    vec![
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
    ]
}

pub(super) fn drop_accounts(names: &AccountNames) -> Vec<String> {
    let quote = |name: &str| quote_ident(SqlEngine::Postgres, name);
    vec![
        format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            quote(&names.database)
        ),
        format!("DROP ROLE IF EXISTS {}", quote(&names.grader)),
        format!("DROP ROLE IF EXISTS {}", quote(&names.candidate)),
    ]
}
