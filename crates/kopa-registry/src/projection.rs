//! The queryable projection: tables derived from the documents.
//!
//! Architecture invariant: every `p_*` row is a function of the documents alone. After
//! any sequence of local writes and merges, re-projecting everything from scratch
//! (`rebuild`) yields exactly the rows maintained incrementally (`project`).

use crate::collection::Collection;
use crate::conflicts;
use crate::docs::{self, DocId};
use crate::error::{Error, Result};
use crate::search;
use automerge::{Automerge, ObjType, Prop, ReadDoc, Value, ROOT};
use autosurgeon::hydrate_prop;
use kopa_domain::*;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::BTreeSet;

/// What changed in a document, so only that is re-projected.
#[derive(Debug, Default)]
pub enum Scope {
    #[default]
    All,
    /// `(collection, record id)` pairs.
    Records(BTreeSet<(String, String)>),
}

impl Scope {
    /// Works out which records the given changes touched, from their operations.
    ///
    /// Patches are not enough: a value that loses a three-way conflict produces no
    /// patch at all, yet the list of conflicting values changed. Every operation
    /// names its object, and the object's path names the record.
    pub fn of_changes(doc: &Automerge, hashes: &[automerge::ChangeHash]) -> Scope {
        let mut set = BTreeSet::new();
        for hash in hashes {
            let Some(change) = doc.get_change_by_hash(hash) else {
                return Scope::All;
            };
            for op in change.decode().operations {
                let key = match &op.key {
                    automerge::legacy::Key::Map(k) => k.to_string(),
                    automerge::legacy::Key::Seq(_) => String::new(),
                };
                let obj = match &op.obj {
                    automerge::legacy::ObjectId::Root => {
                        // A collection created or root info changed: rare, redo all.
                        if !key.is_empty() && key != "branch" {
                            return Scope::All;
                        }
                        continue;
                    }
                    automerge::legacy::ObjectId::Id(id) => format!("{}@{}", id.0, id.1),
                };
                let Ok(obj) = doc.import_obj(&obj) else {
                    return Scope::All;
                };
                let Ok(parents) = doc.parents(&obj) else {
                    return Scope::All;
                };
                // Parents come nearest first; the path reads from the root.
                let mut path: Vec<Prop> = parents.map(|p| p.prop).collect();
                path.reverse();
                let (coll, record) = match (path.first(), path.get(1)) {
                    (Some(Prop::Map(c)), Some(Prop::Map(r))) => (c.clone(), r.clone()),
                    (Some(Prop::Map(c)), None) if !key.is_empty() => (c.clone(), key),
                    (Some(Prop::Map(c)), _) if c == "family" => (c.clone(), String::new()),
                    _ => return Scope::All,
                };
                set.insert((coll, record));
            }
        }
        Scope::Records(set)
    }
}

/// The object id of map `key` under `parent`, if it exists and is a map.
pub fn map_at(
    doc: &impl ReadDoc,
    parent: &automerge::ObjId,
    key: &str,
) -> Result<Option<automerge::ObjId>> {
    match doc.get(parent, key)? {
        Some((Value::Object(ObjType::Map), id)) => Ok(Some(id)),
        Some(_) => Err(Error::Corrupt(format!("{key} is not a map"))),
        None => Ok(None),
    }
}

