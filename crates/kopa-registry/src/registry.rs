//! The application services: every read and write a person can make on a replica.
//!
//! A write is one Automerge change on one document, committed in the same SQLite
//! transaction as its chunk and its projection rows. If SQLite fails, the in-memory
//! document is dropped and reloaded from disk, so memory never runs ahead of the file.

use crate::docs::{self, DocId};
use crate::env::Env;
use crate::error::{Error, Result};
use crate::pending;
use crate::projection::{self, map_at, Scope};
use crate::store;
use crate::views::*;
use automerge::transaction::{CommitOptions, Transactable, Transaction};
use automerge::{ActorId, Automerge, ReadDoc, ROOT};
use autosurgeon::{hydrate_prop, reconcile_prop, Hydrate, Reconcile};
use kopa_domain::validate::{self as v, Context, MemberDraft};
use kopa_domain::*;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// What a new replica is.
#[derive(Clone, Debug)]
pub struct InitOptions {
    pub branch_name: String,
    pub municipality: String,
    pub role: Role,
    pub device_name: String,
    pub user: String,
}

/// A family as typed by a person. In an edit, `None` / empty means "leave as is".
#[derive(Clone, Debug, Default)]
pub struct FamilyDraft {
    pub name: Option<String>,
    pub municipality: Option<String>,
    pub languages: Option<Vec<String>>,
    pub target_groups: Option<Vec<String>>,
    pub contact: Option<String>,
    pub status: Option<String>,
    /// Members to add.
    pub members: Vec<MemberDraft>,
    /// Consent date, `YYYY-MM-DD`.
    pub consent: Option<String>,
    pub consent_scope: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct GroupDraft {
    pub name: String,
    pub activity: String,
    pub municipality: Option<String>,
    pub facilitators: Vec<String>,
    pub weekday: Option<String>,
    pub time: Option<String>,
    pub place: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct SessionDraft {
    pub group: String,
    pub date: String,
    pub time: Option<String>,
    pub minutes: Option<String>,
    pub place: Option<String>,
    pub topics: Option<String>,
    pub attended: Vec<String>,
    /// `CATEGORY=N`.
    pub guests: Vec<String>,
    pub facilitators: Vec<String>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct VolunteerDraft {
    pub given_name: String,
    pub family_name: String,
    pub role: Option<String>,
    pub contact: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct TrainingDraft {
    pub volunteer: String,
    pub date: String,
    pub topic: String,
    pub hours: String,
}

#[derive(Clone, Debug, Default)]
pub struct EventDraft {
    pub name: String,
    pub activity: String,
    pub date: String,
    pub municipality: Option<String>,
    /// `CATEGORY=N`.
    pub head_counts: Vec<String>,
    pub participants: Vec<String>,
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

/// What arrives from another replica: a whole document, changes to one, or an
/// Automerge sync message together with the sync state it advances.
pub enum Incoming {
    Doc(Box<Automerge>),
    Changes(Vec<automerge::Change>),
    Sync {
        message: Option<automerge::sync::Message>,
        state: Box<automerge::sync::State>,
    },
}

mod backups;
mod hub;
mod net_sync;
mod sync_files;
pub use backups::*;
pub use hub::*;
pub use net_sync::*;
pub use sync_files::*;

/// Indicator rule types (see `kopa-report`).
pub const INDICATOR_RULES: &[&str] = &[
    "distinct-persons",
    "attendances",
    "sessions-held",
    "functioning-groups",
    "regular-participants",
    "event-head-counts",
    "trained-volunteers",
];

/// Indicator parameters: thresholds and filters.
pub const INDICATOR_PARAMS: &[&str] = &[
    "min-sessions",
    "min-percent",
    "min-hours",
    "category",
    "target-group",
    "age-band",
    "gender",
    "activity",
    "municipality",
    "language",
    "branch",
];

#[derive(Clone, Debug, Default)]
pub struct ProjectDraft {
    pub name: String,
    pub donor: String,
    pub start: String,
    pub end: String,
    pub branches: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct IndicatorDraft {
    pub project: String,
    pub name: String,
    pub rule: String,
    /// `key=value`: thresholds (`min-sessions=8`) and filters (`activity=senior-club`).
    pub params: Vec<String>,
    pub target: String,
}

/// An open replica.
pub struct Registry {
    conn: Connection,
    cache: HashMap<DocId, Automerge>,
    me: Me,
    env: Env,
}

#[derive(Clone, Debug)]
struct Me {
    branch: BranchId,
    branch_name: String,
    municipality: String,
    role: Role,
    device: DeviceId,
    device_name: String,
    user: String,
}

impl Me {
    fn actor(&self) -> ActorId {
        ActorId::from(self.device.0.as_bytes().as_slice())
    }
}

/// An open Automerge transaction plus what it touched, for the change's note.
pub struct Edit<'a> {
    pub tx: Transaction<'a>,
    records: Vec<String>,
    fields: Vec<String>,
}

impl Edit<'_> {
    /// Notes that the change concerns `record` (for `history`).
    pub fn record(&mut self, record: &str) {
        if !self.records.iter().any(|r| r == record) {
            self.records.push(record.to_string());
        }
    }

    pub fn map(&self, parent: &automerge::ObjId, key: &str) -> Result<automerge::ObjId> {
        map_at(&self.tx, parent, key)?.ok_or_else(|| Error::Corrupt(format!("missing map {key}")))
    }

    /// Writes `value` at `key` only if it differs from what is there. Writing an
    /// unchanged value would silently settle a pending conflict, so it is never done.
    pub fn set<V>(
        &mut self,
        obj: &automerge::ObjId,
        key: &str,
        value: &V,
        field: &str,
    ) -> Result<()>
    where
        V: Reconcile + Hydrate + PartialEq,
    {
        let current: Option<V> = hydrate_prop(&self.tx, obj, key).unwrap_or(None);
        if current.as_ref() != Some(value) {
            reconcile_prop(&mut self.tx, obj, key, value)?;
            self.fields.push(field.to_string());
        }
        Ok(())
    }

    /// Adds `key` to a set map (attendance, enrolment); concurrent adds all stay.
    pub fn add_to_set(&mut self, obj: &automerge::ObjId, key: &str, field: &str) -> Result<()> {
        if self.tx.get(obj, key)?.is_none() {
            self.tx.put(obj, key, true)?;
            self.fields.push(field.to_string());
        }
        Ok(())
    }

    pub fn remove_from_set(
        &mut self,
        obj: &automerge::ObjId,
        key: &str,
        field: &str,
    ) -> Result<()> {
        if self.tx.get(obj, key)?.is_some() {
            self.tx.delete(obj, key)?;
            self.fields.push(field.to_string());
        }
        Ok(())
    }

    /// Inserts a new record under a fresh id.
    pub fn insert<V: Reconcile>(
        &mut self,
        obj: &automerge::ObjId,
        key: &str,
        value: &V,
    ) -> Result<()> {
        reconcile_prop(&mut self.tx, obj, key, value)?;
        self.fields.push("*".into());
        self.record(key);
        Ok(())
    }
}

/// The maps a branch document is created with: exactly the projected collections.
const BRANCH_ROOT: &[&str] = projection::BRANCH_COLLECTIONS;
const REFERENCE_ROOT: &[&str] = &[
    "projects",
    "indicators",
    "links",
    "municipalities",
    "activities",
];

impl Registry {
    /// Creates a new replica file. Refuses to overwrite anything.
    pub fn create(path: &Path, passphrase: &str, opts: InitOptions, mut env: Env) -> Result<Self> {
        let today = env.clock.now().date();
        let ctx = Context::builtin(today);
        let branch_name = v::text("branch", &opts.branch_name, v::MAX_NAME)?;
        let municipality = v::municipality("municipality", &opts.municipality, &ctx)?;
        let device_name = v::text("device", &opts.device_name, v::MAX_NAME)?;
        let user = v::text("user", &opts.user, v::MAX_NAME)?;
        if passphrase.is_empty() {
            return Err(v::text("passphrase", "", 1).unwrap_err().into());
        }
        let now = env.clock.now().0 as u64;
        let me = Me {
            branch: BranchId::new(now, env.ids.random10()),
            branch_name,
            municipality,
            role: opts.role,
            device: DeviceId::new(now, env.ids.random10()),
            device_name,
            user,
        };
        let conn = store::open(path, passphrase, true)?;
        write_identity(&conn, &me)?;
        let mut reg = Registry {
            conn,
            cache: HashMap::new(),
            me,
            env,
        };
        // The document skeletons are created once, by the replica that owns them, so
        // that no two devices ever create the same collection concurrently.
        let info = Branch {
            name: reg.me.branch_name.clone(),
            municipality: reg.me.municipality.clone(),
        };
        reg.create_branch_doc(reg.me.branch, &info)?;
        if reg.me.role == Role::Hq {
            reg.write_new(DocId::Reference, "hq", "reference.create", |e| {
                for c in REFERENCE_ROOT {
                    e.tx.put_object(ROOT, *c, automerge::ObjType::Map)?;
                }
                Ok(())
            })?;
        }
        Ok(reg)
    }

    /// Creates another device of an existing replica's branch (same branch, role and
    /// documents, its own device identity): a second laptop for the same branch.
    pub fn create_device_of(
        path: &Path,
        passphrase: &str,
        source: &Path,
        source_passphrase: &str,
        device_name: &str,
        user: &str,
        mut env: Env,
    ) -> Result<Self> {
        let src = Registry::open(source, source_passphrase, Env::system())?;
        let now = env.clock.now().0 as u64;
        let me = Me {
            device: DeviceId::new(now, env.ids.random10()),
            device_name: v::text("device", device_name, v::MAX_NAME)?,
            user: v::text("user", user, v::MAX_NAME)?,
            ..src.me.clone()
        };
        drop(src);
        if passphrase.is_empty() {
            return Err(v::text("passphrase", "", 1).unwrap_err().into());
        }
        let conn = store::open(path, passphrase, true)?;
        write_identity(&conn, &me)?;
        let mut reg = Registry {
            conn,
            cache: HashMap::new(),
            me,
            env,
        };
        reg.merge_from(source, source_passphrase)?;
        Ok(reg)
    }

    /// Opens an existing replica. A wrong passphrase changes nothing on disk.
    pub fn open(path: &Path, passphrase: &str, env: Env) -> Result<Self> {
        let conn = store::open(path, passphrase, false)?;
        let get = |k: &str| -> Result<String> {
            store::get_meta(&conn, k)?.ok_or_else(|| Error::Corrupt(format!("setting {k} missing")))
        };
        let me = Me {
            branch: get("branch_id")?
                .parse()
                .map_err(|_| Error::Corrupt("branch id".into()))?,
            branch_name: get("branch_name")?,
            municipality: get("municipality")?,
            role: Role::parse(&get("role")?).ok_or_else(|| Error::Corrupt("role".into()))?,
            device: get("device_id")?
                .parse()
                .map_err(|_| Error::Corrupt("device id".into()))?,
            device_name: get("device_name")?,
            user: get("user")?,
        };
        Ok(Registry {
            conn,
            cache: HashMap::new(),
            me,
            env,
        })
    }

    pub fn identity(&self) -> Identity {
        Identity {
            branch_id: self.me.branch.key(),
            branch_name: self.me.branch_name.clone(),
            municipality: self.me.municipality.clone(),
            role: self.me.role.as_str().into(),
            device_id: self.me.device.key(),
            device_name: self.me.device_name.clone(),
            user: self.me.user.clone(),
        }
    }

    /// Who is using this device from now on (kept in the replica).
    pub fn set_user(&mut self, user: &str) -> Result<()> {
        let user = v::text("user", user, v::MAX_NAME)?;
        store::set_meta(&self.conn, "user", &user)?;
        self.me.user = user;
        Ok(())
    }

    /// Acts as `user` for this session only.
    pub fn act_as(&mut self, user: &str) -> Result<()> {
        self.me.user = v::text("user", user, v::MAX_NAME)?;
        Ok(())
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    pub fn today(&self) -> Date {
        self.env.clock.now().date()
    }

    /// What validation knows: today and the built-in reference lists. (HQ-defined
    /// municipalities and activity types will come through the reference document.)
    fn context(&self) -> Result<Context> {
        Ok(Context::builtin(self.today()))
    }

    fn new_key(&mut self) -> String {
        let now = self.env.clock.now().0 as u64;
        uuid_v7(now, self.env.ids.random10())
            .hyphenated()
            .to_string()
    }

    fn doc(&mut self, id: DocId) -> Result<&mut Automerge> {
        if !self.cache.contains_key(&id) {
            let doc =
                docs::load(&self.conn, id, &self.me.actor())?.ok_or_else(|| Error::NotFound {
                    kind: "document",
                    id: id.to_string(),
                })?;
            self.cache.insert(id, doc);
        }
        Ok(self.cache.get_mut(&id).expect("just inserted"))
    }

    /// Creates a branch's activity document with its skeleton.
    fn create_branch_doc(&mut self, branch: BranchId, info: &Branch) -> Result<()> {
        self.write_new(DocId::Branch(branch), &branch.key(), "branch.create", |e| {
            reconcile_prop(&mut e.tx, ROOT, "branch", info)?;
            for c in BRANCH_ROOT {
                e.tx.put_object(ROOT, *c, automerge::ObjType::Map)?;
            }
            e.record(&branch.key());
            Ok(())
        })
    }

    fn write_new<T>(
        &mut self,
        id: DocId,
        owner: &str,
        action: &str,
        f: impl FnOnce(&mut Edit) -> Result<T>,
    ) -> Result<T> {
        let doc = Automerge::new().with_actor(self.me.actor());
        self.cache.insert(id, doc);
        let out = self.commit(id, Some(owner), action, f);
        if out.is_err() {
            self.cache.remove(&id);
        }
        out
    }

    fn write<T>(
        &mut self,
        id: DocId,
        action: &str,
        f: impl FnOnce(&mut Edit) -> Result<T>,
    ) -> Result<T> {
        self.doc(id)?;
        self.commit(id, None, action, f)
    }

    fn commit<T>(
        &mut self,
        id: DocId,
        new_owner: Option<&str>,
        action: &str,
        f: impl FnOnce(&mut Edit) -> Result<T>,
    ) -> Result<T> {
        let now = self.env.clock.now();
        let me = self.me.clone();
        let doc = self.cache.get_mut(&id).expect("document loaded");
        let before = doc.get_heads();
        let out = {
            let mut edit = Edit {
                tx: doc.transaction(),
                records: vec![],
                fields: vec![],
            };
            let out = match f(&mut edit) {
                Ok(out) => out,
                Err(e) => {
                    edit.tx.rollback();
                    return Err(e);
                }
            };
            if edit.fields.is_empty() && new_owner.is_none() {
                edit.tx.rollback();
                return Ok(out);
            }
            let note = ChangeNote {
                person: me.user.clone(),
                device: me.device_name.clone(),
                action: action.to_string(),
                records: edit.records,
                fields: edit.fields,
                at: now,
            };
            let message = serde_json::to_string(&note).unwrap_or_default();
            let (hash, _) = edit.tx.commit_with(
                CommitOptions::default()
                    .with_message(message)
                    .with_time(now.0),
            );
            (out, hash)
        };
        let (out, hash) = out;
        let doc = self.cache.get(&id).expect("document loaded");
        let scope = match (new_owner, hash) {
            (None, Some(hash)) => Scope::of_changes(doc, &[hash]),
            _ => Scope::All,
        };
        match persist(&self.conn, id, new_owner, doc, &before, &scope) {
            Ok(dropped) => {
                for d in dropped {
                    self.cache.remove(&d);
                }
                Ok(out)
            }
            Err(e) => {
                self.cache.remove(&id);
                Err(e)
            }
        }
    }

    /// Adds changes made apart (forks merged by `f`) to a stored document, and stores
    /// and re-projects it like a write.
    fn merge_into(
        &mut self,
        id: DocId,
        f: impl FnOnce(&mut Automerge) -> Result<()>,
    ) -> Result<()> {
        let doc = self.doc(id)?;
        let before = doc.get_heads();
        if let Err(e) = f(doc) {
            self.cache.remove(&id);
            return Err(e);
        }
        let doc = self.cache.get(&id).expect("document loaded");
        if doc.get_heads() == before {
            return Ok(());
        }
        match persist(&self.conn, id, None, doc, &before, &Scope::All) {
            Ok(dropped) => {
                for d in dropped {
                    self.cache.remove(&d);
                }
                Ok(())
            }
            Err(e) => {
                self.cache.remove(&id);
                Err(e)
            }
        }
    }

    /// Runs several writes as one: all of them reach the file, or none do (an import
    /// of a list is never left half done by an error or a power cut). On error the
    /// transaction is rolled back and documents in memory are reloaded from the file.
    pub fn atomically<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        match f(self) {
            Ok(out) => match self.conn.execute_batch("COMMIT") {
                Ok(()) => Ok(out),
                Err(e) => {
                    let _ = self.conn.execute_batch("ROLLBACK");
                    self.cache.clear();
                    Err(e.into())
                }
            },
            Err(e) => {
                self.conn.execute_batch("ROLLBACK")?;
                self.cache.clear();
                Err(e)
            }
        }
    }

    // ----- families -------------------------------------------------------------

    /// Registers a family; returns its id.
    pub fn add_family(&mut self, draft: &FamilyDraft) -> Result<FamilyId> {
        let ctx = self.context()?;
        let name = v::text("name", draft.name.as_deref().unwrap_or(""), v::MAX_NAME)?;
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
            v::target_group,
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
            let member = m.validate(&format!("member[{}]", i + 1), &ctx)?;
            members.insert(self.new_key(), member);
        }
        let consent = self.consent(draft, &ctx)?;
        let family = Family {
            name,
            branch: self.me.branch.key(),
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
        };
        let now = self.env.clock.now().0 as u64;
        let id = FamilyId::new(now, self.env.ids.random10());
        let owner = self.me.branch.key();
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
                recorded_by: self.me.user.clone(),
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
            .map(|n| v::text("name", n, v::MAX_NAME))
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
            .map(|l| v::codes("target_group", l, v::target_group))
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
        let mut members = vec![];
        for (i, m) in draft.members.iter().enumerate() {
            members.push((
                self.new_key(),
                m.validate(&format!("member[{}]", i + 1), &ctx)?,
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
            if let Some(c) = &consent {
                e.set(&fam, "consent", &Some(c.clone()), "consent")?;
            }
            let ms = e.map(&fam, "members")?;
            for (pid, m) in &members {
                e.insert(&ms, pid, m)?;
            }
            Ok(!e.fields.is_empty())
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
            .map(|s| v::text("given_name", s, v::MAX_NAME))
            .transpose()?;
        let fam_name = Some(&draft.family_name)
            .filter(|s| !s.trim().is_empty())
            .map(|s| v::text("family_name", s, v::MAX_NAME))
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
            Ok(!e.fields.is_empty())
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
            author: self.me.user.clone(),
        };
        let now = self.env.clock.now().0 as u64;
        let id = NoteId::new(now, self.env.ids.random10());
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
            author: self.me.user.clone(),
        };
        let now = self.env.clock.now().0 as u64;
        let id = FollowUpId::new(now, self.env.ids.random10());
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
            Ok(!e.fields.is_empty())
        })
    }

    fn family_exists(&self, id: FamilyId) -> Result<()> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM p_families WHERE id = ?1",
            [id.key()],
            |r| r.get(0),
        )?;
        if n == 0 {
            return Err(Error::NotFound {
                kind: "family",
                id: id.key(),
            });
        }
        Ok(())
    }

