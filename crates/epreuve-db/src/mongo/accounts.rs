//! The accounts of a MongoDB database, made by the server's administrator, all in the server's
//! `admin` database (so that nothing the candidate may do in their own database reaches them):
//!
//! - the candidate's: `readWrite` and `dbAdmin` on their own database (collections, indexes,
//!   validators) and [`LIST_DATABASES`], which allows `listDatabases` and nothing else. Not
//!   `dbOwner`: its `userAdmin` would let the candidate create users and grant roles.
//! - the grading account: `read` on that database and [`LIST_DATABASES`] (the names of the
//!   server's databases, which C1.6 compares with what the candidate's command listed), no
//!   other data.

use mongodb::bson::{Document, doc};

use super::{MongoDb, code_of, internal_error};
use crate::DbError;
use crate::server::{AccountNames, Administration};

/// The role, in `admin`, that lets an account list the server's databases.
pub const LIST_DATABASES: &str = "epreuve_list_databases";
/// MongoDB's code for a role or user that already exists.
const DUPLICATE: [i32; 2] = [51002, 11000];

impl MongoDb {
    /// Creates the server's administrator (`root`), on a server that has no user yet.
    pub fn create_administrator(&self, name: &str, password: &str) -> Result<(), DbError> {
        self.admin_command(doc! {
            "createUser": name,
            "pwd": password,
            "roles": [{ "role": "root", "db": "admin" }],
        })
    }

    fn admin_command(&self, command: Document) -> Result<(), DbError> {
        self.admin_answer(command).map(|_| ())
    }

    fn admin_answer(&self, command: Document) -> Result<Document, DbError> {
        let name = command.keys().next().cloned().unwrap_or_default();
        self.runtime
            .block_on(async { self.client.database("admin").run_command(command).await })
            .map_err(|e| internal_error(&name, &e))
    }

    /// The role of [`LIST_DATABASES`], made once per server.
    fn ensure_list_role(&self) -> Result<(), DbError> {
        let command = doc! {
            "createRole": LIST_DATABASES,
            "privileges": [{ "resource": { "cluster": true }, "actions": ["listDatabases"] }],
            "roles": [],
        };
        let name = "createRole";
        match self
            .runtime
            .block_on(async { self.client.database("admin").run_command(command).await })
        {
            Ok(_) => Ok(()),
            Err(error) if code_of(&error).is_some_and(|c| DUPLICATE.contains(&c)) => Ok(()),
            Err(error) => Err(internal_error(name, &error)),
        }
    }
}

impl Administration for MongoDb {
    fn create_accounts(
        &self,
        names: &AccountNames,
        candidate_password: &str,
        grader_password: &str,
    ) -> Result<(), DbError> {
        let made = self
            .ensure_list_role()
            .and_then(|()| {
                self.admin_command(doc! {
                    "createUser": &names.candidate,
                    "pwd": candidate_password,
                    "roles": [
                        { "role": "readWrite", "db": &names.database },
                        { "role": "dbAdmin", "db": &names.database },
                        { "role": LIST_DATABASES, "db": "admin" },
                    ],
                })
            })
            .and_then(|()| {
                self.admin_command(doc! {
                    "createUser": &names.grader,
                    "pwd": grader_password,
                    "roles": [
                        { "role": "read", "db": &names.database },
                        { "role": LIST_DATABASES, "db": "admin" },
                    ],
                })
            });
        if made.is_err() {
            self.drop_accounts(names);
        }
        made
    }

    fn drop_accounts(&self, names: &AccountNames) {
        for user in [&names.candidate, &names.grader] {
            if let Err(error) = self.admin_command(doc! { "dropUser": user }) {
                tracing::debug!("dropping the user `{user}`: {error}");
            }
        }
        let db = self.client.database(&names.database);
        if let Err(error) = self.runtime.block_on(async { db.drop().await }) {
            tracing::warn!("dropping the database `{}`: {error}", names.database);
        }
    }

    /// A database appears on MongoDB with its first collection: one is taken as existing as
    /// soon as its database is listed or an account of that name exists.
    fn database_exists(&self, name: &str) -> Result<bool, DbError> {
        let listed = self.admin_answer(doc! { "listDatabases": 1, "nameOnly": true })?;
        let in_list = listed.get_array("databases").is_ok_and(|list| {
            list.iter()
                .filter_map(|d| d.as_document()?.get_str("name").ok())
                .any(|n| n == name)
        });
        let users = self.admin_answer(doc! { "usersInfo": { "user": name, "db": "admin" } })?;
        let has_user = users.get_array("users").is_ok_and(|u| !u.is_empty());
        Ok(in_list || has_user)
    }
}
