//! Changes that arrived before the changes they depend on.
//!
//! Automerge queues such a change in memory until its dependencies are applied; a
//! queue in memory is lost when the process ends. Every change a replica accepts is
//! therefore applied or kept here, in the same SQLite transaction that records the
//! delivery (a sync file marked imported, a sync state advanced), and fed to its
//! document again whenever anything arrives for that document.

use crate::docs::DocId;
use crate::error::{Error, Result};
use crate::views::Waiting;
use automerge::{Change, ChangeHash};
use rusqlite::{params, Connection};

/// Splits concatenated change chunks (what `Automerge::save_after` writes) into
/// changes. Anything else (a document chunk, a truncated chunk) is an error.
pub fn split_changes(bytes: &[u8]) -> Result<Vec<Change>> {
    const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
    let bad = || Error::Corrupt("a change in a sync file".into());
    let mut out = vec![];
    let mut at = 0;
    while at < bytes.len() {
        let header = bytes.get(at..at + 9).ok_or_else(bad)?;
        if header[..4] != MAGIC {
            return Err(bad());
        }
        // The body's length, LEB128, after magic, checksum and chunk type.
        let mut len: u64 = 0;
        let mut shift = 0;
        let mut pos = at + 9;
        loop {
            let b = *bytes.get(pos).ok_or_else(bad)?;
            pos += 1;
            if shift > 56 {
                return Err(bad());
            }
            len |= u64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                break;
            }
        }
        let end = usize::try_from(len)
            .ok()
            .and_then(|l| pos.checked_add(l))
            .filter(|&e| e <= bytes.len())
            .ok_or_else(bad)?;
        out.push(Change::try_from(&bytes[at..end]).map_err(|_| bad())?);
        at = end;
    }
    Ok(out)
}

/// The changes of `doc` kept here, waiting.
pub fn load(conn: &Connection, doc: DocId) -> Result<Vec<Change>> {
    let mut s = conn.prepare_cached("SELECT bytes FROM pending_changes WHERE doc_id = ?1")?;
    let rows = s.query_map([doc.to_string()], |r| r.get::<_, Vec<u8>>(0))?;
    let mut out = vec![];
    for bytes in rows {
        out.push(
            Change::from_bytes(bytes?).map_err(|_| Error::Corrupt("a waiting change".into()))?,
        );
    }
    Ok(out)
}

/// Replaces what waits for `doc` with `waiting`, each waiting for `missing`.
pub fn keep(
    conn: &Connection,
    doc: DocId,
    owner: &str,
    waiting: &[Change],
    missing: &[ChangeHash],
    now: i64,
) -> Result<()> {
    let id = doc.to_string();
    conn.prepare_cached("DELETE FROM pending_changes WHERE doc_id = ?1")?
        .execute([&id])?;
    let missing: Vec<String> = missing.iter().map(|h| h.to_string()).collect();
    let missing = serde_json::to_string(&missing).unwrap_or_default();
    for c in waiting {
        conn.prepare_cached(
            "INSERT OR IGNORE INTO pending_changes(doc_id, hash, owner, bytes, missing, received)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            id,
            c.hash().to_string(),
            owner,
            c.raw_bytes(),
            missing,
            now
        ])?;
    }
    Ok(())
}

/// The owner recorded with a document's waiting changes, if any wait.
pub fn owner(conn: &Connection, doc: DocId) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached("SELECT owner FROM pending_changes WHERE doc_id = ?1 LIMIT 1")?
        .query_row([doc.to_string()], |r| r.get(0))
        .optional()?)
}

/// Everything waiting here, per document.
pub fn summary(conn: &Connection) -> Result<Vec<Waiting>> {
    let mut s = conn.prepare_cached(
        "SELECT doc_id, count(*), min(missing) FROM pending_changes GROUP BY doc_id ORDER BY doc_id",
    )?;
    let rows: Vec<(String, i64, String)> = s
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows
        .into_iter()
        .map(|(document, n, missing)| Waiting {
            document,
            changes: n as usize,
            missing: serde_json::from_str(&missing).unwrap_or_default(),
        })
        .collect())
}
