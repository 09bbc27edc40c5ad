//! Records as they live in the replicated documents.
//!
//! Maps keyed by id (never lists) so that concurrent additions on two devices merge;
//! sets are maps of `key → true` so that two facilitators' attendance marks add up.

use crate::date::{Date, Timestamp};
use autosurgeon::{Hydrate, HydrateError, Reconcile, Reconciler};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Declares a closed enum stored as a stable kebab-case code.
macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $code:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),* }
            }
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim().to_lowercase().replace('_', "-");
                match s.as_str() { $($code => Some($name::$variant),)* _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown {}: {s}", stringify!($name))))
            }
        }

        impl Reconcile for $name {
            type Key<'a> = autosurgeon::reconcile::NoKey;
            fn reconcile<R: Reconciler>(&self, mut r: R) -> Result<(), R::Error> {
                r.str(self.as_str())
            }
        }

        impl Hydrate for $name {
            fn hydrate_string(s: &'_ str) -> Result<Self, HydrateError> {
                $name::parse(s).ok_or_else(|| HydrateError::unexpected(stringify!($name), s.to_string()))
            }
        }
    };
}

pub(crate) use code_enum;

code_enum!(
    /// Who a family or person is, for targeting and disaggregation.
    TargetGroup {
        Child => "child",
        Youth => "youth",
        Senior => "senior",
        YoungFamily => "young-family",
        LowIncome => "low-income",
        Minority => "minority",
        NonCitizen => "non-citizen",
        Refugee => "refugee",
        Disability => "disability",
    }
);

code_enum!(
    Gender { Female => "female", Male => "male", Other => "other", Unknown => "unknown" }
);

code_enum!(
    /// A member's role in the household.
    FamilyRole {
        Parent => "parent",
        Child => "child",
        Grandparent => "grandparent",
        Guardian => "guardian",
        Partner => "partner",
        Other => "other",
    }
);

code_enum!(
    FamilyStatus { Active => "active", Closed => "closed" }
);

code_enum!(
    VolunteerRole { Volunteer => "volunteer", Staff => "staff", Lead => "lead" }
);

code_enum!(
    /// What a replica is: a branch laptop or the HQ desktop/hub.
    Role { Branch => "branch", Hq => "hq" }
);

/// A set of string keys, stored as an Automerge map `key → true` so that concurrent
/// additions from two devices are both kept.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TagSet(pub BTreeSet<String>);

impl TagSet {
    pub fn contains(&self, k: &str) -> bool {
        self.0.contains(k)
    }
    pub fn iter(&self) -> impl Iterator<Item = &String> {
        self.0.iter()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<S: Into<String>> FromIterator<S> for TagSet {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        TagSet(iter.into_iter().map(Into::into).collect())
    }
}

impl Reconcile for TagSet {
    type Key<'a> = autosurgeon::reconcile::NoKey;
    fn reconcile<R: Reconciler>(&self, r: R) -> Result<(), R::Error> {
        let m: BTreeMap<&str, bool> = self.0.iter().map(|k| (k.as_str(), true)).collect();
        m.reconcile(r)
    }
}

impl Hydrate for TagSet {
    fn hydrate_map<D: autosurgeon::ReadDoc>(
        doc: &D,
        obj: &automerge::ObjId,
    ) -> Result<Self, HydrateError> {
        let m: BTreeMap<String, bool> = BTreeMap::hydrate_map(doc, obj)?;
        Ok(TagSet(
            m.into_iter().filter(|(_, v)| *v).map(|(k, _)| k).collect(),
        ))
    }
}

/// A person registered as a member of a family.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Member {
    pub given_name: String,
    pub family_name: String,
    pub birth_year: Option<i64>,
    pub birth_date: Option<Date>,
    pub gender: Gender,
    pub role: FamilyRole,
    /// Target groups of this person (a child, a senior…), beyond the family's.
    pub target_groups: TagSet,
    /// Values of the fields HQ defined: field code → value (see `fields`).
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

/// Consent to record the family's data.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Consent {
    pub date: Date,
    pub scope: String,
    pub recorded_by: String,
}

#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Note {
    pub date: Date,
    pub text: String,
    pub author: String,
}

#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct FollowUp {
    pub due: Date,
    pub text: String,
    pub done: bool,
    pub author: String,
}

