//! The invite file HQ hands a new branch device: where the hub is, how to recognise
//! it, who the device will be, its credential, and the documents it starts with.
//! It holds a secret (the credential): it is written readable by its owner only,
//! and a lost invite is revoked with `kopa hub revoke`.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use kopa_registry::docs::DocRow;
use kopa_registry::{Error, IdentityCard, JoinIdentity, Result};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    pub kopa_invite: u32,
    /// `https://host:port` as branches reach the hub.
    pub hub: String,
    /// The hub certificate's fingerprint (`sha256:…`).
    pub fingerprint: String,
    /// HQ's public keys, so sync files from HQ are trusted too.
    pub hq: IdentityCard,
    pub identity: JoinIdentity,
    /// The bearer credential (secret).
    pub credential: String,
    /// `(document id, owner, Automerge bytes in base64)`.
    pub docs: Vec<(String, String, String)>,
    /// The cards of the branch's other devices and of HQ's, as the hub knows them.
    #[serde(default)]
    pub cards: Vec<IdentityCard>,
}

impl Invite {
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).expect("invites serialise")
    }

    pub fn parse(bytes: &[u8]) -> Result<Invite> {
        let bad = || {
            crate::transport(
                kopa_registry::ErrorCode::NetInvite,
                "not a Kopā invite, or a damaged one",
            )
        };
        let invite: Invite = serde_json::from_slice(bytes).map_err(|_| bad())?;
        if invite.kopa_invite != 1 || !invite.hub.starts_with("https://") {
            return Err(bad());
        }
        Ok(invite)
    }

    pub fn documents(&self) -> Result<Vec<(DocRow, Vec<u8>)>> {
        self.docs
            .iter()
            .map(|(id, owner, b64)| {
                Ok((
                    DocRow {
                        id: id.parse()?,
                        owner: owner.clone(),
                    },
                    B64.decode(b64)
                        .map_err(|_| Error::Corrupt("invite document".into()))?,
                ))
            })
            .collect()
    }
}

pub(crate) fn encode_docs(docs: Vec<(DocRow, Vec<u8>)>) -> Vec<(String, String, String)> {
    docs.into_iter()
        .map(|(r, b)| (r.id.to_string(), r.owner, B64.encode(b)))
        .collect()
}
