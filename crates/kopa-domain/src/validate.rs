//! Field rules. Each function takes the raw text a person typed and either returns the
//! typed value or a [`ValidationError`] naming the field. Today's date and the known
//! reference data are passed in.

use crate::date::Date;
use crate::error::{Code, ValidationError};
use crate::fields::FieldDef;
use crate::model::{FamilyRole, Gender, Member, TagSet, TargetGroup};
use crate::reference;
use crate::text::fold;
use std::collections::BTreeMap;

pub type Result<T> = std::result::Result<T, ValidationError>;

/// What the rules need to know about the world.
#[derive(Clone, Debug)]
pub struct Context {
    pub today: Date,
    /// Municipalities as they are named now (what pickers offer).
    pub municipalities: Vec<String>,
    /// Former municipalities and the one each became part of: still accepted, so
    /// older records and lists keep the name they were written with.
    pub former: Vec<(String, String)>,
    pub activities: Vec<String>,
    /// Target groups: the built-in ones and HQ's.
    pub target_groups: Vec<String>,
    /// Event head-count categories: the built-in ones and HQ's.
    pub categories: Vec<String>,
    /// Labels HQ gave its list values, by `<list>:<value>` (`activity:digital-skills`)
    /// then language.
    pub labels: BTreeMap<String, BTreeMap<String, String>>,
    /// The fields HQ defined that records here have: code → definition (retired
    /// ones included: their values stay; new values are refused).
    pub fields: BTreeMap<String, FieldDef>,
}

impl Context {
    /// The built-in reference data and the given day.
    pub fn builtin(today: Date) -> Self {
        let owned = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
        Self {
            today,
            municipalities: owned(reference::MUNICIPALITIES),
            former: reference::FORMER_MUNICIPALITIES
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            activities: owned(reference::ACTIVITY_TYPES),
            target_groups: TargetGroup::ALL
                .iter()
                .map(|t| t.as_str().to_string())
                .collect(),
            categories: owned(crate::indicator::EVENT_CATEGORIES),
            labels: BTreeMap::new(),
            fields: BTreeMap::new(),
        }
    }

    /// The fields of `record` forms show, in HQ's order.
    pub fn fields_of(&self, record: &str) -> Vec<(&String, &FieldDef)> {
        let mut out: Vec<_> = self
            .fields
            .iter()
            .filter(|(_, d)| d.on == record && !d.retired)
            .collect();
        out.sort_by_key(|(code, d)| (d.position, code.as_str()));
        out
    }

    /// What a municipality is called now: itself, or what it became part of (any
    /// number of renames on).
    pub fn current_municipality<'a>(&'a self, name: &'a str) -> &'a str {
        let mut now = name;
        for _ in 0..8 {
            match self.former.iter().find(|(f, _)| fold(f) == fold(now)) {
                Some((_, next)) => now = next,
                None => break,
            }
        }
        now
    }
}

pub const MAX_NAME: usize = 120;
pub const MAX_TEXT: usize = 4000;

/// A non-empty, trimmed text of at most `max` characters.
pub fn text(field: &str, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ValidationError::new(field, Code::Required));
    }
    if v.chars().count() > max {
        return Err(ValidationError::new(field, Code::TooLong));
    }
    Ok(v.to_string())
}

/// A person's or a family's name: required text with at least one letter, in any
/// script ("1985" typed into a surname field is refused; "Ģimene 3" is not).
pub fn name(field: &str, value: &str) -> Result<String> {
    let v = text(field, value, MAX_NAME)?;
    if !v.chars().any(char::is_alphabetic) {
        return Err(ValidationError::new(field, Code::NotAName).with_value(v));
    }
    Ok(v)
}

/// Optional free text: empty means none.
pub fn optional_text(field: &str, value: &str, max: usize) -> Result<Option<String>> {
    if value.trim().is_empty() {
        Ok(None)
    } else {
        text(field, value, max).map(Some)
    }
}

pub fn date(field: &str, value: &str) -> Result<Date> {
    if value.trim().is_empty() {
        return Err(ValidationError::new(field, Code::Required));
    }
    value
        .parse()
        .map_err(|_| ValidationError::new(field, Code::InvalidDate).with_value(value.trim()))
}

