//! Values of reference lists as people write them in a spreadsheet: the code
//! (`parent`, `senior`), or its label in Latvian, Russian or English as the app shows
//! it ("vecāks", "seniori", "женщина"), matched ignoring case, diacritics and script.
//! The labels are the shared Fluent files' `code-<kind>-<code>` messages, so a label
//! the app shows is always one an import accepts.

use kopa_domain::reference;
use kopa_domain::text::fold;
use kopa_domain::{FamilyRole, Gender, TargetGroup, VolunteerRole};
use kopa_i18n::{Lang, Localizer};
use std::collections::HashMap;

/// A list a column's values come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Gender,
    Role,
    TargetGroup,
    Language,
    /// A volunteer's: volunteer, staff, lead.
    VolunteerRole,
}

impl Kind {
    const ALL: [Kind; 5] = [
        Kind::Gender,
        Kind::Role,
        Kind::TargetGroup,
        Kind::Language,
        Kind::VolunteerRole,
    ];

    /// The message that labels `code` (`code-<kind>-<code>`, a volunteer's role
    /// `ui-role-<code>`).
    fn message(self, code: &str) -> String {
        match self {
            Kind::Gender => format!("code-gender-{code}"),
            Kind::Role => format!("code-role-{code}"),
            Kind::TargetGroup => format!("code-target-group-{code}"),
            Kind::Language => format!("code-language-{code}"),
            Kind::VolunteerRole => format!("ui-role-{code}"),
        }
    }

    fn codes(self) -> Vec<&'static str> {
        match self {
            Kind::Gender => Gender::ALL.iter().map(|g| g.as_str()).collect(),
            Kind::Role => FamilyRole::ALL.iter().map(|r| r.as_str()).collect(),
            Kind::TargetGroup => TargetGroup::ALL.iter().map(|t| t.as_str()).collect(),
            Kind::Language => reference::LANGUAGES.to_vec(),
            Kind::VolunteerRole => VolunteerRole::ALL.iter().map(|r| r.as_str()).collect(),
        }
    }
}

/// Every label of every code, in the three languages.
pub struct Words {
    codes: HashMap<(Kind, String), &'static str>,
}

impl Default for Words {
    fn default() -> Self {
        Self::new()
    }
}

impl Words {
    pub fn new() -> Words {
        let mut codes = HashMap::new();
        for lang in Lang::ALL {
            let l = Localizer::new(lang);
            for kind in Kind::ALL {
                for code in kind.codes() {
                    let id = kind.message(code);
                    if l.has(&id) {
                        codes.entry((kind, fold(&l.tr(&id, &[])))).or_insert(code);
                    }
                }
            }
        }
        Words { codes }
    }

    /// The code a value written as a label stands for; any other value is returned
    /// as it is, for the field's rule to accept (a code) or refuse.
    pub fn code(&self, kind: Kind, value: &str) -> String {
        match self.codes.get(&(kind, fold(value))) {
            Some(code) if !value.trim().is_empty() => code.to_string(),
            _ => value.trim().to_string(),
        }
    }

    /// Each value of a list, as codes.
    pub fn codes(&self, kind: Kind, values: &[String]) -> Vec<String> {
        values.iter().map(|v| self.code(kind, v)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_in_three_languages_and_codes_are_read_as_codes() {
        let w = Words::new();
        for (kind, value, code) in [
            (Kind::Role, "vecāks", "parent"),
            (Kind::Role, "Vecaks", "parent"),
            (Kind::Role, "бабушка или дедушка", "grandparent"),
            (Kind::TargetGroup, "seniori", "senior"),
            (Kind::TargetGroup, "Jaunās ģimenes", "young-family"),
            (Kind::Gender, "sieviete", "female"),
            (Kind::Gender, "Мужчина", "male"),
            (Kind::Language, "krievu", "ru"),
            (Kind::Language, "латышский", "lv"),
            (Kind::Role, "child", "child"),
        ] {
            assert_eq!(w.code(kind, value), code, "{value}");
        }
        assert_eq!(
            w.code(Kind::Role, " kaimiņš "),
            "kaimiņš",
            "left for the rule to refuse"
        );
        assert_eq!(w.code(Kind::Gender, ""), "");
    }
}
