//! Network sync: the Automerge sync protocol, one conversation per document, with no
//! IO of its own. The hub server and the `kopa sync` client (`kopa-net`) carry the
//! bytes; tests carry them with a function call.
//!
//! A sync is rounds of one request and one response, each a batch of per-document
//! Automerge sync messages. Both sides keep, per peer and document, the heads they
//! are known to share (Automerge's persisted sync state). It is committed in the same
//! SQLite transaction as the changes a message brought, so a sync cut off at any
//! point loses nothing, and the next one resumes from what was committed.
//!
//! A weekly sync stays cheap: a side opens a conversation only about documents whose
//! heads moved since the shared state, or that the other side asked about. Every
//! request and response carries a digest of all shared heads; when the digests agree
//! and nobody has anything left to say, the sync is over. If they disagree with
//! nothing left to say (a replica restored from a backup, say), one round covers
//! every shared document.
//!
//! Authorisation is the same rule as for sync files: a branch reads its own documents
//! and the reference data, writes only its own documents; HQ reads and writes all.
//! A batch that carries changes to a document its sender may not write, or names a
//! document it may not read, is refused whole before anything changes.

use super::cards::{cards_digest, CARD_SENT};
use super::{Incoming, Registry};
use crate::docs::{self, DocId, DocRow};
use crate::error::{Error, Result};
use crate::views::MergeReport;
use automerge::sync::{ChunkList, Message, State, SyncDoc};
use automerge::{Automerge, ChangeHash};
use kopa_domain::Role;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A sync that has not settled after this many rounds is stopped (it resumes next time).
pub const MAX_ROUNDS: u32 = 64;

/// Why a network sync batch was refused. Nothing changed in any of these cases.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetSyncError {
    #[error("changes to a document the sender does not own")]
    NotOwner,
    #[error("a document the sender may not read")]
    NotReadable,
    #[error("a sync message could not be read")]
    Malformed,
    #[error("the sync did not settle after {0} rounds")]
    NoProgress(u32),
}

impl NetSyncError {
    pub fn code(&self) -> crate::ErrorCode {
        use crate::ErrorCode as C;
        match self {
            NetSyncError::NotOwner => C::SyncNotOwner,
            NetSyncError::NotReadable => C::SyncNotReadable,
            NetSyncError::Malformed => C::SyncMalformed,
            NetSyncError::NoProgress(_) => C::SyncNoProgress,
        }
    }
}

fn malformed<E>(_: E) -> Error {
    Error::NetSync(NetSyncError::Malformed)
}

/// One side's batch: messages about documents, and a digest of its shared heads.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncRequest {
    pub digest: String,
    /// Asks the other side to talk about every shared document.
    #[serde(default)]
    pub full: bool,
    pub messages: Vec<DocMessage>,
    /// The sender's identity card, until the hub has it: the hub hands it to the
    /// other devices of its branch and to HQ, so sync files need no card exchange.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<crate::IdentityCard>,
    /// A digest of the cards the sender learnt from the hub (first round only); the
    /// hub answers with its list when its own differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cards_digest: Option<String>,
}

/// The hub's answer to a [`SyncRequest`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncResponse {
    pub digest: String,
    pub messages: Vec<DocMessage>,
    /// For HQ replicas: when the hub last heard from each branch (ms since the epoch).
    #[serde(default)]
    pub heard: Vec<(String, i64)>,
    /// The current devices of the caller's branch and of HQ (every device, for HQ),
    /// when the caller's digest of them was out of date. Revoked devices are absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cards: Option<Vec<crate::IdentityCard>>,
}

/// An Automerge sync message about one document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocMessage {
    pub doc: String,
    /// The document's owner: `hq` or a branch id (checked, never trusted).
    pub owner: String,
    #[serde(with = "b64")]
    pub message: Vec<u8>,
}

