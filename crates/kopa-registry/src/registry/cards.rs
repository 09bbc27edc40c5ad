//! Identity cards that travel with network sync: the hub keeps each device's card and
//! hands a branch the current cards of its devices and HQ's; a replica keeps what
//! its hub lists (a revoked device drops out), beside the cards exchanged by hand.

use super::net_sync::SyncPeer;
use super::Registry;
use crate::error::Result;
use kopa_domain::Role;
use rusqlite::params;
use sha2::{Digest, Sha256};

impl Registry {
    /// On a hub: keeps the card a device sent with its sync, if it is the card of a
    /// device of the branch (or HQ) its credential is for.
    pub(super) fn keep_device_card(
        &mut self,
        peer: &SyncPeer,
        card: &crate::IdentityCard,
    ) -> Result<()> {
        if card.peer() != peer.peer || card.role != peer.role.as_str() || !card.is_valid() {
            return Ok(()); // not that device's own card: not handed on
        }
        let now = self.now().0;
        self.bookkeep(|c| {
            c.execute(
                "INSERT INTO hub_devices(state_key, peer, card, updated) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(state_key) DO UPDATE SET peer = excluded.peer, card = excluded.card, updated = excluded.updated",
                params![
                    peer.state_key,
                    peer.peer,
                    serde_json::to_string(card).unwrap_or_default(),
                    now
                ],
            )?;
            Ok(())
        })
    }

    /// On a hub: the cards of the devices `peer` exchanges sync files with: the other
    /// devices of its branch and HQ's (every device, for HQ), never a revoked one.
    pub(super) fn device_cards_for(&self, peer: &SyncPeer) -> Result<Vec<crate::IdentityCard>> {
        let mut s = self.db().prepare_cached(
            "SELECT d.card FROM hub_devices d
             WHERE d.state_key <> ?1 AND (d.peer = ?2 OR d.peer = 'hq' OR ?3)
               AND NOT EXISTS (SELECT 1 FROM hub_credentials c
                               WHERE c.id = d.state_key AND c.revoked IS NOT NULL)",
        )?;
        let cards: Vec<String> = s
            .query_map(
                params![peer.state_key, peer.peer, peer.role == Role::Hq],
                |r| r.get(0),
            )?
            .collect::<rusqlite::Result<_>>()?;
        let mut out: Vec<crate::IdentityCard> = cards
            .iter()
            .filter_map(|c| serde_json::from_str(c).ok())
            .collect();
        out.sort_by(|a, b| a.sign_key.cmp(&b.sign_key));
        out.dedup_by(|a, b| a.sign_key == b.sign_key);
        Ok(out)
    }

    /// On a hub: the cards a new device of `peer` starts with (its invite carries them,
    /// so even a device that joins offline can exchange sync files at once).
    pub fn device_cards(&self, peer: &str, role: Role) -> Result<Vec<crate::IdentityCard>> {
        self.device_cards_for(&SyncPeer {
            state_key: String::new(),
            peer: peer.into(),
            role,
        })
    }

    /// The cards this replica learnt from its hub.
    pub(super) fn hub_cards(&self) -> Result<Vec<crate::IdentityCard>> {
        let mut s = self.db().prepare_cached(
            "SELECT branch_id, name, role, device, sign_key, recipient, peer FROM sync_peers
             WHERE source = 'hub' ORDER BY sign_key",
        )?;
        let rows = s
            .query_map([], |r| {
                let role: String = r.get(2)?;
                let peer: String = r.get(6)?;
                Ok(crate::IdentityCard {
                    branch_id: r.get::<_, Option<String>>(0)?.unwrap_or(peer),
                    branch_name: r.get(1)?,
                    role,
                    device: r.get(3)?,
                    sign_key: r.get(4)?,
                    recipient: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Replaces the cards learnt from the hub with its current list (a device the
    /// hub no longer lists was revoked). Cards exchanged by hand stay.
    pub fn learn_hub_cards(&mut self, cards: &[crate::IdentityCard]) -> Result<()> {
        let own = self.identity_card()?;
        self.bookkeep(|tx| {
        tx.execute("DELETE FROM sync_peers WHERE source = 'hub'", [])?;
        for card in cards {
            if card.sign_key == own.sign_key || !card.is_valid() {
                continue;
            }
            tx.execute(
                "INSERT INTO sync_peers(sign_key, peer, name, role, device, recipient, source, branch_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'hub', ?7)
                 ON CONFLICT(sign_key) DO NOTHING",
                params![
                    card.sign_key,
                    card.peer(),
                    card.branch_name,
                    card.role,
                    card.device,
                    card.recipient,
                    card.branch_id
                ],
            )?;
        }
        Ok(())
        })
    }
}

/// The setting that records the card the hub has of this replica (its signing key).
pub(super) const CARD_SENT: &str = "hub_has_card";

/// A digest of a list of identity cards, the same on both sides for the same list.
pub fn cards_digest(cards: &[crate::IdentityCard]) -> String {
    let mut keys: Vec<String> = cards
        .iter()
        .map(|c| {
            format!(
                "{} {} {} {} {} {}",
                c.sign_key, c.recipient, c.branch_id, c.role, c.device, c.branch_name
            )
        })
        .collect();
    keys.sort();
    keys.dedup();
    let mut h = Sha256::new();
    for k in keys {
        h.update(k.as_bytes());
        h.update(b"\n");
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
