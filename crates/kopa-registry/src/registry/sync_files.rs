//! Sync files for a USB stick or e-mail: what a peer has not acknowledged, signed by
//! this replica (ed25519) and encrypted to the peer's devices (age, X25519).
//!
//! A file is `age(MAGIC ‖ signer key ‖ signature ‖ zstd(JSON payload))`. The payload
//! carries, per document, the changes the destination lacks and the heads this replica
//! has, which the destination records as an acknowledgement: its next file back holds
//! only what is new. Importing verifies everything before changing anything, applies
//! the changes and the bookkeeping in one transaction, and remembers the file's
//! signature so importing it twice equals importing it once.

use super::{Incoming, Registry};
use crate::docs::{self, DocId, DocRow};
use crate::error::{Error, Result};
use crate::store;
use crate::views::MergeReport;
use automerge::ChangeHash;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use kopa_domain::{text::fold, Role};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::io::{Read, Write};
use std::str::FromStr;

const MAGIC: &[u8; 8] = b"KOPASYN1";
/// The largest payload a sync file may unpack to (a national HQ export is far smaller).
const MAX_PAYLOAD: u64 = 512 * 1024 * 1024;

/// Why a sync file was refused. Nothing was changed in any of these cases.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncFileError {
    #[error("the file is not addressed to this replica")]
    NotForUs,
    #[error("the file is damaged or incomplete")]
    Damaged,
    #[error("the file was signed by a replica this one does not know")]
    UnknownSigner,
    #[error("the file's signature does not match its content")]
    BadSignature,
    #[error("the file carries changes to a document its sender does not own")]
    NotOwner,
    #[error("no known peer called {0}")]
    UnknownPeer(String),
}

impl SyncFileError {
    pub fn code(&self) -> crate::ErrorCode {
        use crate::ErrorCode as C;
        match self {
            SyncFileError::NotForUs => C::SyncNotForUs,
            SyncFileError::Damaged => C::SyncDamaged,
            SyncFileError::UnknownSigner => C::SyncUnknownSigner,
            SyncFileError::BadSignature => C::SyncBadSignature,
            SyncFileError::NotOwner => C::SyncNotOwner,
            SyncFileError::UnknownPeer(_) => C::SyncUnknownPeer,
        }
    }
}

/// What a replica tells others about itself so they can send it files and trust
/// the files it signs. Contains public keys only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityCard {
    pub branch_id: String,
    pub branch_name: String,
    pub role: String,
    pub device: String,
    /// ed25519 verifying key, base64.
    pub sign_key: String,
    /// age X25519 recipient (`age1…`).
    pub recipient: String,
}

impl IdentityCard {
    /// Reads a card from a file (`kopa sync identity --out`); one that is not a card
    /// is a damaged sync file.
    pub fn read(path: &std::path::Path) -> Result<IdentityCard> {
        let text = std::fs::read_to_string(path)?;
        serde_json::from_str(&text).map_err(|_| Error::SyncFile(SyncFileError::Damaged))
    }

    /// Whether its role and keys can be used.
    pub fn is_valid(&self) -> bool {
        Role::parse(&self.role).is_some()
            && self.recipient.parse::<age::x25519::Recipient>().is_ok()
            && verifying_key(&self.sign_key).is_some()
    }

