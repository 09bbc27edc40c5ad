//! The Kopā domain: what a branch records about families, groups, sessions,
//! volunteers and events, and the rules a record must satisfy before it is written.
//!
//! This crate is pure: no I/O, no clock, no randomness. Ids and times are passed in.
//! The record types double as the Automerge document schema (via `autosurgeon`);
//! projection rows and wire types live elsewhere.

pub mod access;
pub mod date;
pub mod error;
pub mod fields;
pub mod id;
pub mod indicator;
pub mod model;
pub mod reference;
pub mod text;
pub mod validate;

pub use access::{Access, Action, AuditAction};
pub use date::{Date, Timestamp};
pub use error::{Code, ValidationError};
pub use fields::{FieldDef, FieldKind};
pub use id::*;
pub use indicator::{FilterLists, Param, Rule};
pub use model::*;