/// A record id typed or pasted by a person (`FamilyId`, `PersonId`…): a value that is
/// not one is an `invalid-id` error on `field`, carrying what was given.
pub fn id<T: std::str::FromStr>(field: &str, value: &str) -> Result<T> {
    value
        .parse()
        .map_err(|_| ValidationError::new(field, Code::InvalidId).with_value(value))
}

/// A date that is not after today (consent, a session that took place).
pub fn past_date(field: &str, value: &str, ctx: &Context) -> Result<Date> {
    let d = date(field, value)?;
    if d > ctx.today {
        return Err(ValidationError::new(field, Code::DateInFuture).with_value(d.to_string()));
    }
    Ok(d)
}

pub fn birth_year(field: &str, value: &str, ctx: &Context) -> Result<Option<i64>> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let y: i64 = v
        .parse()
        .map_err(|_| ValidationError::new(field, Code::InvalidNumber).with_value(v))?;
    if !(1900..=i64::from(ctx.today.year())).contains(&y) {
        return Err(ValidationError::new(field, Code::BirthYearRange).with_value(v));
    }
    Ok(Some(y))
}

/// A whole number within `range`.
pub fn number(field: &str, value: &str, range: std::ops::RangeInclusive<i64>) -> Result<i64> {
    let v = value.trim();
    let n: i64 = v
        .parse()
        .map_err(|_| ValidationError::new(field, Code::InvalidNumber).with_value(v))?;
    if !range.contains(&n) {
        return Err(ValidationError::new(field, Code::NumberRange).with_value(v));
    }
    Ok(n)
}

/// Hours as written by a person ("2", "1.5", "1,5") in tenths of an hour.
pub fn tenth_hours(field: &str, value: &str) -> Result<i64> {
    let v = value.trim().replace(',', ".");
    let h: f64 = v
        .parse()
        .map_err(|_| ValidationError::new(field, Code::InvalidNumber).with_value(value))?;
    if !(0.0..=1000.0).contains(&h) || !h.is_finite() {
        return Err(ValidationError::new(field, Code::NumberRange).with_value(value));
    }
    Ok((h * 10.0).round() as i64)
}

/// A known municipality, matched ignoring case and diacritics; returns its proper name.
pub fn municipality(field: &str, value: &str, ctx: &Context) -> Result<String> {
    let v = text(field, value, MAX_NAME)?;
    let key = fold(&v);
    let former = ctx.former.iter().map(|(f, _)| f);
    ctx.municipalities
        .iter()
        .chain(former)
        .find(|m| fold(m) == key)
        .cloned()
        .ok_or_else(|| {
            ValidationError::new(field, Code::UnknownMunicipality)
                .with_value(v)
                .with_valid(&ctx.municipalities)
        })
}

pub fn activity(field: &str, value: &str, ctx: &Context) -> Result<String> {
    let v = text(field, value, MAX_NAME)?.to_lowercase();
    ctx.activities
        .iter()
        .find(|a| **a == v)
        .cloned()
        .ok_or_else(|| {
            ValidationError::new(field, Code::UnknownActivity)
                .with_value(v)
                .with_valid(&ctx.activities)
        })
}

/// A code HQ makes up for a list value (`digital-skills`): 2 to 40 lowercase
/// letters, digits and hyphens.
pub fn code(field: &str, value: &str) -> Result<String> {
    let v = value.trim().to_lowercase();
    let ok = (2..=40).contains(&v.len())
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(v)
    } else {
        Err(ValidationError::new(field, Code::InvalidCode).with_value(value.trim()))
    }
}

pub fn language(field: &str, value: &str) -> Result<String> {
    let v = value.trim().to_lowercase();
    if reference::LANGUAGES.contains(&v.as_str()) {
        Ok(v)
    } else {
        Err(ValidationError::new(field, Code::UnknownLanguage)
            .with_value(value.trim())
            .with_valid(reference::LANGUAGES))
    }
}

pub fn target_group(field: &str, value: &str) -> Result<TargetGroup> {
    TargetGroup::parse(value).ok_or_else(|| {
        ValidationError::new(field, Code::UnknownTargetGroup)
            .with_value(value.trim())
            .with_valid(TargetGroup::ALL.iter().map(|t| t.as_str()))
    })
}

