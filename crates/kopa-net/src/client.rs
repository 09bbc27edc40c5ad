//! The replica's side: joining from an invite, and `kopa sync` with the hub.

use crate::invite::Invite;
use crate::{pack, transport, unpack, MAX_BODY, PROTOCOL};
use kopa_registry::ErrorCode;
use kopa_registry::{
    Env, Error, Registry, Result, SyncPeer, SyncProgress, SyncRequest, SyncResponse, SyncSummary,
};
use serde::Serialize;
use std::cell::Cell;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

const HUB_ADDRESS: &str = "hub_address";
const HUB_FINGERPRINT: &str = "hub_fingerprint";
const HUB_CREDENTIAL: &str = "hub_credential";
/// How many times a round is sent again when the hub answers "too many requests".
const MAX_WAITS: u32 = 5;

/// A round's progress, with the bytes that crossed the wire so far.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct NetProgress {
    #[serde(flatten)]
    pub sync: SyncProgress,
    pub bytes_sent: usize,
    pub bytes_received: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct NetSummary {
    pub hub: String,
    #[serde(flatten)]
    pub sync: SyncSummary,
    pub bytes_sent: usize,
    pub bytes_received: usize,
}

/// Makes a new replica at `db` from an invite: the branch (or HQ) it names, with
/// the documents it carries, connected to its hub. Works offline; the first
/// `kopa sync` brings the rest.
pub fn join(
    invite: &[u8],
    db: &Path,
    passphrase: &str,
    device_name: &str,
    user: &str,
) -> Result<Registry> {
    let invite = Invite::parse(invite)?;
    let mut reg = Registry::create_joined(
        db,
        passphrase,
        &invite.identity,
        invite.documents()?,
        device_name,
        user,
        Env::system(),
    )?;
    reg.set_setting(HUB_ADDRESS, &invite.hub)?;
    reg.set_setting(HUB_FINGERPRINT, &invite.fingerprint)?;
    reg.set_setting(HUB_CREDENTIAL, &invite.credential)?;
    reg.add_peer(&invite.hq)?;
    reg.learn_hub_cards(&invite.cards)?;
    Ok(reg)
}

/// The hub this replica syncs with, if it joined one.
pub fn hub_address(reg: &Registry) -> Result<Option<String>> {
    reg.setting(HUB_ADDRESS)
}

/// Syncs with the hub this replica joined, reporting each round to `progress`.
pub fn sync(reg: &mut Registry, mut progress: impl FnMut(&NetProgress)) -> Result<NetSummary> {
    let not_joined = || {
        transport(
            ErrorCode::NetNotJoined,
            "this replica has not joined a hub (kopa join INVITE)",
        )
    };
    let address = reg.setting(HUB_ADDRESS)?.ok_or_else(not_joined)?;
    let fingerprint = reg.setting(HUB_FINGERPRINT)?.ok_or_else(not_joined)?;
    let credential = reg.setting(HUB_CREDENTIAL)?.ok_or_else(not_joined)?;
    let agent = ureq::AgentBuilder::new()
        .tls_config(Arc::new(crate::tls::client_config(&fingerprint)))
        .timeout_connect(Duration::from_secs(15))
        .timeout_read(Duration::from_secs(300))
        .timeout_write(Duration::from_secs(300))
        .build();
    let url = format!("{address}/v1/sync");
    let auth = format!("Bearer {credential}");
    let sent = Cell::new(0usize);
    let received = Cell::new(0usize);
    let summary = reg.sync_with(
        SyncPeer::hub(),
        |request: &SyncRequest| {
            let body = pack(request);
            sent.set(sent.get() + body.len());
            let mut waits = 0;
            let response = loop {
                let sent = agent
                    .post(&url)
                    .set("Authorization", &auth)
                    .set("Kopa-Protocol", PROTOCOL)
                    .set("Content-Type", "application/octet-stream")
                    .send_bytes(&body);
                match sent {
                    // The hub asks this laptop to slow down: wait as long as it says
                    // (at most a minute) and send the same round again.
                    Err(ureq::Error::Status(429, r)) if waits < MAX_WAITS => {
                        waits += 1;
                        let secs = r
                            .header("retry-after")
                            .and_then(|v| v.parse::<u64>().ok())
                            .unwrap_or(1)
                            .clamp(1, 60);
                        std::thread::sleep(Duration::from_secs(secs));
                    }
                    other => break other.map_err(from_ureq)?,
                }
            };
            let mut bytes = vec![];
            response
                .into_reader()
                .take(MAX_BODY as u64 + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| transport(ErrorCode::NetInterrupted, e.to_string()))?;
            received.set(received.get() + bytes.len());
            if bytes.len() > MAX_BODY {
                return Err(transport(
                    ErrorCode::NetProtocol,
                    "the hub's answer is too large",
                ));
            }
            unpack::<SyncResponse>(&bytes).ok_or_else(|| {
                transport(ErrorCode::NetProtocol, "the hub's answer could not be read")
            })
        },
        |p| {
            progress(&NetProgress {
                sync: p.clone(),
                bytes_sent: sent.get(),
                bytes_received: received.get(),
            })
        },
    )?;
    Ok(NetSummary {
        hub: address,
        sync: summary,
        bytes_sent: sent.get(),
        bytes_received: received.get(),
    })
}

fn from_ureq(e: ureq::Error) -> Error {
    match e {
        ureq::Error::Status(status, response) => {
            let code = response
                .into_string()
                .ok()
                .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
                .and_then(|v| v.get("code")?.as_str().map(str::to_string))
                .unwrap_or_default();
            match status {
                401 => transport(
                    ErrorCode::NetUnauthorised,
                    "the hub no longer accepts this replica's credential (revoked?)",
                ),
                403 => transport(
                    ErrorCode::NetRefused,
                    format!("the hub refused the sync: {code}"),
                ),
                429 => transport(
                    ErrorCode::NetBusy,
                    "the hub is asking this replica to sync less often; try again later",
                ),
                400 | 413 => transport(
                    ErrorCode::NetProtocol,
                    format!("the hub could not read the sync ({status} {code})"),
                ),
                _ => transport(
                    ErrorCode::NetServer,
                    format!("the hub failed ({status} {code})"),
                ),
            }
        }
        ureq::Error::Transport(t) => {
            if is_certificate_error(&t) {
                return transport(
                    ErrorCode::NetCertificate,
                    "the hub's certificate is not the one in the invite",
                );
            }
            match t.kind() {
                ureq::ErrorKind::Dns | ureq::ErrorKind::ConnectionFailed => {
                    transport(ErrorCode::NetUnreachable, t.to_string())
                }
                _ => transport(ErrorCode::NetInterrupted, t.to_string()),
            }
        }
    }
}

fn is_certificate_error(t: &ureq::Transport) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(t);
    while let Some(e) = source {
        if let Some(rustls::Error::InvalidCertificate(_)) = e.downcast_ref::<rustls::Error>() {
            return true;
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if let Some(inner) = io.get_ref() {
                if let Some(rustls::Error::InvalidCertificate(_)) =
                    inner.downcast_ref::<rustls::Error>()
                {
                    return true;
                }
            }
        }
        source = e.source();
    }
    t.to_string().contains("InvalidCertificate")
}
