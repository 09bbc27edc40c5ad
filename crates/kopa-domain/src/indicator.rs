//! Indicator rules and their parameters as closed sets. An indicator's document keeps
//! the rule's code and its parameters as text (what HQ wrote syncs to every replica
//! as it is); everything that reads or writes them goes through these types, so a
//! rule this version does not know is an error, never a silent 0.

use crate::error::{Code, ValidationError};
use crate::validate::{self as v, Context};
use std::fmt;
use std::str::FromStr;

/// The age bands figures of persons are broken down by, at the report's reference
/// date. An `age-band` filter takes one of these or any other range (`18-64`, `18+`).
pub const AGE_BANDS: &[(&str, i64, i64)] = &[
    ("0-6", 0, 6),
    ("7-17", 7, 17),
    ("18-25", 18, 25),
    ("26-64", 26, 64),
    ("65+", 65, 200),
];

/// Head-count categories an event may count besides registered participants.
pub const EVENT_CATEGORIES: &[&str] = &["participants", "spectators", "volunteers", "guests"];

/// The ages a band covers, inclusive: `N-M` with N ≤ M, or `N+`.
pub fn age_range(band: &str) -> Option<(i64, i64)> {
    let band = band.trim();
    let (lo, hi) = match band.strip_suffix('+') {
        Some(lo) => (lo.trim().parse().ok()?, 200),
        None => {
            let (lo, hi) = band.split_once('-')?;
            (lo.trim().parse().ok()?, hi.trim().parse().ok()?)
        }
    };
    (0 <= lo && lo <= hi && hi <= 200).then_some((lo, hi))
}

/// An indicator's filter on one of HQ's fields is kept as `field.<code>`.
pub const FIELD_PREFIX: &str = "field.";
/// The filter on the disability breakdown (from the Washington Group answers).
pub const DISABILITY: &str = "disability";

/// Checks a filter on HQ's fields (`field.<code>`) or on disability, as
/// [`Param::check`] does for the others: the field must have a short list of values
/// (yes/no, choices), and each value be one of them. A family's or a person's field
/// filters persons; a group's, session's or event's filters where things happened.
pub fn check_field_filter(
    key: &str,
    field: &str,
    value: &str,
    lists: &FilterLists,
) -> Result<String, ValidationError> {
    let key = key.trim().to_lowercase();
    if key == DISABILITY {
        let mut out: Vec<&str> = vec![];
        for one in value.split(',').map(|s| s.trim().to_lowercase()) {
            let v = crate::fields::yes_no(&one).or((one == "unknown").then_some("unknown"));
            match v {
                Some(v) if !out.contains(&v) => out.push(v),
                Some(_) => {}
                None => {
                    return Err(ValidationError::new(field, Code::UnknownOption)
                        .with_value(one)
                        .with_valid(["yes", "no", "unknown"]))
                }
            }
        }
        return Ok(out.join(","));
    }
    let code = key.strip_prefix(FIELD_PREFIX).unwrap_or(&key);
    let usable = |d: &crate::FieldDef| d.kind().is_categorical();
    match lists.ctx.fields.get(code).filter(|d| usable(d)) {
        Some(def) => def.check_filter(field, value),
        None => Err(ValidationError::new(field, Code::UnknownField)
            .with_value(code)
            .with_valid(
                lists
                    .ctx
                    .fields
                    .iter()
                    .filter(|(_, d)| usable(d))
                    .map(|(c, _)| format!("{FIELD_PREFIX}{c}"))
                    .chain([DISABILITY.to_string()]),
            )),
    }
}

