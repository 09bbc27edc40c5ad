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
    pub fn code(&self) -> &'static str {
        match self {
            SyncFileError::NotForUs => "sync-not-for-us",
            SyncFileError::Damaged => "sync-damaged",
            SyncFileError::UnknownSigner => "sync-unknown-signer",
            SyncFileError::BadSignature => "sync-bad-signature",
            SyncFileError::NotOwner => "sync-not-owner",
            SyncFileError::UnknownPeer(_) => "sync-unknown-peer",
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
    pub documents: usize,
    pub bytes: usize,
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
    pub peer: String,
    pub name: String,
    pub role: String,
    pub last_sent: Option<String>,
    pub last_heard: Option<String>,
    /// Changes this replica holds that the peer has not acknowledged.
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
        let sign = match store::get_meta(&self.conn, "sync_sign_key")? {
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
                store::set_meta(&self.conn, "sync_sign_key", &B64.encode(key.to_bytes()))?;
                key
            }
        };
        let age_id = match store::get_meta(&self.conn, "sync_age_identity")? {
            Some(k) => k
                .parse::<age::x25519::Identity>()
                .map_err(|_| Error::Corrupt("age identity".into()))?,
            None => {
                let id = age::x25519::Identity::generate();
                store::set_meta(
                    &self.conn,
                    "sync_age_identity",
                    id.to_string().expose_secret(),
                )?;
                id
            }
        };
        Ok((sign, age_id))
    }

    /// The card to give peers (public keys only).
    pub fn identity_card(&self) -> Result<IdentityCard> {
        let (sign, age_id) = self.sync_keys()?;
        Ok(IdentityCard {
            branch_id: self.me.branch.key(),
            branch_name: self.me.branch_name.clone(),
            role: self.me.role.as_str().into(),
            device: self.me.device_name.clone(),
            sign_key: B64.encode(sign.verifying_key().to_bytes()),
            recipient: age_id.to_public().to_string(),
        })
    }

    /// Trusts a peer's card: files it signs are accepted, files to it are readable by it.
    pub fn add_peer(&mut self, card: &IdentityCard) -> Result<()> {
        if Role::parse(&card.role).is_none()
            || card.recipient.parse::<age::x25519::Recipient>().is_err()
            || verifying_key(&card.sign_key).is_none()
        {
            return Err(Error::SyncFile(SyncFileError::Damaged));
        }
        self.conn.execute(
            "INSERT OR REPLACE INTO sync_peers(sign_key, peer, name, role, device, recipient) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![card.sign_key, card.peer(), card.branch_name, card.role, card.device, card.recipient],
        )?;
        Ok(())
    }

    /// Finds a peer by `hq`, branch id or branch name (diacritics optional).
    fn resolve_peer(&self, name: &str) -> Result<(String, String, Vec<String>)> {
        let mut s = self
            .conn
            .prepare("SELECT peer, name, role, recipient FROM sync_peers")?;
        let rows: Vec<(String, String, String, String)> = s
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let want = fold(name);
        let peer = rows
            .iter()
            .find(|(peer, pname, _, _)| peer == name.trim() || fold(pname) == want)
            .map(|r| (r.0.clone(), r.2.clone()))
            .ok_or_else(|| Error::SyncFile(SyncFileError::UnknownPeer(name.to_string())))?;
        let recipients = rows
            .iter()
            .filter(|r| r.0 == peer.0)
            .map(|r| r.3.clone())
            .collect();
        Ok((peer.0, peer.1, recipients))
    }

    pub(crate) fn my_peer(&self) -> String {
        if self.me.role == Role::Hq {
            "hq".into()
        } else {
            self.me.branch.key()
        }
    }

    /// The documents a peer may receive from this replica.
    fn docs_for(&self, peer: &str, peer_role: &str) -> Result<Vec<DocRow>> {
        let mine = self.my_peer();
        Ok(docs::list(&self.conn)?
            .into_iter()
            .filter(|d| {
                if peer == mine {
                    true // another device of the same branch (or of HQ)
                } else if self.me.role == Role::Hq {
                    // HQ sends a branch the reference data and that branch's own documents.
                    d.id == DocId::Reference || d.owner == peer
                } else {
                    // A branch sends only what it owns, and only to HQ or itself.
                    peer_role == Role::Hq.as_str() && d.owner == self.me.branch.key()
                }
            })
            .collect())
    }

    fn acked(&self, peer: &str, doc: DocId) -> Result<Vec<ChangeHash>> {
        let heads: Option<String> = self
            .conn
            .query_row(
                "SELECT heads FROM sync_acks WHERE peer = ?1 AND doc_id = ?2",
                [peer, &doc.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        let list: Vec<String> = heads
            .and_then(|h| serde_json::from_str(&h).ok())
            .unwrap_or_default();
        Ok(heads_from(&list))
    }

    /// The heads `peer` acknowledged that this replica also knows: where its next
    /// file starts (unknown heads cannot be a starting point).
    fn since_acked(&mut self, peer: &str, id: DocId) -> Result<Vec<ChangeHash>> {
        let acked = self.acked(peer, id)?;
        let doc = self.doc(id)?;
        Ok(acked
            .into_iter()
            .filter(|h| doc.get_change_meta_by_hash(h).is_some())
            .collect())
    }

    /// Writes a sync file for `to` (`hq`, a branch id or name): everything it has not
    /// acknowledged, signed and encrypted to it.
    pub fn export_sync_file(&mut self, to: &str) -> Result<(Vec<u8>, ExportSummary)> {
        let (peer, peer_role, recipients) = self.resolve_peer(to)?;
        let (sign, _) = self.sync_keys()?;
        let card = self.identity_card()?;
        let mut entries = vec![];
        let mut with_changes = 0;
        for row in self.docs_for(&peer, &peer_role)? {
            let since = self.since_acked(&peer, row.id)?;
            let doc = self.doc(row.id)?;
            let new = doc.get_changes_meta(&since).len();
            let changes = (new > 0).then(|| B64.encode(doc.save_after(&since)));
            with_changes += usize::from(new > 0);
            entries.push(DocEntry {
                id: row.id.to_string(),
                owner: row.owner,
                have: doc.get_heads().iter().map(|h| h.to_string()).collect(),
                changes,
            });
        }
        let payload = Payload {
            v: 1,
            from: card,
            to: peer.clone(),
            created: self.env.clock.now().0,
            docs: entries,
        };
        let json = serde_json::to_vec(&payload).map_err(|e| Error::Corrupt(e.to_string()))?;
        let body = zstd::encode_all(json.as_slice(), 3)?;
        let mut inner = Vec::with_capacity(body.len() + 104);
        inner.extend_from_slice(MAGIC);
        inner.extend_from_slice(&sign.verifying_key().to_bytes());
        inner.extend_from_slice(&sign.sign(&body).to_bytes());
        inner.extend_from_slice(&body);
        let parsed: Vec<age::x25519::Recipient> =
            recipients.iter().filter_map(|r| r.parse().ok()).collect();
        let encryptor =
            age::Encryptor::with_recipients(parsed.iter().map(|r| r as &dyn age::Recipient))
                .map_err(|e| Error::Corrupt(e.to_string()))?;
        let mut out = vec![];
        let mut w = encryptor.wrap_output(&mut out)?;
        w.write_all(&inner)?;
        w.finish()?;
        self.conn.execute(
            "INSERT INTO sync_log(peer, last_sent) VALUES (?1, ?2)
             ON CONFLICT(peer) DO UPDATE SET last_sent = excluded.last_sent",
            params![peer, self.env.clock.now().0],
        )?;
        let summary = ExportSummary {
            to: peer,
            documents: with_changes,
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
            .conn
            .query_row(
                "SELECT peer, name, role FROM sync_peers WHERE sign_key = ?1",
                [&key_b64],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
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
        let (peer, peer_name, peer_role, sig_id, payload) = self.open_sync_file(file)?;
        let seen: i64 = self.conn.query_row(
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
            let owner = docs::owner(&self.conn, id)?.unwrap_or(entry.owner.clone());
            if !self.may_write(&peer, &peer_role, id, &entry.owner)? {
                return Err(Error::SyncFile(SyncFileError::NotOwner));
            }
            acks.push((id, entry.have.clone()));
            if let Some(c) = entry.changes {
                let bytes = B64.decode(c).map_err(damaged)?;
                items.push((DocRow { id, owner }, Incoming::Changes(bytes)));
            }
        }
        let now = self.env.clock.now().0;
        let ack_peer = peer.clone();
        let (merge, _) = self.apply_incoming(items, |tx: &Connection, _| {
            for (id, have) in &acks {
                tx.execute(
                    "INSERT OR REPLACE INTO sync_acks(peer, doc_id, heads) VALUES (?1, ?2, ?3)",
                    params![
                        ack_peer,
                        id.to_string(),
                        serde_json::to_string(have).unwrap_or_default()
                    ],
                )?;
            }
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

    /// For each known peer: when files last went each way, and how many changes it
    /// has not acknowledged.
    pub fn sync_status(&mut self) -> Result<Vec<PeerStatus>> {
        // Peers with a card, and branches heard of only through the hub.
        let mut s = self.conn.prepare(
            "SELECT p.peer, min(p.name), min(p.role), l.last_sent, l.last_heard, 1
             FROM sync_peers p LEFT JOIN sync_log l ON l.peer = p.peer GROUP BY p.peer
             UNION ALL
             SELECT l.peer, coalesce(b.name, l.peer), 'branch', l.last_sent, l.last_heard, 0
             FROM sync_log l LEFT JOIN p_branches b ON b.id = l.peer
             WHERE l.peer <> 'hq' AND l.peer NOT IN (SELECT peer FROM sync_peers)
             ORDER BY 2",
        )?;
        type Row = (String, String, String, Option<i64>, Option<i64>, bool);
        let rows: Vec<Row> = s
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
        drop(s);
        let mut out = vec![];
        for (peer, name, role, sent, heard, direct) in rows {
            // A branch heard of only through the hub gets nothing from here directly.
            let mut unsent = 0;
            if direct {
                for row in self.docs_for(&peer, &role)? {
                    let since = self.since_acked(&peer, row.id)?;
                    unsent += self.doc(row.id)?.get_changes_meta(&since).len();
                }
            }
            let ts = |t: Option<i64>| t.map(|t| kopa_domain::Timestamp(t).to_rfc3339());
            out.push(PeerStatus {
                peer,
                name,
                role,
                last_sent: ts(sent),
                last_heard: ts(heard),
                unsent_changes: unsent,
            });
        }
        Ok(out)
    }
}

fn verifying_key(b64: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = B64.decode(b64).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}
