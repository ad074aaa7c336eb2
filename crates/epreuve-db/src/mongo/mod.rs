//! MongoDB, a document store, as grading sees it: each collection of the candidate's database
//! a table, each top-level field a column, each document a row.
//!
//! - A field's declared type is the BSON type its values have (one type: its family; several:
//!   none), with the `maxLength` of the collection's `$jsonSchema` validator for a string.
//! - Values come back as text in the spelling the SQL engines use (see [`text::bson_text`]).
//! - The candidate's saved queries are Extended JSON files read by [`query::SavedQuery`]:
//!   epreuve builds each command itself, refuses what writes or runs code, and sends
//!   `maxTimeMS` with a client deadline; rows are capped while the cursor streams.
//!
//! Through the official driver (`mongodb` crate), on a current-thread runtime of its own.

mod accounts;
mod freeze;
pub mod json;
mod load;
mod plan;
pub mod query;
pub mod text;

use epreuve_data::TextRow;
use epreuve_i18n::{Said, said};
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use mongodb::bson::{Bson, Document, doc};
use mongodb::options::ClientOptions;

use crate::backend::{Capabilities, ColumnInfo, IndexInfo, QueryResult, Relation};
use crate::{Backend, DbError, Engine, Query, ServerAddress};
use query::SavedQuery;
use text::{FieldTypes, bson_text, validator_fields};

/// Documents fetched per round trip.
const BATCH: i32 = 1000;
/// How long the server may take to be found.
const SELECTION: Duration = Duration::from_secs(10);
/// What the client waits beyond the server's own `maxTimeMS` before giving up.
const GRACE: Duration = Duration::from_secs(5);
/// How long a question of epreuve's own may take.
const INTERNAL_LIMIT: Duration = Duration::from_secs(120);

/// A MongoDB database (any server that speaks MongoDB's wire protocol).
pub struct MongoDb {
    address: ServerAddress,
    runtime: tokio::runtime::Runtime,
    client: mongodb::Client,
    /// How long a candidate's query may run.
    timeout: Duration,
    /// The fields of each collection, scanned once: grading asks for them in several checks,
    /// and a scan reads every document. Emptied by every write of a loader.
    fields: std::sync::Mutex<std::collections::HashMap<String, Vec<ColumnInfo>>>,
    /// The values of the last collection whose fields were scanned, as text, kept until
    /// [`Backend::table_text`] asks for them: grading asks a table's columns, then its values,
    /// and on a server that sends documents slowly one pass instead of two is most of the
    /// saving. One collection at a time, taken by the first reading.
    scanned_rows: std::sync::Mutex<Option<(String, Vec<TextRow>)>>,
    /// The name as stored of each collection asked for, until a write: grading asks a
    /// collection's columns, count, values and indexes, and the server is asked its name once.
    stored_names: std::sync::Mutex<std::collections::HashMap<String, String>>,
}

impl std::fmt::Debug for MongoDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MongoDb")
            .field("address", &self.address.redacted())
            .finish()
    }
}