/// A household. Lives alone in its own document so that erasure can drop it whole.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Family {
    pub name: String,
    pub branch: String,
    pub municipality: String,
    pub languages: TagSet,
    pub target_groups: TagSet,
    pub contact: Option<String>,
    pub status: FamilyStatus,
    pub consent: Option<Consent>,
    pub registered: Date,
    pub members: BTreeMap<String, Member>,
    pub notes: BTreeMap<String, Note>,
    pub follow_ups: BTreeMap<String, FollowUp>,
    /// The family documents this one replaces. When one member is erased, the
    /// household moves to a new document (the old one's history holds the member's
    /// data) and the old one is superseded; of a household's documents only the one
    /// that replaces the most is shown. Absent in documents written before it existed.
    #[autosurgeon(missing = "TagSet::default")]
    pub replaces: TagSet,
    /// The household's first family document, when this one replaces others.
    #[autosurgeon(missing = "Option::default")]
    pub household: Option<String>,
    /// Ids of the members erased from this household (ids only, nothing personal):
    /// never shown, even from a document another device made before it heard.
    #[autosurgeon(missing = "TagSet::default")]
    pub erased_members: TagSet,
    /// For each document this one replaces, the changes of it that the move saw (its
    /// heads then, hex). Edits made to a replaced document beyond these, elsewhere,
    /// are carried onto the household's shown document before the old one is dropped.
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub replaced_heads: BTreeMap<String, TagSet>,
    /// Values of the fields HQ defined: field code → value (see `fields`).
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Group {
    pub name: String,
    pub activity: String,
    pub municipality: String,
    pub facilitators: TagSet,
    /// Enrolled persons.
    pub members: TagSet,
    pub start: Option<Date>,
    pub end: Option<Date>,
    /// ISO weekday of the regular meeting, Monday = 1.
    pub weekday: Option<i64>,
    /// Usual start time, `HH:MM`.
    pub time: Option<String>,
    pub place: Option<String>,
    /// Values of the fields HQ defined: field code → value (see `fields`).
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Session {
    pub group: String,
    pub date: Date,
    pub time: Option<String>,
    pub minutes: i64,
    pub place: Option<String>,
    pub topics: String,
    pub facilitators: TagSet,
    /// Registered persons present. Marks from two devices add up.
    pub attendance: TagSet,
    /// Guests counted but not registered, by category.
    pub guests: BTreeMap<String, i64>,
    pub note: String,
    /// Values of the fields HQ defined: field code → value (see `fields`).
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Volunteer {
    pub given_name: String,
    pub family_name: String,
    pub role: VolunteerRole,
    pub contact: Option<String>,
    pub active: bool,
}

/// Someone who may unlock the branch's replicas, and in which role. Branch data: it
/// syncs, so the branch's other laptop knows who they are and what they may do.
/// (Their passphrase is never here: each laptop keeps its own wraps of its key.)
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Account {
    pub name: String,
    pub access: crate::access::Access,
    /// Removed people can no longer unlock any of the branch's laptops.
    pub removed: bool,
}

/// One sensitive action: who, on which replica, when, and which records by id;
/// never a personal value, so it is kept when the records it names are erased.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: Timestamp,
    pub action: crate::access::AuditAction,
    /// The account that acted.
    pub account: String,
    /// Its name then (a person's name at work, not a beneficiary's).
    pub who: String,
    pub device: String,
    /// Ids of the records acted on (families, persons, accounts, a report's scope).
    pub records: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Training {
    pub volunteer: String,
    pub date: Date,
    pub topic: String,
    /// Hours in tenths (an hour and a half = 15), to stay exact.
    pub tenth_hours: i64,
}

#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Event {
    pub name: String,
    pub activity: String,
    pub date: Date,
    pub municipality: String,
    /// Head counts by category (participants, spectators…), not registered.
    pub head_counts: BTreeMap<String, i64>,
    /// Registered persons who took part.
    pub participants: TagSet,
    /// Values of the fields HQ defined: field code → value (see `fields`).
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

/// A branch as HQ knows it.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Branch {
    pub name: String,
    pub municipality: String,
}

/// A donor project (reference data, written by HQ only).
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Project {
    pub name: String,
    pub donor: String,
    pub start: Date,
    pub end: Date,
    pub branches: TagSet,
}

/// An indicator with its target; the rule is evaluated over the projection.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Indicator {
    pub project: String,
    pub name: String,
    /// Rule type code (`distinct-persons`, `attendances`, `functioning-groups`, …).
    pub rule: String,
    /// Rule parameters and filters, `key → value`.
    pub params: BTreeMap<String, String>,
    pub target: i64,
    /// Where HQ put it among the project's indicators (1 = first). Absent in
    /// indicators written before there was an order: they follow, oldest first.
    #[autosurgeon(missing = "Option::default")]
    #[serde(default)]
    pub position: Option<i64>,
}

/// A value HQ adds to a reference list (the reference document's `municipalities` or
/// `activities`, keyed by the value itself: a municipality's name, an activity's
/// code): its labels, and for a municipality that was merged or renamed, the last
/// day it existed and what it became part of. Relabelling changes no record.
#[derive(Clone, Debug, Default, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct ListValue {
    /// Language (`lv`, `ru`, `en`) → label.
    pub labels: BTreeMap<String, String>,
    #[autosurgeon(missing = "Option::default")]
    pub until: Option<Date>,
    #[autosurgeon(missing = "Option::default")]
    pub successor: Option<String>,
}

/// HQ's decision that two registrations are the same person.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct PersonLink {
    pub a: String,
    pub b: String,
    pub by: String,
    pub at: Date,
    /// False once undone; kept so the undo is itself a change that syncs.
    pub active: bool,
}

/// Who made a change, stored in every Automerge change's message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    /// The person using the device.
    pub person: String,
    /// The device's name (its id is the Automerge actor).
    pub device: String,
}

/// A change's metadata, as written into its Automerge message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeNote {
    #[serde(rename = "p")]
    pub person: String,
    #[serde(rename = "d")]
    pub device: String,
    /// What was done, e.g. `family.add`.
    #[serde(rename = "a")]
    pub action: String,
    /// Ids of the records the change touched.
    #[serde(rename = "r")]
    pub records: Vec<String>,
    /// Field paths changed, e.g. `name`, `members.<id>.birth_year`.
    #[serde(rename = "f", default)]
    pub fields: Vec<String>,
    #[serde(skip)]
    pub at: Timestamp,
}