/// Every copy of map `key` under `parent`, the one shown first. Two replicas that
/// each add a map at one key (a collection added to a document an older version
/// made) leave both in the document; reading the union of the copies loses neither
/// replica's records.
pub fn maps_at(
    doc: &impl ReadDoc,
    parent: &automerge::ObjId,
    key: &str,
) -> Result<Vec<automerge::ObjId>> {
    let mut out: Vec<automerge::ObjId> = map_at(doc, parent, key)?.into_iter().collect();
    for (value, id) in doc.get_all(parent, key)? {
        if matches!(value, Value::Object(ObjType::Map)) && !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

/// The copy of collection map `key` that holds `record` (see [`maps_at`]), else the
/// one shown.
pub fn map_holding(
    doc: &impl ReadDoc,
    key: &str,
    record: &str,
) -> Result<Option<automerge::ObjId>> {
    let copies = maps_at(doc, &ROOT, key)?;
    for obj in &copies {
        if doc.get(obj, record)?.is_some() {
            return Ok(Some(obj.clone()));
        }
    }
    Ok(copies.into_iter().next())
}

/// Projects `doc` (or the changed part of it) into the tables.
pub fn project(conn: &Connection, id: DocId, doc: &Automerge, scope: &Scope) -> Result<()> {
    match id {
        DocId::Family(fid) => project_family(conn, id, fid, doc),
        DocId::Branch(bid) => {
            let branch = bid.key();
            if let Some(info) = hydrate_prop::<_, Option<Branch>, _, _>(doc, ROOT, "branch")? {
                conn.execute(
                    "INSERT OR REPLACE INTO p_branches(id, doc_id, name, municipality) VALUES (?1, ?2, ?3, ?4)",
                    params![branch, id.to_string(), info.name, info.municipality],
                )?;
            }
            project_collections(conn, id, &branch, doc, scope)
        }
        DocId::Reference => project_collections(conn, id, "hq", doc, scope),
    }
}

fn project_collections(
    conn: &Connection,
    id: DocId,
    branch: &str,
    doc: &Automerge,
    scope: &Scope,
) -> Result<()> {
    let collections = id.collections();
    let mut changes = conflicts::Authors::new(doc);
    match scope {
        Scope::All => {
            for &coll in collections {
                let copies = maps_at(doc, &ROOT, coll.key())?;
                if copies.is_empty() {
                    continue;
                }
                // Rows whose record left the document must go too.
                for rid in rows_of(conn, coll, id)? {
                    coll.forget(conn, &rid)?;
                }
                let mut seen = BTreeSet::new();
                for obj in &copies {
                    for rid in doc.keys(obj).collect::<Vec<_>>() {
                        if seen.insert(rid.clone()) {
                            project_record(conn, id, branch, doc, coll, obj, &rid, &mut changes)?;
                        }
                    }
                }
            }
        }
        Scope::Records(set) => {
            for (key, rid) in set {
                let Some(coll) = Collection::parse(key).filter(|c| collections.contains(c)) else {
                    continue;
                };
                let Some(obj) = map_holding(doc, key, rid)? else {
                    continue;
                };
                coll.forget(conn, rid)?;
                project_record(conn, id, branch, doc, coll, &obj, rid, &mut changes)?;
            }
        }
    }
    Ok(())
}

fn rows_of(conn: &Connection, coll: Collection, id: DocId) -> Result<Vec<String>> {
    let (table, col) = coll.table();
    let mut stmt = conn.prepare_cached(&format!("SELECT {col} FROM {table} WHERE doc_id = ?1"))?;
    let ids = stmt
        .query_map([id.to_string()], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(ids)
}

#[allow(clippy::too_many_arguments)]
fn project_record(
    conn: &Connection,
    id: DocId,
    branch: &str,
    doc: &Automerge,
    coll: Collection,
    coll_obj: &automerge::ObjId,
    rid: &str,
    authors: &mut conflicts::Authors,
) -> Result<()> {
    let doc_id = id.to_string();
    if let Collection::Erased | Collection::Replaced = coll {
        // A tombstone: family id → when it was erased (or superseded).
        if let Some((automerge::Value::Scalar(v), _)) = doc.get(coll_obj, rid)? {
            let at = v.to_i64().unwrap_or(0);
            conn.prepare_cached(&format!(
                "INSERT OR REPLACE INTO {}(family_id, doc_id, at) VALUES (?1, ?2, ?3)",
                coll.table().0
            ))?
            .execute(params![rid, doc_id, at])?;
        }
        return Ok(());
    }
    let Some(obj) = map_at(doc, coll_obj, rid)? else {
        return Ok(()); // deleted
    };
    if let Collection::Groups | Collection::Sessions | Collection::Events = coll {
        insert_field_values(conn, rid, None, &doc_id, &field_values(doc, &obj)?)?;
    }
    match coll {
        Collection::Groups => {
            let g: Group = hydrate_prop(doc, coll_obj, rid)?;
            conn.prepare_cached(
                "INSERT INTO p_groups(id, doc_id, branch, name, activity, municipality, start, end, weekday, time, place)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                rid, doc_id, branch, g.name, g.activity, g.municipality,
                g.start.map(|d| d.to_string()), g.end.map(|d| d.to_string()), g.weekday, g.time, g.place
            ])?;
            let mut m = conn.prepare_cached(
                "INSERT INTO p_group_members(group_id, person_id) VALUES (?1, ?2)",
            )?;
            for p in g.members.iter() {
                m.execute([rid, p])?;
            }
            let mut f = conn.prepare_cached(
                "INSERT INTO p_group_facilitators(group_id, volunteer_id) VALUES (?1, ?2)",
            )?;
            for v in g.facilitators.iter() {
                f.execute([rid, v])?;
            }
        }
        Collection::Sessions => {
            let s: Session = hydrate_prop(doc, coll_obj, rid)?;
            conn.prepare_cached(
                "INSERT INTO p_sessions(id, doc_id, branch, group_id, date, time, minutes, place, topics, note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                rid, doc_id, branch, s.group, s.date.to_string(), s.time, s.minutes, s.place, s.topics, s.note
            ])?;
            let mut a = conn.prepare_cached(
                "INSERT INTO p_attendance(session_id, person_id) VALUES (?1, ?2)",
            )?;
            for p in s.attendance.iter() {
                a.execute([rid, p])?;
            }
            let mut g = conn.prepare_cached(
                "INSERT INTO p_session_guests(session_id, category, count) VALUES (?1, ?2, ?3)",
            )?;
            for (cat, n) in &s.guests {
                g.execute(params![rid, cat, n])?;
            }
            let mut f = conn.prepare_cached(
                "INSERT INTO p_session_facilitators(session_id, volunteer_id) VALUES (?1, ?2)",
            )?;
            for v in s.facilitators.iter() {
                f.execute([rid, v])?;
            }
        }
        Collection::Volunteers => {
            let v: Volunteer = hydrate_prop(doc, coll_obj, rid)?;
            conn.prepare_cached(
                "INSERT INTO p_volunteers(id, doc_id, branch, given_name, family_name, role, contact, active)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![rid, doc_id, branch, v.given_name, v.family_name, v.role.as_str(), v.contact, v.active])?;
        }
        Collection::Trainings => {
            let t: Training = hydrate_prop(doc, coll_obj, rid)?;
            conn.prepare_cached(
                "INSERT INTO p_trainings(id, doc_id, branch, volunteer_id, date, topic, tenth_hours)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![rid, doc_id, branch, t.volunteer, t.date.to_string(), t.topic, t.tenth_hours])?;
        }
        Collection::Events => {
            let e: Event = hydrate_prop(doc, coll_obj, rid)?;
            conn.prepare_cached(
                "INSERT INTO p_events(id, doc_id, branch, name, activity, date, municipality)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                rid,
                doc_id,
                branch,
                e.name,
                e.activity,
                e.date.to_string(),
                e.municipality
            ])?;
            let mut c = conn.prepare_cached(
                "INSERT INTO p_event_counts(event_id, category, count) VALUES (?1, ?2, ?3)",
            )?;
            for (cat, n) in &e.head_counts {
                c.execute(params![rid, cat, n])?;
            }
            let mut p = conn.prepare_cached(
                "INSERT INTO p_event_participants(event_id, person_id) VALUES (?1, ?2)",
            )?;
            for person in e.participants.iter() {
                p.execute([rid, person])?;
            }
        }
        Collection::Projects => {
            let p: Project = hydrate_prop(doc, coll_obj, rid)?;
            let branches: Vec<&String> = p.branches.iter().collect();
            conn.prepare_cached(
                "INSERT INTO p_projects(id, doc_id, name, donor, start, end, branches) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                rid, doc_id, p.name, p.donor, p.start.to_string(), p.end.to_string(),
                serde_json::to_string(&branches).unwrap_or_default()
            ])?;
        }
        Collection::Municipalities => {
            let m: ListValue = hydrate_prop(doc, coll_obj, rid)?;
            conn.prepare_cached(
                "INSERT INTO p_municipalities(code, doc_id, labels, until, successor) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                rid, doc_id, serde_json::to_string(&m.labels).unwrap_or_default(),
                m.until.map(|d| d.to_string()), m.successor
            ])?;
        }
        Collection::Fields => {
            let f: FieldDef = hydrate_prop(doc, coll_obj, rid)?;
            conn.prepare_cached("INSERT INTO p_fields(code, doc_id, def) VALUES (?1, ?2, ?3)")?
                .execute(params![
                    rid,
                    doc_id,
                    serde_json::to_string(&f).unwrap_or_default()
                ])?;
        }
        Collection::Activities | Collection::TargetGroups | Collection::Categories => {
            let a: ListValue = hydrate_prop(doc, coll_obj, rid)?;
            conn.prepare_cached(&format!(
                "INSERT INTO {}(code, doc_id, labels) VALUES (?1, ?2, ?3)",
                coll.table().0
            ))?
            .execute(params![
                rid,
                doc_id,
                serde_json::to_string(&a.labels).unwrap_or_default()
            ])?;
        }
        Collection::Accounts => {
            let a: Account = hydrate_prop(doc, coll_obj, rid)?;
            conn.prepare_cached(
                "INSERT INTO p_accounts(id, doc_id, branch, name, access, removed) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![rid, doc_id, branch, a.name, a.access.as_str(), a.removed])?;
        }
        Collection::Audit => {
            let a: AuditEntry = hydrate_prop(doc, coll_obj, rid)?;
            conn.prepare_cached(
                "INSERT INTO p_audit(id, doc_id, branch, at, action, account, who, device, records)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                rid,
                doc_id,
                branch,
                a.at.0,
                a.action.as_str(),
                a.account,
                a.who,
                a.device,
                serde_json::to_string(&a.records).unwrap_or_default()
            ])?;
        }
        Collection::Links => {
            let l: PersonLink = hydrate_prop(doc, coll_obj, rid)?;
            conn.prepare_cached(
                "INSERT INTO p_person_links(id, doc_id, a, b, active, by, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![rid, doc_id, l.a, l.b, l.active, l.by, l.at.to_string()])?;
        }
        Collection::Indicators => {
            let i: Indicator = hydrate_prop(doc, coll_obj, rid)?;
            conn.prepare_cached(
                "INSERT INTO p_indicators(id, doc_id, project_id, name, rule, params, target, position) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                rid, doc_id, i.project, i.name, i.rule,
                serde_json::to_string(&i.params).unwrap_or_default(), i.target, i.position
            ])?;
        }
        _ => {}
    }
    conflicts::project(conn, &doc_id, doc, &obj, rid, coll.record_kind(), authors)
}