/// A target group of the list: a built-in one as its code or alias, or one HQ added.
pub fn target_group_in(field: &str, value: &str, ctx: &Context) -> Result<String> {
    if let Some(t) = TargetGroup::parse(value) {
        return Ok(t.as_str().to_string());
    }
    let v = value.trim().to_lowercase();
    if ctx.target_groups.contains(&v) {
        return Ok(v);
    }
    Err(ValidationError::new(field, Code::UnknownTargetGroup)
        .with_value(value.trim())
        .with_valid(&ctx.target_groups))
}

/// An event's head-count category: one of the list (built in or HQ's).
pub fn event_category(field: &str, value: &str, ctx: &Context) -> Result<String> {
    let v = text(field, value, 40)?.to_lowercase();
    if ctx.categories.contains(&v) {
        Ok(v)
    } else {
        Err(ValidationError::new(field, Code::UnknownCategory)
            .with_value(value.trim())
            .with_valid(&ctx.categories))
    }
}

pub fn gender(field: &str, value: &str) -> Result<Gender> {
    if value.trim().is_empty() {
        return Ok(Gender::Unknown);
    }
    let v = value.trim().to_lowercase();
    let g = match v.as_str() {
        "f" | "s" | "ж" => Some(Gender::Female),
        "m" | "v" | "м" => Some(Gender::Male),
        _ => Gender::parse(&v),
    };
    g.ok_or_else(|| {
        ValidationError::new(field, Code::UnknownGender)
            .with_value(value.trim())
            .with_valid(Gender::ALL.iter().map(|g| g.as_str()))
    })
}

pub fn family_role(field: &str, value: &str) -> Result<FamilyRole> {
    if value.trim().is_empty() {
        return Ok(FamilyRole::Other);
    }
    FamilyRole::parse(value).ok_or_else(|| {
        ValidationError::new(field, Code::UnknownRole)
            .with_value(value.trim())
            .with_valid(FamilyRole::ALL.iter().map(|r| r.as_str()))
    })
}

/// A set of codes checked one by one with `rule`.
pub fn codes<T: ToString>(
    field: &str,
    values: &[String],
    rule: impl Fn(&str, &str) -> Result<T>,
) -> Result<TagSet> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| rule(&format!("{field}[{}]", i + 1), v).map(|t| t.to_string()))
        .collect()
}

/// The raw fields of a family member as a person types them: by the CLI, the
/// desktop form (this is its contract) and the imports.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct MemberDraft {
    pub given_name: String,
    pub family_name: String,
    pub birth_year: String,
    pub gender: String,
    pub role: String,
    /// Values of HQ's person fields: field code → text as typed.
    pub fields: BTreeMap<String, String>,
}

impl MemberDraft {
    /// The member as added to a family called `family`: a member typed without a
    /// surname takes the family's (most households share one).
    pub fn in_family(&self, family: &str) -> MemberDraft {
        let mut m = self.clone();
        if m.family_name.trim().is_empty() {
            m.family_name = family.trim().to_string();
        }
        m
    }

    pub fn validate(&self, field: &str, ctx: &Context) -> Result<Member> {
        let fields = field_values("person", &format!("{field}."), &self.fields, ctx, true)?;
        Ok(Member {
            fields: kept(fields),
            given_name: name(&format!("{field}.given_name"), &self.given_name)?,
            family_name: name(&format!("{field}.family_name"), &self.family_name)?,
            birth_year: birth_year(&format!("{field}.birth_year"), &self.birth_year, ctx)?,
            birth_date: None,
            gender: gender(&format!("{field}.gender"), &self.gender)?,
            role: family_role(&format!("{field}.role"), &self.role)?,
            target_groups: TagSet::default(),
        })
    }
}

