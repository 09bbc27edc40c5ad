//! Fields HQ adds to records without a new release: their definitions (kept in the
//! reference document, so every replica validates the same way) and the rule that
//! checks a value typed for one. A record keeps its values in a `fields` map, field
//! code → value as text: a choice's code, several choices' codes joined by commas,
//! `yes`/`no`, a date `YYYY-MM-DD`, a whole number, or text.

use crate::error::{Code, ValidationError};
use crate::validate as v;
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The records a field can be on.
pub const RECORDS: &[&str] = &["family", "person", "group", "session", "event"];

/// What a field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Number,
    Date,
    YesNo,
    Choice,
    Choices,
}

impl FieldKind {
    pub const ALL: [FieldKind; 6] = [
        FieldKind::Text,
        FieldKind::Number,
        FieldKind::Date,
        FieldKind::YesNo,
        FieldKind::Choice,
        FieldKind::Choices,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Number => "number",
            FieldKind::Date => "date",
            FieldKind::YesNo => "yes-no",
            FieldKind::Choice => "choice",
            FieldKind::Choices => "choices",
        }
    }

    pub fn parse(s: &str) -> Option<FieldKind> {
        let s = s.trim().to_lowercase();
        FieldKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Its values are a short list a report can break figures down by.
    pub fn is_categorical(self) -> bool {
        matches!(
            self,
            FieldKind::YesNo | FieldKind::Choice | FieldKind::Choices
        )
    }
}

/// A field HQ defined (the reference document's `fields`, keyed by its code).
/// Retiring a field hides it from forms and keeps every value; relabelling changes
/// no value.
#[derive(Clone, Debug, Default, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldDef {
    /// The record it is on: one of [`RECORDS`].
    pub on: String,
    /// [`FieldKind`] as text.
    pub kind: String,
    /// Language (`lv`, `ru`, `en`) → label.
    pub labels: BTreeMap<String, String>,
    /// Language → a sentence of help shown under the input.
    pub help: BTreeMap<String, String>,
    /// For a choice: option code → (language → label).
    pub options: BTreeMap<String, BTreeMap<String, String>>,
    pub required: bool,
    /// A number's least and greatest value; a text's greatest length (`max`).
    pub min: Option<i64>,
    pub max: Option<i64>,
    /// Only records of this project's branches have it; none: every branch.
    pub project: Option<String>,
    pub retired: bool,
    /// Where forms show it among the record's fields (1 = first).
    pub position: i64,
    /// A ready-made set it came with (`washington-group`).
    pub set: Option<String>,
}

impl FieldDef {
    pub fn kind(&self) -> FieldKind {
        FieldKind::parse(&self.kind).unwrap_or(FieldKind::Text)
    }

    /// The label in `lang`, else in Latvian, else any.
    pub fn label(&self, lang: &str) -> String {
        pick(&self.labels, lang).unwrap_or_default()
    }

    /// Checks `raw` typed for this field (as `field`, e.g. `fields.housing`) and
    /// returns the value to keep, or none for a blank optional one. A choice is
    /// accepted as its code or any of its labels; several choices are separated by
    /// commas; yes/no as yes, no, jā, nē, да, нет, true, false, 1, 0.
    pub fn check(&self, field: &str, raw: &str) -> Result<Option<String>, ValidationError> {
        let raw = raw.trim();
        if raw.is_empty() {
            if self.required {
                return Err(ValidationError::new(field, Code::Required));
            }
            return Ok(None);
        }
        let value = match self.kind() {
            FieldKind::Text => {
                let max = self.max.map(|m| m as usize).unwrap_or(v::MAX_NAME);
                v::text(field, raw, max)?
            }
            FieldKind::Number => {
                let range = self.min.unwrap_or(i64::MIN)..=self.max.unwrap_or(i64::MAX);
                v::number(field, raw, range)?.to_string()
            }
            FieldKind::Date => v::date(field, raw)?.to_string(),
            FieldKind::YesNo => yes_no(raw)
                .ok_or_else(|| {
                    ValidationError::new(field, Code::UnknownOption)
                        .with_value(raw)
                        .with_valid(["yes", "no"])
                })?
                .to_string(),
            FieldKind::Choice => self.option(field, raw)?,
            FieldKind::Choices => {
                let mut codes: Vec<String> = vec![];
                for one in raw.split(',').filter(|s| !s.trim().is_empty()) {
                    let c = self.option(field, one)?;
                    if !codes.contains(&c) {
                        codes.push(c);
                    }
                }
                codes.join(",")
            }
        };
        Ok(Some(value))
    }

