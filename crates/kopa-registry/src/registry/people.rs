//! Who may unlock this replica and what they may do: personal unlock through the
//! keyring (`crate::keyring`), the branch's accounts with their roles (branch data
//! that syncs), the checks every sensitive service makes, and the audit.
//!
//! A person's role is read from the encrypted replica, never from the keyring file:
//! the branch's accounts when this laptop has heard of them (they sync, so a removal
//! or a role change on the other laptop reaches this one), else what was given here.

use super::engine::{write_identity, Me};
use super::Registry;
use crate::collection::Collection;
use crate::env::Env;
use crate::error::{Error, Result};
use crate::keyring::{self, DbKey, Keyring};
use crate::store;
use kopa_domain::validate as v;
use kopa_domain::*;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::path::Path;

/// The pseudo-account a recovery unlock acts as.
pub const RECOVERY_ACCOUNT: &str = "recovery";
/// Wrong passphrases allowed before each further try waits.
const FREE_TRIES: usize = 3;
/// The longest wait between tries, in seconds.
const MAX_WAIT_SECS: i64 = 300;

/// Someone who may unlock the branch's replicas, as the people screen shows them.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PersonEntry {
    pub id: String,
    pub name: String,
    /// `volunteer`, `lead` or `coordinator`.
    pub access: String,
    pub removed: bool,
    /// Whether they can unlock this laptop (a lock here).
    pub unlocks_here: bool,
    /// Whether this is who is working now.
    pub me: bool,
}

/// One audit entry as listed.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditView {
    pub id: String,
    /// RFC 3339.
    pub at: String,
    pub action: String,
    pub who: String,
    pub account: String,
    pub branch: String,
    pub device: String,
    pub records: Vec<String>,
}

/// Who the unlocking person is; the replica's meta says the rest.
struct Unlocked {
    account: String,
    name: String,
    key: DbKey,
    conn: Connection,
    recovery: bool,
}

/// A wrong passphrase: nothing changed, and the next tries may wait.
fn wait_after(failed: &[i64], now: i64) -> Option<i64> {
    if failed.len() < FREE_TRIES {
        return None;
    }
    let n = (failed.len() - FREE_TRIES).min(16) as u32;
    let wait = (2i64.pow(n)).min(MAX_WAIT_SECS);
    let last = *failed.last()?;
    let left = (last + wait * 1000 - now + 999) / 1000;
    (left > 0).then_some(left)
}

fn read_me(conn: &Connection, account: String, user: String, access: Access) -> Result<Me> {
    let get = |k: &str| -> Result<String> {
        store::get_meta(conn, k)?.ok_or_else(|| Error::Corrupt(format!("setting {k} missing")))
    };
    Ok(Me {
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
        user,
        account,
        access,
    })
}

fn role_of(conn: &Connection) -> Result<Role> {
    store::get_meta(conn, "role")?
        .and_then(|r| Role::parse(&r))
        .ok_or_else(|| Error::Corrupt("role".into()))
}

/// The role a replica's creator (and a recovery unlock) has: lead at a branch,
/// coordinator at HQ.
pub(super) fn first_access(role: Role) -> Access {
    match role {
        Role::Branch => Access::Lead,
        Role::Hq => Access::Coordinator,
    }
}

/// Makes a new replica file under a new random key, with `me`'s lock in a new
/// keyring beside it; refuses to overwrite either. The keyring is written first, so a
/// file that exists always has the keyring that opens it.
pub(super) fn new_file(
    path: &Path,
    passphrase: &str,
    me: &Me,
    env: &Env,
) -> Result<(Connection, DbKey)> {
    if passphrase.is_empty() {
        return Err(v::text("passphrase", "", 1).unwrap_err().into());
    }
    if path.exists() {
        return Err(Error::AlreadyExists(path.display().to_string()));
    }
    let ring_path = keyring::path_of(path);
    if ring_path.exists() {
        return Err(Error::AlreadyExists(ring_path.display().to_string()));
    }
    let key = DbKey::generate();
    Keyring::first(&key, &me.account, &me.user, passphrase, env.kdf)?.write(path)?;
    let made = store::open(path, &key.sqlcipher(), true).and_then(|conn| {
        write_identity(&conn, me)?;
        remember_access(&conn, &me.account, me.access)?;
        Ok(conn)
    });
    match made {
        Ok(conn) => Ok((conn, key)),
        Err(e) => {
            let _ = std::fs::remove_file(&ring_path);
            let _ = std::fs::remove_file(path);
            Err(e)
        }
    }
}

