//! Validation errors: a stable code the UI and CLI translate, and the field it concerns.

use serde::Serialize;
use std::fmt;

/// Stable, closed set of validation codes. The string form (`as_str`) is the Fluent
/// message id suffix: `error-<code>`; never rename a shipped code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    Required,
    TooLong,
    /// A name with no letter in it ("1985" typed in a surname field).
    NotAName,
    InvalidDate,
    DateInFuture,
    DateOrder,
    BirthYearRange,
    InvalidNumber,
    NumberRange,
    UnknownMunicipality,
    UnknownActivity,
    UnknownTargetGroup,
    UnknownLanguage,
    UnknownGender,
    UnknownRole,
    InvalidMember,
    InvalidGuests,
    InvalidId,
    NotEnrolled,
    UnknownRule,
    InvalidParam,
    UnknownPerson,
    AmbiguousPerson,
    InvalidMark,
    NoSuchFolder,
    UnknownBranch,
    InvalidAgeBand,
    UnknownCategory,
    InvalidCode,
    UnknownOption,
    UnknownField,
    /// The group already has a session on that date.
    SessionExists,
}

impl Code {
    pub const ALL: &'static [Code] = &[
        Code::Required,
        Code::TooLong,
        Code::NotAName,
        Code::InvalidDate,
        Code::DateInFuture,
        Code::DateOrder,
        Code::BirthYearRange,
        Code::InvalidNumber,
        Code::NumberRange,
        Code::UnknownMunicipality,
        Code::UnknownActivity,
        Code::UnknownTargetGroup,
        Code::UnknownLanguage,
        Code::UnknownGender,
        Code::UnknownRole,
        Code::InvalidMember,
        Code::InvalidGuests,
        Code::InvalidId,
        Code::NotEnrolled,
        Code::UnknownRule,
        Code::InvalidParam,
        Code::UnknownPerson,
        Code::AmbiguousPerson,
        Code::InvalidMark,
        Code::NoSuchFolder,
        Code::UnknownBranch,
        Code::InvalidAgeBand,
        Code::UnknownCategory,
        Code::InvalidCode,
        Code::UnknownOption,
        Code::UnknownField,
        Code::SessionExists,
    ];

    /// The code written as `as_str` gives it.
    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Code::Required => "required",
            Code::TooLong => "too-long",
            Code::NotAName => "not-a-name",
            Code::InvalidDate => "invalid-date",
            Code::DateInFuture => "date-in-future",
            Code::DateOrder => "date-order",
            Code::BirthYearRange => "birth-year-range",
            Code::InvalidNumber => "invalid-number",
            Code::NumberRange => "number-range",
            Code::UnknownMunicipality => "unknown-municipality",
            Code::UnknownActivity => "unknown-activity",
            Code::UnknownTargetGroup => "unknown-target-group",
            Code::UnknownLanguage => "unknown-language",
            Code::UnknownGender => "unknown-gender",
            Code::UnknownRole => "unknown-role",
            Code::InvalidMember => "invalid-member",
            Code::InvalidGuests => "invalid-guests",
            Code::InvalidId => "invalid-id",
            Code::NotEnrolled => "not-enrolled",
            Code::UnknownRule => "unknown-rule",
            Code::InvalidParam => "invalid-param",
            Code::UnknownPerson => "unknown-person",
            Code::AmbiguousPerson => "ambiguous-person",
            Code::InvalidMark => "invalid-mark",
            Code::NoSuchFolder => "no-such-folder",
            Code::UnknownBranch => "unknown-branch",
            Code::InvalidAgeBand => "invalid-age-band",
            Code::UnknownCategory => "unknown-category",
            Code::InvalidCode => "invalid-code",
            Code::UnknownOption => "unknown-option",
            Code::UnknownField => "unknown-field",
            Code::SessionExists => "session-exists",
        }
    }
}

/// A record failed validation: which field, why, and the offending value (never
/// logged; shown back to the user who typed it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct ValidationError {
    /// Field name, e.g. `name`, `members[2].birth_year`, `date`.
    pub field: String,
    pub code: Code,
    /// The value that was rejected, when there is one.
    pub value: Option<String>,
    /// The values that would have been accepted, when they are a short list (codes
    /// of a reference list, a filter's options): shown with the error.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub valid: Vec<String>,
}

impl ValidationError {
    pub fn new(field: impl Into<String>, code: Code) -> Self {
        Self {
            field: field.into(),
            code,
            value: None,
            valid: vec![],
        }
    }
    pub fn with_value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }
    /// The values that are accepted instead.
    pub fn with_valid<S: ToString>(mut self, valid: impl IntoIterator<Item = S>) -> Self {
        self.valid = valid.into_iter().map(|s| s.to_string()).collect();
        self
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(v) => write!(f, "{}: {} ({v})", self.field, self.code.as_str())?,
            None => write!(f, "{}: {}", self.field, self.code.as_str())?,
        }
        if !self.valid.is_empty() {
            write!(f, "; valid: {}", self.valid.join(", "))?;
        }
        Ok(())
    }
}