    /// An indicator's filter on this field: one value or several separated by
    /// commas (any matches), each an option (code or label) or yes/no. Only a field
    /// with a short list of values can filter.
    pub fn check_filter(&self, field: &str, raw: &str) -> Result<String, ValidationError> {
        let mut out: Vec<String> = vec![];
        for one in raw.split(',').filter(|s| !s.trim().is_empty()) {
            let code = match self.kind() {
                FieldKind::YesNo => yes_no(one)
                    .ok_or_else(|| {
                        ValidationError::new(field, Code::UnknownOption)
                            .with_value(one.trim())
                            .with_valid(["yes", "no"])
                    })?
                    .to_string(),
                FieldKind::Choice | FieldKind::Choices => self.option(field, one)?,
                _ => {
                    return Err(ValidationError::new(field, Code::InvalidParam)
                        .with_value(raw.trim())
                        .with_valid(["yes-no", "choice", "choices"]))
                }
            };
            if !out.contains(&code) {
                out.push(code);
            }
        }
        if out.is_empty() {
            return Err(ValidationError::new(field, Code::Required));
        }
        Ok(out.join(","))
    }

    fn option(&self, field: &str, raw: &str) -> Result<String, ValidationError> {
        let key = crate::text::fold(raw);
        self.options
            .iter()
            .find(|(code, labels)| {
                crate::text::fold(code) == key
                    || labels.values().any(|l| crate::text::fold(l) == key)
            })
            .map(|(code, _)| code.clone())
            .ok_or_else(|| {
                ValidationError::new(field, Code::UnknownOption)
                    .with_value(raw.trim())
                    .with_valid(self.options.keys())
            })
    }
}

fn pick(labels: &BTreeMap<String, String>, lang: &str) -> Option<String> {
    labels
        .get(lang)
        .or_else(|| labels.get("lv"))
        .or_else(|| labels.values().next())
        .cloned()
}

/// `yes` or `no` from the ways people write them in the three languages.
pub fn yes_no(raw: &str) -> Option<&'static str> {
    match raw.trim().to_lowercase().as_str() {
        "yes" | "y" | "jā" | "ja" | "да" | "true" | "1" | "x" => Some("yes"),
        "no" | "n" | "nē" | "ne" | "нет" | "false" | "0" => Some("no"),
        _ => None,
    }
}

/// The Washington Group Short Set on functioning: six questions, each answered
/// with one of four levels. A person has a disability, for disaggregation, when at
/// least one answer is "a lot of difficulty" or "cannot do at all" (the Group's
/// recommended cut-off, and the Sphere minimum of sex, age and disability).
pub mod washington_group {
    /// The set's name, kept on each of its fields.
    pub const SET: &str = "washington-group";
    /// `(code, lv, ru, en)` of each question.
    pub const QUESTIONS: [(&str, &str, &str, &str); 6] = [
        (
            "wg-seeing",
            "Grūtības redzēt (arī ar brillēm)",
            "Трудности со зрением (даже в очках)",
            "Difficulty seeing, even if wearing glasses",
        ),
        (
            "wg-hearing",
            "Grūtības dzirdēt (arī ar dzirdes aparātu)",
            "Трудности со слухом (даже со слуховым аппаратом)",
            "Difficulty hearing, even if using a hearing aid",
        ),
        (
            "wg-walking",
            "Grūtības staigāt vai kāpt pa kāpnēm",
            "Трудности при ходьбе или подъёме по лестнице",
            "Difficulty walking or climbing steps",
        ),
        (
            "wg-cognition",
            "Grūtības atcerēties vai koncentrēties",
            "Трудности с памятью или концентрацией",
            "Difficulty remembering or concentrating",
        ),
        (
            "wg-self-care",
            "Grūtības sevi aprūpēt (mazgāties, ģērbties)",
            "Трудности с самообслуживанием (мытьё, одевание)",
            "Difficulty with self-care, such as washing or dressing",
        ),
        (
            "wg-communication",
            "Grūtības sazināties savā valodā",
            "Трудности в общении на своём языке",
            "Difficulty communicating in one's usual language",
        ),
    ];
    /// `(code, lv, ru, en)` of each answer, from none to the most.
    pub const ANSWERS: [(&str, &str, &str, &str); 4] = [
        (
            "no-difficulty",
            "nav grūtību",
            "нет трудностей",
            "no difficulty",
        ),
        (
            "some-difficulty",
            "ir nelielas grūtības",
            "есть некоторые трудности",
            "some difficulty",
        ),
        (
            "a-lot-of-difficulty",
            "ir lielas grūtības",
            "много трудностей",
            "a lot of difficulty",
        ),
        (
            "cannot-do-at-all",
            "nespēj vispār",
            "не может совсем",
            "cannot do at all",
        ),
    ];