/// What a filter's values are checked against.
#[derive(Clone, Debug)]
pub struct FilterLists {
    /// Municipalities and activity types.
    pub ctx: Context,
    /// Branches as `(id, name)`.
    pub branches: Vec<(String, String)>,
    /// Head-count categories events have used, beside [`EVENT_CATEGORIES`].
    pub categories: Vec<String>,
}

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

    /// A parameter's value as it is kept: a threshold a whole number in its range; a
    /// filter one value or several separated by commas (a record matching any of them
    /// counts), each checked against the list it filters on and written as its code
    /// (a branch named by its name is kept as its id). A value that is not in the list
    /// is an error on `field` naming the valid values: it would otherwise report 0.
    pub fn check(
        self,
        field: &str,
        value: &str,
        lists: &FilterLists,
    ) -> Result<String, ValidationError> {
        if let Some(range) = self.threshold() {
            return Ok(v::number(field, value, range)?.to_string());
        }
        let ctx = &lists.ctx;
        let mut out: Vec<String> = vec![];
        for one in value.split(',') {
            let one = v::text(field, one, v::MAX_NAME)?;
            let code = match self {
                Param::Activity => v::activity(field, &one, ctx)?,
                Param::Municipality => v::municipality(field, &one, ctx)?,
                Param::Language => v::language(field, &one)?,
                Param::TargetGroup => v::target_group_in(field, &one, ctx)?,
                Param::Gender => v::gender(field, &one)?.as_str().to_string(),
                Param::AgeBand => {
                    age_range(&one).ok_or_else(|| {
                        ValidationError::new(field, Code::InvalidAgeBand)
                            .with_value(&one)
                            .with_valid(AGE_BANDS.iter().map(|b| b.0))
                    })?;
                    one.replace(' ', "")
                }
                Param::Branch => {
                    let key = crate::text::fold(&one);
                    let found = lists
                        .branches
                        .iter()
                        .find(|(id, name)| *id == one || crate::text::fold(name) == key);
                    match found {
                        Some((id, _)) => id.clone(),
                        None => {
                            return Err(ValidationError::new(field, Code::UnknownBranch)
                                .with_value(&one)
                                .with_valid(lists.branches.iter().map(|b| &b.1)))
                        }
                    }
                }
                Param::Category => {
                    let c = one.to_lowercase();
                    let known = std::iter::once("registered")
                        .chain(ctx.categories.iter().map(String::as_str))
                        .chain(lists.categories.iter().map(String::as_str));
                    let mut valid: Vec<&str> = vec![];
                    for k in known {
                        if !valid.contains(&k) {
                            valid.push(k);
                        }
                    }
                    if !valid.contains(&c.as_str()) {
                        return Err(ValidationError::new(field, Code::UnknownCategory)
                            .with_value(&one)
                            .with_valid(valid));
                    }
                    c
                }
                Param::MinSessions | Param::MinPercent | Param::MinHours => unreachable!(),
            };
            if !out.contains(&code) {
                out.push(code);
            }
        }
        Ok(out.join(","))
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

    fn lists() -> FilterLists {
        FilterLists {
            ctx: Context::builtin("2026-11-30".parse().unwrap()),
            branches: vec![("0193-kr".into(), "Krāslava".into())],
            categories: vec!["dancers".into()],
        }
    }

    /// Each value a coordinator could mistype is refused with the valid ones, not
    /// kept to report 0; several values are kept as codes, once each.
    #[test]
    fn a_filter_value_not_in_its_list_is_refused_with_the_valid_ones() {
        let l = lists();
        for (param, value, code) in [
            (Param::Activity, "seniors", Code::UnknownActivity),
            (
                Param::Activity,
                "senior-club,handicrafts",
                Code::UnknownActivity,
            ),
            (Param::AgeBand, "65-plus", Code::InvalidAgeBand),
            (Param::AgeBand, "64-18", Code::InvalidAgeBand),
            (Param::Branch, "Daugavpils", Code::UnknownBranch),
            (Param::Category, "audience", Code::UnknownCategory),
            (Param::Gender, "x", Code::UnknownGender),
            (Param::TargetGroup, "elderly", Code::UnknownTargetGroup),
            (Param::Municipality, "Atlantīda", Code::UnknownMunicipality),
        ] {
            let e = param.check("param[1]", value, &l).unwrap_err();
            assert_eq!((e.code, e.field.as_str()), (code, "param[1]"), "{value}");
            assert!(!e.valid.is_empty(), "{value}: the valid values are listed");
        }
        let e = Param::Branch.check("p", "Daugavpils", &l).unwrap_err();
        assert_eq!(e.valid, ["Krāslava"]);
        for (param, value, kept) in [
            (
                Param::Activity,
                "senior-club, Handicraft,senior-club",
                "senior-club,handicraft",
            ),
            (Param::AgeBand, "65+, 18 - 25", "65+,18-25"),
            (Param::Branch, "kraslava", "0193-kr"),
            (Param::Branch, "0193-kr", "0193-kr"),
            (
                Param::Category,
                "Participants,dancers,registered",
                "participants,dancers,registered",
            ),
            (Param::Gender, "f", "female"),
            (Param::Municipality, "kraslava", "Krāslava"),
            (Param::MinSessions, " 8 ", "8"),
        ] {
            assert_eq!(param.check("p", value, &l).unwrap(), kept, "{value}");
        }
        assert_eq!(age_range("18+"), Some((18, 200)));
        assert_eq!(age_range("0-6"), Some((0, 6)));
        assert_eq!(age_range("65-plus"), None);
    }
}