impl MongoDb {
    /// Connects to the database at `address` and checks at once that it answers `ping`.
    pub fn connect(address: &ServerAddress) -> Result<Self, DbError> {
        let unavailable = |detail: Said| DbError::Unavailable {
            target: address.redacted(),
            detail,
        };
        // A server that is not there is said at once: the driver would look for it for
        // SELECTION seconds before giving up.
        reachable(&address.host, address.port).map_err(&unavailable)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| unavailable(Said::verbatim(e.to_string())))?;
        let client = runtime.block_on(async {
            let mut options = ClientOptions::parse(address.url())
                .await
                .map_err(|e| unavailable(Said::verbatim(e.to_string())))?;
            options.server_selection_timeout = Some(SELECTION);
            options.connect_timeout = Some(SELECTION);
            options.app_name = Some("epreuve".into());
            mongodb::Client::with_options(options)
                .map_err(|e| unavailable(Said::verbatim(e.to_string())))
        })?;
        let db = Self {
            address: address.clone(),
            runtime,
            client,
            timeout: Duration::from_secs(30),
            fields: std::sync::Mutex::default(),
            scanned_rows: std::sync::Mutex::default(),
            stored_names: std::sync::Mutex::default(),
        };
        db.ping()?;
        Ok(db)
    }

    /// Sets how long a candidate's query may run.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The address this backend talks to.
    pub fn address(&self) -> &ServerAddress {
        &self.address
    }

    /// The candidate's database.
    pub fn database(&self) -> mongodb::Database {
        self.client.database(&self.address.database)
    }

    /// The driver's client, for the writes of provisioning and of shipped solutions.
    pub fn client(&self) -> &mongodb::Client {
        &self.client
    }

    /// Runs `work` on this backend's runtime.
    pub fn block_on<T>(&self, work: impl std::future::Future<Output = T>) -> T {
        self.runtime.block_on(work)
    }

    /// Runs a command of epreuve's own on the candidate's database (or `admin`) and returns
    /// its answer; failures are the database's state, [`DbError::Internal`].
    fn internal_command(&self, admin: bool, command: Document) -> Result<Document, DbError> {
        let name = command.keys().next().cloned().unwrap_or_default();
        let db = if admin {
            self.client.database("admin")
        } else {
            self.database()
        };
        self.runtime
            .block_on(async { tokio::time::timeout(INTERNAL_LIMIT, db.run_command(command)).await })
            .map_err(|_| too_late(&name))?
            .map_err(|e| internal_error(&name, &e))
    }

    /// Every document a cursor command of epreuve's own returns, at most `max` (and whether
    /// there were more).
    fn internal_cursor(
        &self,
        command: Document,
        max: usize,
    ) -> Result<(Vec<Document>, bool), DbError> {
        let name = command.keys().next().cloned().unwrap_or_default();
        let db = self.database();
        self.runtime
            .block_on(async {
                tokio::time::timeout(INTERNAL_LIMIT, async {
                    let cursor = db.run_cursor_command(command).await?;
                    collect(cursor, max).await
                })
                .await
            })
            .map_err(|_| too_late(&name))?
            .map_err(|e| internal_error(&name, &e))
    }

    /// Runs a saved query with the candidate's deadline and row cap.
    fn run_saved(
        &self,
        query: &SavedQuery,
        max_rows: usize,
    ) -> Result<(Vec<Document>, bool), DbError> {
        let limit_ms = i64::try_from(self.timeout.as_millis()).unwrap_or(i64::MAX);
        let command = query.command(limit_ms, BATCH);
        let db = match query {
            SavedQuery::ListDatabases => self.client.database("admin"),
            _ => self.database(),
        };
        let seconds = self.timeout.as_secs().max(1);
        let outcome = self.runtime.block_on(async {
            tokio::time::timeout(self.timeout + GRACE, async {
                if matches!(query, SavedQuery::ListDatabases) {
                    let names: Vec<Document> = database_names(&db, command)
                        .await?
                        .into_iter()
                        .map(|name| doc! { "name": name })
                        .collect();
                    let more = names.len() > max_rows;
                    Ok((names.into_iter().take(max_rows).collect(), more))
                } else {
                    let cursor = db.run_cursor_command(command).await?;
                    collect(cursor, max_rows).await
                }
            })
            .await
        });
        match outcome {
            Err(_) => Err(DbError::Timeout { seconds }),
            Ok(Err(e)) if code_of(&e) == Some(50) => Err(DbError::Timeout { seconds }),
            Ok(Err(e)) if code_of(&e) == Some(13) => Err(DbError::Denied {
                detail: words(&e).english(),
            }),
            Ok(Err(e)) => Err(DbError::Query { detail: words(&e) }),
            Ok(Ok(found)) => Ok(found),
        }
    }

    /// The options `listCollections` gives for `table` (its validator among them).
    fn collection_options(&self, table: &str) -> Result<Document, DbError> {
        let (found, _) = self.internal_cursor(
            doc! { "listCollections": 1, "filter": { "name": table } },
            1,
        )?;
        Ok(found
            .into_iter()
            .next()
            .and_then(|c| c.get_document("options").ok().cloned())
            .unwrap_or_default())
    }

    /// The name as stored of the collection `wanted`, matched without regard to case as the
    /// SQL engines match unquoted names.
    fn stored_name(&self, wanted: &str) -> Result<String, DbError> {
        if let Some(known) = self
            .stored_names
            .lock()
            .ok()
            .and_then(|names| names.get(wanted).cloned())
        {
            return Ok(known);
        }
        let relations = self.relations_named(&[wanted.to_owned()])?;
        let stored = Relation::find(&relations, wanted)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| wanted.to_owned());
        if let Ok(mut names) = self.stored_names.lock() {
            names.insert(wanted.to_owned(), stored.clone());
        }
        Ok(stored)
    }
}

