//! Indicator rules and their parameters as closed sets. An indicator's document keeps
//! the rule's code and its parameters as text (what HQ wrote syncs to every replica
//! as it is); everything that reads or writes them goes through these types, so a
//! rule this version does not know is an error, never a silent 0.

use crate::error::{Code, ValidationError};
use std::fmt;
use std::str::FromStr;

/// What an indicator counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// Persons who attended a session or took part in an event.
    DistinctPersons,
    /// Attendance marks.
    Attendances,
    /// Sessions held.
    SessionsHeld,
    /// Groups that met at least `min-sessions` times.
    FunctioningGroups,
    /// Persons who came to at least `min-percent` of their group's sessions.
    RegularParticipants,
    /// Event participants, registered and counted by head.
    EventHeadCounts,
    /// Volunteers with at least `min-hours` of training.
    TrainedVolunteers,
}

impl Rule {
    pub const ALL: [Rule; 7] = [
        Rule::DistinctPersons,
        Rule::Attendances,
        Rule::SessionsHeld,
        Rule::FunctioningGroups,
        Rule::RegularParticipants,
        Rule::EventHeadCounts,
        Rule::TrainedVolunteers,
    ];

    /// The code kept in the document and typed on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::DistinctPersons => "distinct-persons",
            Rule::Attendances => "attendances",
            Rule::SessionsHeld => "sessions-held",
            Rule::FunctioningGroups => "functioning-groups",
            Rule::RegularParticipants => "regular-participants",
            Rule::EventHeadCounts => "event-head-counts",
            Rule::TrainedVolunteers => "trained-volunteers",
        }
    }

    /// The unit every figure of the rule is in.
    pub fn unit(self) -> &'static str {
        match self {
            Rule::DistinctPersons | Rule::RegularParticipants => "persons",
            Rule::Attendances => "attendances",
            Rule::SessionsHeld => "sessions",
            Rule::FunctioningGroups => "groups",
            Rule::EventHeadCounts => "head-count",
            Rule::TrainedVolunteers => "volunteers",
        }
    }

    /// The rule of code `s` (any case, surrounding spaces ignored); an unknown code is
    /// `unknown-rule` on `field`.
    pub fn parse(field: &str, s: &str) -> Result<Rule, ValidationError> {
        s.parse()
            .map_err(|_| ValidationError::new(field, Code::UnknownRule).with_value(s))
    }
}

impl FromStr for Rule {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        let s = s.trim().to_lowercase();
        Rule::ALL.into_iter().find(|r| r.as_str() == s).ok_or(())
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parameter of an indicator: a threshold (a whole number) or a filter (a code,
/// or a comma-separated list of codes for `category`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Param {
    MinSessions,
    MinPercent,
    MinHours,
    Category,
    TargetGroup,
    AgeBand,
    Gender,
    Activity,
    Municipality,
    Language,
    Branch,
}

impl Param {
    pub const ALL: [Param; 11] = [
        Param::MinSessions,
        Param::MinPercent,
        Param::MinHours,
        Param::Category,
        Param::TargetGroup,
        Param::AgeBand,
        Param::Gender,
        Param::Activity,
        Param::Municipality,
        Param::Language,
        Param::Branch,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Param::MinSessions => "min-sessions",
            Param::MinPercent => "min-percent",
            Param::MinHours => "min-hours",
            Param::Category => "category",
            Param::TargetGroup => "target-group",
            Param::AgeBand => "age-band",
            Param::Gender => "gender",
            Param::Activity => "activity",
            Param::Municipality => "municipality",
            Param::Language => "language",
            Param::Branch => "branch",
        }
    }

    /// The range of a threshold's value; `None` for a filter.
    pub fn threshold(self) -> Option<std::ops::RangeInclusive<i64>> {
        match self {
            Param::MinSessions => Some(1..=1_000),
            Param::MinPercent => Some(1..=100),
            Param::MinHours => Some(1..=10_000),
            _ => None,
        }
    }

    /// The parameter of code `s`; an unknown one is `invalid-param` on `field`.
    pub fn parse(field: &str, s: &str) -> Result<Param, ValidationError> {
        s.parse()
            .map_err(|_| ValidationError::new(field, Code::InvalidParam).with_value(s))
    }
}

impl FromStr for Param {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        let s = s.trim().to_lowercase();
        Param::ALL.into_iter().find(|p| p.as_str() == s).ok_or(())
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_as_itself_and_an_unknown_one_is_an_error() {
        for r in Rule::ALL {
            assert_eq!(r.as_str().parse::<Rule>(), Ok(r));
        }
        for p in Param::ALL {
            assert_eq!(p.as_str().parse::<Param>(), Ok(p));
        }
        assert_eq!(" Attendances ".parse::<Rule>(), Ok(Rule::Attendances));
        assert_eq!(
            Rule::parse("rule", "hours-volunteered").unwrap_err().code,
            Code::UnknownRule
        );
        assert_eq!(
            Param::parse("param[1]", "min-visits").unwrap_err().code,
            Code::InvalidParam
        );
        assert_eq!(Param::MinPercent.threshold(), Some(1..=100));
        assert_eq!(Param::Activity.threshold(), None);
    }
}
