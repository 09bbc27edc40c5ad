//! The Kopā registry: a replica's encrypted store, its replicated documents and the
//! application services over them.
//!
//! Automerge documents are the source of truth; SQLite (SQLCipher) holds them and a
//! queryable projection. Every write is one Automerge change committed in the same
//! SQLite transaction as its projection rows. No Tauri, no network here: the CLI,
//! the desktop shell and the hub all sit on top of [`Registry`].

mod carry;
pub mod collection;
pub mod conflicts;
pub mod demo;
pub mod docs;
pub mod env;
pub mod error;
mod error_code;
pub mod files;
pub mod history;
pub mod keyring;
pub mod pending;
pub mod projection;
mod registry;
pub mod search;
pub mod store;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod views;

pub use collection::Collection;
pub use env::{Clock, Env, Ids, ManualClock, SystemClock};
pub use error::{Error, ErrorCode, Result};
pub use kopa_domain::validate::MemberDraft;
pub use registry::*;