    /// The answers that mean a disability.
    pub fn counts(answer: &str) -> bool {
        matches!(answer, "a-lot-of-difficulty" | "cannot-do-at-all")
    }

    /// A person's disability category from their answers (`code → answer`): `yes`
    /// when any answer counts, `no` when all six are answered and none does, else
    /// `unknown`.
    pub fn status<'a>(answers: impl Fn(&str) -> Option<&'a str>) -> &'static str {
        let given: Vec<&str> = QUESTIONS.iter().filter_map(|q| answers(q.0)).collect();
        if given.iter().any(|a| counts(a)) {
            "yes"
        } else if given.len() == QUESTIONS.len() {
            "no"
        } else {
            "unknown"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn housing() -> FieldDef {
        let opt = |lv: &str, ru: &str| {
            BTreeMap::from([
                ("lv".to_string(), lv.to_string()),
                ("ru".to_string(), ru.to_string()),
            ])
        };
        FieldDef {
            on: "family".into(),
            kind: "choice".into(),
            labels: BTreeMap::from([("lv".into(), "Mājokļa situācija".into())]),
            options: BTreeMap::from([
                ("rented".into(), opt("īrēts", "арендованное")),
                ("own".into(), opt("savs", "собственное")),
            ]),
            ..Default::default()
        }
    }

    #[test]
    fn a_value_is_checked_by_its_kind_and_a_choice_by_code_or_label() {
        let h = housing();
        assert_eq!(
            h.check("fields.housing", "Īrēts").unwrap().as_deref(),
            Some("rented")
        );
        assert_eq!(h.check("f", "собственное").unwrap().as_deref(), Some("own"));
        assert_eq!(h.check("f", "").unwrap(), None);
        let e = h.check("fields.housing", "pils").unwrap_err();
        assert_eq!(
            (e.code, e.field.as_str()),
            (Code::UnknownOption, "fields.housing")
        );
        assert_eq!(e.valid, ["own", "rented"]);
        let required = FieldDef {
            required: true,
            ..housing()
        };
        assert_eq!(required.check("f", " ").unwrap_err().code, Code::Required);
        let many = FieldDef {
            kind: "choices".into(),
            ..housing()
        };
        assert_eq!(
            many.check("f", "savs, rented,own").unwrap().as_deref(),
            Some("own,rented")
        );
        let yn = FieldDef {
            kind: "yes-no".into(),
            ..Default::default()
        };
        assert_eq!(yn.check("f", "Jā").unwrap().as_deref(), Some("yes"));
        assert_eq!(yn.check("f", "нет").unwrap().as_deref(), Some("no"));
        assert_eq!(yn.check("f", "varbūt").unwrap_err().valid, ["yes", "no"]);
        let n = FieldDef {
            kind: "number".into(),
            min: Some(0),
            max: Some(20),
            ..Default::default()
        };
        assert_eq!(n.check("f", "21").unwrap_err().code, Code::NumberRange);
        let d = FieldDef {
            kind: "date".into(),
            ..Default::default()
        };
        assert_eq!(
            d.check("f", "2015-02-30").unwrap_err().code,
            Code::InvalidDate
        );
    }

    #[test]
    fn disability_follows_the_washington_group_cut_off() {
        use washington_group::*;
        let all = |a: &'static str| move |_: &str| Some(a);
        assert_eq!(status(all("some-difficulty")), "no");
        assert_eq!(
            status(|q: &str| (q == "wg-walking").then_some("cannot-do-at-all")),
            "yes"
        );
        assert_eq!(
            status(|q: &str| (q == "wg-walking").then_some("some-difficulty")),
            "unknown"
        );
    }
}
