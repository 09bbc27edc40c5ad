//! Families and their members, notes and follow-ups; search; possible duplicates
//! across branches and the links that merge them (HQ).

use super::Registry;
use crate::collection::Collection;
use crate::docs::DocId;
use crate::error::{Error, Result};
use crate::projection::map_at;
use crate::views::*;
use automerge::transaction::Transactable;
use automerge::ROOT;
use autosurgeon::reconcile_prop;
use kopa_domain::validate::{self as v, Context, MemberDraft};
use kopa_domain::*;
use rusqlite::OptionalExtension;
use std::collections::{BTreeMap, HashMap};

/// A family as typed by a person: by the CLI, the desktop form (this is its
/// contract) and the imports. In an edit, `None` / an empty list means "leave as
/// is"; an empty contact clears it.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct FamilyDraft {
    pub name: Option<String>,
    pub municipality: Option<String>,
    pub languages: Option<Vec<String>>,
    pub target_groups: Option<Vec<String>>,
    pub contact: Option<String>,
    /// `active` or `closed`.
    #[cfg_attr(feature = "ts", ts(optional))]
    pub status: Option<String>,
    /// Members to add.
    pub members: Vec<MemberDraft>,
    /// Consent date, `YYYY-MM-DD`; empty is no consent (an edit keeps the one given).
    pub consent: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    pub consent_scope: Option<String>,
    /// Values of HQ's family fields: field code → text as typed (in an edit, only
    /// the fields given change; an empty one clears the value).
    pub fields: BTreeMap<String, String>,
}

/// Two registrations in different branches that may be one person.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct DuplicatePair {
    /// 0–100: 100 is the same spelling, birth year and municipality.
    pub score: u32,
    pub a: PersonView,
    pub a_branch: String,
    pub b: PersonView,
    pub b_branch: String,
}

impl Registry {
    /// Registers a family; returns its id.
    pub fn add_family(&mut self, draft: &FamilyDraft) -> Result<FamilyId> {
        let ctx = self.context()?;
        let name = v::name("name", draft.name.as_deref().unwrap_or(""))?;
        let municipality = v::municipality(
            "municipality",
            draft.municipality.as_deref().unwrap_or(""),
            &ctx,
        )?;
        let languages = v::codes(
            "language",
            draft.languages.as_deref().unwrap_or(&[]),
            v::language,
        )?;
        let target_groups = v::codes(
            "target_group",
            draft.target_groups.as_deref().unwrap_or(&[]),
            |f, t| v::target_group_in(f, t, &ctx),
        )?;
        let contact = v::optional_text(
            "contact",
            draft.contact.as_deref().unwrap_or(""),
            v::MAX_NAME,
        )?;
        let status = match draft.status.as_deref() {
            Some(s) => FamilyStatus::parse(s)
                .ok_or_else(|| ValidationError::new("status", Code::Required).with_value(s))?,
            None => FamilyStatus::Active,
        };
        let mut members = BTreeMap::new();
        for (i, m) in draft.members.iter().enumerate() {
            // A member typed without a surname takes the family's.
            let member = m
                .in_family(&name)
                .validate(&format!("member[{}]", i + 1), &ctx)?;
            members.insert(self.new_key(), member);
        }
        let consent = self.consent(draft, &ctx)?;
        let family = Family {
            name,
            branch: self.me().branch.key(),
            municipality,
            languages,
            target_groups,
            contact,
            status,
            consent,
            registered: ctx.today,
            members,
            notes: BTreeMap::new(),
            follow_ups: BTreeMap::new(),
            replaces: TagSet::default(),
            household: None,
            erased_members: TagSet::default(),
            replaced_heads: BTreeMap::new(),
            fields: v::kept(v::field_values("family", "", &draft.fields, &ctx, true)?),
        };
        let id = self.fresh(FamilyId::new);
        let owner = self.me().branch.key();
        self.write_new(DocId::Family(id), &owner, "family.add", |e| {
            reconcile_prop(&mut e.tx, ROOT, "family", &family)?;
            e.record(&id.key());
            for pid in family.members.keys() {
                e.record(pid);
            }
            Ok(())
        })?;
        Ok(id)
    }

