//! The replica engine: an open replica's connection, document cache and identity
//! (private to this module), and the one write path every service goes through.
//!
//! A write is one Automerge change on one document, committed in the same SQLite
//! transaction as its chunk and its projection rows. If SQLite fails, the in-memory
//! document is dropped and reloaded from disk, so memory never runs ahead of the file.

use super::edit::Edit;
use crate::collection::Collection;
use crate::docs::{self, DocId};
use crate::env::Env;
use crate::error::{Error, Result};
use crate::pending;
use crate::projection::{self, Scope};
use crate::store;
use crate::views::*;
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, ReadDoc, ROOT};
use autosurgeon::reconcile_prop;
use kopa_domain::validate::{self as v, Context};
use kopa_domain::*;
use rusqlite::Connection;
use std::collections::HashMap;
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

impl InitOptions {
    /// A hub's own replica: HQ's, on device `hub`, written by user `hub`.
    pub fn hub(name: &str, municipality: &str) -> InitOptions {
        InitOptions {
            branch_name: name.into(),
            municipality: municipality.into(),
            role: Role::Hq,
            device_name: "hub".into(),
            user: "hub".into(),
        }
    }
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

/// An open replica.
pub struct Registry {
    conn: Connection,
    cache: HashMap<DocId, Automerge>,
    me: Me,
    pub(super) env: Env,
    /// The database key, to seal new locks with (a person added, a passphrase reset).
    pub(super) key: crate::keyring::DbKey,
    /// The replica file; its keyring is beside it.
    pub(super) path: std::path::PathBuf,
}

/// Who this replica is: read by the services through [`Registry::me`].
#[derive(Clone, Debug)]
pub(super) struct Me {
    pub(super) branch: BranchId,
    pub(super) branch_name: String,
    pub(super) municipality: String,
    pub(super) role: Role,
    pub(super) device: DeviceId,
    pub(super) device_name: String,
    /// The name of who is working (their account's).
    pub(super) user: String,
    /// Their account id.
    pub(super) account: String,
    /// What they may do.
    pub(super) access: Access,
}

impl Me {
    pub(super) fn actor(&self) -> ActorId {
        ActorId::from(self.device.0.as_bytes().as_slice())
    }
}

impl Registry {
    /// Creates a new replica file. Refuses to overwrite anything.
    pub fn create(path: &Path, passphrase: &str, opts: InitOptions, mut env: Env) -> Result<Self> {
        let today = env.clock.now().date();
        let ctx = Context::builtin(today);
        let branch_name = v::text("branch", &opts.branch_name, v::MAX_NAME)?;
        let municipality = v::municipality("municipality", &opts.municipality, &ctx)?;
        let device_name = v::text("device", &opts.device_name, v::MAX_NAME)?;
        let user = v::text("user", &opts.user, v::MAX_NAME)?;
        let now = env.clock.now().0 as u64;
        let me = Me {
            branch: BranchId::new(now, env.ids.random10()),
            branch_name,
            municipality,
            role: opts.role,
            device: DeviceId::new(now, env.ids.random10()),
            device_name,
            user,
            account: AccountId::new(now, env.ids.random10()).key(),
            access: super::people::first_access(opts.role),
        };
        let (conn, key) = super::people::new_file(path, passphrase, &me, &env)?;
        let mut reg = Registry::assemble(conn, me, env, key, path.to_path_buf());
        // The document skeletons are created once, by the replica that owns them, so
        // that no two devices ever create the same collection concurrently.
        let info = Branch {
            name: reg.me.branch_name.clone(),
            municipality: reg.me.municipality.clone(),
        };
        reg.create_branch_doc(reg.me.branch, &info)?;
        if reg.me.role == Role::Hq {
            reg.create_reference_doc()?;
        }
        reg.ensure_account()?;
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
        let _ = source;
        let now = env.clock.now().0 as u64;
        let me = Me {
            device: DeviceId::new(now, env.ids.random10()),
            device_name: v::text("device", device_name, v::MAX_NAME)?,
            user: v::text("user", user, v::MAX_NAME)?,
            account: AccountId::new(now, env.ids.random10()).key(),
            access: super::people::first_access(src.me.role),
            ..src.me.clone()
        };
        src.allow(Action::People)?;
        let (conn, key) = super::people::new_file(path, passphrase, &me, &env)?;
        let mut reg = Registry::assemble(conn, me, env, key, path.to_path_buf());
        let docs = reg.docs_of(&src)?;
        drop(src);
        reg.merge_docs(docs)?;
        reg.ensure_account()?;
        Ok(reg)
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
            access: self.me.access.as_str().into(),
            actions: self
                .me
                .access
                .actions()
                .iter()
                .map(|a| a.as_str().to_string())
                .collect(),
        }
    }

    /// The open SQLite connection. Kept for tests, benchmarks and examples that check
    /// the file itself (row counts, raw tables, SQL a registry user would not run);
    /// services read through [`Registry::db`] and write through the write path.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The projection, for reads. Services in sibling modules never write through
    /// it: documents change through `write`/`write_new`/`merge_into`, everything
    /// else (settings, sync bookkeeping, credentials) through [`Registry::bookkeep`].
    pub(super) fn db(&self) -> &Connection {
        &self.conn
    }

