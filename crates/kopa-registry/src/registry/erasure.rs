//! Erasure at a person's request (a family, or one member), the tombstones that keep
//! an erased household from coming back, subject access, and the retention period.

use super::families::{family_summary, FAMILY_SUMMARY};
use super::Registry;
use crate::collection::Collection;
use crate::docs::{self, DocId};
use crate::error::{Error, Result};
use crate::projection::{self};
use crate::views::*;
use automerge::transaction::Transactable;
use automerge::ROOT;
use autosurgeon::{hydrate_prop, reconcile_prop};
use kopa_domain::*;

impl Registry {
    /// Erases a family at its request (GDPR Art. 17): a tombstone (the family's id and
    /// the time, nothing personal) goes into the owning branch's document, and the
    /// family's own document — history included — is dropped here and, as the
    /// tombstone syncs, on every other replica. A replica that was offline cannot bring
    /// it back: a family document named by a tombstone is dropped on arrival.
    /// Attendance marks stay as anonymous ids, so counts in reports stay right.
    pub fn erase_family(&mut self, id: FamilyId) -> Result<()> {
        self.allow(Action::Erase)?;
        self.family_exists(id)?;
        let owner = self.family_owner(id)?;
        // The whole household: documents it had before a member was erased, and any
        // made elsewhere at the same time, go with it.
        let household = projection::household(self.db(), &id.key())?;
        let household: FamilyId = household
            .parse()
            .map_err(|_| Error::Corrupt(format!("household {household}")))?;
        self.tombstone(&[household], &owner, Collection::Erased)?;
        self.audit(AuditAction::EraseFamily, &[household.key()])?;
        self.forget_old_pages()
    }

    /// Erases one member of a family at their request (GDPR Art. 17). The family's
    /// document keeps every past value in its history, so the household moves to a
    /// new document: the other members (with their ids, so their attendance and
    /// enrolments stay theirs), notes and follow-ups as they are now, and no history.
    /// The old document is then erased as [`Registry::erase_family`] erases a family.
    /// The erased member's attendance stays as an anonymous id, so counts stay right.
    ///
    /// Returns the household's new id, or `None` when the person was its only member
    /// and the whole family was erased.
    pub fn erase_person(&mut self, person: PersonId) -> Result<Option<FamilyId>> {
        self.allow(Action::Erase)?;
        let old = self.family_of_person(person)?;
        let new = self.move_household(old, &[person.key()])?;
        self.audit(AuditAction::ErasePerson, &[person.key(), old.key()])?;
        self.forget_old_pages()?;
        Ok(new)
    }

    /// Moves a household to a new document without the `erase`d members, and
    /// supersedes the old one (or erases the family when nobody is left).
    // `&*doc` stays as written when `doc()` lent a mutable document, so this body
    // matches its earlier form line for line.
    #[allow(clippy::borrow_deref_ref)]
    fn move_household(&mut self, old: FamilyId, erase: &[String]) -> Result<Option<FamilyId>> {
        let old_doc = self.doc(DocId::Family(old))?.clone();
        let mut family: Family = hydrate_prop(&old_doc, ROOT, "family")?;
        // Every document of the household this replica holds is superseded (another
        // device's copy, made at the same time, included), and every member erased
        // from any of them stays erased.
        let household = projection::household(self.db(), &old.key())?;
        let (documents, erased) = projection::household_documents(self.db(), &household)?;
        for pid in erase.iter().chain(&erased) {
            family.members.remove(pid);
            family.erased_members.0.insert(pid.clone());
        }
        if family.members.is_empty() {
            self.erase_family(old)?;
            return Ok(None);
        }
        family.household = Some(household);
        family.replaces.0.insert(old.key());
        family.replaces.0.extend(documents.iter().cloned());
        // What the move saw of every document it replaces (and what earlier moves
        // saw), so that edits made to them elsewhere can be carried over later.
        let mut carried = vec![];
        for d in std::iter::once(old.key()).chain(documents.iter().cloned()) {
            let Ok(fid) = d.parse::<FamilyId>() else {
                continue;
            };
            let Ok(doc) = self.doc(DocId::Family(fid)) else {
                continue;
            };
            // Every change, not only the heads: a replica that lacks a head (a change
            // made just before the move) cannot tell which of its own changes are
            // ancestors of it, and would carry them all again.
            let heads: Vec<String> = doc
                .get_changes_meta(&[])
                .iter()
                .map(|c| c.hash.to_string())
                .collect();
            carried.extend(crate::carry::carried_into(doc));
            if let Ok(earlier) = hydrate_prop::<_, Family, _, _>(&*doc, ROOT, "family") {
                for (k, v) in earlier.replaced_heads {
                    family.replaced_heads.entry(k).or_default().0.extend(v.0);
                }
            }
            family.replaced_heads.entry(d).or_default().0.extend(heads);
        }
        // Edits already carried into one of them count as seen.
        for seen in family.replaced_heads.values_mut() {
            seen.0.extend(carried.iter().map(|h| h.to_string()));
        }
        let superseded: Vec<FamilyId> = std::iter::once(old)
            .chain(documents.iter().filter_map(|d| d.parse().ok()))
            .collect();
        let owner = self.family_owner(old)?;
        let id = self.fresh(FamilyId::new);
        self.atomically(|r| {
            r.write_new(DocId::Family(id), &owner, "person.erase", |e| {
                reconcile_prop(&mut e.tx, ROOT, "family", &family)?;
                e.record(&id.key());
                Ok(())
            })?;
            // Conflicts pending on the household stay pending.
            r.merge_into(DocId::Family(id), |doc| {
                crate::carry::move_conflicts(&old_doc, doc, &family.erased_members)
            })?;
            r.tombstone(&superseded, &owner, Collection::Replaced)
        })?;
        Ok(Some(id))
    }

