//! The collections records live in: which document holds them and under which key,
//! which projection tables hold their rows, and how a record is found again.
//!
//! A new kind of record is a new variant here; the projection, conflicts, history
//! and erasure find its document, key and tables through it.

use crate::docs::DocId;
use crate::error::{Error, Result};
use rusqlite::{Connection, OptionalExtension};

/// A collection of records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Collection {
    /// A household: the `family` record of a family document (members, notes and
    /// follow-ups inside it).
    Family,
    /// A branch's own record (name, municipality): `branch` in its document.
    Branch,
    Groups,
    Sessions,
    Volunteers,
    Trainings,
    Events,
    /// Tombstones of erased households: family id → when.
    Erased,
    /// Tombstones of family documents superseded by a person erasure.
    Replaced,
    Projects,
    Indicators,
    /// Duplicate decisions: two person ids that are one person.
    Links,
    /// Municipalities HQ added, renamed or retired (beside the built-in ones).
    Municipalities,
    /// Activity types HQ added.
    Activities,
    /// Fields HQ defined for records.
    Fields,
    /// Target groups HQ added.
    TargetGroups,
    /// Event head-count categories HQ added.
    Categories,
    /// The people who may unlock the branch's replicas, with their roles.
    Accounts,
    /// Sensitive actions: who did what to which records, when.
    Audit,
}

use Collection::*;

impl Collection {
    /// Every collection: a branch document's maps, the reference document's, then
    /// the single records at a document's root.
    pub const ALL: &'static [Collection] = &[
        Groups,
        Sessions,
        Volunteers,
        Trainings,
        Events,
        Erased,
        Replaced,
        Projects,
        Indicators,
        Links,
        Municipalities,
        Activities,
        Fields,
        TargetGroups,
        Categories,
        Accounts,
        Audit,
        Family,
        Branch,
    ];

    /// The maps of a branch document, each from record id to record, in the order
    /// the document is created with.
    pub const BRANCH: &'static [Collection] = &[
        Groups, Sessions, Volunteers, Trainings, Events, Erased, Replaced, Accounts, Audit,
    ];

    /// The maps of the reference document, in the order it is created with.
    pub const REFERENCE: &'static [Collection] = &[
        Projects,
        Indicators,
        Links,
        Municipalities,
        Activities,
        Fields,
        TargetGroups,
        Categories,
    ];

    /// Where the collection is, in the order a record is looked for by id.
    const LOCATE: &'static [Collection] = &[
        Family, Groups, Sessions, Volunteers, Trainings, Events, Projects, Indicators, Branch,
    ];

    /// The key under the document's root.
    pub fn key(self) -> &'static str {
        match self {
            Family => "family",
            Branch => "branch",
            Groups => "groups",
            Sessions => "sessions",
            Volunteers => "volunteers",
            Trainings => "trainings",
            Events => "events",
            Erased => "erased",
            Replaced => "replaced",
            Projects => "projects",
            Indicators => "indicators",
            Links => "links",
            Municipalities => "municipalities",
            Activities => "activities",
            Fields => "fields",
            TargetGroups => "target_groups",
            Categories => "categories",
            Accounts => "accounts",
            Audit => "audit",
        }
    }

    /// The collection under a document root key.
    pub fn parse(key: &str) -> Option<Collection> {
        Self::ALL.iter().copied().find(|c| c.key() == key)
    }

    /// The kind of document that holds it (`DocId::kind`).
    pub fn document_kind(self) -> &'static str {
        match self {
            Family => "family",
            Projects | Indicators | Links | Municipalities | Activities | Fields | TargetGroups
            | Categories => "reference",
            _ => "branch",
        }
    }

    /// The record kind, as shown in conflicts and history.
    pub fn record_kind(self) -> &'static str {
        match self {
            Family => "family",
            Branch => "branch",
            Groups => "group",
            Sessions => "session",
            Volunteers => "volunteer",
            Trainings => "training",
            Events => "event",
            Projects => "project",
            Indicators => "indicator",
            Links => "person-link",
            Municipalities => "municipality",
            Activities => "activity",
            Fields => "field",
            TargetGroups => "target-group",
            Categories => "category",
            Accounts => "account",
            Audit => "audit-entry",
            Erased | Replaced => "record",
        }
    }

    /// The collection whose records are of `kind` (see [`Collection::record_kind`]).
    pub fn of_record_kind(kind: &str) -> Option<Collection> {
        Self::ALL.iter().copied().find(|c| c.record_kind() == kind)
    }

    /// The projection rows of one record, as `(table, column holding the record's
    /// id)`; the first is the record's own row. Its conflicts (`p_conflicts`) go too.
    pub fn tables(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Family => &[
                ("p_families", "id"),
                ("p_family_tags", "family_id"),
                ("p_persons", "family_id"),
                ("p_notes", "family_id"),
                ("p_follow_ups", "family_id"),
                ("p_search", "family_id"),
                ("p_field_values", "family_id"),
            ],
            Branch => &[("p_branches", "id")],
            Groups => &[
                ("p_groups", "id"),
                ("p_group_members", "group_id"),
                ("p_group_facilitators", "group_id"),
                ("p_field_values", "record_id"),
            ],
            Sessions => &[
                ("p_sessions", "id"),
                ("p_attendance", "session_id"),
                ("p_session_guests", "session_id"),
                ("p_session_facilitators", "session_id"),
                ("p_field_values", "record_id"),
            ],
            Volunteers => &[("p_volunteers", "id")],
            Trainings => &[("p_trainings", "id")],
            Events => &[
                ("p_events", "id"),
                ("p_event_counts", "event_id"),
                ("p_event_participants", "event_id"),
                ("p_field_values", "record_id"),
            ],
            Erased => &[("p_erased", "family_id")],
            Replaced => &[("p_replaced", "family_id")],
            Projects => &[("p_projects", "id")],
            Indicators => &[("p_indicators", "id")],
            Links => &[("p_person_links", "id")],
            Municipalities => &[("p_municipalities", "code")],
            Activities => &[("p_activities", "code")],
            Fields => &[("p_fields", "code")],
            TargetGroups => &[("p_target_groups", "code")],
            Categories => &[("p_categories", "code")],
            Accounts => &[("p_accounts", "id")],
            Audit => &[("p_audit", "id")],
        }
    }

    /// Rows about a family *document* rather than the household shown: the
    /// household it belongs to and who was erased from it. They stay while the
    /// document is held, shown or not.
    pub const FAMILY_DOCUMENT_TABLES: &'static [(&'static str, &'static str)] = &[
        ("p_lineage", "family_id"),
        ("p_erased_members", "family_id"),
    ];

    /// Every projection table, each once: the collections', the family documents'
    /// and the conflicts of any record. Rebuilding, dumping and counting the
    /// projection go through this list.
    pub fn projection_tables() -> Vec<&'static str> {
        let mut out: Vec<&'static str> = vec![];
        let all = Self::ALL.iter().flat_map(|c| c.tables());
        for (table, _) in all.chain(Self::FAMILY_DOCUMENT_TABLES) {
            if !out.contains(table) {
                out.push(table);
            }
        }
        out.push("p_conflicts");
        out
    }

    /// The record's own table and its id column.
    pub fn table(self) -> (&'static str, &'static str) {
        self.tables()[0]
    }

    /// The path from the document root to one record's map.
    pub fn path(self, record: &str) -> Vec<String> {
        match self {
            Family | Branch => vec![self.key().to_string()],
            _ => vec![self.key().to_string(), record.to_string()],
        }
    }

    /// Fails with `NotFound` unless the projection holds record `id`.
    pub fn require(self, conn: &Connection, id: &str) -> Result<()> {
        let (table, col) = self.table();
        let n: i64 = conn.query_row(
            &format!("SELECT count(*) FROM {table} WHERE {col} = ?1"),
            [id],
            |r| r.get(0),
        )?;
        if n == 0 {
            return Err(Error::NotFound {
                kind: self.record_kind(),
                id: id.to_string(),
            });
        }
        Ok(())
    }

    /// Removes one record's rows (and its conflicts) from the projection.
    pub fn forget(self, conn: &Connection, record: &str) -> Result<()> {
        for (table, col) in self.tables() {
            conn.prepare_cached(&format!("DELETE FROM {table} WHERE {col} = ?1"))?
                .execute([record])?;
        }
        conn.prepare_cached("DELETE FROM p_conflicts WHERE record_id = ?1")?
            .execute([record])?;
        Ok(())
    }

    /// The document a record lives in, found by its id (a person: its family's).
    pub fn locate(conn: &Connection, id: &str) -> Result<DocId> {
        for c in Self::LOCATE {
            let (table, col) = c.table();
            let sql = format!("SELECT doc_id FROM {table} WHERE {col} = ?1");
            let found: Option<String> = conn.query_row(&sql, [id], |r| r.get(0)).optional()?;
            if let Some(f) = found {
                return f.parse();
            }
            if *c == Family {
                let sql = "SELECT family_id FROM p_persons WHERE id = ?1";
                let found: Option<String> = conn.query_row(sql, [id], |r| r.get(0)).optional()?;
                if let Some(f) = found {
                    return Ok(DocId::Family(f.parse().map_err(|_| Error::Corrupt(f))?));
                }
            }
        }
        Err(Error::NotFound {
            kind: "record",
            id: id.to_string(),
        })
    }
}