/// Removes a family's projected rows.
pub fn forget_family(conn: &Connection, family: &str) -> Result<()> {
    Collection::Family.forget(conn, family)
}

/// Family ids a tombstone names: erased themselves or of an erased household, or
/// superseded — once a later document of the household is held here (or when this
/// one is not held). A superseded document whose successor has not arrived yet (a
/// sync brought the tombstone in one round and the new document in the next) stays
/// until it does, so that edits made to it elsewhere can be carried onto it.
pub(crate) const GONE: &str = "SELECT family_id FROM p_erased
    UNION SELECT r.family_id FROM p_replaced r
      WHERE NOT EXISTS (SELECT 1 FROM p_lineage l WHERE l.family_id = r.family_id)
         OR EXISTS (SELECT 1 FROM p_lineage l JOIN p_lineage g
                    ON g.household = l.household AND g.depth > l.depth
                    WHERE l.family_id = r.family_id)
    UNION SELECT l.family_id FROM p_lineage l JOIN p_erased e ON e.family_id = l.household";

/// Whether a tombstone names this family's document: such a document is dropped on
/// arrival and not sent on.
pub fn is_gone(conn: &Connection, family: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT EXISTS(SELECT 1 FROM ({GONE}) WHERE family_id = ?1)"
        ))?
        .query_row([family], |r| r.get(0))?)
}