    fn consent(&self, draft: &FamilyDraft, ctx: &Context) -> Result<Option<Consent>> {
        Ok(match draft.consent.as_deref() {
            Some(d) if !d.trim().is_empty() => Some(Consent {
                date: v::past_date("consent", d, ctx)?,
                scope: draft
                    .consent_scope
                    .clone()
                    .filter(|s| !s.trim().is_empty())
                    .unwrap_or_else(|| "registry".into()),
                recorded_by: self.me().user.clone(),
            }),
            _ => None,
        })
    }

    /// Changes only the fields given; returns whether anything changed.
    pub fn edit_family(&mut self, id: FamilyId, draft: &FamilyDraft) -> Result<bool> {
        let ctx = self.context()?;
        self.family_exists(id)?;
        let name = draft
            .name
            .as_deref()
            .map(|n| v::name("name", n))
            .transpose()?;
        let municipality = draft
            .municipality
            .as_deref()
            .map(|m| v::municipality("municipality", m, &ctx))
            .transpose()?;
        let languages = draft
            .languages
            .as_deref()
            .filter(|l| !l.is_empty())
            .map(|l| v::codes("language", l, v::language))
            .transpose()?;
        let target_groups = draft
            .target_groups
            .as_deref()
            .filter(|l| !l.is_empty())
            .map(|l| v::codes("target_group", l, |f, t| v::target_group_in(f, t, &ctx)))
            .transpose()?;
        let contact = draft
            .contact
            .as_deref()
            .map(|c| v::optional_text("contact", c, v::MAX_NAME))
            .transpose()?;
        let status = draft
            .status
            .as_deref()
            .map(|s| {
                FamilyStatus::parse(s)
                    .ok_or_else(|| ValidationError::new("status", Code::Required).with_value(s))
            })
            .transpose()?;
        let consent = self.consent(draft, &ctx)?;
        let fields = v::field_values("family", "", &draft.fields, &ctx, false)?;
        let family_name = match &name {
            Some(n) => n.clone(),
            None if draft.members.is_empty() => String::new(),
            None => self.family(id)?.summary.name,
        };
        let mut members = vec![];
        for (i, m) in draft.members.iter().enumerate() {
            members.push((
                self.new_key(),
                m.in_family(&family_name)
                    .validate(&format!("member[{}]", i + 1), &ctx)?,
            ));
        }
        let key = id.key();
        let changed = self.write(DocId::Family(id), "family.edit", |e| {
            e.record(&key);
            let fam = e.map(&ROOT, "family")?;
            if let Some(n) = &name {
                e.set(&fam, "name", n, "name")?;
            }
            if let Some(m) = &municipality {
                e.set(&fam, "municipality", m, "municipality")?;
            }
            if let Some(l) = &languages {
                e.set(&fam, "languages", l, "languages")?;
            }
            if let Some(t) = &target_groups {
                e.set(&fam, "target_groups", t, "target_groups")?;
            }
            if let Some(c) = &contact {
                e.set(&fam, "contact", c, "contact")?;
            }
            if let Some(s) = &status {
                e.set(&fam, "status", s, "status")?;
            }
            e.set_fields(&fam, &fields, "")?;
            if let Some(c) = &consent {
                e.set(&fam, "consent", &Some(c.clone()), "consent")?;
            }
            let ms = e.map(&fam, "members")?;
            for (pid, m) in &members {
                e.insert(&ms, pid, m)?;
            }
            Ok(e.changed())
        })?;
        Ok(changed)
    }

