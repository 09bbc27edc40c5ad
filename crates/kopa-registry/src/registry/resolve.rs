//! Where a record lives, its conflicts and how one is settled, and its history.

use super::Registry;
use crate::collection::Collection;
use crate::docs::DocId;
use crate::error::{Error, Result};
use crate::views::*;
use automerge::transaction::Transactable;
use automerge::ROOT;
use rusqlite::OptionalExtension;

impl Registry {
    pub(super) fn conflicts_where(&self, cond: &str, arg: &str) -> Result<Vec<ConflictView>> {
        let sql = format!("SELECT id, record_id, record_kind, field, candidates FROM p_conflicts WHERE {cond} ORDER BY id");
        let mut s = self.db().prepare_cached(&sql)?;
        let rows = s.query_map([arg], |r| {
            let cands: String = r.get(4)?;
            Ok(ConflictView {
                id: r.get(0)?,
                record_id: r.get(1)?,
                record_kind: r.get(2)?,
                field: r.get(3)?,
                candidates: serde_json::from_str(&cands).unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn conflicts(&self) -> Result<Vec<ConflictView>> {
        self.conflicts_where("?1 = ?1", "")
    }

    /// Settles a conflict with candidate `pick` (numbered from 1). The choice is a
    /// change like any other and reaches the other replicas by sync.
    pub fn resolve_conflict(&mut self, id: &str, pick: usize) -> Result<()> {
        self.allow(kopa_domain::Action::Conflicts)?;
        let row: Option<(String, String, String, String)> = self
            .db()
            .query_row(
                "SELECT doc_id, record_id, record_kind, field FROM p_conflicts WHERE id = ?1",
                [id],
                |r| r.try_into(),
            )
            .optional()?;
        let (doc_id, record, kind, field) = row.ok_or(Error::NotFound {
            kind: "conflict",
            id: id.to_string(),
        })?;
        let doc_id: DocId = doc_id.parse()?;
        let mut path = Collection::of_record_kind(&kind)
            .ok_or_else(|| Error::Corrupt(format!("record kind {kind}")))?
            .path(&record);
        path.extend(field.split('.').map(str::to_string));
        let key = path.pop().unwrap_or_default();
        let id_owned = id.to_string();
        self.write(doc_id, "conflict.resolve", |e| {
            e.record(&record);
            let mut obj = ROOT;
            for p in &path {
                obj = e.map(&obj, p)?;
            }
            let cands =
                crate::conflicts::candidates_at(&e.tx, &obj, &key)?.ok_or(Error::NotFound {
                    kind: "conflict",
                    id: id_owned.clone(),
                })?;
            let (value, _) = cands
                .get(pick.wrapping_sub(1))
                .ok_or(Error::NoSuchCandidate {
                    id: id_owned.clone(),
                    pick,
                })?;
            // Delete every value, then put the kept one as a new operation. A plain
            // put of the value shown would only delete the others (Automerge keeps the
            // winning operation), so a resolve or edit made concurrently elsewhere
            // would then win silently; a new operation meets it as a conflict.
            e.tx.delete(&obj, key.as_str())?;
            e.tx.put(&obj, key.as_str(), value.clone())?;
            e.touched(field.clone());
            Ok(())
        })
    }

    /// The changes that touched a record, oldest first.
    pub fn history(&mut self, id: &str) -> Result<Vec<crate::history::HistoryEntry>> {
        let doc_id = Collection::locate(self.db(), id.trim())?;
        let doc = self.doc(doc_id)?;
        Ok(crate::history::of_record(doc, id.trim()))
    }
}