/// A read of epreuve's own (`command`) the server did not answer within [`INTERNAL_LIMIT`].
fn too_late(command: &str) -> DbError {
    DbError::Internal {
        sql: command.to_owned(),
        detail: said!(
            "db-no-answer",
            seconds = INTERNAL_LIMIT.as_secs().to_string()
        ),
    }
}

/// The collections and views `listCollections` answered, its own `system.` ones left out,
/// sorted by name.
fn relations_of(found: &[Document]) -> Vec<Relation> {
    let mut relations: Vec<Relation> = found
        .iter()
        .filter_map(|c| {
            let name = c.get_str("name").ok()?;
            (!name.starts_with("system.")).then(|| Relation {
                name: name.to_owned(),
                view: c.get_str("type").is_ok_and(|t| t != "collection"),
            })
        })
        .collect();
    relations.sort_by(|a, b| a.name.cmp(&b.name));
    relations
}

/// A `listCollections` filter for the names `wanted`, each matched whole and without regard
/// to case (as SQL engines match unquoted names), its punctuation taken literally.
fn names_filter(wanted: &[String]) -> Document {
    let any: Vec<Bson> = wanted
        .iter()
        .map(|name| {
            let literal: String = name
                .chars()
                .flat_map(|c| {
                    let escape = c.is_ascii_punctuation() || c == ' ';
                    escape.then_some('\\').into_iter().chain(Some(c))
                })
                .collect();
            Bson::Document(doc! { "name": { "$regex": format!("^{literal}$"), "$options": "i" } })
        })
        .collect();
    doc! { "$or": any }
}

/// Whether something listens at `host:port`; the reason in a few words when not.
fn reachable(host: &str, port: u16) -> Result<(), Said> {
    use std::net::ToSocketAddrs;
    let addresses: Vec<std::net::SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| said!("mongo-host-unknown", host = host, error = e.to_string()))?
        .collect();
    let mut last = said!("mongo-host-no-address", host = host);
    for address in addresses {
        match std::net::TcpStream::connect_timeout(&address, SELECTION) {
            Ok(_) => return Ok(()),
            Err(e) => last = said!("mongo-no-server", error = e.to_string()),
        }
    }
    Err(last)
}

/// At most `max` documents of `cursor`, and whether there were more.
async fn collect(
    mut cursor: mongodb::Cursor<Document>,
    max: usize,
) -> Result<(Vec<Document>, bool), mongodb::error::Error> {
    let mut found = Vec::new();
    while let Some(document) = cursor.try_next().await? {
        if found.len() == max {
            return Ok((found, true));
        }
        found.push(document);
    }
    Ok((found, false))
}

