//! HQ's reference data: donor projects and their indicators, and the reference lists
//! HQ adds to (municipalities with their renames, activity types).

use super::Registry;
use crate::collection::Collection;
use crate::docs::DocId;
use crate::error::{Error, Result};
use crate::views::*;
use kopa_domain::text::fold;
use kopa_domain::validate::Context;
use kopa_domain::validate::{self as v};
use kopa_domain::*;
use rusqlite::OptionalExtension;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default)]
pub struct ProjectDraft {
    pub name: String,
    pub donor: String,
    pub start: String,
    pub end: String,
    pub branches: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct IndicatorDraft {
    pub project: String,
    pub name: String,
    pub rule: Rule,
    /// Thresholds (`MinSessions`, "8": a whole number in the parameter's range) and
    /// filters (`Activity`, "senior-club").
    pub params: Vec<(Param, String)>,
    /// Filters on HQ's fields (`field.housing`, "rented,own") and on disability
    /// (`disability`, "yes"): persons whose value is any of those given.
    pub field_filters: Vec<(String, String)>,
    pub target: String,
}

/// A reference list HQ adds values to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefList {
    Municipality,
    Activity,
    TargetGroup,
    /// Event head-count categories.
    Category,
}

impl RefList {
    pub const ALL: [RefList; 4] = [
        RefList::Municipality,
        RefList::Activity,
        RefList::TargetGroup,
        RefList::Category,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RefList::Municipality => "municipality",
            RefList::Activity => "activity",
            RefList::TargetGroup => "target-group",
            RefList::Category => "category",
        }
    }

    pub fn parse(s: &str) -> Option<RefList> {
        let s = s.trim().to_lowercase();
        RefList::ALL.into_iter().find(|l| l.as_str() == s)
    }

    fn collection(self) -> Collection {
        match self {
            RefList::Municipality => Collection::Municipalities,
            RefList::Activity => Collection::Activities,
            RefList::TargetGroup => Collection::TargetGroups,
            RefList::Category => Collection::Categories,
        }
    }
}

/// A value for a reference list: a municipality's name or an activity's code, its
/// labels, and for a municipality that was merged or renamed, the last day it
/// existed and the municipality it became part of.
#[derive(Clone, Debug, Default)]
pub struct ListValueDraft {
    pub value: String,
    /// `(language, label)`: `lv`, `ru` or `en`.
    pub labels: Vec<(String, String)>,
    pub until: Option<String>,
    pub becomes: Option<String>,
}

impl Registry {
    /// Adds a value to a reference list, or relabels or retires one already there
    /// (built in or HQ's): every replica accepts it once the reference document
    /// reaches it. Records keep the value they were written with. Only HQ.
    pub fn add_list_value(&mut self, list: RefList, draft: &ListValueDraft) -> Result<()> {
        self.require_hq("edit reference lists")?;
        self.allow(Action::ReferenceData)?;
        let ctx = self.context()?;
        let value = match list {
            RefList::Municipality => {
                let v = v::text("value", &draft.value, v::MAX_NAME)?;
                // The spelling already known, if it is known.
                v::municipality("value", &v, &ctx).unwrap_or(v)
            }
            RefList::Activity | RefList::TargetGroup | RefList::Category => {
                v::code("value", &draft.value)?
            }
        };
        let mut labels = BTreeMap::new();
        for (i, (lang, label)) in draft.labels.iter().enumerate() {
            let field = format!("label[{}]", i + 1);
            let lang = v::language(&field, lang)?;
            if !["lv", "ru", "en"].contains(&lang.as_str()) {
                return Err(ValidationError::new(field, Code::UnknownLanguage)
                    .with_value(lang)
                    .with_valid(["lv", "ru", "en"])
                    .into());
            }
            labels.insert(lang, v::text(&field, label, v::MAX_NAME)?);
        }
        let given = |s: &Option<String>| {
            s.as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(String::from)
        };
        let until = given(&draft.until)
            .map(|d| v::date("until", &d))
            .transpose()?;
        let successor = given(&draft.becomes)
            .map(|m| v::municipality("becomes", &m, &ctx))
            .transpose()?;
        if list != RefList::Municipality && (until.is_some() || successor.is_some()) {
            return Err(ValidationError::new("until", Code::InvalidParam).into());
        }
        if successor
            .as_deref()
            .is_some_and(|s| fold(s) == fold(&value))
        {
            return Err(ValidationError::new("becomes", Code::InvalidParam)
                .with_value(&value)
                .into());
        }
        let entry = ListValue {
            labels,
            until,
            successor,
        };
        self.ensure_reference()?;
        self.write(DocId::Reference, "list.value", |e| {
            let map = e.collection_or_new(list.collection(), &value)?;
            e.record(&value);
            e.insert(&map, &value, &entry)
        })
    }

