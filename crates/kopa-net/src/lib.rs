//! Kopā over the network: the hub server HQ runs, the client a replica syncs with,
//! and the invite that connects the two.
//!
//! The sync itself (what to say about which document, who may write what) is the
//! registry's sans-IO engine ([`kopa_registry::Registry::sync_with`] and
//! [`kopa_registry::Registry::serve_sync`]); this crate only carries its batches
//! over HTTPS. Each request body is `zstd(CBOR(SyncRequest))`, each response
//! `zstd(CBOR(SyncResponse))`. The hub's certificate is self-signed and pinned by its
//! SHA-256 fingerprint, which the invite carries; a credential (a bearer token, kept
//! only as a hash on the hub) says which branch is calling.

pub mod client;
pub mod hub;
pub mod invite;
pub mod tls;

pub use client::{join, sync, NetProgress, NetSummary};
pub use hub::{Hub, HubConfig, RunningHub};
pub use invite::Invite;

use kopa_registry::{Error, ErrorCode};

/// Largest request or response body, compressed.
pub const MAX_BODY: usize = 64 * 1024 * 1024;
/// Largest body once decompressed.
pub const MAX_UNPACKED: u64 = 512 * 1024 * 1024;
/// The protocol's version, sent in the `Kopa-Protocol` header.
pub const PROTOCOL: &str = "2";

pub(crate) fn transport(code: ErrorCode, message: impl Into<String>) -> Error {
    Error::Transport {
        code,
        message: message.into(),
    }
}

/// `zstd(CBOR(value))`. CBOR rather than JSON: the Automerge messages inside travel
/// as raw bytes, not base64, so the compressor sees their repetitions (measured on a
/// branch's week in BENCHMARKS.md: 11.2 KiB as JSON, see there for CBOR).
pub fn pack<T: serde::Serialize>(value: &T) -> Vec<u8> {
    let mut cbor = vec![];
    ciborium::into_writer(value, &mut cbor).expect("sync messages serialise");
    zstd::encode_all(cbor.as_slice(), 3).expect("compressing into memory")
}

/// The inverse of [`pack`], refusing bodies that unpack beyond [`MAX_UNPACKED`].
pub fn unpack<T: serde::de::DeserializeOwned>(body: &[u8]) -> Option<T> {
    use std::io::Read;
    let mut cbor = vec![];
    zstd::Decoder::new(body)
        .ok()?
        .take(MAX_UNPACKED)
        .read_to_end(&mut cbor)
        .ok()?;
    ciborium::from_reader(cbor.as_slice()).ok()
}