    /// Runs writes to the replica's own tables (not documents, not the projection)
    /// in a savepoint: all of `f` is kept or none of it, nested in a batch's
    /// transaction when there is one.
    pub(super) fn bookkeep<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        self.conn.execute_batch("SAVEPOINT bookkeep")?;
        match f(&self.conn) {
            Ok(out) => {
                self.conn.execute_batch("RELEASE bookkeep")?;
                Ok(out)
            }
            Err(e) => {
                self.conn
                    .execute_batch("ROLLBACK TO bookkeep; RELEASE bookkeep")?;
                Err(e)
            }
        }
    }

    /// Who this replica is.
    pub(super) fn me(&self) -> &Me {
        &self.me
    }

    /// The clock's time now.
    pub(super) fn now(&self) -> Timestamp {
        self.env.clock.now()
    }

    /// A new id of any kind, from the clock and the id randomness.
    pub(super) fn fresh<I>(&mut self, new: impl FnOnce(u64, [u8; 10]) -> I) -> I {
        let now = self.env.clock.now().0 as u64;
        new(now, self.env.ids.random10())
    }

    /// Whether a document is held here (stored, or written in this batch).
    pub(super) fn holds(&self, id: DocId) -> Result<bool> {
        Ok(docs::owner(&self.conn, id)?.is_some() || self.cache.contains_key(&id))
    }

    /// A replica around a connection whose identity is already written.
    pub(super) fn assemble(
        conn: Connection,
        me: Me,
        env: Env,
        key: crate::keyring::DbKey,
        path: std::path::PathBuf,
    ) -> Registry {
        Registry {
            conn,
            cache: HashMap::new(),
            me,
            env,
            key,
            path,
        }
    }

    /// Replaces the whole file's content with `source`'s (a checked backup); the
    /// documents in memory are reloaded from it on next use.
    pub(super) fn replace_content(&mut self, source: &Connection) -> Result<()> {
        let b = rusqlite::backup::Backup::new(source, &mut self.conn)?;
        b.run_to_completion(256, std::time::Duration::from_millis(0), None)?;
        drop(b);
        self.cache.clear();
        Ok(())
    }

    pub fn today(&self) -> Date {
        self.env.clock.now().date()
    }

    /// What validation knows: today and the built-in reference lists. (HQ-defined
    /// municipalities and activity types will come through the reference document.)
    pub(super) fn context(&self) -> Result<Context> {
        self.lists_on(self.today())
    }

    pub(super) fn new_key(&mut self) -> String {
        let now = self.env.clock.now().0 as u64;
        uuid_v7(now, self.env.ids.random10())
            .hyphenated()
            .to_string()
    }

    /// A document, loaded into the cache on first use (read only: changes go
    /// through the write path).
    pub(super) fn doc(&mut self, id: DocId) -> Result<&Automerge> {
        self.doc_mut(id).map(|d| &*d)
    }

    fn doc_mut(&mut self, id: DocId) -> Result<&mut Automerge> {
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

    /// Creates the reference document with its skeleton (HQ's, once).
    pub(super) fn create_reference_doc(&mut self) -> Result<()> {
        self.write_new(DocId::Reference, "hq", "reference.create", |e| {
            for c in Collection::REFERENCE {
                e.tx.put_object(ROOT, c.key(), automerge::ObjType::Map)?;
            }
            Ok(())
        })
    }

    /// Creates a branch's activity document with its skeleton.
    pub(super) fn create_branch_doc(&mut self, branch: BranchId, info: &Branch) -> Result<()> {
        self.write_new(DocId::Branch(branch), &branch.key(), "branch.create", |e| {
            reconcile_prop(&mut e.tx, ROOT, Collection::Branch.key(), info)?;
            // Exactly the projected collections.
            for c in Collection::BRANCH {
                e.tx.put_object(ROOT, c.key(), automerge::ObjType::Map)?;
            }
            e.record(&branch.key());
            Ok(())
        })
    }

    pub(super) fn write_new<T>(
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

    pub(super) fn write<T>(
        &mut self,
        id: DocId,
        action: &str,
        f: impl FnOnce(&mut Edit) -> Result<T>,
    ) -> Result<T> {
        self.doc_mut(id)?;
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
            let mut edit = Edit::new(doc.transaction());
            let out = match f(&mut edit) {
                Ok(out) => out,
                Err(e) => {
                    edit.tx.rollback();
                    return Err(e);
                }
            };
            if !edit.changed() && new_owner.is_none() {
                edit.tx.rollback();
                return Ok(out);
            }
            let (tx, records, fields) = edit.into_parts();
            let note = ChangeNote {
                person: me.user.clone(),
                device: me.device_name.clone(),
                action: action.to_string(),
                records,
                fields,
                at: now,
            };
            let message = serde_json::to_string(&note).unwrap_or_default();
            let (hash, _) = tx.commit_with(
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
    pub(super) fn merge_into(
        &mut self,
        id: DocId,
        f: impl FnOnce(&mut Automerge) -> Result<()>,
    ) -> Result<()> {
        let doc = self.doc_mut(id)?;
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

    /// This replica's branch document.
    pub(super) fn branch_doc(&self) -> DocId {
        DocId::Branch(self.me.branch)
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
}

/// Keeps the replica's identity in its settings.
pub(super) fn write_identity(conn: &Connection, me: &Me) -> Result<()> {
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