    /// Changes one member's fields (given raw, empty = leave as is).
    pub fn edit_person(&mut self, person: PersonId, draft: &MemberDraft) -> Result<bool> {
        let ctx = self.context()?;
        let family = self.family_of_person(person)?;
        let pkey = person.key();
        let given = Some(&draft.given_name)
            .filter(|s| !s.trim().is_empty())
            .map(|s| v::name("given_name", s))
            .transpose()?;
        let fam_name = Some(&draft.family_name)
            .filter(|s| !s.trim().is_empty())
            .map(|s| v::name("family_name", s))
            .transpose()?;
        let birth_year = v::birth_year("birth_year", &draft.birth_year, &ctx)?;
        let gender = Some(&draft.gender)
            .filter(|s| !s.trim().is_empty())
            .map(|s| v::gender("gender", s))
            .transpose()?;
        let role = Some(&draft.role)
            .filter(|s| !s.trim().is_empty())
            .map(|s| v::family_role("role", s))
            .transpose()?;
        let fields = v::field_values("person", "", &draft.fields, &ctx, false)?;
        self.write(DocId::Family(family), "person.edit", |e| {
            e.record(&family.key());
            e.record(&pkey);
            let fam = e.map(&ROOT, "family")?;
            let ms = e.map(&fam, "members")?;
            let m = e.map(&ms, &pkey)?;
            if let Some(g) = &given {
                e.set(&m, "given_name", g, &format!("members.{pkey}.given_name"))?;
            }
            if let Some(g) = &fam_name {
                e.set(&m, "family_name", g, &format!("members.{pkey}.family_name"))?;
            }
            if let Some(y) = birth_year {
                e.set(
                    &m,
                    "birth_year",
                    &Some(y),
                    &format!("members.{pkey}.birth_year"),
                )?;
            }
            if let Some(g) = &gender {
                e.set(&m, "gender", g, &format!("members.{pkey}.gender"))?;
            }
            if let Some(r) = &role {
                e.set(&m, "role", r, &format!("members.{pkey}.role"))?;
            }
            e.set_fields(&m, &fields, &format!("members.{pkey}."))?;
            Ok(e.changed())
        })
    }

    pub fn add_note(&mut self, family: FamilyId, date: &str, text: &str) -> Result<NoteId> {
        let ctx = self.context()?;
        self.family_exists(family)?;
        let date = if date.trim().is_empty() {
            ctx.today
        } else {
            v::past_date("date", date, &ctx)?
        };
        let note = Note {
            date,
            text: v::text("text", text, v::MAX_TEXT)?,
            author: self.me().user.clone(),
        };
        let id = self.fresh(NoteId::new);
        self.write(DocId::Family(family), "note.add", |e| {
            e.record(&family.key());
            let fam = e.map(&ROOT, "family")?;
            let notes = e.map(&fam, "notes")?;
            e.insert(&notes, &id.key(), &note)
        })?;
        Ok(id)
    }

    pub fn add_follow_up(&mut self, family: FamilyId, due: &str, text: &str) -> Result<FollowUpId> {
        self.family_exists(family)?;
        let fu = FollowUp {
            due: v::date("due", due)?,
            text: v::text("text", text, v::MAX_TEXT)?,
            done: false,
            author: self.me().user.clone(),
        };
        let id = self.fresh(FollowUpId::new);
        self.write(DocId::Family(family), "follow-up.add", |e| {
            e.record(&family.key());
            let fam = e.map(&ROOT, "family")?;
            let list = e.map(&fam, "follow_ups")?;
            e.insert(&list, &id.key(), &fu)
        })?;
        Ok(id)
    }

    pub fn complete_follow_up(&mut self, family: FamilyId, id: FollowUpId) -> Result<bool> {
        self.family_exists(family)?;
        let key = id.key();
        self.write(DocId::Family(family), "follow-up.done", |e| {
            e.record(&family.key());
            let fam = e.map(&ROOT, "family")?;
            let list = e.map(&fam, "follow_ups")?;
            let fu = map_at(&e.tx, &list, &key)?.ok_or(Error::NotFound {
                kind: "follow-up",
                id: key.clone(),
            })?;
            e.set(&fu, "done", &true, &format!("follow_ups.{key}.done"))?;
            Ok(e.changed())
        })
    }