/// Message bytes: base64 in text formats (JSON, readable in tests and logs), raw bytes
/// in binary ones (the wire's CBOR), where base64 would only inflate them and hide
/// their repetitions from the compressor.
mod b64 {
    use base64::engine::general_purpose::STANDARD as B64;
    use base64::Engine;
    use serde::de::{Error, SeqAccess, Visitor};
    use serde::{Deserializer, Serializer};
    use std::fmt;

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&B64.encode(v))
        } else {
            s.serialize_bytes(v)
        }
    }

    struct Bytes;

    impl<'de> Visitor<'de> for Bytes {
        type Value = Vec<u8>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("bytes or base64")
        }
        fn visit_str<E: Error>(self, v: &str) -> Result<Vec<u8>, E> {
            B64.decode(v).map_err(E::custom)
        }
        fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
            Ok(v.to_vec())
        }
        fn visit_byte_buf<E: Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
            Ok(v)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
            let mut out = vec![];
            while let Some(b) = seq.next_element::<u8>()? {
                out.push(b);
            }
            Ok(out)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        if d.is_human_readable() {
            d.deserialize_str(Bytes)
        } else {
            d.deserialize_byte_buf(Bytes)
        }
    }
}

/// Who is at the other end of a sync.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncPeer {
    /// Names the kept sync states: `hub` on a replica, a credential id on a hub (so
    /// two laptops of one branch each have their own).
    pub state_key: String,
    /// `hq` or a branch id.
    pub peer: String,
    pub role: Role,
}

impl SyncPeer {
    /// A replica's view of its hub: the hub speaks for HQ.
    pub fn hub() -> Self {
        SyncPeer {
            state_key: "hub".into(),
            peer: "hq".into(),
            role: Role::Hq,
        }
    }
}

/// One sync conversation's memory. Only the shared heads outlive it (in SQLite).
pub struct SyncSession {
    peer: SyncPeer,
    states: HashMap<DocId, State>,
    /// Owners of documents the other side told us about that we do not hold yet.
    owners: HashMap<DocId, String>,
    /// Heads already offered without changes, for documents this side may not write.
    offered: HashSet<(DocId, Vec<ChangeHash>)>,
}

impl SyncSession {
    pub fn peer(&self) -> &SyncPeer {
        &self.peer
    }
}

/// What one round did, for progress bars.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncProgress {
    pub round: u32,
    /// Documents both sides share.
    pub documents: usize,
    pub messages_sent: usize,
    pub messages_received: usize,
    /// Changes applied here so far in this sync.
    pub changes_applied: usize,
}

/// What a whole sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncSummary {
    pub rounds: u32,
    pub messages_sent: usize,
    pub messages_received: usize,
    pub merge: MergeReport,
    /// Both sides ended with the same heads of every shared document. False only when
    /// this replica holds changes it may not pass on (reference data that reached a
    /// branch by file before it reached the hub); they arrive at the hub from HQ.
    pub complete: bool,
}

impl Registry {
    /// Starts a sync conversation with `peer`.
    pub fn sync_session(&self, peer: SyncPeer) -> SyncSession {
        SyncSession {
            peer,
            states: HashMap::new(),
            owners: HashMap::new(),
            offered: HashSet::new(),
        }
    }

    /// Whether `peer` may hold a copy of the document `row`.
    fn may_read(&self, peer: &SyncPeer, row: &DocRow) -> bool {
        let mine = self.my_peer();
        if peer.peer == mine {
            true // another device of the same branch, or HQ and its hub
        } else if self.me().role == Role::Hq {
            row.id == DocId::Reference || row.owner == peer.peer
        } else {
            peer.role == Role::Hq && (row.id == DocId::Reference || row.owner == mine)
        }
    }

