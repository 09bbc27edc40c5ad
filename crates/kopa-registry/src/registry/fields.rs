//! Fields HQ adds to families, persons, groups, sessions and events: defining,
//! relabelling and retiring them (reference data, HQ only), the ready-made
//! Washington Group set, and reading a record's values.

use super::Registry;
use crate::collection::Collection;
use crate::docs::DocId;
use crate::error::Result;
use kopa_domain::fields::{washington_group as wg, FieldKind, RECORDS};
use kopa_domain::validate::{self as v, Context};
use kopa_domain::*;
use std::collections::BTreeMap;

/// A field as HQ writes it. Defining a code again relabels it (its kind and record
/// stay: values already kept would not read the same otherwise).
#[derive(Clone, Debug, Default)]
pub struct FieldDraft {
    /// The field's code (`housing`): lowercase letters, digits and hyphens.
    pub code: String,
    /// family, person, group, session or event.
    pub on: String,
    /// text, number, date, yes-no, choice or choices.
    pub kind: String,
    /// `(language, label)`, lv, ru or en.
    pub labels: Vec<(String, String)>,
    pub help: Vec<(String, String)>,
    /// For a choice: `(option code, [(language, label)])`.
    pub options: Vec<(String, Vec<(String, String)>)>,
    pub required: bool,
    pub min: Option<String>,
    pub max: Option<String>,
    /// Only the records of this project's branches have it.
    pub project: Option<String>,
}

/// The languages labels are written in.
const LANGS: [&str; 3] = ["lv", "ru", "en"];

fn labels(field: &str, given: &[(String, String)]) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (i, (lang, text)) in given.iter().enumerate() {
        let at = format!("{field}[{}]", i + 1);
        let lang = lang.trim().to_lowercase();
        if !LANGS.contains(&lang.as_str()) {
            return Err(ValidationError::new(at, Code::UnknownLanguage)
                .with_value(lang)
                .with_valid(LANGS)
                .into());
        }
        out.insert(lang, v::text(&at, text, v::MAX_TEXT)?);
    }
    Ok(out)
}