/// The household a family document belongs to: the id of its first document.
pub fn household(conn: &Connection, family: &str) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT household FROM p_lineage WHERE family_id = ?1")?
        .query_row([family], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| family.to_string()))
}

/// Drops every stored family document that a tombstone names: its snapshot, its
/// chunks and its rows. Where that leaves a household's shown document gone while
/// another of its documents stays, that one is shown. Returns the documents dropped.
pub fn drop_erased(conn: &Connection) -> Result<Vec<DocId>> {
    // Changes still waiting for an erased family's document go with it.
    conn.prepare_cached(&format!(
        "DELETE FROM pending_changes WHERE doc_id IN (SELECT 'family:' || family_id FROM ({GONE}))"
    ))?
    .execute([])?;
    let mut s = conn.prepare_cached(&format!(
        "SELECT d.doc_id, g.family_id FROM docs d JOIN ({GONE}) g ON d.doc_id = 'family:' || g.family_id"
    ))?;
    let rows: Vec<(String, String)> = s
        .query_map([], |r| r.try_into())?
        .collect::<rusqlite::Result<_>>()?;
    let mut dropped = vec![];
    let mut households = BTreeSet::new();
    for (doc_id, family) in rows {
        conn.prepare_cached("DELETE FROM doc_chunks WHERE doc_id = ?1")?
            .execute([&doc_id])?;
        conn.prepare_cached("DELETE FROM docs WHERE doc_id = ?1")?
            .execute([&doc_id])?;
        forget_family(conn, &family)?;
        households.insert(household(conn, &family)?);
        for (table, col) in Collection::FAMILY_DOCUMENT_TABLES {
            conn.prepare_cached(&format!("DELETE FROM {table} WHERE {col} = ?1"))?
                .execute([&family])?;
        }
        dropped.push(doc_id.parse()?);
    }
    for h in households {
        if let Some(winner) = shown_of(conn, &h)? {
            let shown: bool = conn
                .prepare_cached("SELECT EXISTS(SELECT 1 FROM p_families WHERE id = ?1)")?
                .query_row([&winner], |r| r.get(0))?;
            if !shown {
                reproject_family(conn, &winner)?;
            }
        }
    }
    Ok(dropped)
}