impl DocId {
    /// The collections of this document projected record by record.
    pub fn collections(&self) -> &'static [Collection] {
        match self {
            DocId::Branch(_) => Collection::BRANCH,
            DocId::Reference => Collection::REFERENCE,
            DocId::Family(_) => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A projection table added to the schema without a collection (or a family
    /// document) owning it would survive a rebuild with stale rows.
    #[test]
    fn every_projection_table_of_the_schema_belongs_to_the_list() {
        for c in Collection::ALL {
            assert_eq!(Collection::parse(c.key()), Some(*c));
        }
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open(&dir.path().join("r.kopa"), "pw", true).unwrap();
        let mut s = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'p\\_%' ESCAPE '\\'")
            .unwrap();
        let mut schema: Vec<String> = s
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        schema.sort();
        let mut listed = Collection::projection_tables();
        listed.sort();
        assert_eq!(schema, listed);
    }

    #[test]
    fn a_document_holds_collections_of_its_kind() {
        let branch = DocId::Branch(kopa_domain::BranchId::new(1, [0; 10]));
        for d in [branch, DocId::Reference] {
            for c in d.collections() {
                assert_eq!(c.document_kind(), d.kind());
            }
        }
    }

    #[test]
    fn a_conflict_kind_names_its_collection() {
        for c in Collection::ALL {
            if c.record_kind() != "record" {
                assert_eq!(Collection::of_record_kind(c.record_kind()), Some(*c));
            }
        }
        assert_eq!(Collection::of_record_kind("record"), Some(Erased));
    }
}
