//! Where the replicated documents live: one row per document (a compacted snapshot)
//! plus the incremental chunks written since, all inside the encrypted file.

use crate::error::{Error, Result};
use automerge::{ActorId, Automerge};
use kopa_domain::{BranchId, FamilyId};
use rusqlite::{params, Connection, OptionalExtension};
use std::fmt;
use std::str::FromStr;

/// Chunks appended before a document is compacted back into one snapshot.
const COMPACT_AFTER: i64 = 64;

/// Which document a record lives in. See ARCHITECTURE.md, "Document layout".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocId {
    /// A branch's activity: groups, sessions, attendance, volunteers, trainings, events.
    Branch(BranchId),
    /// One family's personal data, so that erasure can drop exactly it.
    Family(FamilyId),
    /// HQ's reference data: branches, projects, indicators.
    Reference,
}

impl DocId {
    pub fn kind(&self) -> &'static str {
        match self {
            DocId::Branch(_) => "branch",
            DocId::Family(_) => "family",
            DocId::Reference => "reference",
        }
    }
}

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocId::Branch(b) => write!(f, "branch:{b}"),
            DocId::Family(id) => write!(f, "family:{id}"),
            DocId::Reference => f.write_str("reference"),
        }
    }
}

impl FromStr for DocId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let bad = || Error::Corrupt(format!("unknown document id {s:?}"));
        if s == "reference" {
            return Ok(DocId::Reference);
        }
        let (kind, id) = s.split_once(':').ok_or_else(bad)?;
        match kind {
            "branch" => id.parse().map(DocId::Branch).map_err(|_| bad()),
            "family" => id.parse().map(DocId::Family).map_err(|_| bad()),
            _ => Err(bad()),
        }
    }
}

/// A stored document's identity and owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocRow {
    pub id: DocId,
    pub owner: String,
}

pub fn list(conn: &Connection) -> Result<Vec<DocRow>> {
    let mut stmt = conn.prepare_cached("SELECT doc_id, owner FROM docs ORDER BY doc_id")?;
    let rows = rows_of(stmt.query_map([], |r| r.try_into())?);
    rows
}

/// The documents `owner` owns, and the reference document (what HQ shares with
/// one branch), from the owner index alone.
pub fn list_owned(conn: &Connection, owner: &str) -> Result<Vec<DocRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT doc_id, owner FROM docs WHERE owner = ?1
         UNION ALL SELECT doc_id, owner FROM docs WHERE doc_id = 'reference'
         ORDER BY doc_id",
    )?;
    let rows = rows_of(stmt.query_map([owner], |r| r.try_into())?);
    rows
}

fn rows_of(rows: impl Iterator<Item = rusqlite::Result<(String, String)>>) -> Result<Vec<DocRow>> {
    let mut out = vec![];
    for row in rows {
        let (id, owner) = row?;
        out.push(DocRow {
            id: id.parse()?,
            owner,
        });
    }
    Ok(out)
}

pub fn owner(conn: &Connection, id: DocId) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT owner FROM docs WHERE doc_id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )
        .optional()?)
}

/// Loads a document (snapshot + chunks) and makes `actor` its writer.
pub fn load(conn: &Connection, id: DocId, actor: &ActorId) -> Result<Option<Automerge>> {
    let key = id.to_string();
    let snapshot: Option<Vec<u8>> = conn
        .query_row("SELECT snapshot FROM docs WHERE doc_id = ?1", [&key], |r| {
            r.get(0)
        })
        .optional()?;
    let Some(snapshot) = snapshot else {
        return Ok(None);
    };
    let mut doc = Automerge::load(&snapshot)?;
    let mut stmt =
        conn.prepare_cached("SELECT bytes FROM doc_chunks WHERE doc_id = ?1 ORDER BY seq")?;
    let chunks = stmt.query_map([&key], |r| r.get::<_, Vec<u8>>(0))?;
    for chunk in chunks {
        doc.load_incremental(&chunk?)?;
    }
    doc.set_actor(actor.clone());
    Ok(Some(doc))
}

/// Stores a document that this replica did not have yet.
pub fn insert(conn: &Connection, id: DocId, owner: &str, doc: &Automerge) -> Result<()> {
    conn.execute(
        "INSERT INTO docs(doc_id, kind, owner, snapshot) VALUES (?1, ?2, ?3, ?4)",
        params![id.to_string(), id.kind(), owner, doc.save()],
    )?;
    Ok(())
}

/// Appends the changes made since `before` (heads) and compacts now and then.
pub fn append(
    conn: &Connection,
    id: DocId,
    doc: &Automerge,
    before: &[automerge::ChangeHash],
) -> Result<()> {
    let key = id.to_string();
    let next: i64 = conn.query_row(
        "SELECT coalesce(max(seq), 0) + 1 FROM doc_chunks WHERE doc_id = ?1",
        [&key],
        |r| r.get(0),
    )?;
    if next > COMPACT_AFTER {
        conn.execute(
            "UPDATE docs SET snapshot = ?2 WHERE doc_id = ?1",
            params![key, doc.save()],
        )?;
        conn.execute("DELETE FROM doc_chunks WHERE doc_id = ?1", [&key])?;
    } else {
        conn.execute(
            "INSERT INTO doc_chunks(doc_id, seq, bytes) VALUES (?1, ?2, ?3)",
            params![key, next, doc.save_after(before)],
        )?;
    }
    Ok(())
}

/// Total stored bytes of all documents (snapshots and chunks), for measurements.
pub fn stored_bytes(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT (SELECT coalesce(sum(length(snapshot)), 0) FROM docs)
              + (SELECT coalesce(sum(length(bytes)), 0) FROM doc_chunks)",
        [],
        |r| r.get(0),
    )?)
}