    /// The reference lists as this replica knows them now: the built-in ones with
    /// what HQ added, renamed or retired.
    pub fn lists(&self) -> Result<Context> {
        self.context()
    }

    /// The built-in lists as of `today`, with HQ's values: a municipality HQ gave an
    /// end and a successor moves to the former ones; a new one joins the current.
    pub(super) fn lists_on(&self, today: Date) -> Result<Context> {
        let mut ctx = Context::builtin(today);
        let mut s = self
            .db()
            .prepare_cached("SELECT code, successor FROM p_municipalities ORDER BY code")?;
        let rows: Vec<(String, Option<String>)> = s
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (name, successor) in rows {
            ctx.municipalities.retain(|m| fold(m) != fold(&name));
            ctx.former.retain(|(f, _)| fold(f) != fold(&name));
            match successor {
                Some(next) => ctx.former.push((name, next)),
                None => ctx.municipalities.push(name),
            }
        }
        for list in RefList::ALL {
            let (table, _) = list.collection().table();
            let sql = format!(
                "SELECT {}, labels FROM {table} ORDER BY 1",
                list.collection().table().1
            );
            let mut s = self.db().prepare_cached(&sql)?;
            let rows = s.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            for row in rows {
                let (code, labels) = row?;
                let labels: BTreeMap<String, String> =
                    serde_json::from_str(&labels).unwrap_or_default();
                if !labels.is_empty() {
                    ctx.labels
                        .insert(format!("{}:{code}", list.as_str()), labels);
                }
                let into = match list {
                    RefList::Municipality => continue,
                    RefList::Activity => &mut ctx.activities,
                    RefList::TargetGroup => &mut ctx.target_groups,
                    RefList::Category => &mut ctx.categories,
                };
                if !into.contains(&code) {
                    into.push(code);
                }
            }
        }
        self.add_fields(&mut ctx)?;
        Ok(ctx)
    }

    pub(super) fn ensure_reference(&mut self) -> Result<()> {
        if !self.holds(DocId::Reference)? {
            self.create_reference_doc()?;
        }
        Ok(())
    }

    pub(super) fn require_hq(&self, action: &'static str) -> Result<()> {
        if self.me().role != Role::Hq {
            return Err(Error::NotAllowed {
                role: self.me().role.as_str().into(),
                action,
            });
        }
        Ok(())
    }

    /// Defines a donor project. Only HQ writes reference data.
    pub fn add_project(&mut self, draft: &ProjectDraft) -> Result<ProjectId> {
        self.require_hq("define projects")?;
        self.allow(Action::ReferenceData)?;
        self.put_project(draft)
    }

    /// Writes a project without the role check: the demo branch's copy of what HQ sent.
    pub(crate) fn put_project(&mut self, draft: &ProjectDraft) -> Result<ProjectId> {
        let start = v::date("start", &draft.start)?;
        let end = v::date("end", &draft.end)?;
        if end < start {
            return Err(ValidationError::new("end", Code::DateOrder).into());
        }
        let project = Project {
            name: v::text("name", &draft.name, v::MAX_NAME)?,
            donor: v::text("donor", &draft.donor, v::MAX_NAME)?,
            start,
            end,
            branches: self.branch_ids(&draft.branches)?,
        };
        self.ensure_reference()?;
        let id = self.fresh(ProjectId::new);
        self.write(DocId::Reference, "project.add", |e| {
            let projects = e.collection(Collection::Projects)?;
            e.insert(&projects, &id.key(), &project)
        })?;
        Ok(id)
    }

    /// Adds an indicator with its rule and target to a project. Only HQ.
    pub fn add_indicator(&mut self, draft: &IndicatorDraft) -> Result<IndicatorId> {
        self.require_hq("define indicators")?;
        self.allow(Action::ReferenceData)?;
        self.put_indicator(draft)
    }

    pub(crate) fn put_indicator(&mut self, draft: &IndicatorDraft) -> Result<IndicatorId> {
        let project: ProjectId = draft.project.parse().map_err(|_| {
            ValidationError::new("project", Code::InvalidId).with_value(&draft.project)
        })?;
        Collection::Projects.require(self.db(), &project.key())?;
        let rule = draft.rule.as_str().to_string();
        let lists = self.filter_lists()?;
        let mut params = BTreeMap::new();
        for (i, (param, value)) in draft.params.iter().enumerate() {
            let field = format!("param[{}]", i + 1);
            params.insert(
                param.as_str().to_string(),
                param.check(&field, value, &lists)?,
            );
        }
        for (i, (key, value)) in draft.field_filters.iter().enumerate() {
            let field = format!("param[{}]", draft.params.len() + i + 1);
            let checked = kopa_domain::indicator::check_field_filter(key, &field, value, &lists)?;
            let key = key.trim().to_lowercase();
            let key = if key == kopa_domain::indicator::DISABILITY || key.starts_with("field.") {
                key
            } else {
                format!("field.{key}")
            };
            params.insert(key, checked);
        }
        let last: Option<i64> = self.db().query_row(
            "SELECT max(position) FROM p_indicators WHERE project_id = ?1",
            [project.key()],
            |r| r.get(0),
        )?;
        let indicator = Indicator {
            project: project.key(),
            name: v::text("name", &draft.name, v::MAX_NAME)?,
            rule,
            params,
            target: v::number("target", &draft.target, 0..=10_000_000)?,
            position: Some(last.unwrap_or(0) + 1),
        };
        let id = self.fresh(IndicatorId::new);
        self.write(DocId::Reference, "indicator.add", |e| {
            let list = e.collection(Collection::Indicators)?;
            e.insert(&list, &id.key(), &indicator)?;
            e.record(&project.key());
            Ok(())
        })?;
        Ok(id)
    }