    /// Whether changes to `id` from `peer` are accepted. `claimed` is the owner the
    /// sender names; an owner already on record here wins over it.
    pub(crate) fn may_write(
        &self,
        peer: &str,
        peer_role: &str,
        id: DocId,
        claimed: &str,
    ) -> Result<bool> {
        let mine = self.my_peer();
        let owner = docs::owner(self.db(), id)?.unwrap_or_else(|| claimed.to_string());
        Ok(if peer == mine {
            true
        } else if peer_role == Role::Hq.as_str() {
            id == DocId::Reference || owner == mine
        } else {
            id != DocId::Reference
                && owner == peer
                && claimed == peer
                && !matches!(id, DocId::Branch(b) if b.key() != peer)
        })
    }

    /// Whether `peer` accepts changes to `row` from this replica.
    fn may_send_changes(&self, peer: &SyncPeer, row: &DocRow) -> bool {
        let mine = self.my_peer();
        peer.peer == mine
            || self.me().role == Role::Hq
            || (row.id != DocId::Reference && row.owner == mine)
    }

    /// The documents this replica shares with `peer`.
    fn shared_docs(&self, peer: &SyncPeer) -> Result<Vec<DocRow>> {
        // HQ holds every branch's documents but shares with a branch only its own.
        let candidates = if self.me().role == Role::Hq && peer.peer != self.my_peer() {
            docs::list_owned(self.db(), &peer.peer)?
        } else {
            docs::list(self.db())?
        };
        Ok(candidates
            .into_iter()
            .filter(|d| self.may_read(peer, d))
            .collect())
    }

    /// A digest of the heads of every document shared with `peer`: equal digests on
    /// both sides mean both hold the same changes.
    pub fn sync_digest(&mut self, peer: &SyncPeer) -> Result<String> {
        let mut hasher = Sha256::new();
        for row in self.shared_docs(peer)? {
            let mut heads = self.doc(row.id)?.get_heads();
            heads.sort();
            hasher.update(row.id.to_string().as_bytes());
            for h in heads {
                hasher.update(b" ");
                hasher.update(h.0);
            }
            hasher.update(b"\n");
        }
        Ok(hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect())
    }

    fn load_state(&self, key: &str, id: DocId) -> Result<State> {
        let bytes: Option<Vec<u8>> = self
            .db()
            .query_row(
                "SELECT state FROM sync_states WHERE peer = ?1 AND doc_id = ?2",
                params![key, id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        Ok(match bytes {
            Some(b) => State::decode(&b).map_err(|_| Error::Corrupt("sync state".into()))?,
            None => State::new(),
        })
    }

    fn session_state<'s>(&self, s: &'s mut SyncSession, id: DocId) -> Result<&'s mut State> {
        if !s.states.contains_key(&id) {
            let state = self.load_state(&s.peer.state_key, id)?;
            s.states.insert(id, state);
        }
        Ok(s.states.get_mut(&id).expect("just inserted"))
    }

    fn is_erased(&self, id: DocId) -> Result<bool> {
        Ok(match id {
            DocId::Family(f) => crate::projection::is_gone(self.db(), &f.key())?,
            _ => false,
        })
    }

    /// The messages this side has to send: about documents whose heads moved since
    /// the shared state, documents in `asked` (the other side just spoke of them),
    /// or every shared document when `full`.
    pub fn sync_generate(
        &mut self,
        s: &mut SyncSession,
        asked: &[DocId],
        full: bool,
    ) -> Result<Vec<DocMessage>> {
        let mut rows: BTreeMap<DocId, String> = self
            .shared_docs(&s.peer)?
            .into_iter()
            .map(|r| (r.id, r.owner))
            .collect();
        for id in asked {
            if !rows.contains_key(id) && !self.is_erased(*id)? {
                if let Some(owner) = s.owners.get(id) {
                    rows.insert(*id, owner.clone());
                }
            }
        }
        let asked: HashSet<&DocId> = asked.iter().collect();
        let empty = Automerge::new();
        let mut out = vec![];
        for (id, owner) in rows {
            let row = DocRow { id, owner };
            let held = docs::owner(self.db(), id)?.is_some();
            let heads = if held {
                self.doc(id)?.get_heads()
            } else {
                vec![]
            };
            let state = self.session_state(s, id)?;
            let mut shared = state.shared_heads.clone();
            shared.sort();
            let mut sorted = heads.clone();
            sorted.sort();
            if !(full || asked.contains(&id) || sorted != shared) {
                continue;
            }
            let mut state = s.states.remove(&id).expect("loaded above");
            let message = if held {
                self.doc(id)?.generate_sync_message(&mut state)
            } else {
                empty.generate_sync_message(&mut state)
            };
            s.states.insert(id, state);
            let Some(mut message) = message else { continue };
            if !message.changes.is_empty() && !self.may_send_changes(&s.peer, &row) {
                // Changes this side holds but may not pass on: offer the heads once.
                message.changes = ChunkList::empty();
                if !s.offered.insert((id, message.heads.clone())) {
                    continue;
                }
            }
            out.push(DocMessage {
                doc: id.to_string(),
                owner: row.owner,
                message: message.encode(),
            });
        }
        Ok(out)
    }