    fn family_of_person(&self, person: PersonId) -> Result<FamilyId> {
        let fam: Option<String> = self
            .conn
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
        let mut stmt = self.conn.prepare_cached(&format!(
            "{FAMILY_SUMMARY} ORDER BY f.name COLLATE NOCASE, f.id"
        ))?;
        let rows = stmt.query_map([], family_summary)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn family_summary(&self, id: &str) -> Result<FamilySummary> {
        let mut stmt = self
            .conn
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
        let c = &self.conn;
        let (contact, consent_date, consent_scope, consent_by, registered): (Option<String>, Option<String>, Option<String>, Option<String>, String) = c.query_row(
            "SELECT contact, consent_date, consent_scope, consent_by, registered FROM p_families WHERE id = ?1",
            [&key],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
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
        })
    }

    fn persons_where(&self, cond: &str, arg: &str) -> Result<Vec<PersonView>> {
        let sql = format!(
            "SELECT p.id, p.family_id, p.given_name, p.family_name, p.birth_year, p.gender, p.role
             FROM p_persons p WHERE {cond} ORDER BY p.family_name COLLATE NOCASE, p.given_name COLLATE NOCASE, p.id"
        );
        let mut s = self.conn.prepare_cached(&sql)?;
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
        let hits = crate::search::query(&self.conn, query, limit)?;
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

    // ----- groups and sessions ------------------------------------------------

    fn branch_doc(&self) -> DocId {
        DocId::Branch(self.me.branch)
    }

    pub fn add_group(&mut self, draft: &GroupDraft) -> Result<GroupId> {
        let ctx = self.context()?;
        let municipality = match draft.municipality.as_deref() {
            Some(m) if !m.trim().is_empty() => v::municipality("municipality", m, &ctx)?,
            _ => self.me.municipality.clone(),
        };
        let weekday = draft
            .weekday
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|w| v::number("weekday", w, 1..=7))
            .transpose()?;
        let facilitators = self.volunteer_ids("facilitator", &draft.facilitators)?;
        let group = Group {
            name: v::text("name", &draft.name, v::MAX_NAME)?,
            activity: v::activity("activity", &draft.activity, &ctx)?,
            municipality,
            facilitators,
            members: TagSet::default(),
            start: draft
                .start
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(|s| v::date("start", s))
                .transpose()?,
            end: draft
                .end
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(|s| v::date("end", s))
                .transpose()?,
            weekday,
            time: draft
                .time
                .as_deref()
                .map(|t| v::optional_text("time", t, 5))
                .transpose()?
                .flatten(),
            place: draft
                .place
                .as_deref()
                .map(|t| v::optional_text("place", t, v::MAX_NAME))
                .transpose()?
                .flatten(),
        };
        if let (Some(s), Some(e)) = (group.start, group.end) {
            if e < s {
                return Err(ValidationError::new("end", Code::DateOrder).into());
            }
        }
        let now = self.env.clock.now().0 as u64;
        let id = GroupId::new(now, self.env.ids.random10());
        self.write(self.branch_doc(), "group.add", |e| {
            let groups = e.map(&ROOT, "groups")?;
            e.insert(&groups, &id.key(), &group)
        })?;
        Ok(id)
    }

