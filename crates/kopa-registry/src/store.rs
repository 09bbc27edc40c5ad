//! The encrypted SQLite file: opening with a passphrase, migrations, settings.

use crate::error::{Error, Result};
use rusqlite::{Connection, OptionalExtension};
use rusqlite_migration::{Migrations, M};
use std::path::Path;

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("../migrations/0001_init.sql")),
        M::up(include_str!("../migrations/0002_sync_files.sql")),
        M::up(include_str!("../migrations/0003_erasure.sql")),
        M::up(include_str!("../migrations/0004_person_links.sql")),
        M::up(include_str!("../migrations/0005_search_covering_index.sql")),
        M::up(include_str!("../migrations/0006_network_sync.sql")),
        M::up(include_str!("../migrations/0007_docs_listing_index.sql")),
        M::up(include_str!("../migrations/0008_family_replaces.sql")),
        M::up(include_str!("../migrations/0009_acks_per_replica.sql")),
        M::up(include_str!("../migrations/0010_indicator_order.sql")),
        M::up(include_str!("../migrations/0011_reference_lists.sql")),
        M::up(include_str!("../migrations/0012_fields.sql")),
        M::up(include_str!("../migrations/0013_more_lists.sql")),
        M::up(include_str!("../migrations/0014_accounts_audit.sql")),
    ])
}

/// Opens (or, with `create`, creates) the encrypted replica file.
///
/// A wrong passphrase is detected before anything is written: SQLCipher reports the
/// file as "not a database" on the first read, and the file is left untouched.
pub fn open(path: &Path, passphrase: &str, create: bool) -> Result<Connection> {
    let exists = path.exists();
    if create && exists {
        return Err(Error::AlreadyExists(path.display().to_string()));
    }
    if !create && !exists {
        return Err(Error::NoReplica(path.display().to_string()));
    }
    let mut conn = Connection::open(path)?;
    key(&conn, passphrase)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Deleted content is overwritten, so an erased family leaves no bytes behind.
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    if !create {
        let has_meta: bool = conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'meta'",
            [],
            |r| r.get::<_, i64>(0).map(|n| n > 0),
        )?;
        if !has_meta {
            return Err(Error::NoReplica(path.display().to_string()));
        }
    }
    migrations().to_latest(&mut conn)?;
    Ok(conn)
}

/// Sets the SQLCipher key and proves it by reading the schema.
fn key(conn: &Connection, passphrase: &str) -> Result<()> {
    // SQLCipher would print decryption failures to stderr; the caller reports them.
    // (The pragma answers with a row, so it is read, not executed as a batch.)
    for pragma in [
        "PRAGMA cipher_log_level = NONE",
        "PRAGMA cipher_log_source = NONE",
    ] {
        let _ = conn.query_row(pragma, [], |_| Ok(()));
    }
    conn.pragma_update(None, "key", passphrase)?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::NotADatabase =>
        {
            Err(Error::WrongPassphrase)
        }
        Err(e) => Err(e.into()),
    }
}

/// Changes the passphrase of an open replica (re-encrypts the file).
pub fn rekey(conn: &Connection, new_passphrase: &str) -> Result<()> {
    conn.pragma_update(None, "rekey", new_passphrase)?;
    Ok(())
}

pub fn get_meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

pub fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

pub fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}