fn remember_access(conn: &Connection, account: &str, access: Access) -> Result<()> {
    conn.execute(
        "INSERT INTO local_accounts(account, access) VALUES (?1, ?2)
         ON CONFLICT(account) DO UPDATE SET access = excluded.access",
        params![account, access.as_str()],
    )?;
    Ok(())
}

/// An account as this replica knows it: the branch's record, else the role given
/// here. `None`: never heard of.
fn known_account(conn: &Connection, account: &str) -> Result<Option<(Access, bool)>> {
    let synced: Option<(String, bool)> = conn
        .query_row(
            "SELECT access, removed FROM p_accounts WHERE id = ?1",
            [account],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let local: Option<String> = conn
        .query_row(
            "SELECT access FROM local_accounts WHERE account = ?1",
            [account],
            |r| r.get(0),
        )
        .optional()?;
    let parse = |s: &str| Access::parse(s).ok_or_else(|| Error::Corrupt(format!("access {s}")));
    Ok(match (synced, local) {
        (Some((a, removed)), _) => Some((parse(&a)?, removed)),
        (None, Some(a)) => Some((parse(&a)?, false)),
        (None, None) => None,
    })
}

impl Registry {
    /// Opens an existing replica as whoever `passphrase` belongs to. A wrong
    /// passphrase changes nothing in the replica.
    pub fn open(path: &Path, passphrase: &str, env: Env) -> Result<Self> {
        Self::open_as(path, None, passphrase, env)
    }

    /// Opens a replica as `who` (a name or an account id; needed only when two
    /// people chose the same passphrase). A replica of the first release (one
    /// passphrase, no keyring) is upgraded in place: its passphrase becomes the first
    /// lead's.
    pub fn open_as(path: &Path, who: Option<&str>, passphrase: &str, env: Env) -> Result<Self> {
        if !path.exists() {
            return Err(Error::NoReplica(path.display().to_string()));
        }
        let Some(mut ring) = Keyring::read(path)? else {
            return Self::upgrade(path, passphrase, env);
        };
        let now = env.clock.now().0;
        if let Some(secs) = wait_after(&ring.failed, now) {
            return Err(Error::TryLater(secs));
        }
        let Some((lock, key)) = ring.unlock(who, passphrase)? else {
            return Err(ring.wrong_try(path, now));
        };
        let conn = match store::open(path, &key.sqlcipher(), false) {
            Ok(c) => c,
            // The keyring was written but the file not yet re-encrypted (an upgrade
            // stopped half-way): the first lead's passphrase is still its key.
            Err(Error::WrongPassphrase) => {
                let c = store::open(path, passphrase, false)?;
                if known_account(&c, &lock.person)?.is_none() {
                    remember_access(&c, &lock.person, first_access(role_of(&c)?))?;
                }
                store::rekey(&c, &key.sqlcipher())?;
                c
            }
            Err(e) => return Err(e),
        };
        Self::unlocked(
            path,
            ring,
            Unlocked {
                account: lock.person,
                name: lock.name,
                key,
                conn,
                recovery: false,
            },
            env,
        )
    }

    /// Opens a replica with its recovery code, as the branch lead (coordinator at
    /// HQ): to set a new passphrase for someone who forgot theirs.
    pub fn open_with_recovery(path: &Path, code: &str, env: Env) -> Result<Self> {
        if !path.exists() {
            return Err(Error::NoReplica(path.display().to_string()));
        }
        let mut ring = Keyring::read(path)?.ok_or(Error::WrongPassphrase)?;
        let now = env.clock.now().0;
        if let Some(secs) = wait_after(&ring.failed, now) {
            return Err(Error::TryLater(secs));
        }
        let Some(key) = ring.recover(code)? else {
            return Err(ring.wrong_try(path, now));
        };
        let conn = store::open(path, &key.sqlcipher(), false)?;
        Self::unlocked(
            path,
            ring,
            Unlocked {
                account: RECOVERY_ACCOUNT.into(),
                name: RECOVERY_ACCOUNT.into(),
                key,
                conn,
                recovery: true,
            },
            env,
        )
    }

    /// A replica of the first release: its one passphrase opens the file. A random
    /// key replaces it, wrapped for the replica's user as its first lead; the
    /// keyring is written before the file is re-encrypted, so a stop in between is
    /// finished at the next unlock.
    fn upgrade(path: &Path, passphrase: &str, mut env: Env) -> Result<Self> {
        let conn = store::open(path, passphrase, false)?;
        let user = store::get_meta(&conn, "user")?.unwrap_or_else(|| "lead".into());
        let now = env.clock.now().0 as u64;
        let account = AccountId::new(now, env.ids.random10()).key();
        let key = DbKey::generate();
        let ring = Keyring::first(&key, &account, &user, passphrase, env.kdf)?;
        remember_access(&conn, &account, first_access(role_of(&conn)?))?;
        ring.write(path)?;
        store::rekey(&conn, &key.sqlcipher())?;
        tracing::info!(path = %path.display(), "replica upgraded to personal unlock");
        Self::unlocked(
            path,
            ring,
            Unlocked {
                account,
                name: user,
                key,
                conn,
                recovery: false,
            },
            env,
        )
    }

    /// The replica is open: who is working is checked against the branch's
    /// accounts, and wrong passphrases since the last unlock go to the audit.
    fn unlocked(path: &Path, mut ring: Keyring, u: Unlocked, env: Env) -> Result<Self> {
        let role = role_of(&u.conn)?;
        let access = if u.recovery {
            first_access(role)
        } else {
            match known_account(&u.conn, &u.account)? {
                Some((_, true)) | None => {
                    // Removed on this laptop or another: their lock goes too.
                    ring.remove(&u.account);
                    ring.write(path)?;
                    return Err(Error::AccountRemoved(u.name));
                }
                Some((access, false)) => access,
            }
        };
        let me = read_me(&u.conn, u.account, u.name, access)?;
        let mut reg = Registry::assemble(u.conn, me, env, u.key, path.to_path_buf());
        if reg.holds(reg.branch_doc())? && !u.recovery {
            reg.ensure_account()?;
        }
        let failed = std::mem::take(&mut ring.failed);
        if u.recovery {
            reg.audit(AuditAction::RecoveryUnlock, &[])?;
        }
        if !failed.is_empty() {
            for at in &failed {
                reg.audit_at(Timestamp(*at), AuditAction::FailedUnlock, &[])?;
            }
            ring.write(path)?;
        }
        Ok(reg)
    }

    /// Writes this person's account into the branch's data if it is not there yet
    /// (a replica's creator, an upgraded replica, a laptop that joined).
    pub(super) fn ensure_account(&mut self) -> Result<()> {
        let known: bool = self.db().query_row(
            "SELECT count(*) FROM p_accounts WHERE id = ?1",
            [&self.me().account],
            |r| r.get::<_, i64>(0),
        )? > 0;
        if known || self.me().account == RECOVERY_ACCOUNT {
            return Ok(());
        }
        let account = Account {
            name: self.me().user.clone(),
            access: self.me().access,
            removed: false,
        };
        let id = self.me().account.clone();
        self.write(self.branch_doc(), "account.add", |e| {
            let map = e.collection_or_new(Collection::Accounts, &id)?;
            e.insert(&map, &id, &account)
        })
    }

    /// What the person working now may do.
    pub fn access(&self) -> Access {
        self.me().access
    }

    /// Whether the person working now may do `action`.
    pub fn may(&self, action: Action) -> bool {
        self.me().access.may(action)
    }

    /// Refuses what the person working now may not do.
    pub(super) fn allow(&self, action: Action) -> Result<()> {
        if self.may(action) {
            Ok(())
        } else {
            Err(Error::NotPermitted {
                access: self.me().access,
                action,
            })
        }
    }

    /// The branch's people (HQ: its own), each with whether they unlock this laptop.
    pub fn people(&self) -> Result<Vec<PersonEntry>> {
        let ring = Keyring::read(&self.path)?.unwrap_or_default();
        let here = |id: &str| ring.locks.iter().any(|l| l.person == id);
        let mut all = self.accounts()?;
        all.sort_by_key(|(id, a)| (a.removed, a.name.to_lowercase(), id.clone()));
        Ok(all
            .into_iter()
            .map(|(id, a)| PersonEntry {
                unlocks_here: here(&id),
                me: id == self.me().account,
                id,
                name: a.name,
                access: a.access.as_str().into(),
                removed: a.removed,
            })
            .collect())
    }

    /// The branch's accounts (HQ: its own), active ones first.
    fn accounts(&self) -> Result<Vec<(String, Account)>> {
        let mut s = self.db().prepare_cached(
            "SELECT id, name, access, removed FROM p_accounts WHERE branch = ?1 ORDER BY removed, id",
        )?;
        let rows = s.query_map([self.me().branch.key()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, bool>(3)?,
            ))
        })?;
        let mut out = vec![];
        for row in rows {
            let (id, name, access, removed) = row?;
            let access =
                Access::parse(&access).ok_or_else(|| Error::Corrupt(format!("access {access}")))?;
            out.push((
                id,
                Account {
                    name,
                    access,
                    removed,
                },
            ));
        }
        Ok(out)
    }

    /// The names on this laptop's unlock screen.
    pub fn unlock_names(path: &Path) -> Result<Vec<String>> {
        Ok(Keyring::read(path)?
            .map(|r| r.locks.into_iter().map(|l| l.name).collect())
            .unwrap_or_default())
    }

    /// The account named `who` (a name, any case, or an id) among the branch's; one
    /// still active before a removed one of the same name.
    fn account_named(&self, who: &str) -> Result<Option<(String, Account)>> {
        let who = who.trim().to_lowercase();
        Ok(self
            .accounts()?
            .into_iter()
            .find(|(id, a)| *id == who || a.name.to_lowercase() == who))
    }

    fn require_account(&self, who: &str) -> Result<(String, Account)> {
        self.account_named(who)?.ok_or_else(|| Error::NotFound {
            kind: "person",
            id: who.to_string(),
        })
    }

    fn ring(&self) -> Result<Keyring> {
        Keyring::read(&self.path)?
            .ok_or_else(|| Error::Corrupt(format!("no keyring beside {}", self.path.display())))
    }

    /// Gives `name` a passphrase on this laptop, in `access`: a person the branch
    /// already has (from the other laptop) keeps their account; someone new gets
    /// one. A lead may not make a coordinator; only HQ has them.
    pub fn add_person(&mut self, name: &str, access: Access, passphrase: &str) -> Result<String> {
        self.allow(Action::People)?;
        let name = v::name("name", name)?;
        v::text("passphrase", passphrase, 1024)?;
        self.check_grant(access)?;
        let (id, name) = match self.account_named(&name)? {
            Some((id, a)) if !a.removed => {
                if a.access != access {
                    self.set_account(&id, |acc| acc.access = access)?;
                }
                (id, a.name)
            }
            _ => {
                let id = self.fresh(AccountId::new).key();
                let account = Account {
                    name: name.clone(),
                    access,
                    removed: false,
                };
                self.write(self.branch_doc(), "account.add", |e| {
                    let map = e.collection_or_new(Collection::Accounts, &id)?;
                    e.insert(&map, &id, &account)
                })?;
                (id, name)
            }
        };
        self.bookkeep(|c| remember_access(c, &id, access))?;
        let mut ring = self.ring()?;
        ring.set(&self.key, &id, &name, passphrase, self.env.kdf)?;
        ring.write(&self.path)?;
        self.audit(AuditAction::PersonAdded, std::slice::from_ref(&id))?;
        Ok(id)
    }

    fn check_grant(&self, access: Access) -> Result<()> {
        if access == Access::Coordinator && self.me().role != Role::Hq {
            return Err(ValidationError::new("access", Code::UnknownRole)
                .with_value(access.as_str())
                .into());
        }
        Ok(())
    }

    fn set_account(&mut self, id: &str, f: impl FnOnce(&mut Account)) -> Result<()> {
        let (_, mut account) = self.require_account(id)?;
        f(&mut account);
        let id = id.to_string();
        self.write(self.branch_doc(), "account.edit", |e| {
            let map = e.collection_of(Collection::Accounts, &id)?;
            let rec = e.map(&map, &id)?;
            e.record(&id);
            e.set(&rec, "access", &account.access, "access")?;
            e.set(&rec, "removed", &account.removed, "removed")
        })
    }

    /// Changes what someone may do, on every laptop of the branch as it syncs.
    pub fn set_access(&mut self, who: &str, access: Access) -> Result<()> {
        self.allow(Action::People)?;
        self.check_grant(access)?;
        let (id, _) = self.require_account(who)?;
        // Nobody changes their own role: a laptop keeps its lead.
        if id == self.me().account {
            return Err(ValidationError::new("person", Code::InvalidId)
                .with_value(who)
                .into());
        }
        self.set_account(&id, |a| a.access = access)?;
        self.bookkeep(|c| remember_access(c, &id, access))?;
        self.audit(AuditAction::RoleChanged, &[id])
    }

    /// Removes someone: their lock here goes now, and on the branch's other laptops
    /// when this syncs (they are refused at their next unlock there). Nobody else's
    /// lock changes. Nobody removes themselves (a laptop always has a lead).
    pub fn remove_person(&mut self, who: &str) -> Result<()> {
        self.allow(Action::People)?;
        let (id, _) = self.require_account(who)?;
        if id == self.me().account {
            return Err(ValidationError::new("person", Code::InvalidId)
                .with_value(who)
                .into());
        }
        self.set_account(&id, |a| a.removed = true)?;
        let mut ring = self.ring()?;
        if ring.remove(&id) {
            ring.write(&self.path)?;
        }
        self.audit(AuditAction::PersonRemoved, &[id])
    }

    /// Sets a new passphrase for someone who forgot theirs (a lead's task); only
    /// their lock changes.
    pub fn reset_passphrase(&mut self, who: &str, passphrase: &str) -> Result<()> {
        self.allow(Action::People)?;
        v::text("passphrase", passphrase, 1024)?;
        let (id, account) = self.require_account(who)?;
        if account.removed {
            return Err(Error::AccountRemoved(account.name));
        }
        self.bookkeep(|c| remember_access(c, &id, account.access))?;
        let mut ring = self.ring()?;
        ring.set(&self.key, &id, &account.name, passphrase, self.env.kdf)?;
        ring.write(&self.path)?;
        self.audit(AuditAction::PassphraseReset, &[id])
    }

    /// Changes the passphrase of the person working now (their lock only).
    pub fn change_passphrase(&mut self, new_passphrase: &str) -> Result<()> {
        v::text("passphrase", new_passphrase, 1024)?;
        if self.me().account == RECOVERY_ACCOUNT {
            return Err(Error::AccountRemoved(RECOVERY_ACCOUNT.into()));
        }
        let mut ring = self.ring()?;
        let (id, name) = (self.me().account.clone(), self.me().user.clone());
        ring.set(&self.key, &id, &name, new_passphrase, self.env.kdf)?;
        ring.write(&self.path)
    }

    /// Makes a new recovery code (the old one stops working) and returns it, to be
    /// shown once and kept on paper by the branch lead.
    pub fn new_recovery_code(&mut self) -> Result<String> {
        self.allow(Action::People)?;
        let mut ring = self.ring()?;
        // A random 120-bit code needs no costly derivation.
        let code = ring.new_recovery(&self.key, keyring::Cost::LIGHT)?;
        ring.write(&self.path)?;
        self.audit(AuditAction::RecoveryKey, &[])?;
        Ok(code)
    }

    /// Records that a project's report was computed (for a file, a screen, a donor).
    pub fn audit_report(&mut self, project: ProjectId) -> Result<()> {
        self.audit(AuditAction::Report, &[project.key()])
    }

    /// Records that a list was imported, with the ids of the records it wrote.
    pub fn audit_import(&mut self, written: &[String]) -> Result<()> {
        self.audit(AuditAction::Import, written)
    }

    /// Records a sensitive action now.
    pub(super) fn audit(&mut self, action: AuditAction, records: &[String]) -> Result<()> {
        let now = self.now();
        self.audit_at(now, action, records)
    }

    fn audit_at(&mut self, at: Timestamp, action: AuditAction, records: &[String]) -> Result<()> {
        if !self.holds(self.branch_doc())? {
            return Ok(());
        }
        let entry = AuditEntry {
            at,
            action,
            account: self.me().account.clone(),
            who: self.me().user.clone(),
            device: self.me().device.key(),
            records: records.to_vec(),
        };
        let id = self.new_key();
        self.write(self.branch_doc(), "audit.add", |e| {
            let map = e.collection_or_new(Collection::Audit, &id)?;
            e.insert(&map, &id, &entry)
        })
    }

    /// The audit, newest first: this branch's (HQ: every branch's it holds).
    pub fn audit_log(&self, limit: usize) -> Result<Vec<AuditView>> {
        self.allow(Action::Audit)?;
        let mut s = self.db().prepare_cached(
            "SELECT a.id, a.at, a.action, a.who, a.account, coalesce(b.name, a.branch), a.device, a.records
             FROM p_audit a LEFT JOIN p_branches b ON b.id = a.branch
             ORDER BY a.at DESC, a.id DESC LIMIT ?1",
        )?;
        let rows = s.query_map([limit as i64], |r| {
            Ok(AuditView {
                id: r.get(0)?,
                at: Timestamp(r.get(1)?).to_rfc3339(),
                action: r.get(2)?,
                who: r.get(3)?,
                account: r.get(4)?,
                branch: r.get(5)?,
                device: r.get(6)?,
                records: serde_json::from_str(&r.get::<_, String>(7)?).unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Another connection to this replica as the same person (for work on another
    /// thread: an automatic backup), without asking for the passphrase again.
    pub fn reopen(&self, env: Env) -> Result<Registry> {
        let conn = store::open(&self.path, &self.key.sqlcipher(), false)?;
        Ok(Registry::assemble(
            conn,
            self.me().clone(),
            env,
            self.key.clone(),
            self.path.clone(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_wrong_tries_are_free_then_each_waits_longer() {
        assert_eq!(wait_after(&[1_000, 2_000], 2_000), None);
        assert_eq!(wait_after(&[1_000, 2_000, 3_000], 3_000), Some(1));
        assert_eq!(wait_after(&[1_000, 2_000, 3_000], 4_000), None);
        assert_eq!(wait_after(&[0, 0, 0, 0, 10_000], 10_000), Some(4));
        assert_eq!(wait_after(&vec![0; 40], 0), Some(MAX_WAIT_SECS));
    }
}