/// A household's documents held here, and the members erased from it.
pub fn household_documents(
    conn: &Connection,
    household: &str,
) -> Result<(Vec<String>, Vec<String>)> {
    let list = |sql: &str| -> Result<Vec<String>> {
        Ok(conn
            .prepare_cached(sql)?
            .query_map([household], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    };
    Ok((
        list("SELECT family_id FROM p_lineage WHERE household = ?1 ORDER BY family_id")?,
        list("SELECT DISTINCT person_id FROM p_erased_members WHERE household = ?1 ORDER BY person_id")?,
    ))
}

/// Projects a stored family document again.
fn reproject_family(conn: &Connection, family: &str) -> Result<()> {
    let id: DocId = format!("family:{family}").parse()?;
    if let DocId::Family(fid) = id {
        if let Some(doc) = docs::load(conn, id, &automerge::ActorId::random())? {
            project_family(conn, id, fid, &doc)?;
        }
    }
    Ok(())
}

/// Shown families whose document still holds a member erased from the household
/// (it was made elsewhere before the erasure reached it), with those members' ids.
pub fn unerased_members(conn: &Connection) -> Result<Vec<(String, Vec<String>)>> {
    let mut s = conn.prepare_cached(
        "SELECT f.id, e.person_id FROM p_families f
         JOIN p_lineage l ON l.family_id = f.id
         JOIN p_erased_members e ON e.household = l.household
         WHERE e.family_id <> f.id
           AND e.person_id NOT IN (SELECT person_id FROM p_erased_members WHERE family_id = f.id)
         ORDER BY f.id, e.person_id",
    )?;
    let rows: Vec<(String, String)> = s
        .query_map([], |r| r.try_into())?
        .collect::<rusqlite::Result<_>>()?;
    let mut out: Vec<(String, Vec<String>)> = vec![];
    for (family, person) in rows {
        match out.last_mut() {
            Some((f, ps)) if *f == family => {
                if !ps.contains(&person) {
                    ps.push(person)
                }
            }
            _ => out.push((family, vec![person])),
        }
    }
    Ok(out)
}

/// The household's document that is shown: the one that replaces the most, then the
/// greatest id, so every replica picks the same whatever the order of arrival.
fn shown_of(conn: &Connection, household: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT family_id FROM p_lineage WHERE household = ?1
             ORDER BY depth DESC, family_id DESC LIMIT 1",
        )?
        .query_row([household], |r| r.get(0))
        .optional()?)
}