    pub(super) fn family_exists(&self, id: FamilyId) -> Result<()> {
        Collection::Family.require(self.db(), &id.key())
    }

    pub(super) fn family_of_person(&self, person: PersonId) -> Result<FamilyId> {
        let fam: Option<String> = self
            .db()
            .query_row(
                "SELECT family_id FROM p_persons WHERE id = ?1",
                [person.key()],
                |r| r.get(0),
            )
            .optional()?;
        fam.and_then(|f| f.parse().ok()).ok_or(Error::NotFound {
            kind: "person",
            id: person.key(),
        })
    }

    pub fn list_families(&self) -> Result<Vec<FamilySummary>> {
        let mut stmt = self.db().prepare_cached(&format!(
            "{FAMILY_SUMMARY} ORDER BY f.name COLLATE NOCASE, f.id"
        ))?;
        let rows = stmt.query_map([], family_summary)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn family_summary(&self, id: &str) -> Result<FamilySummary> {
        let mut stmt = self
            .db()
            .prepare_cached(&format!("{FAMILY_SUMMARY} WHERE f.id = ?1"))?;
        stmt.query_row([id], family_summary)
            .optional()?
            .ok_or(Error::NotFound {
                kind: "family",
                id: id.to_string(),
            })
    }

    pub fn family(&self, id: FamilyId) -> Result<FamilyDetail> {
        let key = id.key();
        let summary = self.family_summary(&key)?;
        let c = self.db();
        let (contact, consent_date, consent_scope, consent_by, registered): (Option<String>, Option<String>, Option<String>, Option<String>, String) = c.query_row(
            "SELECT contact, consent_date, consent_scope, consent_by, registered FROM p_families WHERE id = ?1",
            [&key],
            |r| r.try_into(),
        )?;
        let tags = |kind: &str| -> Result<Vec<String>> {
            let mut s = c.prepare_cached(
                "SELECT value FROM p_family_tags WHERE family_id = ?1 AND kind = ?2 ORDER BY value",
            )?;
            let rows = s.query_map([&key, kind], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        let mut s = c.prepare_cached(
            "SELECT id, date, text, author FROM p_notes WHERE family_id = ?1 ORDER BY date, id",
        )?;
        let notes = s
            .query_map([&key], |r| {
                Ok(NoteView {
                    id: r.get(0)?,
                    date: r.get(1)?,
                    text: r.get(2)?,
                    author: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut s = c.prepare_cached("SELECT id, due, text, done, author FROM p_follow_ups WHERE family_id = ?1 ORDER BY due, id")?;
        let follow_ups = s
            .query_map([&key], |r| {
                Ok(FollowUpView {
                    id: r.get(0)?,
                    due: r.get(1)?,
                    text: r.get(2)?,
                    done: r.get(3)?,
                    author: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut s = c.prepare_cached(
            "SELECT s.id, s.group_id, coalesce(g.name, ''), s.date, a.person_id
             FROM p_persons p JOIN p_attendance a ON a.person_id = p.id
             JOIN p_sessions s ON s.id = a.session_id LEFT JOIN p_groups g ON g.id = s.group_id
             WHERE p.family_id = ?1 ORDER BY s.date DESC, s.id, a.person_id",
        )?;
        let attendance = s
            .query_map([&key], |r| {
                Ok(AttendanceView {
                    session_id: r.get(0)?,
                    group_id: r.get(1)?,
                    group_name: r.get(2)?,
                    date: r.get(3)?,
                    person_id: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(FamilyDetail {
            summary,
            languages: tags("language")?,
            target_groups: tags("target-group")?,
            contact,
            consent: consent_date.map(|date| ConsentView {
                date,
                scope: consent_scope.unwrap_or_default(),
                recorded_by: consent_by.unwrap_or_default(),
            }),
            registered,
            persons: self.persons_where("p.family_id = ?1", &key)?,
            notes,
            follow_ups,
            attendance,
            conflicts: self.conflicts_where("record_id = ?1", &key)?,
            fields: self.field_values(&key)?,
        })
    }

    pub(super) fn persons_where(&self, cond: &str, arg: &str) -> Result<Vec<PersonView>> {
        let sql = format!(
            "SELECT p.id, p.family_id, p.given_name, p.family_name, p.birth_year, p.gender, p.role,
                    (SELECT json_group_object(field, value) FROM p_field_values WHERE record_id = p.id)
             FROM p_persons p WHERE {cond} ORDER BY p.family_name COLLATE NOCASE, p.given_name COLLATE NOCASE, p.id"
        );
        let mut s = self.db().prepare_cached(&sql)?;
        let rows = s.query_map([arg], person_view)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn person(&self, id: PersonId) -> Result<PersonView> {
        self.persons_where("p.id = ?1", &id.key())?
            .pop()
            .ok_or(Error::NotFound {
                kind: "person",
                id: id.key(),
            })
    }

    /// Cross-script, diacritic- and typo-tolerant search; best matches first.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let hits = crate::search::query(self.db(), query, limit)?;
        let mut out = vec![];
        for h in hits {
            let family = self.family_summary(&h.family_id)?;
            let mut persons = vec![];
            for p in &h.persons {
                persons.extend(self.persons_where("p.id = ?1", p)?);
            }
            out.push(SearchHit {
                family,
                persons,
                score: h.score,
            });
        }
        Ok(out)
    }

    pub(super) fn person_ids(&self, field: &str, ids: &[String]) -> Result<Vec<String>> {
        let mut out = vec![];
        for (i, s) in ids.iter().enumerate() {
            let f = format!("{field}[{}]", i + 1);
            let id: PersonId = s
                .parse()
                .map_err(|_| ValidationError::new(&f, Code::InvalidId).with_value(s))?;
            self.person(id)?;
            if !out.contains(&id.key()) {
                out.push(id.key());
            }
        }
        Ok(out)
    }

    // ----- duplicates across branches (HQ) ----------------------------------------

    /// Pairs of persons registered by two different branches who may be the same
    /// person: names matched across scripts, diacritics and one typo, birth year and
    /// municipality compared. Best first; pairs already linked are left out.
    pub fn duplicate_candidates(&self, min_score: u32) -> Result<Vec<DuplicatePair>> {
        let mut s = self.db().prepare(
            "SELECT p.id, p.given_name, p.family_name, p.birth_year, f.branch, f.municipality
             FROM p_persons p JOIN p_families f ON f.id = p.family_id ORDER BY p.id",
        )?;
        type P = (String, String, String, Option<i64>, String, String);
        let persons: Vec<P> = s
            .query_map([], |r| r.try_into())?
            .collect::<rusqlite::Result<_>>()?;
        let by_id: HashMap<&str, &P> = persons.iter().map(|p| (p.0.as_str(), p)).collect();
        let linked: std::collections::HashSet<(String, String)> = self
            .db()
            .prepare("SELECT a, b FROM p_person_links WHERE active = 1")?
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .flat_map(|(a, b)| [(a.clone(), b.clone()), (b, a)])
            .collect();
        let mut out = vec![];
        for p in &persons {
            for hit in crate::search::query(self.db(), &format!("{} {}", p.1, p.2), 20)? {
                for other in &hit.persons {
                    let Some(q) = by_id.get(other.as_str()) else {
                        continue;
                    };
                    if q.0 <= p.0 || q.4 == p.4 || linked.contains(&(p.0.clone(), q.0.clone())) {
                        continue; // each pair once, only across branches
                    }
                    let mut score: i64 = 100 - 5 * i64::from(hit.score);
                    match (p.3, q.3) {
                        (Some(x), Some(y)) if x == y => {}
                        (Some(x), Some(y)) if (x - y).abs() == 1 => score -= 30,
                        (Some(_), Some(_)) => continue,
                        _ => score -= 15,
                    }
                    if kopa_domain::text::fold(&p.5) != kopa_domain::text::fold(&q.5) {
                        score -= 10;
                    }
                    if score >= i64::from(min_score) {
                        out.push(DuplicatePair {
                            score: score as u32,
                            a: self
                                .person(p.0.parse().map_err(|_| Error::Corrupt(p.0.clone()))?)?,
                            a_branch: p.4.clone(),
                            b: self
                                .person(q.0.parse().map_err(|_| Error::Corrupt(q.0.clone()))?)?,
                            b_branch: q.4.clone(),
                        });
                    }
                }
            }
        }
        out.sort_by(|x, y| y.score.cmp(&x.score).then_with(|| x.a.id.cmp(&y.a.id)));
        Ok(out)
    }

    /// Records that two registrations are the same person (HQ only). Reports count
    /// them once; the decision syncs to the branches with the reference data.
    pub fn link_persons(&mut self, a: PersonId, b: PersonId) -> Result<String> {
        self.require_hq("merge duplicates")?;
        self.allow(Action::Duplicates)?;
        self.person(a)?;
        self.person(b)?;
        if a == b {
            return Err(ValidationError::new("person", Code::InvalidId)
                .with_value(a.key())
                .into());
        }
        self.ensure_reference()?;
        let link = PersonLink {
            a: a.key(),
            b: b.key(),
            by: self.me().user.clone(),
            at: self.today(),
            active: true,
        };
        let id = self.new_key();
        self.write(DocId::Reference, "duplicate.merge", |e| {
            // A reference document made before links existed has no map yet.
            let key = Collection::Links.key();
            let links = match map_at(&e.tx, &ROOT, key)? {
                Some(o) => o,
                None => e.tx.put_object(ROOT, key, automerge::ObjType::Map)?,
            };
            e.insert(&links, &id, &link)?;
            e.record(&link.a);
            e.record(&link.b);
            Ok(())
        })?;
        Ok(id)
    }

    /// Undoes a merge decision; the undo is a change that syncs like any other.
    pub fn unlink_persons(&mut self, link: &str) -> Result<()> {
        self.allow(Action::Duplicates)?;
        self.require_hq("undo duplicate merges")?;
        let key = link.trim().to_string();
        self.write(DocId::Reference, "duplicate.undo", |e| {
            let links = e.collection(Collection::Links)?;
            let l = map_at(&e.tx, &links, &key)?.ok_or(Error::NotFound {
                kind: "link",
                id: key.clone(),
            })?;
            e.set(&l, "active", &false, &format!("links.{key}.active"))?;
            e.record(&key);
            Ok(())
        })
    }
}

pub(super) const FAMILY_SUMMARY: &str = "SELECT f.id, f.name, f.branch, f.municipality, f.status,
    (SELECT count(*) FROM p_persons p WHERE p.family_id = f.id) FROM p_families f";

pub(super) fn family_summary(r: &rusqlite::Row) -> rusqlite::Result<FamilySummary> {
    Ok(FamilySummary {
        id: r.get(0)?,
        name: r.get(1)?,
        branch: r.get(2)?,
        municipality: r.get(3)?,
        status: r.get(4)?,
        members: r.get(5)?,
    })
}

fn person_view(r: &rusqlite::Row) -> rusqlite::Result<PersonView> {
    Ok(PersonView {
        id: r.get(0)?,
        family_id: r.get(1)?,
        given_name: r.get(2)?,
        family_name: r.get(3)?,
        birth_year: r.get(4)?,
        gender: r.get(5)?,
        role: r.get(6)?,
        fields: serde_json::from_str(&r.get::<_, String>(7)?).unwrap_or_default(),
    })
}
