//! Fields set concurrently on two devices. Automerge keeps every concurrent value;
//! here they are listed with who set them, on which device, and when, so a person can
//! pick one. Equal values set twice are not a conflict.

use crate::error::Result;
use automerge::{ActorId, Automerge, ObjType, ReadDoc, ScalarValue, Value};
use kopa_domain::ChangeNote;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One of the concurrent values of a field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Candidate {
    pub value: serde_json::Value,
    pub person: String,
    pub device: String,
    /// When the value was set, RFC 3339 UTC.
    pub at: String,
}

/// For each actor, its changes' op ranges and notes.
type ByActor = HashMap<ActorId, Vec<(u64, u64, ChangeNote)>>;

/// Who wrote which operation: an index of the document's change metadata, built
/// only when a conflict is actually found.
pub struct Authors<'a> {
    doc: &'a Automerge,
    by_actor: Option<ByActor>,
}

impl<'a> Authors<'a> {
    pub fn new(doc: &'a Automerge) -> Self {
        Self {
            doc,
            by_actor: None,
        }
    }

    /// The note of the change that made operation `counter` of `actor`.
    pub fn of(&mut self, actor: &ActorId, counter: u64) -> Option<ChangeNote> {
        let doc = self.doc;
        let index = self.by_actor.get_or_insert_with(|| {
            let mut m: ByActor = HashMap::new();
            for c in doc.get_changes_meta(&[]) {
                let note = crate::history::note_of(c.message.as_deref(), c.timestamp);
                m.entry(c.actor.into_owned())
                    .or_default()
                    .push((c.start_op, c.max_op, note));
            }
            m
        });
        index
            .get(actor)?
            .iter()
            .find(|(start, max, _)| (*start..=*max).contains(&counter))
            .map(|(_, _, n)| n.clone())
    }
}

/// The concurrent values of one scalar field, in the document's stable order
/// (`get_all` order), or `None` when there is no real conflict.
pub fn candidates_at(
    doc: &impl ReadDoc,
    obj: &automerge::ObjId,
    key: &str,
) -> Result<Option<Vec<(ScalarValue, automerge::ObjId)>>> {
    let all = doc.get_all(obj, key)?;
    if all.len() < 2 {
        return Ok(None);
    }
    let mut out = vec![];
    for (v, id) in all {
        match v {
            Value::Scalar(s) => out.push((s.into_owned(), id)),
            Value::Object(_) => return Ok(None),
        }
    }
    if out.windows(2).all(|w| w[0].0 == w[1].0) {
        return Ok(None);
    }
    Ok(Some(out))
}

fn scalar_json(s: &ScalarValue) -> serde_json::Value {
    match s {
        ScalarValue::Str(s) => serde_json::Value::String(s.to_string()),
        ScalarValue::Int(i) => (*i).into(),
        ScalarValue::Uint(u) => (*u).into(),
        ScalarValue::F64(f) => serde_json::Number::from_f64(*f)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        ScalarValue::Boolean(b) => (*b).into(),
        ScalarValue::Null => serde_json::Value::Null,
        ScalarValue::Timestamp(t) => (*t).into(),
        ScalarValue::Counter(c) => i64::from(c).into(),
        other => serde_json::Value::String(other.to_string()),
    }
}

/// Lists the conflicts inside record object `obj` into `p_conflicts`.
pub fn project(
    conn: &Connection,
    doc_id: &str,
    doc: &Automerge,
    obj: &automerge::ObjId,
    record_id: &str,
    record_kind: &str,
    authors: &mut Authors,
) -> Result<()> {
    let mut found = vec![];
    walk(doc, obj, "", &mut found)?;
    for (field, cands) in found {
        let list: Vec<Candidate> = cands
            .iter()
            .map(|(v, id)| {
                let note = match id {
                    automerge::ObjId::Id(counter, actor, _) => authors.of(actor, *counter),
                    automerge::ObjId::Root => None,
                };
                let note = note.unwrap_or_else(|| crate::history::note_of(None, 0));
                Candidate {
                    value: scalar_json(v),
                    person: note.person,
                    device: note.device,
                    at: note.at.to_rfc3339(),
                }
            })
            .collect();
        conn.prepare_cached(
            "INSERT OR REPLACE INTO p_conflicts(id, doc_id, record_id, record_kind, field, candidates)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            format!("{record_id}/{field}"),
            doc_id,
            record_id,
            record_kind,
            field,
            serde_json::to_string(&list).unwrap_or_default()
        ])?;
    }
    Ok(())
}

/// Conflicted fields (dotted paths under the record) with their concurrent values.
pub type Found = Vec<(String, Vec<(ScalarValue, automerge::ObjId)>)>;

/// The conflicted fields inside record object `obj`, as `project` lists them.
pub fn conflicted(doc: &Automerge, obj: &automerge::ObjId) -> Result<Found> {
    let mut found = vec![];
    walk(doc, obj, "", &mut found)?;
    Ok(found)
}

/// One pass over the map: Automerge flags the keys that hold concurrent values, so
/// only those are looked at closely (this walk runs for every projected record).
fn walk(doc: &Automerge, obj: &automerge::ObjId, prefix: &str, found: &mut Found) -> Result<()> {
    let mut conflicted = vec![];
    let mut maps = vec![];
    for item in doc.map_range(obj, ..) {
        if item.conflict {
            conflicted.push(item.key.into_owned());
        } else if item.value == automerge::ValueRef::Object(ObjType::Map) {
            let id = item.id();
            maps.push((item.key.into_owned(), id));
        }
    }
    let path = |key: &str| {
        if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        }
    };
    for key in conflicted {
        if let Some(c) = candidates_at(doc, obj, &key)? {
            found.push((path(&key), c));
        } else if let Some((Value::Object(ObjType::Map), child)) = doc.get(obj, key.as_str())? {
            walk(doc, &child, &path(&key), found)?;
        }
    }
    for (key, child) in maps {
        walk(doc, &child, &path(&key), found)?;
    }
    Ok(())
}