fn project_family(conn: &Connection, id: DocId, fid: FamilyId, doc: &Automerge) -> Result<()> {
    let key = fid.key();
    forget_family(conn, &key)?;
    let Some(obj) = map_at(doc, &ROOT, Collection::Family.key())? else {
        return Ok(());
    };
    let f: Family = hydrate_prop(doc, ROOT, Collection::Family.key())?;
    // A household moves to a new document when a member is erased, and two devices
    // may each have done so: of its documents, one is shown, the same everywhere and
    // whatever the order they arrived in.
    let household = f.household.clone().unwrap_or_else(|| key.clone());
    conn.prepare_cached(
        "INSERT OR REPLACE INTO p_lineage(family_id, household, depth) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![key, household, f.replaces.len() as i64])?;
    let mut fresh = false;
    for pid in f.erased_members.iter() {
        fresh |= conn
            .prepare_cached(
                "INSERT OR IGNORE INTO p_erased_members(family_id, household, person_id) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![key, household, pid])?
            > 0;
    }
    let shown = shown_of(conn, &household)?;
    if shown.as_deref() != Some(key.as_str()) {
        // Members this hidden document erased are not shown from the shown one.
        if let Some(shown) = shown.filter(|_| fresh) {
            let projected: bool = conn
                .prepare_cached("SELECT EXISTS(SELECT 1 FROM p_families WHERE id = ?1)")?
                .query_row([&shown], |r| r.get(0))?;
            if projected {
                reproject_family(conn, &shown)?;
            }
        }
        return Ok(());
    }
    let mut f = f;
    let erased: BTreeSet<String> = conn
        .prepare_cached("SELECT person_id FROM p_erased_members WHERE household = ?1")?
        .query_map([&household], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    f.members.retain(|pid, _| !erased.contains(pid));
    let others: Vec<String> = conn
        .prepare_cached("SELECT family_id FROM p_lineage WHERE household = ?1 AND family_id <> ?2")?
        .query_map([&household, &key], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for other in others {
        forget_family(conn, &other)?;
    }
    let consent = f.consent.as_ref();
    conn.prepare_cached(
        "INSERT INTO p_families(id, doc_id, branch, name, municipality, contact, status, consent_date, consent_scope, consent_by, registered)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        key, id.to_string(), f.branch, f.name, f.municipality, f.contact, f.status.as_str(),
        consent.map(|c| c.date.to_string()), consent.map(|c| &c.scope), consent.map(|c| &c.recorded_by),
        f.registered.to_string()
    ])?;
    let mut tag = conn
        .prepare_cached("INSERT INTO p_family_tags(family_id, kind, value) VALUES (?1, ?2, ?3)")?;
    for l in f.languages.iter() {
        tag.execute([&key, "language", l])?;
    }
    for t in f.target_groups.iter() {
        tag.execute([&key, "target-group", t])?;
    }
    let mut person = conn.prepare_cached(
        "INSERT INTO p_persons(id, family_id, given_name, family_name, birth_year, birth_date, gender, role, target_groups)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for (pid, m) in &f.members {
        let tgs: Vec<&String> = m.target_groups.iter().collect();
        person.execute(params![
            pid,
            key,
            m.given_name,
            m.family_name,
            m.birth_year,
            m.birth_date.map(|d| d.to_string()),
            m.gender.as_str(),
            m.role.as_str(),
            tgs.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")
        ])?;
    }
    let mut note = conn.prepare_cached(
        "INSERT INTO p_notes(id, family_id, date, text, author) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (nid, n) in &f.notes {
        note.execute(params![nid, key, n.date.to_string(), n.text, n.author])?;
    }
    let mut fu = conn.prepare_cached(
        "INSERT INTO p_follow_ups(id, family_id, due, text, done, author) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (uid, u) in &f.follow_ups {
        fu.execute(params![
            uid,
            key,
            u.due.to_string(),
            u.text,
            u.done,
            u.author
        ])?;
    }
    let doc_id = id.to_string();
    insert_field_values(conn, &key, Some(&key), &doc_id, &field_values(doc, &obj)?)?;
    if let Some(ms) = map_at(doc, &obj, "members")? {
        for pid in f.members.keys() {
            if let Some(m) = map_at(doc, &ms, pid)? {
                insert_field_values(conn, pid, Some(&key), &doc_id, &field_values(doc, &m)?)?;
            }
        }
    }
    search::index_family(conn, &key, &f)?;
    let mut authors = conflicts::Authors::new(doc);
    conflicts::project(
        conn,
        &id.to_string(),
        doc,
        &obj,
        &key,
        Collection::Family.record_kind(),
        &mut authors,
    )
}

/// A record's values of HQ's fields, from every copy of its `fields` map (two
/// replicas may each have added one to a record written before fields existed; see
/// [`maps_at`]), the shown copy's value first.
pub fn field_values(
    doc: &impl ReadDoc,
    record: &automerge::ObjId,
) -> Result<std::collections::BTreeMap<String, String>> {
    let mut out = std::collections::BTreeMap::new();
    for copy in maps_at(doc, record, "fields")? {
        for code in doc.keys(&copy).collect::<Vec<_>>() {
            if out.contains_key(&code) {
                continue;
            }
            if let Some((Value::Scalar(v), _)) = doc.get(&copy, code.as_str())? {
                if let automerge::ScalarValue::Str(s) = v.as_ref() {
                    out.insert(code, s.to_string());
                }
            }
        }
    }
    Ok(out)
}

fn insert_field_values(
    conn: &Connection,
    record: &str,
    family: Option<&str>,
    doc_id: &str,
    values: &std::collections::BTreeMap<String, String>,
) -> Result<()> {
    let mut s = conn.prepare_cached(
        "INSERT OR REPLACE INTO p_field_values(record_id, family_id, field, value, doc_id)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (field, value) in values {
        s.execute(params![record, family, field, value, doc_id])?;
    }
    Ok(())
}

/// Empties the projection and derives it again from every stored document.
pub fn rebuild(conn: &Connection, actor: &automerge::ActorId) -> Result<usize> {
    // In bulk, the search's covering index is built once at the end instead of row by
    // row, and a larger page cache keeps the transaction's pages from spilling to the
    // log (each spill is encrypted). Measured in BENCHMARKS.md.
    let index: Option<String> = conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'p_search_key'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let cache: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    conn.pragma_update(None, "cache_size", -65_536)?;
    if index.is_some() {
        conn.execute_batch("DROP INDEX p_search_key")?;
    }
    let n = rebuild_rows(conn, actor);
    if let Some(sql) = &index {
        conn.execute_batch(sql)?;
    }
    conn.pragma_update(None, "cache_size", cache)?;
    n
}

fn rebuild_rows(conn: &Connection, actor: &automerge::ActorId) -> Result<usize> {
    for t in Collection::projection_tables() {
        conn.execute(&format!("DELETE FROM {t}"), [])?;
    }
    let mut n = 0;
    for row in docs::list(conn)? {
        let doc = docs::load(conn, row.id, actor)?
            .ok_or_else(|| Error::Corrupt(format!("document {} vanished", row.id)))?;
        project(conn, row.id, &doc, &Scope::All)?;
        n += 1;
    }
    Ok(n)
}

/// A canonical text dump of the whole projection (sorted rows of every table).
pub fn dump(conn: &Connection) -> Result<Vec<(String, Vec<String>)>> {
    let mut out = vec![];
    for t in Collection::projection_tables() {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {t}"))?;
        let cols = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let mut s = String::new();
                for i in 0..cols {
                    let v: rusqlite::types::Value = r.get(i)?;
                    s.push_str(&format!("{v:?}|"));
                }
                Ok(s)
            })?
            .collect::<rusqlite::Result<_>>()?;
        rows.sort();
        out.push((t.to_string(), rows));
    }
    Ok(out)
}

/// Number of rows in the projection.
pub fn row_count(conn: &Connection) -> Result<i64> {
    let mut n = 0;
    for t in Collection::projection_tables() {
        n += conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| {
            r.get::<_, i64>(0)
        })?;
    }
    Ok(n)
}