impl Registry {
    /// Defines a field, or relabels one already defined. Only HQ; every replica
    /// validates and shows it once the reference document reaches it.
    pub fn define_field(&mut self, d: &FieldDraft) -> Result<()> {
        self.require_hq("define fields")?;
        self.allow(Action::ReferenceData)?;
        let code = v::code("code", &d.code)?;
        let on = d.on.trim().to_lowercase();
        if !RECORDS.contains(&on.as_str()) {
            return Err(ValidationError::new("on", Code::InvalidParam)
                .with_value(&d.on)
                .with_valid(RECORDS)
                .into());
        }
        let kind = FieldKind::parse(&d.kind).ok_or_else(|| {
            ValidationError::new("kind", Code::InvalidParam)
                .with_value(&d.kind)
                .with_valid(FieldKind::ALL.iter().map(|k| k.as_str()))
        })?;
        let mut options = BTreeMap::new();
        for (i, (opt, l)) in d.options.iter().enumerate() {
            let at = format!("option[{}]", i + 1);
            options.insert(v::code(&at, opt)?, labels(&at, l)?);
        }
        if matches!(kind, FieldKind::Choice | FieldKind::Choices) && options.is_empty() {
            return Err(ValidationError::new("option", Code::Required).into());
        }
        let bound = |f: &str, s: &Option<String>| -> Result<Option<i64>> {
            Ok(
                match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                    Some(s) => Some(v::number(f, s, -1_000_000_000..=1_000_000_000)?),
                    None => None,
                },
            )
        };
        let project = match d
            .project
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(p) => {
                let id: ProjectId = v::id("project", p)?;
                Collection::Projects.require(self.db(), &id.key())?;
                Some(id.key())
            }
            None => None,
        };
        let known = self.field_defs()?;
        let position = match known.get(&code) {
            Some(old) if old.on != on || old.kind != kind.as_str() => {
                return Err(ValidationError::new("kind", Code::InvalidParam)
                    .with_value(format!("{on} {}", kind.as_str()))
                    .with_valid([format!("{} {}", old.on, old.kind)])
                    .into());
            }
            Some(old) => old.position,
            None => known.values().filter(|f| f.on == on).count() as i64 + 1,
        };
        let def = FieldDef {
            on,
            kind: kind.as_str().into(),
            labels: labels("label", &d.labels)?,
            help: labels("help", &d.help)?,
            options,
            required: d.required,
            min: bound("min", &d.min)?,
            max: bound("max", &d.max)?,
            project,
            retired: false,
            position,
            set: known.get(&code).and_then(|f| f.set.clone()),
        };
        if def.label("lv").is_empty() {
            return Err(ValidationError::new("label", Code::Required).into());
        }
        self.put_field(&code, &def)
    }

    /// Hides a field from forms and refuses new values; every value kept stays, and
    /// defining it again brings it back. Only HQ.
    pub fn retire_field(&mut self, code: &str) -> Result<()> {
        self.require_hq("define fields")?;
        self.allow(Action::ReferenceData)?;
        let known = self.field_defs()?;
        let Some(def) = known.get(code.trim()) else {
            return Err(ValidationError::new("code", Code::UnknownField)
                .with_value(code.trim())
                .with_valid(known.keys())
                .into());
        };
        let def = FieldDef {
            retired: true,
            ..def.clone()
        };
        self.put_field(code.trim(), &def)
    }

    /// Switches on a ready-made set of fields: `washington-group`, the six questions
    /// of the Washington Group Short Set on every person, which give reports their
    /// disability breakdown. Returns the fields' codes. Only HQ.
    pub fn enable_field_set(&mut self, set: &str) -> Result<Vec<String>> {
        self.require_hq("define fields")?;
        self.allow(Action::ReferenceData)?;
        self.put_field_set(set)
    }

    /// Writes a ready-made set without the role check: the demo branch's copy of
    /// what HQ sent.
    pub(crate) fn put_field_set(&mut self, set: &str) -> Result<Vec<String>> {
        if set.trim() != wg::SET {
            return Err(ValidationError::new("set", Code::InvalidParam)
                .with_value(set.trim())
                .with_valid([wg::SET])
                .into());
        }
        let tri = |lv: &str, ru: &str, en: &str| {
            BTreeMap::from([
                ("lv".to_string(), lv.to_string()),
                ("ru".to_string(), ru.to_string()),
                ("en".to_string(), en.to_string()),
            ])
        };
        let options: BTreeMap<String, BTreeMap<String, String>> = wg::ANSWERS
            .iter()
            .map(|(c, lv, ru, en)| (c.to_string(), tri(lv, ru, en)))
            .collect();
        let known = self.field_defs()?;
        let mut position = known.values().filter(|f| f.on == "person").count() as i64;
        let mut codes = vec![];
        for (code, lv, ru, en) in wg::QUESTIONS {
            position += 1;
            let def = FieldDef {
                on: "person".into(),
                kind: FieldKind::Choice.as_str().into(),
                labels: tri(lv, ru, en),
                options: options.clone(),
                position: known.get(code).map(|d| d.position).unwrap_or(position),
                set: Some(wg::SET.into()),
                ..Default::default()
            };
            self.put_field(code, &def)?;
            codes.push(code.to_string());
        }
        Ok(codes)
    }

    /// Writes a field's definition without the role check (the demo branch's copy of
    /// what HQ sent; `define_field` checks).
    pub(crate) fn put_field(&mut self, code: &str, def: &FieldDef) -> Result<()> {
        self.ensure_reference()?;
        self.write(DocId::Reference, "field.define", |e| {
            // A reference document made before fields existed has no map yet; if two
            // HQ computers add one at once, both are read (`projection::maps_at`).
            let map = e.collection_or_new(Collection::Fields, code)?;
            e.insert(&map, code, def)
        })
    }

    /// Every field HQ defined, retired ones included: code → definition.
    pub fn field_defs(&self) -> Result<BTreeMap<String, FieldDef>> {
        let mut s = self
            .db()
            .prepare_cached("SELECT code, def FROM p_fields ORDER BY code")?;
        let rows = s.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = BTreeMap::new();
        for row in rows {
            let (code, def) = row?;
            if let Ok(def) = serde_json::from_str(&def) {
                out.insert(code, def);
            }
        }
        Ok(out)
    }

    /// A record's values of HQ's fields (a family, person, group, session or event).
    pub fn field_values(&self, record: &str) -> Result<BTreeMap<String, String>> {
        let mut s = self
            .db()
            .prepare_cached("SELECT field, value FROM p_field_values WHERE record_id = ?1")?;
        let rows = s.query_map([record], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Adds the fields that apply here to `ctx`: those of every branch, and those of
    /// a project this branch is in (HQ: all).
    pub(super) fn add_fields(&self, ctx: &mut Context) -> Result<()> {
        let me = self.me().branch.key();
        let hq = self.me().role == Role::Hq;
        let mut projects: BTreeMap<String, bool> = BTreeMap::new();
        for (code, def) in self.field_defs()? {
            let applies = match &def.project {
                None => true,
                Some(_) if hq => true,
                Some(p) => match projects.get(p) {
                    Some(yes) => *yes,
                    None => {
                        let yes = self
                            .list_projects()?
                            .iter()
                            .any(|x| x.id == *p && x.branches.contains(&me));
                        projects.insert(p.clone(), yes);
                        yes
                    }
                },
            };
            if applies {
                ctx.fields.insert(code, def);
            }
        }
        Ok(())
    }
}
