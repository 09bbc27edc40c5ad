//! Where a record lives, its conflicts and how one is settled, and its history.

use super::Registry;
use crate::docs::DocId;
use crate::error::{Error, Result};
use crate::projection::{self};
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
        let row: Option<(String, String, String, String)> = self
            .db()
            .query_row(
                "SELECT doc_id, record_id, record_kind, field FROM p_conflicts WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let (doc_id, record, kind, field) = row.ok_or(Error::NotFound {
            kind: "conflict",
            id: id.to_string(),
        })?;
        let doc_id: DocId = doc_id.parse()?;
        let mut path: Vec<String> = match kind.as_str() {
            "family" => vec!["family".into()],
            k => {
                let coll = projection::BRANCH_COLLECTIONS
                    .iter()
                    .chain(projection::REFERENCE_COLLECTIONS)
                    .find(|c| projection::record_kind(c) == k)
                    .ok_or_else(|| Error::Corrupt(format!("record kind {k}")))?;
                vec![coll.to_string(), record.clone()]
            }
        };
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

    /// Where a record lives: its document.
    fn locate(&self, id: &str) -> Result<DocId> {
        for (sql, is_family) in [
            ("SELECT doc_id FROM p_families WHERE id = ?1", false),
            ("SELECT family_id FROM p_persons WHERE id = ?1", true),
            ("SELECT doc_id FROM p_groups WHERE id = ?1", false),
            ("SELECT doc_id FROM p_sessions WHERE id = ?1", false),
            ("SELECT doc_id FROM p_volunteers WHERE id = ?1", false),
            ("SELECT doc_id FROM p_trainings WHERE id = ?1", false),
            ("SELECT doc_id FROM p_events WHERE id = ?1", false),
            ("SELECT doc_id FROM p_projects WHERE id = ?1", false),
            ("SELECT doc_id FROM p_indicators WHERE id = ?1", false),
            ("SELECT doc_id FROM p_branches WHERE id = ?1", false),
        ] {
            let found: Option<String> = self.db().query_row(sql, [id], |r| r.get(0)).optional()?;
            if let Some(f) = found {
                return if is_family {
                    Ok(DocId::Family(f.parse().map_err(|_| Error::Corrupt(f))?))
                } else {
                    f.parse()
                };
            }
        }
        Err(Error::NotFound {
            kind: "record",
            id: id.to_string(),
        })
    }

    /// The changes that touched a record, oldest first.
    pub fn history(&mut self, id: &str) -> Result<Vec<crate::history::HistoryEntry>> {
        let doc_id = self.locate(id.trim())?;
        let doc = self.doc(doc_id)?;
        Ok(crate::history::of_record(doc, id.trim()))
    }
}
