//! Newtype ids: UUIDv7 built from a time and random bytes that the caller passes in.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// Builds a UUIDv7 from milliseconds since the epoch and 10 random bytes.
pub fn uuid_v7(unix_ms: u64, random: [u8; 10]) -> Uuid {
    uuid::Builder::from_unix_timestamp_millis(unix_ms, &random).into_uuid()
}

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            pub fn new(unix_ms: u64, random: [u8; 10]) -> Self {
                Self(uuid_v7(unix_ms, random))
            }
            /// The id as it is written in documents and tables (hyphenated lowercase).
            pub fn key(&self) -> String {
                self.0.hyphenated().to_string()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0.hyphenated(), f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map(Self)
            }
        }
    )*};
}

id_type!(
    /// A household.
    FamilyId,
    /// A registered person (a member of a family).
    PersonId,
    /// A group: family support group, senior club, course…
    GroupId,
    /// One meeting of a group.
    SessionId,
    /// A volunteer or staff member.
    VolunteerId,
    /// One training a volunteer took.
    TrainingId,
    /// A one-off activity with head counts.
    EventId,
    /// A note on a family.
    NoteId,
    /// A follow-up on a family.
    FollowUpId,
    /// A branch of the society (or HQ).
    BranchId,
    /// A donor project (reference data).
    ProjectId,
    /// An indicator of a project (reference data).
    IndicatorId,
    /// One device's replica; also its Automerge actor id.
    DeviceId,
    /// Someone who may unlock the branch's replicas.
    AccountId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_v7_and_sort_by_time() {
        let a = FamilyId::new(1_000, [1; 10]);
        let b = FamilyId::new(2_000, [0; 10]);
        assert_eq!(a.0.get_version_num(), 7);
        assert!(a < b);
        assert_eq!(a.to_string().parse::<FamilyId>().unwrap(), a);
    }
}
