//! Who changed what, when: every Automerge change carries a [`ChangeNote`] naming the
//! person, the device and the records it touched (ids and field names only, never
//! personal values).

use automerge::Automerge;
use kopa_domain::{ChangeNote, Timestamp};
use serde::Serialize;

/// Reads a change's note; a change without one (foreign or damaged) is "unknown".
pub fn note_of(message: Option<&str>, timestamp: i64) -> ChangeNote {
    let mut note = message
        .and_then(|m| serde_json::from_str::<ChangeNote>(m).ok())
        .unwrap_or_else(|| ChangeNote {
            person: "?".into(),
            device: "?".into(),
            action: "?".into(),
            records: vec![],
            fields: vec![],
            at: Timestamp(0),
        });
    note.at = Timestamp(timestamp);
    note
}

/// One change of a record.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HistoryEntry {
    pub at: String,
    pub person: String,
    pub device: String,
    pub action: String,
    pub fields: Vec<String>,
    pub change: String,
}

/// The changes of `doc` that touched `record`, oldest first.
pub fn of_record(doc: &Automerge, record: &str) -> Vec<HistoryEntry> {
    let mut out: Vec<(i64, HistoryEntry)> = doc
        .get_changes_meta(&[])
        .into_iter()
        .filter_map(|c| {
            let note = note_of(c.message.as_deref(), c.timestamp);
            note.records.iter().any(|r| r == record).then(|| {
                (
                    c.timestamp,
                    HistoryEntry {
                        at: note.at.to_rfc3339(),
                        person: note.person,
                        device: note.device,
                        action: note.action,
                        fields: note.fields,
                        change: c.hash.to_string()[..12].to_string(),
                    },
                )
            })
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.change.cmp(&b.1.change)));
    out.into_iter().map(|(_, e)| e).collect()
}