    /// How this replica is named as a peer: `hq`, or its branch id.
    pub fn peer(&self) -> String {
        if self.role == Role::Hq.as_str() {
            "hq".into()
        } else {
            self.branch_id.clone()
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Payload {
    v: u32,
    from: IdentityCard,
    to: String,
    created: i64,
    docs: Vec<DocEntry>,
}

/// A sync file's content, read by [`Registry::inspect_sync_file`].
#[derive(Clone, Debug)]
pub struct SyncFileContents {
    /// The sending peer: `hq` or a branch id.
    pub from: String,
    /// Document id and the changes carried for it, if any.
    pub docs: Vec<(String, Option<Vec<u8>>)>,
}

#[derive(Serialize, Deserialize)]
struct DocEntry {
    id: String,
    owner: String,
    /// The sender's heads of this document: what it has.
    have: Vec<String>,
    /// Changes the destination has not acknowledged (Automerge bytes, base64).
    changes: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExportSummary {
    pub to: String,
    /// Documents with changes in the file.
    pub documents: usize,
    pub changes: usize,
    /// The devices of the destination the file is encrypted to.
    pub replicas: Vec<String>,
    pub bytes: usize,
}

/// One known replica (device) of a peer.
struct Replica {
    /// Its signing key: what its acknowledgements are kept under.
    key: String,
    device: String,
    recipient: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportSummary {
    pub from: String,
    pub from_name: String,
    /// The file had been imported before; nothing was done.
    pub already_imported: bool,
    pub merge: MergeReport,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PeerStatus {
    /// `hq` or a branch id.
    pub peer: String,
    pub name: String,
    pub role: String,
    /// The replica: a device's name (`hub` for the network).
    pub device: String,
    /// `file` (a device known by its card), `network` (the hub), or `hub` (a branch
    /// HQ hears of only through the hub).
    pub via: String,
    pub last_sent: Option<String>,
    pub last_heard: Option<String>,
    /// Documents this replica told us it has (by file, or in network sync states).
    pub acknowledged_documents: usize,
    /// Changes this replica holds that that replica has not acknowledged.
    pub unsent_changes: usize,
}

fn damaged<E>(_: E) -> Error {
    Error::SyncFile(SyncFileError::Damaged)
}

fn heads_from(list: &[String]) -> Vec<ChangeHash> {
    list.iter()
        .filter_map(|h| ChangeHash::from_str(h).ok())
        .collect()
}

impl Registry {
    /// This replica's signing key and age identity, made on first use.
    fn sync_keys(&self) -> Result<(SigningKey, age::x25519::Identity)> {
        use age::secrecy::ExposeSecret;
        let sign = match store::get_meta(self.db(), "sync_sign_key")? {
            Some(k) => {
                let bytes: [u8; 32] = B64
                    .decode(k)
                    .ok()
                    .and_then(|b| b.try_into().ok())
                    .ok_or_else(|| Error::Corrupt("signing key".into()))?;
                SigningKey::from_bytes(&bytes)
            }
            None => {
                let key = SigningKey::generate(&mut rand::rngs::OsRng);
                self.bookkeep(|c| {
                    store::set_meta(c, "sync_sign_key", &B64.encode(key.to_bytes()))
                })?;
                key
            }
        };
        let age_id = match store::get_meta(self.db(), "sync_age_identity")? {
            Some(k) => k
                .parse::<age::x25519::Identity>()
                .map_err(|_| Error::Corrupt("age identity".into()))?,
            None => {
                let id = age::x25519::Identity::generate();
                self.bookkeep(|c| {
                    store::set_meta(c, "sync_age_identity", id.to_string().expose_secret())
                })?;
                id
            }
        };
        Ok((sign, age_id))
    }

    /// The card to give peers (public keys only).
    pub fn identity_card(&self) -> Result<IdentityCard> {
        let (sign, age_id) = self.sync_keys()?;
        Ok(IdentityCard {
            branch_id: self.me().branch.key(),
            branch_name: self.me().branch_name.clone(),
            role: self.me().role.as_str().into(),
            device: self.me().device_name.clone(),
            sign_key: B64.encode(sign.verifying_key().to_bytes()),
            recipient: age_id.to_public().to_string(),
        })
    }

    /// Trusts a peer's card: files it signs are accepted, files to it are readable by it.
    pub fn add_peer(&mut self, card: &IdentityCard) -> Result<()> {
        self.allow(kopa_domain::Action::Sync)?;
        if !card.is_valid() {
            return Err(Error::SyncFile(SyncFileError::Damaged));
        }
        self.bookkeep(|c| {
            c.execute(
                "INSERT INTO sync_peers(sign_key, peer, name, role, device, recipient, source, branch_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'card', ?7)
                 ON CONFLICT(sign_key) DO UPDATE SET peer = excluded.peer, name = excluded.name,
                    role = excluded.role, device = excluded.device, recipient = excluded.recipient,
                    source = 'card', branch_id = excluded.branch_id",
                params![card.sign_key, card.peer(), card.branch_name, card.role, card.device, card.recipient, card.branch_id],
            )?;
            Ok(())
        })
    }

    /// Finds a peer by `hq`, branch id or branch name (diacritics optional): its
    /// name, role and every known replica of it (never this one).
    fn resolve_peer(&self, name: &str) -> Result<(String, String, Vec<Replica>)> {
        let mut s = self.db().prepare(
            "SELECT peer, name, role, recipient, sign_key, device FROM sync_peers ORDER BY device, sign_key",
        )?;
        type Row = (String, String, String, String, String, String);
        let rows: Vec<Row> = s
            .query_map([], |r| r.try_into())?
            .collect::<rusqlite::Result<_>>()?;
        let own_key = B64.encode(self.sync_keys()?.0.verifying_key().to_bytes());
        let want = fold(name);
        let peer = rows
            .iter()
            .find(|r| (r.0 == name.trim() || fold(&r.1) == want) && r.4 != own_key)
            .map(|r| (r.0.clone(), r.2.clone()))
            .ok_or_else(|| Error::SyncFile(SyncFileError::UnknownPeer(name.to_string())))?;
        let replicas = rows
            .iter()
            .filter(|r| r.0 == peer.0 && r.4 != own_key)
            .map(|r| Replica {
                key: r.4.clone(),
                device: r.5.clone(),
                recipient: r.3.clone(),
            })
            .collect();
        Ok((peer.0, peer.1, replicas))
    }

    pub(crate) fn my_peer(&self) -> String {
        if self.me().role == Role::Hq {
            "hq".into()
        } else {
            self.me().branch.key()
        }
    }

    /// The documents a peer may receive from this replica.
    fn docs_for(&self, peer: &str, peer_role: &str) -> Result<Vec<DocRow>> {
        let mine = self.my_peer();
        Ok(docs::list(self.db())?
            .into_iter()
            .filter(|d| {
                if peer == mine {
                    true // another device of the same branch (or of HQ)
                } else if self.me().role == Role::Hq {
                    // HQ sends a branch the reference data and that branch's own documents.
                    d.id == DocId::Reference || d.owner == peer
                } else {
                    // A branch sends only what it owns, and only to HQ or itself.
                    peer_role == Role::Hq.as_str() && d.owner == self.me().branch.key()
                }
            })
            .collect())
    }

    /// The heads of `doc` that replica `key` acknowledged and this replica also
    /// knows (unknown heads cannot be a starting point), or `None` when it never
    /// acknowledged the document.
    fn acked(&mut self, key: &str, id: DocId) -> Result<Option<Vec<ChangeHash>>> {
        let heads: Option<String> = self
            .db()
            .query_row(
                "SELECT heads FROM sync_acks WHERE peer = ?1 AND doc_id = ?2",
                [key, &id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        let Some(heads) = heads else { return Ok(None) };
        let list: Vec<String> = serde_json::from_str(&heads).unwrap_or_default();
        let doc = self.doc(id)?;
        Ok(Some(
            heads_from(&list)
                .into_iter()
                .filter(|h| doc.get_change_meta_by_hash(h).is_some())
                .collect(),
        ))
    }

    /// The changes of `id` that at least one of `replicas` has not acknowledged, in
    /// an order Automerge applies in one pass (everything when one never did).
    fn unacknowledged(
        &mut self,
        id: DocId,
        replicas: &[Replica],
        full: bool,
    ) -> Result<Vec<automerge::Change>> {
        let mut starts = vec![];
        for r in replicas {
            match self.acked(&r.key, id)? {
                Some(heads) if !full => starts.push(heads),
                _ => {
                    starts = vec![vec![]];
                    break;
                }
            }
        }
        if starts.is_empty() {
            starts.push(vec![]);
        }
        starts.sort();
        starts.dedup();
        let doc = self.doc(id)?;
        let mut seen = HashSet::new();
        let mut out = vec![];
        for since in &starts {
            for c in doc.get_changes(since) {
                if seen.insert(c.hash()) {
                    out.push(c.clone());
                }
            }
        }
        Ok(out)
    }

    /// Writes a sync file for `to` (`hq`, a branch id or name): every change that
    /// one of its known replicas has not acknowledged (or, with `full`, everything
    /// this replica may send it), signed, and encrypted to each of those replicas.
    pub fn export_sync_file(&mut self, to: &str) -> Result<(Vec<u8>, ExportSummary)> {
        self.allow(kopa_domain::Action::Sync)?;
        self.export_sync_file_with(to, false)
    }

    /// As [`Registry::export_sync_file`]; with `full`, every change of every document
    /// the destination may have, whatever it acknowledged (for a replica restored from
    /// an old backup, or a file that went astray).
    pub fn export_sync_file_with(
        &mut self,
        to: &str,
        full: bool,
    ) -> Result<(Vec<u8>, ExportSummary)> {
        let (peer, peer_role, replicas) = self.resolve_peer(to)?;
        let (sign, _) = self.sync_keys()?;
        let card = self.identity_card()?;
        let mut entries = vec![];
        let mut with_changes = 0;
        let mut changes_total = 0;
        for row in self.docs_for(&peer, &peer_role)? {
            let changes = self.unacknowledged(row.id, &replicas, full)?;
            let doc = self.doc(row.id)?;
            changes_total += changes.len();
            with_changes += usize::from(!changes.is_empty());
            let bytes = (!changes.is_empty()).then(|| {
                let mut b = vec![];
                for c in &changes {
                    b.extend_from_slice(c.raw_bytes());
                }
                B64.encode(b)
            });
            entries.push(DocEntry {
                id: row.id.to_string(),
                owner: row.owner,
                have: doc.get_heads().iter().map(|h| h.to_string()).collect(),
                changes: bytes,
            });
        }
        let payload = Payload {
            v: 1,
            from: card,
            to: peer.clone(),
            created: self.now().0,
            docs: entries,
        };
        let json = serde_json::to_vec(&payload).map_err(|e| Error::Corrupt(e.to_string()))?;
        let body = zstd::encode_all(json.as_slice(), 3)?;
        let mut inner = Vec::with_capacity(body.len() + 104);
        inner.extend_from_slice(MAGIC);
        inner.extend_from_slice(&sign.verifying_key().to_bytes());
        inner.extend_from_slice(&sign.sign(&body).to_bytes());
        inner.extend_from_slice(&body);
        let parsed: Vec<age::x25519::Recipient> = replicas
            .iter()
            .filter_map(|r| r.recipient.parse().ok())
            .collect();
        let encryptor =
            age::Encryptor::with_recipients(parsed.iter().map(|r| r as &dyn age::Recipient))
                .map_err(|e| Error::Corrupt(e.to_string()))?;
        let mut out = vec![];
        let mut w = encryptor.wrap_output(&mut out)?;
        w.write_all(&inner)?;
        w.finish()?;
        self.note_sent(&peer)?;
        let summary = ExportSummary {
            to: peer,
            documents: with_changes,
            changes: changes_total,
            replicas: replicas.iter().map(|r| r.device.clone()).collect(),
            bytes: out.len(),
        };
        Ok((out, summary))
    }

    /// Decrypts a sync file addressed to this replica and checks its signer and
    /// signature: (peer, peer's name, peer's role, signature id, payload).
    fn open_sync_file(&self, file: &[u8]) -> Result<(String, String, String, String, Payload)> {
        let (_, age_id) = self.sync_keys()?;
        let inner = match age::decrypt(&age_id, file) {
            Ok(p) => p,
            Err(age::DecryptError::NoMatchingKeys) => {
                return Err(Error::SyncFile(SyncFileError::NotForUs))
            }
            Err(_) => return Err(damaged(())),
        };
        if inner.len() < 104 || &inner[..8] != MAGIC {
            return Err(damaged(()));
        }
        let key_b64 = B64.encode(&inner[8..40]);
        let sig_bytes: [u8; 64] = inner[40..104].try_into().map_err(damaged)?;
        let body = &inner[104..];
        let sender: Option<(String, String, String)> = self
            .db()
            .query_row(
                "SELECT peer, name, role FROM sync_peers WHERE sign_key = ?1",
                [&key_b64],
                |r| r.try_into(),
            )
            .optional()?;
        let (peer, peer_name, peer_role) =
            sender.ok_or(Error::SyncFile(SyncFileError::UnknownSigner))?;
        let key = verifying_key(&key_b64).ok_or(Error::SyncFile(SyncFileError::UnknownSigner))?;
        key.verify(body, &Signature::from_bytes(&sig_bytes))
            .map_err(|_| Error::SyncFile(SyncFileError::BadSignature))?;
        let mut json = vec![];
        zstd::Decoder::new(body)?
            .take(MAX_PAYLOAD)
            .read_to_end(&mut json)
            .map_err(damaged)?;
        let payload: Payload = serde_json::from_slice(&json).map_err(damaged)?;
        if payload.from.sign_key != key_b64 || payload.to != self.my_peer() {
            return Err(Error::SyncFile(SyncFileError::NotForUs));
        }
        Ok((peer, peer_name, peer_role, B64.encode(sig_bytes), payload))
    }

    /// What a sync file for this replica carries, checked but not applied: per
    /// document, its id and the Automerge changes in it.
    pub fn inspect_sync_file(&self, file: &[u8]) -> Result<SyncFileContents> {
        let (from, _, _, _, payload) = self.open_sync_file(file)?;
        let mut docs = vec![];
        for entry in payload.docs {
            let changes = match entry.changes {
                Some(c) => Some(B64.decode(c).map_err(damaged)?),
                None => None,
            };
            docs.push((entry.id, changes));
        }
        Ok(SyncFileContents { from, docs })
    }

    /// Verifies and applies a sync file. A file that is not for this replica,
    /// damaged, truncated, tampered with, signed by a stranger, or carrying changes to
    /// documents its sender does not own is refused and nothing changes.
    pub fn import_sync_file(&mut self, file: &[u8]) -> Result<ImportSummary> {
        self.allow(kopa_domain::Action::Sync)?;
        let (peer, peer_name, peer_role, sig_id, payload) = self.open_sync_file(file)?;
        let signer = payload.from.sign_key.clone();
        let seen: i64 = self.db().query_row(
            "SELECT count(*) FROM sync_imported WHERE hash = ?1",
            [&sig_id],
            |r| r.get(0),
        )?;
        if seen > 0 {
            return Ok(ImportSummary {
                from: peer,
                from_name: peer_name,
                already_imported: true,
                merge: MergeReport::default(),
            });
        }
        // Check every document before changing anything.
        let mut items = vec![];
        let mut acks = vec![];
        for entry in payload.docs {
            let id: DocId = entry.id.parse().map_err(damaged)?;
            let owner = docs::owner(self.db(), id)?.unwrap_or(entry.owner.clone());
            if !self.may_write(&peer, &peer_role, id, &entry.owner)? {
                return Err(Error::SyncFile(SyncFileError::NotOwner));
            }
            acks.push((id, entry.have.clone()));
            if let Some(c) = entry.changes {
                let bytes = B64.decode(c).map_err(damaged)?;
                let changes = crate::pending::split_changes(&bytes).map_err(damaged)?;
                items.push((DocRow { id, owner }, Incoming::Changes(changes)));
            }
        }
        let now = self.now().0;
        let ack_peer = peer.clone();
        let (merge, _) = self.apply_incoming(items, |tx: &Connection, _| {
            // The signer's heads: what that one replica has (never its branch's).
            for (id, have) in &acks {
                tx.execute(
                    "INSERT OR REPLACE INTO sync_acks(peer, doc_id, heads) VALUES (?1, ?2, ?3)",
                    params![
                        signer,
                        id.to_string(),
                        serde_json::to_string(have).unwrap_or_default()
                    ],
                )?;
            }
            tx.execute(
                "UPDATE sync_peers SET last_heard = ?2 WHERE sign_key = ?1",
                params![signer, now],
            )?;
            tx.execute(
                "INSERT INTO sync_log(peer, last_heard) VALUES (?1, ?2)
                 ON CONFLICT(peer) DO UPDATE SET last_heard = excluded.last_heard",
                params![ack_peer, now],
            )?;
            tx.execute(
                "INSERT INTO sync_imported(hash, at) VALUES (?1, ?2)",
                params![sig_id, now],
            )?;
            Ok(())
        })?;
        Ok(ImportSummary {
            from: peer,
            from_name: peer_name,
            already_imported: false,
            merge,
        })
    }

    /// For each known replica of each peer (a device, by its card): when files last
    /// went each way, how many documents it acknowledged and how many changes it has
    /// not; then the hub (network sync, by the shared heads of each document), and,
    /// at HQ, branches heard of only through the hub.
    pub fn sync_status(&mut self) -> Result<Vec<PeerStatus>> {
        let own_key = B64.encode(self.sync_keys()?.0.verifying_key().to_bytes());
        let mut s = self.db().prepare(
            "SELECT p.sign_key, p.peer, p.name, p.role, p.device, l.last_sent, p.last_heard,
                    (SELECT count(*) FROM sync_acks a WHERE a.peer = p.sign_key)
             FROM sync_peers p LEFT JOIN sync_log l ON l.peer = p.peer
             ORDER BY p.name, p.device",
        )?;
        type Row = (
            String,
            String,
            String,
            String,
            String,
            Option<i64>,
            Option<i64>,
            i64,
        );
        let rows: Vec<Row> = s
            .query_map([], |r| r.try_into())?
            .collect::<rusqlite::Result<_>>()?;
        drop(s);
        let ts = |t: Option<i64>| t.map(|t| kopa_domain::Timestamp(t).to_rfc3339());
        let mut out = vec![];
        for (key, peer, name, role, device, sent, heard, acked) in rows {
            if key == own_key {
                continue;
            }
            let replica = [Replica {
                key,
                device: device.clone(),
                recipient: String::new(),
            }];
            let mut unsent = 0;
            for row in self.docs_for(&peer, &role)? {
                unsent += self.unacknowledged(row.id, &replica, false)?.len();
            }
            out.push(PeerStatus {
                peer,
                name,
                role,
                device,
                via: "file".into(),
                last_sent: ts(sent),
                last_heard: ts(heard),
                acknowledged_documents: acked as usize,
                unsent_changes: unsent,
            });
        }
        if let Some(net) = self.network_status()? {
            out.push(net);
        }
        // At HQ: when each branch was last heard of through the hub.
        let mut s = self.db().prepare(
            "SELECT l.peer, coalesce(b.name, l.peer), l.last_sent, l.last_heard
             FROM sync_log l LEFT JOIN p_branches b ON b.id = l.peer
             WHERE l.peer <> 'hq' AND l.last_heard IS NOT NULL AND ?1
             ORDER BY 2",
        )?;
        let heard: Vec<(String, String, Option<i64>, Option<i64>)> = s
            .query_map([self.me().role == Role::Hq], |r| r.try_into())?
            .collect::<rusqlite::Result<_>>()?;
        for (peer, name, sent, heard) in heard {
            out.push(PeerStatus {
                peer,
                name,
                role: Role::Branch.as_str().into(),
                device: String::new(),
                via: "hub".into(),
                last_sent: ts(sent),
                last_heard: ts(heard),
                acknowledged_documents: 0,
                unsent_changes: 0,
            });
        }
        Ok(out)
    }

    /// Changes kept here that wait for changes not yet arrived, per document.
    pub fn waiting_changes(&self) -> Result<Vec<crate::views::Waiting>> {
        crate::pending::summary(self.db())
    }
}

fn verifying_key(b64: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = B64.decode(b64).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}