    /// Applies the other side's messages in one transaction, with the new sync
    /// states and acknowledgements. Returns what changed and the documents spoken of.
    pub fn sync_receive(
        &mut self,
        s: &mut SyncSession,
        messages: Vec<DocMessage>,
    ) -> Result<(MergeReport, Vec<DocId>)> {
        let peer = s.peer.clone();
        let mut items = vec![];
        let mut spoken = vec![];
        // Check the whole batch before changing anything.
        let mut decoded = vec![];
        for m in messages {
            let id: DocId = m.doc.parse().map_err(malformed)?;
            let message = Message::decode(&m.message).map_err(malformed)?;
            if !message.have.iter().all(|h| sane_bloom(&h.bloom)) {
                return Err(malformed("a bloom filter Automerge cannot use"));
            }
            let owner = docs::owner(self.db(), id)?.unwrap_or_else(|| m.owner.clone());
            let row = DocRow { id, owner };
            if !message.changes.is_empty()
                && !self.may_write(&peer.peer, peer.role.as_str(), id, &m.owner)?
            {
                return Err(Error::NetSync(NetSyncError::NotOwner));
            }
            let claimed = DocRow {
                id,
                owner: m.owner.clone(),
            };
            if !self.may_read(&peer, &row) || !self.may_read(&peer, &claimed) {
                return Err(Error::NetSync(NetSyncError::NotReadable));
            }
            decoded.push((row, message));
        }
        for (row, message) in decoded {
            spoken.push(row.id);
            if self.is_erased(row.id)? {
                continue; // erased here: it never comes back
            }
            s.owners.insert(row.id, row.owner.clone());
            self.session_state(s, row.id)?;
            let state = s.states.remove(&row.id).expect("loaded above");
            items.push((
                row,
                Incoming::Sync {
                    message: Some(message),
                    state: Box::new(state),
                },
            ));
        }
        let now = self.now().0;
        let result = self.apply_incoming(items, |tx: &Connection, items| {
            for (row, inc) in items {
                if let Incoming::Sync { state, .. } = inc {
                    let id = row.id.to_string();
                    tx.prepare_cached(
                        "INSERT OR REPLACE INTO sync_states(peer, doc_id, state) VALUES (?1, ?2, ?3)",
                    )?
                    .execute(params![peer.state_key, id, state.encode()])?;
                }
            }
            tx.prepare_cached(
                "INSERT INTO sync_log(peer, last_heard) VALUES (?1, ?2)
                 ON CONFLICT(peer) DO UPDATE SET last_heard = excluded.last_heard",
            )?
            .execute(params![peer.peer, now])?;
            Ok(())
        });
        match result {
            Ok((report, items)) => {
                for (row, inc) in items {
                    if let Incoming::Sync { state, .. } = inc {
                        s.states.insert(row.id, *state);
                    }
                }
                Ok((report, spoken))
            }
            Err(e) => {
                // In-memory states may have run ahead of the file: start over from it.
                s.states.clear();
                Err(e)
            }
        }
    }