/// Values typed for HQ's fields of a `record` (`family`, `person`…), field code →
/// raw text, each checked by its definition (errors name `<prefix>fields.<code>`).
/// A code no active field of that record has is `unknown-field`, naming the ones it
/// has. Creating a record, a required field left out is `required`; editing one,
/// only the fields given change. Returns code → value to keep, `None` to clear it.
pub fn field_values(
    record: &str,
    prefix: &str,
    given: &BTreeMap<String, String>,
    ctx: &Context,
    creating: bool,
) -> Result<BTreeMap<String, Option<String>>> {
    let active = ctx.fields_of(record);
    let mut out = BTreeMap::new();
    for (code, raw) in given {
        let field = format!("{prefix}fields.{code}");
        let key = code.trim().to_lowercase();
        let Some((code, def)) = active.iter().find(|(c, _)| **c == key) else {
            return Err(ValidationError::new(field, Code::UnknownField)
                .with_value(code.trim())
                .with_valid(active.iter().map(|(c, _)| c.as_str())));
        };
        out.insert(code.to_string(), def.check(&field, raw)?);
    }
    if creating {
        for (code, def) in &active {
            if def.required && !out.contains_key(*code) {
                return Err(ValidationError::new(
                    format!("{prefix}fields.{code}"),
                    Code::Required,
                ));
            }
        }
    }
    Ok(out)
}

/// The values to keep of a new record (cleared ones left out).
pub fn kept(values: BTreeMap<String, Option<String>>) -> BTreeMap<String, String> {
    values
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
}

/// A head count of one category (guests of a session, an event's spectators): the
/// category lower-cased, the count between 0 and 100,000.
pub fn head_count(field: &str, category: &str, n: i64) -> Result<(String, i64)> {
    let cat = text(field, category, 40)?.to_lowercase();
    if !(0..=100_000).contains(&n) {
        return Err(ValidationError::new(field, Code::NumberRange).with_value(n.to_string()));
    }
    Ok((cat, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_without_surname_takes_the_familys() {
        let m = MemberDraft {
            given_name: "Anna".into(),
            ..Default::default()
        };
        assert_eq!(m.in_family(" Bērziņi ").family_name, "Bērziņi");
        assert_eq!(
            name("family_name", "1985").unwrap_err().code,
            Code::NotAName
        );
        assert_eq!(name("family_name", " Иванова ").unwrap(), "Иванова");
        assert_eq!(name("name", "Ģimene 3").unwrap(), "Ģimene 3");
        let own = MemberDraft {
            family_name: "Ozola".into(),
            ..m
        };
        assert_eq!(own.in_family("Bērziņi").family_name, "Ozola");
    }

    fn ctx() -> Context {
        Context::builtin(Date::from_ymd(2026, 11, 23).unwrap())
    }

    #[test]
    fn an_id_that_is_not_one_names_the_field_and_keeps_the_value() {
        let e = id::<crate::FamilyId>("family", "nope").unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("family", Code::InvalidId));
        assert_eq!(e.value.as_deref(), Some("nope"));
    }

    #[test]
    fn municipality_matches_without_diacritics() {
        assert_eq!(municipality("m", "kraslava", &ctx()).unwrap(), "Krāslava");
        let e = municipality("m", "Atlantis", &ctx()).unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("m", Code::UnknownMunicipality));
    }

    #[test]
    fn a_member_is_checked_field_by_field() {
        let draft = |year: &str| MemberDraft {
            given_name: "Anna".into(),
            family_name: "Ivanova".into(),
            birth_year: year.into(),
            gender: "f".into(),
            role: "parent".into(),
            fields: BTreeMap::new(),
        };
        let m = draft("1984").validate("member[1]", &ctx()).unwrap();
        assert_eq!(
            (m.birth_year, m.gender, m.role),
            (Some(1984), Gender::Female, FamilyRole::Parent)
        );
        let e = draft("2099").validate("member[1]", &ctx()).unwrap_err();
        assert_eq!(e.field, "member[1].birth_year");
        assert_eq!(e.code, Code::BirthYearRange);
    }

    #[test]
    fn dates_are_checked() {
        assert_eq!(
            date("date", "2026-13-01").unwrap_err().code,
            Code::InvalidDate
        );
        assert_eq!(
            past_date("date", "2027-01-01", &ctx()).unwrap_err().code,
            Code::DateInFuture
        );
        assert_eq!(tenth_hours("hours", "1,5").unwrap(), 15);
        assert_eq!(
            head_count("guests", " Child ", 3).unwrap(),
            ("child".into(), 3)
        );
        assert_eq!(
            head_count("guests", "child", -1).unwrap_err().code,
            Code::NumberRange
        );
        assert_eq!(
            head_count("guests", " ", 1).unwrap_err().code,
            Code::Required
        );
    }
}