/// The databases `listDatabases` names for the account logged in. MongoDB answers any account
/// with the databases it holds rights on (`authorizedDatabases`); a server that refuses the
/// command instead is answered the same way, from the account's roles (`connectionStatus`).
async fn database_names(
    admin: &mongodb::Database,
    command: Document,
) -> Result<Vec<String>, mongodb::error::Error> {
    match admin.run_command(command).await {
        Ok(answer) => Ok(answer
            .get_array("databases")
            .map(|list| {
                list.iter()
                    .filter_map(|d| d.as_document()?.get_str("name").ok())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()),
        Err(error) if code_of(&error) == Some(13) => {
            let status = admin
                .run_command(doc! { "connectionStatus": 1, "showPrivileges": true })
                .await?;
            let mut names: Vec<String> = status
                .get_document("authInfo")
                .and_then(|a| a.get_array("authenticatedUserRoles"))
                .map(|roles| {
                    roles
                        .iter()
                        .filter_map(|r| r.as_document()?.get_str("db").ok())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            names.sort();
            names.dedup();
            Ok(names)
        }
        Err(error) => Err(error),
    }
}

/// The server's error code, when the server answered with one.
fn code_of(error: &mongodb::error::Error) -> Option<i32> {
    match error.kind.as_ref() {
        mongodb::error::ErrorKind::Command(command) => Some(command.code),
        _ => None,
    }
}

/// The server's own words, without the driver's wrapping; when no server was reached, what
/// stopped the connection in one line rather than the driver's view of the topology.
fn words(error: &mongodb::error::Error) -> Said {
    use mongodb::error::ErrorKind;
    match error.kind.as_ref() {
        ErrorKind::Command(command) => Said::verbatim(command.message.clone()),
        ErrorKind::ServerSelection { message, .. } => {
            let cause = [
                "Connection refused",
                "timed out",
                "Authentication failed",
                "TLS",
            ]
            .into_iter()
            .find(|c| message.contains(c));
            match cause {
                Some(cause) => said!("mongo-no-server", error = cause.to_lowercase()),
                None => said!(
                    "mongo-no-server-within",
                    seconds = SELECTION.as_secs().to_string()
                ),
            }
        }
        ErrorKind::Authentication { message, .. } => {
            said!("mongo-authentication", error = message.as_str())
        }
        other => Said::verbatim(other.to_string()),
    }
}

fn internal_error(name: &str, error: &mongodb::error::Error) -> DbError {
    if code_of(error) == Some(13) {
        // The server's own words (a command's error).
        DbError::Denied {
            detail: words(error).english(),
        }
    } else {
        DbError::Internal {
            sql: name.to_owned(),
            detail: words(error),
        }
    }
}

/// Every field of `documents`, in the order first seen: the columns of a result.
fn field_names(documents: &[Document]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for document in documents {
        for key in document.keys() {
            if !names.contains(key) {
                names.push(key.clone());
            }
        }
    }
    names
}

/// The fields an inclusion projection asks for (`{"_id": 0, "sku": 1}` → `sku`), in its order;
/// `_id` unless it is excluded. An exclusion projection names none.
fn projected_fields(projection: &Document) -> Vec<String> {
    let included = |value: &Bson| match value {
        Bson::Boolean(b) => *b,
        Bson::Int32(n) => *n != 0,
        Bson::Int64(n) => *n != 0,
        Bson::Double(d) => *d != 0.0,
        // `"$field"` or an expression computes the field: it is there.
        _ => true,
    };
    let fields: Vec<String> = projection
        .iter()
        .filter(|(name, value)| name.as_str() != "_id" && included(value))
        .map(|(name, _)| name.clone())
        .collect();
    if fields.is_empty() {
        return fields;
    }
    let id = projection.get("_id").is_none_or(included);
    id.then(|| "_id".to_owned())
        .into_iter()
        .chain(fields)
        .collect()
}

impl MongoDb {
    /// Every top-level field of `table` (a stored name) with its declared type: the BSON types
    /// its values have, and the validator's `maxLength`.
    fn scan_columns(&self, table: &str) -> Result<Vec<ColumnInfo>, DbError> {
        let (columns, rows, _) = self.scan(table, usize::MAX)?;
        if let Ok(mut kept) = self.scanned_rows.lock() {
            *kept = Some((table.to_owned(), rows));
        }
        Ok(columns)
    }

    /// Reads the documents of `table` (a stored name) once, at most `max_rows` of them: the
    /// fields seen, in the order first seen, with their declared types (complete when nothing
    /// was left), each document as a row of text in that order, and whether there were more.
    fn scan(
        &self,
        table: &str,
        max_rows: usize,
    ) -> Result<(Vec<ColumnInfo>, Vec<TextRow>, bool), DbError> {
        let table = table.to_owned();
        let lengths: Vec<(String, Option<u32>)> =
            validator_fields(&self.collection_options(&table)?)
                .into_iter()
                .map(|(name, _, length)| (name, length))
                .collect();
        let mut fields: Vec<(String, FieldTypes)> = Vec::new();
        let mut rows: Vec<TextRow> = Vec::new();
        let mut truncated = false;
        let db = self.database();
        // The whole read has the deadline of epreuve's other reads: a server that stops
        // answering mid-scan is not waited on past it.
        let read = async {
            let mut cursor = db
                .run_cursor_command(doc! { "find": &table, "batchSize": BATCH })
                .await?;
            let mut read = 0usize;
            while let Some(document) = cursor.try_next().await? {
                if read == max_rows {
                    truncated = true;
                    break;
                }
                read += 1;
                for (key, value) in &document {
                    if key == "_id" {
                        continue;
                    }
                    match fields.iter_mut().find(|(name, _)| name == key) {
                        Some((_, types)) => types.see(value),
                        None => {
                            let mut types = FieldTypes::default();
                            types.see(value);
                            fields.push((key.clone(), types));
                        }
                    }
                }
                rows.push(
                    fields
                        .iter()
                        .map(|(name, _)| document.get(name).and_then(bson_text))
                        .collect(),
                );
            }
            Ok::<(), mongodb::error::Error>(())
        };
        let scanned = self
            .runtime
            .block_on(async { tokio::time::timeout(INTERNAL_LIMIT, read).await });
        scanned
            .map_err(|_| too_late("find"))?
            .map_err(|e| internal_error("find", &e))?;
        let columns = fields
            .into_iter()
            .map(|(name, types)| {
                let length = lengths
                    .iter()
                    .find(|(n, _)| *n == name)
                    .and_then(|(_, l)| *l);
                ColumnInfo {
                    declared: types.declared(length),
                    name,
                }
            })
            .collect::<Vec<_>>();
        for row in &mut rows {
            row.resize(columns.len(), None);
        }
        Ok((columns, rows, truncated))
    }

    /// Forgets the fields scanned, after a write.
    pub(crate) fn forget_fields(&self) {
        if let Ok(mut fields) = self.fields.lock() {
            fields.clear();
        }
        if let Ok(mut names) = self.stored_names.lock() {
            names.clear();
        }
        if let Ok(mut kept) = self.scanned_rows.lock() {
            *kept = None;
        }
    }

    /// The rows the last scan of `table` kept, taken (see `scanned_rows`).
    fn take_scanned_rows(&self, table: &str) -> Option<Vec<TextRow>> {
        let mut kept = self.scanned_rows.lock().ok()?;
        if kept.as_ref().is_some_and(|(name, _)| name == table) {
            kept.take().map(|(_, rows)| rows)
        } else {
            None
        }
    }

    fn count_documents(&self, table: &str) -> Result<u64, DbError> {
        let table = self.stored_name(table)?;
        let (found, _) = self.internal_cursor(
            doc! { "aggregate": &table, "pipeline": [{ "$count": "n" }], "cursor": {} },
            1,
        )?;
        Ok(found
            .first()
            .and_then(|d| match d.get("n") {
                Some(Bson::Int32(n)) => u64::try_from(*n).ok(),
                Some(Bson::Int64(n)) => u64::try_from(*n).ok(),
                Some(Bson::Double(n)) => Some(*n as u64),
                _ => None,
            })
            .unwrap_or(0))
    }
}

impl Backend for MongoDb {
    fn engine(&self) -> Engine {
        Engine::MongoDb
    }

    fn capabilities(&self) -> Capabilities {
        // A string's length is kept where the validator declares a `maxLength`; BSON's
        // decimals and doubles have no declared precision.
        Capabilities {
            keeps_text_length: true,
            keeps_decimal_precision: false,
        }
    }

    fn describe(&self) -> String {
        self.address.redacted()
    }

    fn ping(&self) -> Result<(), DbError> {
        let admin = self.client.database("admin");
        self.runtime
            .block_on(async {
                tokio::time::timeout(INTERNAL_LIMIT, admin.run_command(doc! { "ping": 1 })).await
            })
            .map_err(|_| {
                said!(
                    "db-no-answer",
                    seconds = INTERNAL_LIMIT.as_secs().to_string()
                )
            })
            .and_then(|answer| answer.map_err(|e| words(&e)))
            .map(|_| ())
            .map_err(|detail| DbError::Unavailable {
                target: self.address.redacted(),
                detail,
            })
    }

    fn tables(&self) -> Result<Vec<Relation>, DbError> {
        let (found, _) =
            self.internal_cursor(doc! { "listCollections": 1, "nameOnly": true }, 100_000)?;
        Ok(relations_of(&found))
    }

    fn relations_named(&self, wanted: &[String]) -> Result<Vec<Relation>, DbError> {
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let (found, _) = self.internal_cursor(
            doc! { "listCollections": 1, "nameOnly": true, "filter": names_filter(wanted) },
            10_000,
        )?;
        Ok(relations_of(&found))
    }

    fn catalogue_tables(&self) -> Result<Vec<String>, DbError> {
        let admin = self.client.database("admin");
        let command = SavedQuery::ListDatabases.command(0, BATCH);
        self.runtime
            .block_on(async {
                tokio::time::timeout(INTERNAL_LIMIT, database_names(&admin, command)).await
            })
            .map_err(|_| too_late("listDatabases"))?
            .map_err(|e| internal_error("listDatabases", &e))
    }

    fn columns(&self, table: &str) -> Result<Vec<ColumnInfo>, DbError> {
        let table = self.stored_name(table)?;
        if let Some(known) = self.fields.lock().ok().and_then(|f| f.get(&table).cloned()) {
            return Ok(known);
        }
        let scanned = self.scan_columns(&table)?;
        if let Ok(mut fields) = self.fields.lock() {
            fields.insert(table, scanned.clone());
        }
        Ok(scanned)
    }

    fn row_count(&self, table: &str) -> Result<u64, DbError> {
        self.count_documents(table)
    }
    fn table_text(&self, table: &str, max_rows: usize) -> Result<QueryResult, DbError> {
        let table = self.stored_name(table)?;
        let started = Instant::now();
        let known = self.fields.lock().ok().and_then(|f| f.get(&table).cloned());
        let kept = known.as_ref().and_then(|_| self.take_scanned_rows(&table));
        let (columns, rows, truncated) = match (known, kept) {
            // Read with the fields a moment ago.
            (Some(columns), Some(mut rows)) => {
                let truncated = rows.len() > max_rows;
                rows.truncate(max_rows);
                (columns, rows, truncated)
            }
            (Some(columns), None) => {
                let (documents, truncated) =
                    self.internal_cursor(doc! { "find": &table, "batchSize": BATCH }, max_rows)?;
                let rows = documents
                    .iter()
                    .map(|d| {
                        columns
                            .iter()
                            .map(|c| d.get(&c.name).and_then(bson_text))
                            .collect()
                    })
                    .collect();
                (columns, rows, truncated)
            }
            // The fields not known yet: one pass reads them and the values together.
            (None, _) => {
                let (columns, rows, truncated) = self.scan(&table, max_rows)?;
                if !truncated && let Ok(mut fields) = self.fields.lock() {
                    fields.insert(table.clone(), columns.clone());
                }
                (columns, rows, truncated)
            }
        };
        let names = columns.into_iter().map(|c| c.name).collect();
        Ok(QueryResult {
            columns: crate::rows::columns_from_rows(names, rows)?,
            truncated,
            elapsed: started.elapsed(),
        })
    }

    fn candidate_query(&self, query: Query<'_>, max_rows: usize) -> Result<QueryResult, DbError> {
        let text = query.document()?;
        let query = SavedQuery::parse(text).map_err(|detail| DbError::Query { detail })?;
        let started = Instant::now();
        let (documents, truncated) = self.run_saved(&query, max_rows)?;
        let mut names = field_names(&documents);
        // A find that matched nothing still names the fields its projection asks for, as an
        // SQL query without rows keeps its columns.
        if documents.is_empty()
            && let SavedQuery::Find {
                projection: Some(projection),
                ..
            } = &query
        {
            names = projected_fields(projection);
        }
        // A find without a projection shows every field of its collection, as `SELECT *` shows
        // every column: a field the first documents lack (an empty cell left out) is a column
        // of empty values, as Compass's table shows it, not a field the query hid.
        if let SavedQuery::Find {
            collection,
            projection: None,
            ..
        } = &query
            && let Ok(fields) = self.columns(collection)
        {
            let mut all: Vec<String> = Vec::new();
            if names.iter().any(|n| n == "_id") {
                all.push("_id".to_owned());
            }
            all.extend(fields.into_iter().map(|f| f.name));
            all.extend(
                names
                    .iter()
                    .filter(|n| !all.contains(n))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
            names = all;
        }
        let rows = documents
            .iter()
            .map(|d| names.iter().map(|n| d.get(n).and_then(bson_text)).collect())
            .collect();
        Ok(QueryResult {
            columns: crate::rows::columns_from_rows(names, rows)?,
            truncated,
            elapsed: started.elapsed(),
        })
    }

    fn time_query(&self, query: Query<'_>) -> Result<Duration, DbError> {
        let text = query.document()?;
        let query = SavedQuery::parse(text).map_err(|detail| DbError::Internal {
            sql: text.to_owned(),
            detail,
        })?;
        let started = Instant::now();
        self.run_saved(&query, usize::MAX)?;
        Ok(started.elapsed())
    }

    fn indexes(&self, table: &str) -> Result<Vec<IndexInfo>, DbError> {
        let table = self.stored_name(table)?;
        let (found, _) = self.internal_cursor(doc! { "listIndexes": &table }, 10_000)?;
        Ok(found
            .iter()
            .map(|index| IndexInfo {
                name: index.get_str("name").unwrap_or_default().to_owned(),
                columns: index
                    .get_document("key")
                    .map(|k| k.keys().cloned().collect())
                    .unwrap_or_default(),
                unique: index.get_bool("unique").unwrap_or(false),
            })
            .collect())
    }

    fn explain(&self, query: Query<'_>) -> Result<String, DbError> {
        let text = query.document()?;
        let query = SavedQuery::parse(text).map_err(|detail| DbError::Internal {
            sql: text.to_owned(),
            detail,
        })?;
        let mut command = query.command(
            i64::try_from(INTERNAL_LIMIT.as_millis()).unwrap_or(i64::MAX),
            BATCH,
        );
        command.remove("maxTimeMS");
        let answer = self.internal_command(
            false,
            doc! { "explain": command, "verbosity": "queryPlanner" },
        )?;
        plan::winning_plan(&answer).ok_or_else(|| DbError::Internal {
            sql: "explain".into(),
            detail: said!("mongo-no-winning-plan"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fields_a_projection_asks_for() {
        let asked = |p: Document| projected_fields(&p);
        assert_eq!(asked(doc! { "_id": 0, "sku": 1, "n": true }), ["sku", "n"]);
        assert_eq!(asked(doc! { "sku": 1 }), ["_id", "sku"]);
        assert_eq!(asked(doc! { "total": "$montant", "_id": false }), ["total"]);
        assert!(asked(doc! { "commentaire": 0 }).is_empty());
        assert!(asked(doc! {}).is_empty());
    }

    #[test]
    fn names_are_asked_for_whole_and_literally() {
        let filter = names_filter(&["ventes".to_owned(), "a.b (1)$".to_owned()]);
        let any = filter.get_array("$or").unwrap();
        let pattern = |i: usize| {
            let name = any[i].as_document().unwrap().get_document("name").unwrap();
            assert_eq!(name.get_str("$options").unwrap(), "i");
            name.get_str("$regex").unwrap().to_owned()
        };
        assert_eq!(pattern(0), "^ventes$");
        assert_eq!(pattern(1), r"^a\.b\ \(1\)\$$");
    }
}