    fn volunteer_ids(&self, field: &str, ids: &[String]) -> Result<TagSet> {
        let mut set = TagSet::default();
        for (i, s) in ids.iter().enumerate() {
            let f = format!("{field}[{}]", i + 1);
            let id: VolunteerId = s
                .parse()
                .map_err(|_| ValidationError::new(&f, Code::InvalidId).with_value(s))?;
            let n: i64 = self.conn.query_row(
                "SELECT count(*) FROM p_volunteers WHERE id = ?1",
                [id.key()],
                |r| r.get(0),
            )?;
            if n == 0 {
                return Err(Error::NotFound {
                    kind: "volunteer",
                    id: id.key(),
                });
            }
            set.0.insert(id.key());
        }
        Ok(set)
    }

    fn person_ids(&self, field: &str, ids: &[String]) -> Result<Vec<String>> {
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

    fn group_exists(&self, id: GroupId) -> Result<()> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM p_groups WHERE id = ?1",
            [id.key()],
            |r| r.get(0),
        )?;
        if n == 0 {
            return Err(Error::NotFound {
                kind: "group",
                id: id.key(),
            });
        }
        Ok(())
    }

    /// Enrols persons in a group; returns how many were newly enrolled.
    pub fn enrol(&mut self, group: GroupId, persons: &[String]) -> Result<usize> {
        self.group_exists(group)?;
        let persons = self.person_ids("person", persons)?;
        let gkey = group.key();
        self.write(self.branch_doc(), "group.enrol", |e| {
            e.record(&gkey);
            let groups = e.map(&ROOT, "groups")?;
            let g = e.map(&groups, &gkey)?;
            let members = e.map(&g, "members")?;
            for p in &persons {
                e.add_to_set(&members, p, "members")?;
                e.record(p);
            }
            Ok(e.fields.len())
        })
    }

    pub fn unenrol(&mut self, group: GroupId, person: PersonId) -> Result<bool> {
        self.group_exists(group)?;
        let gkey = group.key();
        self.write(self.branch_doc(), "group.unenrol", |e| {
            e.record(&gkey);
            e.record(&person.key());
            let groups = e.map(&ROOT, "groups")?;
            let g = e.map(&groups, &gkey)?;
            let members = e.map(&g, "members")?;
            e.remove_from_set(&members, &person.key(), "members")?;
            Ok(!e.fields.is_empty())
        })
    }

    /// Records a session and who came. Persons who came but were not enrolled are
    /// enrolled in the same change (a newcomer registered on the spot).
    pub fn record_session(&mut self, draft: &SessionDraft) -> Result<SessionId> {
        let ctx = self.context()?;
        let group: GroupId = draft
            .group
            .parse()
            .map_err(|_| ValidationError::new("group", Code::InvalidId).with_value(&draft.group))?;
        self.group_exists(group)?;
        let attended = self.person_ids("attended", &draft.attended)?;
        let mut guests = BTreeMap::new();
        for (i, g) in draft.guests.iter().enumerate() {
            let (cat, n) = v::guest_count(&format!("guests[{}]", i + 1), g)?;
            *guests.entry(cat).or_insert(0) += n;
        }
        let session = Session {
            group: group.key(),
            date: v::past_date("date", &draft.date, &ctx)?,
            time: draft
                .time
                .as_deref()
                .map(|t| v::optional_text("time", t, 5))
                .transpose()?
                .flatten(),
            minutes: match draft.minutes.as_deref() {
                Some(m) if !m.trim().is_empty() => v::number("minutes", m, 1..=24 * 60)?,
                _ => 90,
            },
            place: draft
                .place
                .as_deref()
                .map(|t| v::optional_text("place", t, v::MAX_NAME))
                .transpose()?
                .flatten(),
            topics: draft.topics.clone().unwrap_or_default().trim().to_string(),
            facilitators: self.volunteer_ids("facilitator", &draft.facilitators)?,
            attendance: attended.iter().cloned().collect(),
            guests,
            note: draft.note.clone().unwrap_or_default().trim().to_string(),
        };
        if session.note.chars().count() > v::MAX_TEXT {
            return Err(ValidationError::new("note", Code::TooLong).into());
        }
        let now = self.env.clock.now().0 as u64;
        let id = SessionId::new(now, self.env.ids.random10());
        let gkey = group.key();
        self.write(self.branch_doc(), "session.record", |e| {
            let sessions = e.map(&ROOT, "sessions")?;
            e.insert(&sessions, &id.key(), &session)?;
            e.record(&gkey);
            let groups = e.map(&ROOT, "groups")?;
            let g = e.map(&groups, &gkey)?;
            let members = e.map(&g, "members")?;
            for p in &attended {
                e.add_to_set(&members, p, "members")?;
                e.record(p);
            }
            Ok(())
        })?;
        Ok(id)
    }

    /// Marks persons present (or not) at a session. Marks from several devices add up.
    pub fn mark_attendance(
        &mut self,
        session: SessionId,
        persons: &[String],
        present: bool,
    ) -> Result<usize> {
        let persons = self.person_ids("person", persons)?;
        let skey = session.key();
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM p_sessions WHERE id = ?1",
            [&skey],
            |r| r.get(0),
        )?;
        if n == 0 {
            return Err(Error::NotFound {
                kind: "session",
                id: skey,
            });
        }
        self.write(self.branch_doc(), "session.attendance", |e| {
            e.record(&skey);
            let sessions = e.map(&ROOT, "sessions")?;
            let s = e.map(&sessions, &skey)?;
            let att = e.map(&s, "attendance")?;
            for p in &persons {
                if present {
                    e.add_to_set(&att, p, "attendance")?;
                } else {
                    e.remove_from_set(&att, p, "attendance")?;
                }
                e.record(p);
            }
            Ok(e.fields.len())
        })
    }

    /// Changes a session's note (to show conflicts on free text, too).
    pub fn edit_session_note(&mut self, session: SessionId, note: &str) -> Result<bool> {
        let skey = session.key();
        let note = note.trim().to_string();
        self.write(self.branch_doc(), "session.edit", |e| {
            e.record(&skey);
            let sessions = e.map(&ROOT, "sessions")?;
            let s = map_at(&e.tx, &sessions, &skey)?.ok_or(Error::NotFound {
                kind: "session",
                id: skey.clone(),
            })?;
            e.set(&s, "note", &note, "note")?;
            Ok(!e.fields.is_empty())
        })
    }

    pub fn list_groups(&self) -> Result<Vec<GroupSummary>> {
        let mut s = self.conn.prepare_cached(&format!(
            "{GROUP_SUMMARY} ORDER BY g.name COLLATE NOCASE, g.id"
        ))?;
        let rows = s.query_map([], group_summary)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn group(&self, id: GroupId) -> Result<GroupDetail> {
        let key = id.key();
        let mut s = self
            .conn
            .prepare_cached(&format!("{GROUP_SUMMARY} WHERE g.id = ?1"))?;
        let summary = s
            .query_row([&key], group_summary)
            .optional()?
            .ok_or(Error::NotFound {
                kind: "group",
                id: key.clone(),
            })?;
        let (start, end): (Option<String>, Option<String>) = self.conn.query_row(
            "SELECT start, end FROM p_groups WHERE id = ?1",
            [&key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let members = self.persons_where(
            "p.id IN (SELECT person_id FROM p_group_members WHERE group_id = ?1)",
            &key,
        )?;
        let facilitators = self.volunteers_where(
            "v.id IN (SELECT volunteer_id FROM p_group_facilitators WHERE group_id = ?1)",
            &key,
        )?;
        Ok(GroupDetail {
            summary,
            start,
            end,
            members,
            facilitators,
            sessions: self.sessions_where("s.group_id = ?1", &key)?,
        })
    }

    fn sessions_where(&self, cond: &str, arg: &str) -> Result<Vec<SessionSummary>> {
        let sql = format!("{SESSION_SUMMARY} WHERE {cond} ORDER BY s.date DESC, s.time DESC, s.id");
        let mut s = self.conn.prepare_cached(&sql)?;
        let rows = s.query_map([arg], session_summary)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Sessions held in a date range (inclusive), newest first.
    pub fn list_sessions(&self, from: Date, to: Date) -> Result<Vec<SessionSummary>> {
        let sql = format!("{SESSION_SUMMARY} WHERE s.date BETWEEN ?1 AND ?2 ORDER BY s.date DESC, s.time DESC, s.id");
        let mut s = self.conn.prepare_cached(&sql)?;
        let rows = s.query_map([from.to_string(), to.to_string()], session_summary)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn session(&self, id: SessionId) -> Result<SessionDetail> {
        let key = id.key();
        let summary = self
            .sessions_where("s.id = ?1", &key)?
            .pop()
            .ok_or(Error::NotFound {
                kind: "session",
                id: key.clone(),
            })?;
        let (place, topics): (Option<String>, String) = self.conn.query_row(
            "SELECT place, topics FROM p_sessions WHERE id = ?1",
            [&key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut s = self.conn.prepare_cached(
            "SELECT category, count FROM p_session_guests WHERE session_id = ?1 ORDER BY category",
        )?;
        let guests_by_category = s
            .query_map([&key], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut s = self.conn.prepare_cached("SELECT volunteer_id FROM p_session_facilitators WHERE session_id = ?1 ORDER BY volunteer_id")?;
        let facilitators = s
            .query_map([&key], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(SessionDetail {
            summary,
            place,
            topics,
            attendance: self.persons_where(
                "p.id IN (SELECT person_id FROM p_attendance WHERE session_id = ?1)",
                &key,
            )?,
            guests_by_category,
            facilitators,
        })
    }

    /// Groups that usually meet on `day`'s weekday and are running then.
    pub fn planned_on(&self, day: Date) -> Result<Vec<GroupSummary>> {
        let sql = format!(
            "{GROUP_SUMMARY} WHERE g.weekday = ?1 AND (g.start IS NULL OR g.start <= ?2) AND (g.end IS NULL OR g.end >= ?2)
             ORDER BY g.time, g.name COLLATE NOCASE"
        );
        let mut s = self.conn.prepare_cached(&sql)?;
        let rows = s.query_map(
            params![i64::from(day.weekday()), day.to_string()],
            group_summary,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    // ----- volunteers ------------------------------------------------------------

    pub fn add_volunteer(&mut self, draft: &VolunteerDraft) -> Result<VolunteerId> {
        let vol = Volunteer {
            given_name: v::text("given_name", &draft.given_name, v::MAX_NAME)?,
            family_name: v::text("family_name", &draft.family_name, v::MAX_NAME)?,
            role: match draft.role.as_deref() {
                Some(r) if !r.trim().is_empty() => VolunteerRole::parse(r)
                    .ok_or_else(|| ValidationError::new("role", Code::UnknownRole).with_value(r))?,
                _ => VolunteerRole::Volunteer,
            },
            contact: draft
                .contact
                .as_deref()
                .map(|c| v::optional_text("contact", c, v::MAX_NAME))
                .transpose()?
                .flatten(),
            active: true,
        };
        let now = self.env.clock.now().0 as u64;
        let id = VolunteerId::new(now, self.env.ids.random10());
        self.write(self.branch_doc(), "volunteer.add", |e| {
            let vols = e.map(&ROOT, "volunteers")?;
            e.insert(&vols, &id.key(), &vol)
        })?;
        Ok(id)
    }

    pub fn record_training(&mut self, draft: &TrainingDraft) -> Result<TrainingId> {
        let ctx = self.context()?;
        let vols = self.volunteer_ids("volunteer", std::slice::from_ref(&draft.volunteer))?;
        let training = Training {
            volunteer: vols.iter().next().cloned().unwrap_or_default(),
            date: v::past_date("date", &draft.date, &ctx)?,
            topic: v::text("topic", &draft.topic, v::MAX_NAME)?,
            tenth_hours: v::tenth_hours("hours", &draft.hours)?,
        };
        let now = self.env.clock.now().0 as u64;
        let id = TrainingId::new(now, self.env.ids.random10());
        let vkey = training.volunteer.clone();
        self.write(self.branch_doc(), "training.record", |e| {
            let t = e.map(&ROOT, "trainings")?;
            e.insert(&t, &id.key(), &training)?;
            e.record(&vkey);
            Ok(())
        })?;
        Ok(id)
    }

    fn volunteers_where(&self, cond: &str, arg: &str) -> Result<Vec<VolunteerView>> {
        let sql = format!(
            "SELECT v.id, v.given_name, v.family_name, v.role, v.active,
                    (SELECT count(*) FROM p_trainings t WHERE t.volunteer_id = v.id),
                    (SELECT coalesce(sum(tenth_hours), 0) FROM p_trainings t WHERE t.volunteer_id = v.id)
             FROM p_volunteers v WHERE {cond} ORDER BY v.family_name COLLATE NOCASE, v.given_name COLLATE NOCASE, v.id"
        );
        let mut s = self.conn.prepare_cached(&sql)?;
        let rows = s.query_map([arg], |r| {
            Ok(VolunteerView {
                id: r.get(0)?,
                given_name: r.get(1)?,
                family_name: r.get(2)?,
                role: r.get(3)?,
                active: r.get(4)?,
                trainings: r.get(5)?,
                hours: r.get::<_, i64>(6)? as f64 / 10.0,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn list_volunteers(&self) -> Result<Vec<VolunteerView>> {
        self.volunteers_where("?1 = ?1", "")
    }

    pub fn trainings(&self, volunteer: VolunteerId) -> Result<Vec<TrainingView>> {
        let mut s = self.conn.prepare_cached(
            "SELECT id, volunteer_id, date, topic, tenth_hours FROM p_trainings WHERE volunteer_id = ?1 ORDER BY date, id",
        )?;
        let rows = s.query_map([volunteer.key()], |r| {
            Ok(TrainingView {
                id: r.get(0)?,
                volunteer_id: r.get(1)?,
                date: r.get(2)?,
                topic: r.get(3)?,
                hours: r.get::<_, i64>(4)? as f64 / 10.0,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    // ----- events ----------------------------------------------------------------

    pub fn add_event(&mut self, draft: &EventDraft) -> Result<EventId> {
        let ctx = self.context()?;
        let mut head_counts = BTreeMap::new();
        for (i, g) in draft.head_counts.iter().enumerate() {
            let (cat, n) = v::guest_count(&format!("count[{}]", i + 1), g)?;
            *head_counts.entry(cat).or_insert(0) += n;
        }
        let event = Event {
            name: v::text("name", &draft.name, v::MAX_NAME)?,
            activity: v::activity("activity", &draft.activity, &ctx)?,
            date: v::date("date", &draft.date)?,
            municipality: match draft.municipality.as_deref() {
                Some(m) if !m.trim().is_empty() => v::municipality("municipality", m, &ctx)?,
                _ => self.me.municipality.clone(),
            },
            head_counts,
            participants: self
                .person_ids("participant", &draft.participants)?
                .into_iter()
                .collect(),
        };
        let now = self.env.clock.now().0 as u64;
        let id = EventId::new(now, self.env.ids.random10());
        self.write(self.branch_doc(), "event.add", |e| {
            let events = e.map(&ROOT, "events")?;
            e.insert(&events, &id.key(), &event)
        })?;
        Ok(id)
    }

    // ----- erasure ------------------------------------------------------------------

    /// Erases a family at its request (GDPR Art. 17): a tombstone (the family's id and
    /// the time, nothing personal) goes into the owning branch's document, and the
    /// family's own document — history included — is dropped here and, as the
    /// tombstone syncs, on every other replica. A replica that was offline cannot bring
    /// it back: a family document named by a tombstone is dropped on arrival.
    /// Attendance marks stay as anonymous ids, so counts in reports stay right.
    pub fn erase_family(&mut self, id: FamilyId) -> Result<()> {
        self.family_exists(id)?;
        let owner = self.family_owner(id)?;
        // The whole household: documents it had before a member was erased, and any
        // made elsewhere at the same time, go with it.
        let household = projection::household(&self.conn, &id.key())?;
        let household: FamilyId = household
            .parse()
            .map_err(|_| Error::Corrupt(format!("household {household}")))?;
        self.tombstone(&[household], &owner, "erased")?;
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
        let old = self.family_of_person(person)?;
        let new = self.move_household(old, &[person.key()])?;
        self.forget_old_pages()?;
        Ok(new)
    }

    /// Moves a household to a new document without the `erase`d members, and
    /// supersedes the old one (or erases the family when nobody is left).
    fn move_household(&mut self, old: FamilyId, erase: &[String]) -> Result<Option<FamilyId>> {
        let old_doc = self.doc(DocId::Family(old))?.clone();
        let mut family: Family = hydrate_prop(&old_doc, ROOT, "family")?;
        // Every document of the household this replica holds is superseded (another
        // device's copy, made at the same time, included), and every member erased
        // from any of them stays erased.
        let household = projection::household(&self.conn, &old.key())?;
        let (documents, erased) = projection::household_documents(&self.conn, &household)?;
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
        let now = self.env.clock.now().0 as u64;
        let id = FamilyId::new(now, self.env.ids.random10());
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
            r.tombstone(&superseded, &owner, "replaced")
        })?;
        Ok(Some(id))
    }

    /// Two devices may each erase a member of the same household before hearing of
    /// the other: the document shown then still holds the other's member (hidden
    /// from view, but stored). Such a household moves again, without them.
    fn finish_erasures(&mut self) -> Result<()> {
        let pending = projection::unerased_members(&self.conn)?;
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
        docs::owner(&self.conn, DocId::Family(id))?.ok_or(Error::NotFound {
            kind: "family",
            id: id.key(),
        })
    }

    /// Writes a family's tombstone (its id and the time, nothing personal) into the
    /// owning branch's document: `erased` for a whole household, `replaced` for a
    /// document superseded by a new one. Storing it drops the documents here.
    fn tombstone(&mut self, ids: &[FamilyId], owner: &str, map: &'static str) -> Result<()> {
        let branch: BranchId = owner
            .parse()
            .map_err(|_| Error::Corrupt(format!("owner {owner}")))?;
        let at = self.env.clock.now();
        self.write(DocId::Branch(branch), "family.erase", |e| {
            let erased = e.map(&ROOT, map)?;
            for id in ids {
                let key = id.key();
                e.tx.put(&erased, key.as_str(), at.0)?;
                e.record(&key);
            }
            e.fields.push(map.into());
            Ok(())
        })
    }

    /// After an erasure, old pages of the write-ahead log go too (deleted pages are
    /// already zeroed: `secure_delete`).
    fn forget_old_pages(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Everything this replica holds about one family, for a data-protection
    /// (subject access) request: the record, its members, consent, notes,
    /// follow-ups, attendance with group names, enrolments, and who changed what when.
    pub fn subject_access(&mut self, id: FamilyId) -> Result<serde_json::Value> {
        let detail = self.family(id)?;
        let history = self.history(&id.key())?;
        let mut groups = vec![];
        for p in &detail.persons {
            let mut s = self.conn.prepare_cached(
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
        Ok(serde_json::json!({
            "kind": "kopa-subject-access",
            "produced_at": self.env.clock.now().to_rfc3339(),
            "produced_by": { "branch": self.me.branch_name, "device": self.me.device_name, "user": self.me.user },
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
        if !(1..=50).contains(&years) {
            return Err(ValidationError::new("retention", Code::NumberRange)
                .with_value(years.to_string())
                .into());
        }
        self.set_setting(RETENTION_YEARS, &years.to_string())
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
        let mut s = self.conn.prepare_cached(&sql)?;
        let rows = s.query_map([before.to_string()], family_summary)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    // ----- duplicates across branches (HQ) ----------------------------------------

    /// Pairs of persons registered by two different branches who may be the same
    /// person: names matched across scripts, diacritics and one typo, birth year and
    /// municipality compared. Best first; pairs already linked are left out.
    pub fn duplicate_candidates(&self, min_score: u32) -> Result<Vec<DuplicatePair>> {
        let mut s = self.conn.prepare(
            "SELECT p.id, p.given_name, p.family_name, p.birth_year, f.branch, f.municipality
             FROM p_persons p JOIN p_families f ON f.id = p.family_id ORDER BY p.id",
        )?;
        type P = (String, String, String, Option<i64>, String, String);
        let persons: Vec<P> = s
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let by_id: HashMap<&str, &P> = persons.iter().map(|p| (p.0.as_str(), p)).collect();
        let linked: std::collections::HashSet<(String, String)> = self
            .conn
            .prepare("SELECT a, b FROM p_person_links WHERE active = 1")?
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .flat_map(|(a, b)| [(a.clone(), b.clone()), (b, a)])
            .collect();
        let mut out = vec![];
        for p in &persons {
            for hit in crate::search::query(&self.conn, &format!("{} {}", p.1, p.2), 20)? {
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
            by: self.me.user.clone(),
            at: self.today(),
            active: true,
        };
        let id = self.new_key();
        self.write(DocId::Reference, "duplicate.merge", |e| {
            let links = match map_at(&e.tx, &ROOT, "links")? {
                Some(o) => o,
                None => e.tx.put_object(ROOT, "links", automerge::ObjType::Map)?,
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
        self.require_hq("undo duplicate merges")?;
        let key = link.trim().to_string();
        self.write(DocId::Reference, "duplicate.undo", |e| {
            let links = e.map(&ROOT, "links")?;
            let l = map_at(&e.tx, &links, &key)?.ok_or(Error::NotFound {
                kind: "link",
                id: key.clone(),
            })?;
            e.set(&l, "active", &false, &format!("links.{key}.active"))?;
            e.record(&key);
            Ok(())
        })
    }

    // ----- projects and indicators (HQ reference data) ------------------------------

    fn ensure_reference(&mut self) -> Result<()> {
        if docs::owner(&self.conn, DocId::Reference)?.is_none()
            && !self.cache.contains_key(&DocId::Reference)
        {
            self.write_new(DocId::Reference, "hq", "reference.create", |e| {
                for c in REFERENCE_ROOT {
                    e.tx.put_object(ROOT, *c, automerge::ObjType::Map)?;
                }
                Ok(())
            })?;
        }
        Ok(())
    }

    fn require_hq(&self, action: &'static str) -> Result<()> {
        if self.me.role != Role::Hq {
            return Err(Error::NotAllowed {
                role: self.me.role.as_str().into(),
                action,
            });
        }
        Ok(())
    }

    /// Defines a donor project. Only HQ writes reference data.
    pub fn add_project(&mut self, draft: &ProjectDraft) -> Result<ProjectId> {
        self.require_hq("define projects")?;
        self.put_project(draft)
    }

    /// Writes a project without the role check: the demo branch's copy of what HQ sent.
    pub(crate) fn put_project(&mut self, draft: &ProjectDraft) -> Result<ProjectId> {
        let start = v::date("start", &draft.start)?;
        let end = v::date("end", &draft.end)?;
        if end < start {
            return Err(ValidationError::new("end", Code::DateOrder).into());
        }
        let project = Project {
            name: v::text("name", &draft.name, v::MAX_NAME)?,
            donor: v::text("donor", &draft.donor, v::MAX_NAME)?,
            start,
            end,
            branches: draft.branches.iter().cloned().collect(),
        };
        self.ensure_reference()?;
        let now = self.env.clock.now().0 as u64;
        let id = ProjectId::new(now, self.env.ids.random10());
        self.write(DocId::Reference, "project.add", |e| {
            let projects = e.map(&ROOT, "projects")?;
            e.insert(&projects, &id.key(), &project)
        })?;
        Ok(id)
    }

    /// Adds an indicator with its rule and target to a project. Only HQ.
    pub fn add_indicator(&mut self, draft: &IndicatorDraft) -> Result<IndicatorId> {
        self.require_hq("define indicators")?;
        self.put_indicator(draft)
    }

    pub(crate) fn put_indicator(&mut self, draft: &IndicatorDraft) -> Result<IndicatorId> {
        let project: ProjectId = draft.project.parse().map_err(|_| {
            ValidationError::new("project", Code::InvalidId).with_value(&draft.project)
        })?;
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM p_projects WHERE id = ?1",
            [project.key()],
            |r| r.get(0),
        )?;
        if n == 0 {
            return Err(Error::NotFound {
                kind: "project",
                id: project.key(),
            });
        }
        let rule = draft.rule.trim().to_lowercase();
        if !INDICATOR_RULES.contains(&rule.as_str()) {
            return Err(ValidationError::new("rule", Code::UnknownRule)
                .with_value(&draft.rule)
                .into());
        }
        let mut params = BTreeMap::new();
        for (i, p) in draft.params.iter().enumerate() {
            let field = format!("param[{}]", i + 1);
            let (k, val) = p
                .split_once('=')
                .ok_or_else(|| ValidationError::new(&field, Code::InvalidParam).with_value(p))?;
            let k = k.trim().to_lowercase();
            if !INDICATOR_PARAMS.contains(&k.as_str()) {
                return Err(ValidationError::new(&field, Code::InvalidParam)
                    .with_value(p)
                    .into());
            }
            params.insert(k, val.trim().to_string());
        }
        let indicator = Indicator {
            project: project.key(),
            name: v::text("name", &draft.name, v::MAX_NAME)?,
            rule,
            params,
            target: v::number("target", &draft.target, 0..=10_000_000)?,
        };
        let now = self.env.clock.now().0 as u64;
        let id = IndicatorId::new(now, self.env.ids.random10());
        self.write(DocId::Reference, "indicator.add", |e| {
            let list = e.map(&ROOT, "indicators")?;
            e.insert(&list, &id.key(), &indicator)?;
            e.record(&project.key());
            Ok(())
        })?;
        Ok(id)
    }

    pub fn list_projects(&self) -> Result<Vec<ProjectView>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT id FROM p_projects ORDER BY start, name, id")?;
        let ids: Vec<String> = s
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.iter().map(|id| self.project_view(id)).collect()
    }

    pub fn project(&self, id: ProjectId) -> Result<ProjectView> {
        self.project_view(&id.key())
    }

    fn project_view(&self, id: &str) -> Result<ProjectView> {
        let row = self
            .conn
            .query_row(
                "SELECT name, donor, start, end, branches FROM p_projects WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                    ))
                },
            )
            .optional()?
            .ok_or(Error::NotFound {
                kind: "project",
                id: id.to_string(),
            })?;
        let mut s = self.conn.prepare_cached(
            "SELECT id, name, rule, params, target FROM p_indicators WHERE project_id = ?1 ORDER BY name, id",
        )?;
        let indicators = s
            .query_map([id], |r| {
                let params: String = r.get(3)?;
                Ok(IndicatorView {
                    id: r.get(0)?,
                    project_id: id.to_string(),
                    name: r.get(1)?,
                    rule: r.get(2)?,
                    params: serde_json::from_str(&params).unwrap_or_default(),
                    target: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ProjectView {
            id: id.to_string(),
            name: row.0,
            donor: row.1,
            start: row.2,
            end: row.3,
            branches: serde_json::from_str(&row.4).unwrap_or_default(),
            indicators,
        })
    }

    // ----- conflicts, history --------------------------------------------------------

    fn conflicts_where(&self, cond: &str, arg: &str) -> Result<Vec<ConflictView>> {
        let sql = format!("SELECT id, record_id, record_kind, field, candidates FROM p_conflicts WHERE {cond} ORDER BY id");
        let mut s = self.conn.prepare_cached(&sql)?;
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
            .conn
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
            e.fields.push(field.clone());
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
            let found: Option<String> = self.conn.query_row(sql, [id], |r| r.get(0)).optional()?;
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

    // ----- replication --------------------------------------------------------------

    /// Merges every document of another replica file into this one (in-process).
    pub fn merge_from(&mut self, other: &Path, passphrase: &str) -> Result<MergeReport> {
        let other_conn = store::open(other, passphrase, false)?;
        let mut incoming = vec![];
        for row in docs::list(&other_conn)? {
            let doc = docs::load(&other_conn, row.id, &self.me.actor())?
                .ok_or_else(|| Error::Corrupt(format!("document {} vanished", row.id)))?;
            incoming.push((row, doc));
        }
        drop(other_conn);
        self.merge_docs(incoming)
    }

    /// Merges documents received from elsewhere, in one SQLite transaction.
    pub fn merge_docs(&mut self, incoming: Vec<(docs::DocRow, Automerge)>) -> Result<MergeReport> {
        let items = incoming
            .into_iter()
            .map(|(r, d)| (r, Incoming::Doc(Box::new(d))))
            .collect();
        self.apply_incoming(items, |_, _| Ok(()))
            .map(|(report, _)| report)
    }

    /// Applies documents or changes received from elsewhere, re-projects what they
    /// touched, and runs `bookkeeping` (sync acknowledgements…) in the same SQLite
    /// transaction, so that either all of it is kept or none of it. Returns the
    /// items back: a sync item's state has been advanced.
    pub(crate) fn apply_incoming(
        &mut self,
        mut incoming: Vec<(docs::DocRow, Incoming)>,
        bookkeeping: impl FnOnce(&Connection, &[(docs::DocRow, Incoming)]) -> Result<()>,
    ) -> Result<(MergeReport, Vec<(docs::DocRow, Incoming)>)> {
        let mut report = MergeReport::default();
        let actor = self.me.actor();
        let mut touched: Vec<(DocId, Option<String>, Vec<automerge::ChangeHash>, Scope)> = vec![];
        // Per document: the changes that still wait for their dependencies.
        let mut waits: Vec<(
            DocId,
            String,
            Vec<automerge::Change>,
            Vec<automerge::ChangeHash>,
        )> = vec![];
        let result = (|| -> Result<Vec<DocId>> {
            for (row, theirs) in incoming.iter_mut() {
                let kept = pending::load(&self.conn, row.id)?;
                let mine = match self.cache.get_mut(&row.id) {
                    Some(d) => Some(d),
                    None => match docs::load(&self.conn, row.id, &actor)? {
                        Some(d) => Some(self.cache.entry(row.id).or_insert(d)),
                        None => None,
                    },
                };
                let (doc, new_owner) = match mine {
                    Some(doc) => (doc, None),
                    None => {
                        let doc = Automerge::new().with_actor(actor.clone());
                        (
                            self.cache.entry(row.id).or_insert(doc),
                            Some(row.owner.clone()),
                        )
                    }
                };
                let before = doc.get_heads();
                // Every change offered here, to tell applied from waiting afterwards.
                // The raw changes of a sync message, read again only if some wait.
                let mut raw: Vec<Vec<u8>> = vec![];
                match theirs {
                    Incoming::Doc(d) => {
                        doc.merge(d)?;
                    }
                    Incoming::Changes(changes) => {
                        doc.apply_changes(changes.iter().cloned())?;
                    }
                    Incoming::Sync { message, state } => {
                        if let Some(m) = message.take() {
                            use automerge::sync::SyncDoc;
                            raw = m.changes.iter().map(<[u8]>::to_vec).collect();
                            doc.receive_sync_message(state, m)?;
                        }
                    }
                }
                if !kept.is_empty() {
                    doc.apply_changes(kept.iter().cloned())?;
                }
                // Automerge queues what it cannot apply yet; an empty queue means
                // everything offered applied. Otherwise the waiting changes are kept.
                let missing = doc.get_missing_deps(&[]);
                if !missing.is_empty() {
                    let mut offered = kept;
                    if let Incoming::Changes(changes) = theirs {
                        offered.extend(changes.iter().cloned());
                    }
                    offered.extend(
                        raw.iter()
                            .filter_map(|b| automerge::Change::try_from(b.as_slice()).ok()),
                    );
                    let mut seen = std::collections::HashSet::new();
                    let waiting: Vec<automerge::Change> = offered
                        .into_iter()
                        .filter(|c| {
                            seen.insert(c.hash())
                                && doc.get_change_meta_by_hash(&c.hash()).is_none()
                        })
                        .collect();
                    let owner = pending::owner(&self.conn, row.id)?.unwrap_or(row.owner.clone());
                    waits.push((row.id, owner, waiting, missing));
                } else if !kept.is_empty() {
                    waits.push((row.id, String::new(), vec![], vec![])); // all applied now
                }
                // Every change that was not there before (merge reports only heads).
                let new: Vec<_> = doc
                    .get_changes_meta(&before)
                    .iter()
                    .map(|c| c.hash)
                    .collect();
                if new.is_empty() {
                    if new_owner.is_some() {
                        self.cache.remove(&row.id);
                    }
                    continue;
                }
                report.changes_applied += new.len();
                if new_owner.is_some() {
                    report.documents_added += 1;
                    touched.push((row.id, new_owner, vec![], Scope::All));
                } else {
                    report.documents_updated += 1;
                    let scope = Scope::of_changes(doc, &new);
                    touched.push((row.id, None, before, scope));
                }
            }
            let tx = self.conn.unchecked_transaction()?;
            for (id, owner, before, scope) in &touched {
                let doc = self.cache.get(id).expect("merged document cached");
                match owner {
                    Some(o) => docs::insert(&tx, *id, o, doc)?,
                    None => docs::append(&tx, *id, doc, before)?,
                }
                projection::project(&tx, *id, doc, scope)?;
            }
            let now = self.env.clock.now().0;
            for (id, owner, waiting, missing) in &waits {
                pending::keep(&tx, *id, owner, waiting, missing, now)?;
            }
            // Edits made elsewhere to a replaced family document, which the move
            // to its household's new document did not see, go onto that document.
            crate::carry::carry_replaced(&tx, &mut self.cache, &actor)?;
            // Families erased elsewhere (a tombstone arrived) or arriving although
            // erased here are dropped before anything is kept.
            let dropped = projection::drop_erased(&tx)?;
            bookkeeping(&tx, &incoming)?;
            tx.commit()?;
            Ok(dropped)
        })();
        match result {
            Ok(dropped) => {
                for d in dropped {
                    self.cache.remove(&d);
                }
            }
            Err(e) => {
                // Memory must not run ahead of the file: reload on next use.
                self.cache.clear();
                return Err(e);
            }
        }
        self.finish_erasures()?;
        report.conflicts = self
            .conn
            .query_row("SELECT count(*) FROM p_conflicts", [], |r| r.get(0))?;
        report.waiting = pending::summary(&self.conn)?;
        report.changes_waiting = report.waiting.iter().map(|w| w.changes).sum();
        Ok((report, incoming))
    }

    /// Every stored document, loaded (for merging into another replica, tests, sync).
    pub fn export_docs(&mut self) -> Result<Vec<(docs::DocRow, Automerge)>> {
        let mut out = vec![];
        for row in docs::list(&self.conn)? {
            let doc = self.doc(row.id)?.clone();
            out.push((row, doc));
        }
        Ok(out)
    }

    /// Rebuilds the projection from the documents; returns the number of documents.
    pub fn rebuild_projection(&mut self) -> Result<usize> {
        let tx = self.conn.unchecked_transaction()?;
        let n = projection::rebuild(&tx, &self.me.actor())?;
        tx.commit()?;
        Ok(n)
    }

    /// Rebuilds the projection in a transaction that is rolled back, and reports the
    /// tables whose rows differ from the incrementally maintained ones.
    pub fn verify_projection(&mut self) -> Result<Vec<String>> {
        let before = projection::dump(&self.conn)?;
        let tx = self.conn.unchecked_transaction()?;
        projection::rebuild(&tx, &self.me.actor())?;
        let after = projection::dump(&tx)?;
        tx.rollback()?;
        Ok(before
            .into_iter()
            .zip(after)
            .filter(|(a, b)| a.1 != b.1)
            .map(|(a, _)| a.0)
            .collect())
    }

    /// A canonical dump of the projection (for convergence checks).
    pub fn projection_dump(&self) -> Result<Vec<(String, Vec<String>)>> {
        projection::dump(&self.conn)
    }

    /// Each document's heads, sorted: equal on two replicas means the same data.
    pub fn heads(&mut self) -> Result<Vec<(String, Vec<String>)>> {
        let mut out = vec![];
        for row in docs::list(&self.conn)? {
            let mut h: Vec<String> = self
                .doc(row.id)?
                .get_heads()
                .iter()
                .map(|h| h.to_string())
                .collect();
            h.sort();
            out.push((row.id.to_string(), h));
        }
        Ok(out)
    }

    pub fn overview(&self) -> Result<Overview> {
        let n = |sql: &str| -> Result<i64> { Ok(self.conn.query_row(sql, [], |r| r.get(0))?) };
        Ok(Overview {
            families: n("SELECT count(*) FROM p_families")?,
            persons: n("SELECT count(*) FROM p_persons")?,
            groups: n("SELECT count(*) FROM p_groups")?,
            sessions: n("SELECT count(*) FROM p_sessions")?,
            attendances: n("SELECT count(*) FROM p_attendance")?,
            volunteers: n("SELECT count(*) FROM p_volunteers")?,
            conflicts: n("SELECT count(*) FROM p_conflicts")?,
        })
    }

    /// Writes an encrypted copy of the whole replica to `dest` (refuses to overwrite),
    /// consistent even while the replica is in use, then checks it opens.
    pub fn backup(&self, dest: &Path, passphrase: &str) -> Result<()> {
        if dest.exists() {
            return Err(Error::AlreadyExists(dest.display().to_string()));
        }
        let partial = dest.with_extension("partial");
        let _ = std::fs::remove_file(&partial);
        {
            let mut out = Connection::open(&partial)?;
            out.pragma_update(None, "key", passphrase)?;
            let b = rusqlite::backup::Backup::new(&self.conn, &mut out)?;
            b.run_to_completion(256, std::time::Duration::from_millis(0), None)?;
        }
        check_copy(&partial, passphrase)?;
        std::fs::rename(&partial, dest)?;
        Ok(())
    }

    /// Replaces this replica's content with a backup's, after checking the backup
    /// opens with `passphrase`, passes the integrity check and is of the same branch.
    pub fn restore(&mut self, src: &Path, passphrase: &str) -> Result<()> {
        let backup = check_copy(src, passphrase)?;
        let branch = store::get_meta(&backup, "branch_id")?;
        if branch.as_deref() != Some(self.me.branch.key().as_str()) {
            return Err(Error::NotAllowed {
                role: self.me.role.as_str().into(),
                action: "restore another branch's backup",
            });
        }
        let b = rusqlite::backup::Backup::new(&backup, &mut self.conn)?;
        b.run_to_completion(256, std::time::Duration::from_millis(0), None)?;
        drop(b);
        self.cache.clear();
        Ok(())
    }

    /// Changes the passphrase (the whole file is re-encrypted).
    pub fn change_passphrase(&mut self, new_passphrase: &str) -> Result<()> {
        v::text("passphrase", new_passphrase, 1024)?;
        store::rekey(&self.conn, new_passphrase)
    }
}

/// Opens a backup copy and proves it whole: the passphrase works, SQLite's integrity
/// check passes, and it is a Kopā replica.
fn check_copy(path: &Path, passphrase: &str) -> Result<Connection> {
    let conn = store::open(path, passphrase, false)?;
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if ok != "ok" {
        return Err(Error::Corrupt(format!("backup integrity check: {ok}")));
    }
    Ok(conn)
}

/// Keeps the replica's identity in its settings.
fn write_identity(conn: &Connection, me: &Me) -> Result<()> {
    let tx = conn.unchecked_transaction()?;
    for (k, val) in [
        ("branch_id", me.branch.key()),
        ("branch_name", me.branch_name.clone()),
        ("municipality", me.municipality.clone()),
        ("role", me.role.as_str().to_string()),
        ("device_id", me.device.key()),
        ("device_name", me.device_name.clone()),
        ("user", me.user.clone()),
    ] {
        store::set_meta(&tx, k, &val)?;
    }
    tx.commit()?;
    Ok(())
}

/// Stores a document's new changes and re-projects what they touched, atomically.
fn persist(
    conn: &Connection,
    id: DocId,
    new_owner: Option<&str>,
    doc: &Automerge,
    before: &[automerge::ChangeHash],
    scope: &Scope,
) -> Result<Vec<DocId>> {
    // A savepoint, not a transaction: inside `Registry::atomically` it nests in the
    // batch's transaction; alone it is a transaction of its own.
    conn.execute_batch("SAVEPOINT persist")?;
    let done = (|| {
        match new_owner {
            Some(owner) => docs::insert(conn, id, owner, doc)?,
            None => docs::append(conn, id, doc, before)?,
        }
        projection::project(conn, id, doc, scope)?;
        projection::drop_erased(conn)
    })();
    match done {
        Ok(dropped) => {
            conn.execute_batch("RELEASE persist")?;
            Ok(dropped)
        }
        Err(e) => {
            conn.execute_batch("ROLLBACK TO persist; RELEASE persist")?;
            Err(e)
        }
    }
}

const RETENTION_YEARS: &str = "retention_years";
const DEFAULT_RETENTION_YEARS: u32 = 5;

const FAMILY_SUMMARY: &str = "SELECT f.id, f.name, f.branch, f.municipality, f.status,
    (SELECT count(*) FROM p_persons p WHERE p.family_id = f.id) FROM p_families f";

fn family_summary(r: &rusqlite::Row) -> rusqlite::Result<FamilySummary> {
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
    })
}

const GROUP_SUMMARY: &str =
    "SELECT g.id, g.name, g.activity, g.municipality, g.weekday, g.time, g.place,
    (SELECT count(*) FROM p_group_members m WHERE m.group_id = g.id),
    (SELECT count(*) FROM p_sessions s WHERE s.group_id = g.id) FROM p_groups g";

fn group_summary(r: &rusqlite::Row) -> rusqlite::Result<GroupSummary> {
    Ok(GroupSummary {
        id: r.get(0)?,
        name: r.get(1)?,
        activity: r.get(2)?,
        municipality: r.get(3)?,
        weekday: r.get(4)?,
        time: r.get(5)?,
        place: r.get(6)?,
        members: r.get(7)?,
        sessions: r.get(8)?,
    })
}

const SESSION_SUMMARY: &str =
    "SELECT s.id, s.group_id, coalesce(g.name, ''), s.date, s.time, s.minutes,
    (SELECT count(*) FROM p_attendance a WHERE a.session_id = s.id),
    (SELECT coalesce(sum(count), 0) FROM p_session_guests q WHERE q.session_id = s.id), s.note
    FROM p_sessions s LEFT JOIN p_groups g ON g.id = s.group_id";

fn session_summary(r: &rusqlite::Row) -> rusqlite::Result<SessionSummary> {
    Ok(SessionSummary {
        id: r.get(0)?,
        group_id: r.get(1)?,
        group_name: r.get(2)?,
        date: r.get(3)?,
        time: r.get(4)?,
        minutes: r.get(5)?,
        attended: r.get(6)?,
        guests: r.get(7)?,
        note: r.get(8)?,
    })
}