    /// Moves an indicator to place `to` (1 = first) among its project's, the others
    /// keeping their order; returns the project as it is now. Only HQ.
    pub fn move_indicator(&mut self, id: IndicatorId, to: usize) -> Result<ProjectView> {
        self.require_hq("define indicators")?;
        self.allow(Action::ReferenceData)?;
        let key = id.key();
        Collection::Indicators.require(self.db(), &key)?;
        let project: String = self.db().query_row(
            "SELECT project_id FROM p_indicators WHERE id = ?1",
            [&key],
            |r| r.get(0),
        )?;
        let mut order: Vec<String> = self
            .project_view(&project)?
            .indicators
            .into_iter()
            .map(|i| i.id)
            .filter(|i| *i != key)
            .collect();
        let n = order.len() as i64 + 1;
        let to = v::number("to", &to.to_string(), 1..=n)?;
        order.insert(to as usize - 1, key.clone());
        self.write(DocId::Reference, "indicator.move", |e| {
            let list = e.collection(Collection::Indicators)?;
            for (i, id) in order.iter().enumerate() {
                let ind = e.map(&list, id)?;
                e.set(&ind, "position", &Some(i as i64 + 1), "position")?;
                e.record(id);
            }
            Ok(())
        })?;
        self.project_view(&project)
    }

    /// What an indicator's filters are checked against: the reference lists, the
    /// branches HQ knows, and the head-count categories events have used.
    pub fn filter_lists(&self) -> Result<FilterLists> {
        let mut s = self
            .db()
            .prepare_cached("SELECT id, name FROM p_branches ORDER BY name, id")?;
        let branches = s
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut s = self
            .db()
            .prepare_cached("SELECT DISTINCT category FROM p_event_counts ORDER BY category")?;
        let categories = s
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(FilterLists {
            ctx: self.context()?,
            branches,
            categories,
        })
    }

    /// Branches named by id or by name, as ids; one HQ does not know is an error
    /// naming the ones it does (a project's report would otherwise count nothing).
    fn branch_ids(&self, branches: &[String]) -> Result<TagSet> {
        let lists = self.filter_lists()?;
        let mut out = TagSet::default();
        for (i, b) in branches.iter().enumerate() {
            let field = format!("branch[{}]", i + 1);
            out.0.extend(
                Param::Branch
                    .check(&field, b, &lists)?
                    .split(',')
                    .map(String::from),
            );
        }
        Ok(out)
    }

    pub fn list_projects(&self) -> Result<Vec<ProjectView>> {
        let mut s = self
            .db()
            .prepare_cached("SELECT id FROM p_projects ORDER BY start, name, id")?;
        let ids: Vec<String> = s
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.iter().map(|id| self.project_view(id)).collect()
    }

    pub fn project(&self, id: ProjectId) -> Result<ProjectView> {
        self.project_view(&id.key())
    }

    fn project_view(&self, id: &str) -> Result<ProjectView> {
        let row = self
            .db()
            .query_row(
                "SELECT name, donor, start, end, branches FROM p_projects WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                    ))
                },
            )
            .optional()?
            .ok_or(Error::NotFound {
                kind: "project",
                id: id.to_string(),
            })?;
        let mut s = self.db().prepare_cached(
            "SELECT id, name, rule, params, target FROM p_indicators WHERE project_id = ?1
             ORDER BY position IS NULL, position, id",
        )?;
        let indicators = s
            .query_map([id], |r| {
                let params: String = r.get(3)?;
                Ok(IndicatorView {
                    id: r.get(0)?,
                    project_id: id.to_string(),
                    name: r.get(1)?,
                    rule: r.get(2)?,
                    params: serde_json::from_str(&params).unwrap_or_default(),
                    target: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ProjectView {
            id: id.to_string(),
            name: row.0,
            donor: row.1,
            start: row.2,
            end: row.3,
            branches: serde_json::from_str(&row.4).unwrap_or_default(),
            indicators,
        })
    }
}