    /// Answers one request from `peer` (the hub's side of a round).
    pub fn serve_sync(&mut self, peer: SyncPeer, request: SyncRequest) -> Result<SyncResponse> {
        if let Some(card) = &request.card {
            self.keep_device_card(&peer, card)?;
        }
        let cards = match &request.cards_digest {
            Some(theirs) => {
                let list = self.device_cards_for(&peer)?;
                (cards_digest(&list) != *theirs).then_some(list)
            }
            None => None,
        };
        let mut s = self.sync_session(peer);
        let (_, spoken) = self.sync_receive(&mut s, request.messages)?;
        let messages = self.sync_generate(&mut s, &spoken, request.full)?;
        let digest = self.sync_digest(&s.peer)?;
        let heard = if s.peer.role == Role::Hq {
            self.heard_from()?
        } else {
            vec![]
        };
        Ok(SyncResponse {
            digest,
            messages,
            heard,
            cards,
        })
    }

    /// What the hub has acknowledged by network sync (the heads each document's sync
    /// state shares with it), if this replica ever synced with one.
    pub(crate) fn network_status(&mut self) -> Result<Option<crate::PeerStatus>> {
        let hub = SyncPeer::hub();
        let states: i64 = self.db().query_row(
            "SELECT count(*) FROM sync_states WHERE peer = ?1",
            [&hub.state_key],
            |r| r.get(0),
        )?;
        if states == 0 || self.me().device_name == "hub" {
            return Ok(None);
        }
        let mut unsent = 0;
        for row in self.shared_docs(&hub)? {
            let shared = self.load_state(&hub.state_key, row.id)?.shared_heads;
            let doc = self.doc(row.id)?;
            let known: Vec<ChangeHash> = shared
                .into_iter()
                .filter(|h| doc.get_change_meta_by_hash(h).is_some())
                .collect();
            unsent += doc.get_changes_meta(&known).len();
        }
        let (sent, heard): (Option<i64>, Option<i64>) = self
            .db()
            .query_row(
                "SELECT last_sent, last_heard FROM sync_log WHERE peer = ?1",
                [&hub.peer],
                |r| r.try_into(),
            )
            .optional()?
            .unwrap_or((None, None));
        let ts = |t: Option<i64>| t.map(|t| kopa_domain::Timestamp(t).to_rfc3339());
        Ok(Some(crate::PeerStatus {
            peer: hub.peer,
            name: "HQ".into(),
            role: Role::Hq.as_str().into(),
            device: "hub".into(),
            via: "network".into(),
            last_sent: ts(sent),
            last_heard: ts(heard),
            acknowledged_documents: states as usize,
            unsent_changes: unsent,
        }))
    }

    /// Notes when something was last sent to `peer` (by file or network).
    pub(super) fn note_sent(&self, peer: &str) -> Result<()> {
        let now = self.now().0;
        self.bookkeep(|c| {
            c.execute(
                "INSERT INTO sync_log(peer, last_sent) VALUES (?1, ?2)
                 ON CONFLICT(peer) DO UPDATE SET last_sent = excluded.last_sent",
                params![peer, now],
            )?;
            Ok(())
        })
    }

