//! The application services: every read and write a person can make on a replica.
//!
//! The replica engine (`engine.rs`) owns the connection, the document cache and the
//! write path; every other module here is one capability, an `impl Registry` that
//! reads through [`Registry::db`] and writes through the engine's write path.

mod activity;
mod backups;
mod cards;
mod edit;
mod engine;
mod erasure;
mod facts;
mod families;
mod fields;
mod hub;
mod merge;
mod net_sync;
mod people;
mod reference;
mod resolve;
mod sync_files;
mod volunteers;

pub use activity::*;
pub use backups::*;
pub use cards::*;
pub use edit::Edit;
pub use engine::{Incoming, InitOptions, Registry};
pub use facts::*;
pub use families::*;
pub use fields::*;
pub use hub::*;
pub use net_sync::*;
pub use people::{AuditView, PersonEntry, RECOVERY_ACCOUNT};
pub use reference::*;
pub use sync_files::*;
pub use volunteers::*;