    /// Two devices may each erase a member of the same household before hearing of
    /// the other: the document shown then still holds the other's member (hidden
    /// from view, but stored). Such a household moves again, without them.
    pub(super) fn finish_erasures(&mut self) -> Result<()> {
        let pending = projection::unerased_members(self.db())?;
        for (family, members) in &pending {
            if let Ok(fid) = family.parse::<FamilyId>() {
                self.move_household(fid, members)?;
            }
        }
        if !pending.is_empty() {
            self.forget_old_pages()?;
        }
        Ok(())
    }

    /// The branch that owns a family's document.
    fn family_owner(&self, id: FamilyId) -> Result<String> {
        docs::owner(self.db(), DocId::Family(id))?.ok_or(Error::NotFound {
            kind: "family",
            id: id.key(),
        })
    }

    /// Writes a family's tombstone (its id and the time, nothing personal) into the
    /// owning branch's document: `erased` for a whole household, `replaced` for a
    /// document superseded by a new one. Storing it drops the documents here.
    fn tombstone(&mut self, ids: &[FamilyId], owner: &str, map: Collection) -> Result<()> {
        let branch: BranchId = owner
            .parse()
            .map_err(|_| Error::Corrupt(format!("owner {owner}")))?;
        let at = self.now();
        self.write(DocId::Branch(branch), "family.erase", |e| {
            let erased = e.collection(map)?;
            for id in ids {
                let key = id.key();
                e.tx.put(&erased, key.as_str(), at.0)?;
                e.record(&key);
            }
            e.touched(map.key());
            Ok(())
        })
    }

    /// After an erasure, old pages of the write-ahead log go too (deleted pages are
    /// already zeroed: `secure_delete`).
    fn forget_old_pages(&self) -> Result<()> {
        self.db()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Everything this replica holds about one family, for a data-protection
    /// (subject access) request: the record, its members, consent, notes,
    /// follow-ups, attendance with group names, enrolments, and who changed what when.
    pub fn subject_access(&mut self, id: FamilyId) -> Result<serde_json::Value> {
        self.allow(Action::SubjectAccess)?;
        let detail = self.family(id)?;
        let history = self.history(&id.key())?;
        let mut groups = vec![];
        for p in &detail.persons {
            let mut s = self.db().prepare_cached(
                "SELECT g.id, g.name, g.activity FROM p_group_members m JOIN p_groups g ON g.id = m.group_id
                 WHERE m.person_id = ?1 ORDER BY g.name",
            )?;
            let rows = s.query_map([&p.id], |r| {
                Ok(
                    serde_json::json!({"person_id": p.id, "group_id": r.get::<_, String>(0)?,
                    "group": r.get::<_, String>(1)?, "activity": r.get::<_, String>(2)?}),
                )
            })?;
            for row in rows {
                groups.push(row?);
            }
        }
        self.audit(AuditAction::SubjectAccess, &[id.key()])?;
        Ok(serde_json::json!({
            "kind": "kopa-subject-access",
            "produced_at": self.now().to_rfc3339(),
            "produced_by": { "branch": self.me().branch_name, "device": self.me().device_name, "user": self.me().user },
            "family": detail,
            "enrolments": groups,
            "history": history,
        }))
    }

    /// How many years a closed family's data is kept after its last activity before
    /// it is listed for erasure: the replica's setting, 5 years unless set.
    pub fn retention_years(&self) -> Result<u32> {
        Ok(self
            .setting(RETENTION_YEARS)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_RETENTION_YEARS))
    }

    /// Sets the retention period (1–50 years).
    pub fn set_retention_years(&mut self, years: u32) -> Result<()> {
        self.allow(Action::Retention)?;
        if !(1..=50).contains(&years) {
            return Err(ValidationError::new("retention", Code::NumberRange)
                .with_value(years.to_string())
                .into());
        }
        self.set_setting(RETENTION_YEARS, &years.to_string())?;
        self.audit(AuditAction::Retention, &[years.to_string()])
    }

    /// Closed families past the retention period today.
    pub fn retention_due_now(&self) -> Result<Vec<FamilySummary>> {
        let years = i32::try_from(self.retention_years()?).unwrap_or(50);
        self.retention_due(self.today().minus_years(years))
    }

    /// Closed families whose last activity is older than `before`: candidates for
    /// erasure under the retention period.
    pub fn retention_due(&self, before: Date) -> Result<Vec<FamilySummary>> {
        let sql = format!(
            "{FAMILY_SUMMARY} WHERE f.status = 'closed' AND f.registered < ?1
               AND NOT EXISTS (SELECT 1 FROM p_persons p JOIN p_attendance a ON a.person_id = p.id
                               JOIN p_sessions s ON s.id = a.session_id
                               WHERE p.family_id = f.id AND s.date >= ?1)
             ORDER BY f.registered, f.id"
        );
        let mut s = self.db().prepare_cached(&sql)?;
        let rows = s.query_map([before.to_string()], family_summary)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

const RETENTION_YEARS: &str = "retention_years";
const DEFAULT_RETENTION_YEARS: u32 = 5;