    /// When each branch was last heard from (ms since the epoch).
    pub fn heard_from(&self) -> Result<Vec<(String, i64)>> {
        let mut s = self.db().prepare(
            "SELECT peer, last_heard FROM sync_log WHERE last_heard IS NOT NULL AND peer <> 'hq' ORDER BY peer",
        )?;
        let rows = s
            .query_map([], |r| r.try_into())?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Keeps what the hub says of when it last heard from each branch (an HQ replica
    /// reports which branches it is missing).
    fn note_heard(&self, heard: &[(String, i64)]) -> Result<()> {
        if self.me().role != Role::Hq {
            return Ok(());
        }
        self.bookkeep(|c| {
            for (peer, at) in heard {
                c.execute(
                    "INSERT INTO sync_log(peer, last_heard) VALUES (?1, ?2)
                     ON CONFLICT(peer) DO UPDATE SET last_heard = max(coalesce(last_heard, 0), excluded.last_heard)",
                    params![peer, at],
                )?;
            }
            Ok(())
        })
    }

    /// Runs a whole sync with `peer` over `transport` (one request, one response per
    /// round), reporting each round to `progress`.
    pub fn sync_with(
        &mut self,
        peer: SyncPeer,
        mut transport: impl FnMut(&SyncRequest) -> Result<SyncResponse>,
        mut progress: impl FnMut(&SyncProgress),
    ) -> Result<SyncSummary> {
        self.allow(kopa_domain::Action::Sync)?;
        let mut s = self.sync_session(peer);
        let mut summary = SyncSummary::default();
        let mut spoken: Vec<DocId> = vec![];
        let mut their_digest: Option<String> = None;
        let mut full = false;
        let mut full_done = false;
        for round in 1..=MAX_ROUNDS {
            let mut messages = self.sync_generate(&mut s, &spoken, full)?;
            if messages.is_empty() {
                if let Some(theirs) = &their_digest {
                    if *theirs == self.sync_digest(&s.peer)? {
                        summary.complete = true;
                        self.note_sent(&s.peer.peer)?;
                        return Ok(summary);
                    }
                    if full_done {
                        self.note_sent(&s.peer.peer)?;
                        return Ok(summary);
                    }
                    full = true;
                    messages = self.sync_generate(&mut s, &spoken, true)?;
                }
            }
            full_done |= full;
            let (card, cards_digest) = if round == 1 {
                let card = self.identity_card()?;
                let sent = self.setting(CARD_SENT)?;
                let card = (sent.as_deref() != Some(card.sign_key.as_str())).then_some(card);
                (card, Some(cards_digest(&self.hub_cards()?)))
            } else {
                (None, None)
            };
            let request = SyncRequest {
                digest: self.sync_digest(&s.peer)?,
                full,
                messages,
                card,
                cards_digest,
            };
            full = false;
            let response = transport(&request)?;
            self.note_heard(&response.heard)?;
            if let Some(card) = &request.card {
                self.set_setting(CARD_SENT, &card.sign_key)?;
            }
            if let Some(cards) = &response.cards {
                self.learn_hub_cards(cards)?;
            }
            let sent = request.messages.len();
            let received = response.messages.len();
            let (report, got) = self.sync_receive(&mut s, response.messages)?;
            spoken = got;
            their_digest = Some(response.digest);
            summary.rounds = round;
            summary.messages_sent += sent;
            summary.messages_received += received;
            summary.merge.changes_applied += report.changes_applied;
            summary.merge.documents_added += report.documents_added;
            summary.merge.documents_updated += report.documents_updated;
            summary.merge.conflicts = report.conflicts;
            progress(&SyncProgress {
                round,
                documents: self.shared_docs(&s.peer)?.len(),
                messages_sent: sent,
                messages_received: received,
                changes_applied: summary.merge.changes_applied,
            });
        }
        Err(Error::NetSync(NetSyncError::NoProgress(MAX_ROUNDS)))
    }
}

/// Whether Automerge can use a bloom filter a peer sent. Automerge trusts the
/// filter's parameters: a filter with entries but no bits divides by zero, and a huge
/// probe count allocates and loops without end (both found by fuzzing the hub). Real
/// filters use 10 bits and 7 probes per entry.
fn sane_bloom(bloom: &automerge::sync::BloomFilter) -> bool {
    let bytes = bloom.to_bytes();
    let mut values = [0u64; 3];
    let mut at = 0;
    for v in values.iter_mut() {
        let mut shift = 0;
        loop {
            let Some(&b) = bytes.get(at) else {
                return bytes.is_empty();
            };
            at += 1;
            if shift > 35 {
                return false;
            }
            *v |= u64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    let [entries, bits_per_entry, probes] = values;
    entries == 0
        || ((1..=64).contains(&bits_per_entry) && (1..=64).contains(&probes) && at < bytes.len())
}
