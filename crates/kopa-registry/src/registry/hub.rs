//! What a hub keeps beside the documents: the branches it enrolled and the
//! credentials it handed out; and how a new replica is made from an invite.

use super::engine::Me;
use super::Registry;
use crate::docs::{self, DocId, DocRow};
use crate::env::Env;
use crate::error::{Error, Result};
use crate::store;
use automerge::Automerge;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use kopa_domain::text::fold;
use kopa_domain::validate::{self as v};
use kopa_domain::{Branch, BranchId, DeviceId, Role};
use rand::RngCore;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;

/// Who a credential belongs to, as the hub sees it on each request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Credential {
    pub id: String,
    /// `hq` or a branch id.
    pub peer: String,
    pub branch_name: String,
    pub role: Role,
    pub created: String,
    pub revoked: Option<String>,
}

/// A new replica's identity, as an invite carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinIdentity {
    pub branch_id: String,
    pub branch_name: String,
    pub municipality: String,
    pub role: String,
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Registry {
    /// The branches this replica knows of: (id, name, municipality).
    pub fn branches(&self) -> Result<Vec<(String, String, String)>> {
        let mut s = self
            .db()
            .prepare("SELECT id, name, municipality FROM p_branches ORDER BY name")?;
        let rows = s
            .query_map([], |r| r.try_into())?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Finds a branch by id or by name (diacritics and case optional).
    pub fn find_branch(&self, name: &str) -> Result<Option<(String, String, String)>> {
        let want = fold(name);
        Ok(self
            .branches()?
            .into_iter()
            .find(|(id, n, _)| id == name.trim() || fold(n) == want))
    }

    /// HQ registers a new branch: its activity document is created here, once, and
    /// handed to the branch's first device in its invite.
    pub fn register_branch(&mut self, name: &str, municipality: &str) -> Result<BranchId> {
        if self.me().role != Role::Hq {
            return Err(Error::NotAllowed {
                role: self.me().role.as_str().into(),
                action: "register branches",
            });
        }
        let ctx = self.context()?;
        let info = Branch {
            name: v::text("branch", name, v::MAX_NAME)?,
            municipality: v::municipality("municipality", municipality, &ctx)?,
        };
        let branch = self.fresh(BranchId::new);
        self.create_branch_doc(branch, &info)?;
        Ok(branch)
    }

    /// The documents a new device of `peer` starts with: its branch document and the
    /// reference data (the rest arrives with its first sync).
    pub fn starter_docs(&mut self, branch_id: &str) -> Result<Vec<(DocRow, Vec<u8>)>> {
        let mut out = vec![];
        for row in docs::list(self.db())? {
            let wanted = row.id == DocId::Reference
                || matches!(row.id, DocId::Branch(b) if b.key() == branch_id);
            if wanted {
                let bytes = self.doc(row.id)?.save();
                out.push((row, bytes));
            }
        }
        Ok(out)
    }

    /// Hands out a credential for `peer`; only its hash is kept. Returns the id and
    /// the secret token (shown once, in the invite).
    pub fn issue_credential(
        &mut self,
        peer: &str,
        branch_name: &str,
        role: Role,
    ) -> Result<(String, String)> {
        let mut secret = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut secret);
        let token = B64URL.encode(secret);
        let mut idb = [0u8; 8];
        rand::rngs::OsRng.fill_bytes(&mut idb);
        let id: String = idb.iter().map(|b| format!("{b:02x}")).collect();
        let now = self.now().0;
        self.bookkeep(|c| {
            Ok(c.execute(
                "INSERT INTO hub_credentials(id, token_hash, peer, branch_name, role, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, token_hash(&token), peer, branch_name, role.as_str(), now],
            )?)
        })?;
        Ok((id, token))
    }

    /// The credential a bearer token stands for, if it is known and not revoked.
    /// Read from the file on every request, so a revocation made by another process
    /// takes effect on the next request.
    pub fn check_credential(&self, token: &str) -> Result<Option<Credential>> {
        let row: Option<(String, String, String, String, i64, Option<i64>)> = self.db()
            .query_row(
                "SELECT id, peer, branch_name, role, created, revoked FROM hub_credentials WHERE token_hash = ?1",
                [token_hash(token)],
                |r| r.try_into(),
            )
            .optional()?;
        Ok(row.and_then(|r| credential(r).filter(|c| c.revoked.is_none())))
    }

    /// Every credential handed out, revoked ones included.
    pub fn credentials(&self) -> Result<Vec<Credential>> {
        let mut s = self.db().prepare(
            "SELECT id, peer, branch_name, role, created, revoked FROM hub_credentials ORDER BY created",
        )?;
        let rows: Vec<_> = s
            .query_map([], |r| r.try_into())?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows.into_iter().filter_map(credential).collect())
    }

    /// Revokes every credential of a branch (by name or id), or one credential by
    /// its id. Returns how many were revoked.
    pub fn revoke(&mut self, who: &str) -> Result<usize> {
        let now = self.now().0;
        let n = self.bookkeep(|c| {
            Ok(c.execute(
                "UPDATE hub_credentials SET revoked = ?2 WHERE id = ?1 AND revoked IS NULL",
                params![who.trim(), now],
            )?)
        })?;
        if n > 0 {
            return Ok(n);
        }
        let peer = match self.find_branch(who)? {
            Some((id, _, _)) => id,
            None if fold(who) == "hq" => "hq".into(),
            None => {
                return Err(Error::NotFound {
                    kind: "branch",
                    id: who.to_string(),
                })
            }
        };
        let peer = if self.me().role == Role::Hq && peer == self.me().branch.key() {
            "hq".to_string()
        } else {
            peer
        };
        self.bookkeep(|c| {
            Ok(c.execute(
                "UPDATE hub_credentials SET revoked = ?2 WHERE peer = ?1 AND revoked IS NULL",
                params![peer, now],
            )?)
        })
    }

    /// A setting kept in the replica (hub address, pinned certificate…).
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        store::get_meta(self.db(), key)
    }

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.bookkeep(|c| store::set_meta(c, key, value))
    }

    /// Makes a new replica of the branch an invite names, starting from the documents
    /// it carries. Refuses to overwrite anything.
    pub fn create_joined(
        path: &Path,
        passphrase: &str,
        who: &JoinIdentity,
        docs: Vec<(DocRow, Vec<u8>)>,
        device_name: &str,
        user: &str,
        mut env: Env,
    ) -> Result<Self> {
        let bad = |what: &str| Error::Corrupt(format!("invite: {what}"));
        let now = env.clock.now().0 as u64;
        let me = Me {
            branch: who.branch_id.parse().map_err(|_| bad("branch id"))?,
            branch_name: who.branch_name.clone(),
            municipality: who.municipality.clone(),
            role: Role::parse(&who.role).ok_or_else(|| bad("role"))?,
            device: DeviceId::new(now, env.ids.random10()),
            device_name: v::text("device", device_name, v::MAX_NAME)?,
            user: v::text("user", user, v::MAX_NAME)?,
            account: kopa_domain::AccountId::new(now, env.ids.random10()).key(),
            access: kopa_domain::Access::Lead,
        };
        let me = Me {
            access: super::people::first_access(me.role),
            ..me
        };
        let mut loaded = vec![];
        for (row, bytes) in docs {
            let doc = Automerge::load(&bytes).map_err(|_| bad("document"))?;
            loaded.push((row, doc));
        }
        let (conn, key) = super::people::new_file(path, passphrase, &me, &env)?;
        let mut reg = Registry::assemble(conn, me, env, key, path.to_path_buf());
        reg.merge_docs(loaded)?;
        if reg.holds(reg.branch_doc())? {
            reg.ensure_account()?;
        }
        Ok(reg)
    }
}

fn credential(r: (String, String, String, String, i64, Option<i64>)) -> Option<Credential> {
    let ts = |t: i64| kopa_domain::Timestamp(t).to_rfc3339();
    Some(Credential {
        id: r.0,
        peer: r.1,
        branch_name: r.2,
        role: Role::parse(&r.3)?,
        created: ts(r.4),
        revoked: r.5.map(ts),
    })
}
