//! HQ's reference data: donor projects and their indicators.

use super::Registry;
use crate::collection::Collection;
use crate::docs::DocId;
use crate::error::{Error, Result};
use crate::views::*;
use automerge::ROOT;
use kopa_domain::validate::{self as v};
use kopa_domain::*;
use rusqlite::OptionalExtension;
use std::collections::BTreeMap;

/// Indicator rule types (see `kopa-report`).
pub const INDICATOR_RULES: &[&str] = &[
    "distinct-persons",
    "attendances",
    "sessions-held",
    "functioning-groups",
    "regular-participants",
    "event-head-counts",
    "trained-volunteers",
];

/// Indicator parameters: thresholds and filters.
pub const INDICATOR_PARAMS: &[&str] = &[
    "min-sessions",
    "min-percent",
    "min-hours",
    "category",
    "target-group",
    "age-band",
    "gender",
    "activity",
    "municipality",
    "language",
    "branch",
];

#[derive(Clone, Debug, Default)]
pub struct ProjectDraft {
    pub name: String,
    pub donor: String,
    pub start: String,
    pub end: String,
    pub branches: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct IndicatorDraft {
    pub project: String,
    pub name: String,
    pub rule: String,
    /// `key=value`: thresholds (`min-sessions=8`) and filters (`activity=senior-club`).
    pub params: Vec<String>,
    pub target: String,
}

impl Registry {
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
            branches: draft.branches.iter().cloned().collect(),
        };
        self.ensure_reference()?;
        let id = self.fresh(ProjectId::new);
        self.write(DocId::Reference, "project.add", |e| {
            let projects = e.map(&ROOT, "projects")?;
            e.insert(&projects, &id.key(), &project)
        })?;
        Ok(id)
    }

    /// Adds an indicator with its rule and target to a project. Only HQ.
    pub fn add_indicator(&mut self, draft: &IndicatorDraft) -> Result<IndicatorId> {
        self.require_hq("define indicators")?;
        self.put_indicator(draft)
    }

    pub(crate) fn put_indicator(&mut self, draft: &IndicatorDraft) -> Result<IndicatorId> {
        let project: ProjectId = draft.project.parse().map_err(|_| {
            ValidationError::new("project", Code::InvalidId).with_value(&draft.project)
        })?;
        Collection::Projects.require(self.db(), &project.key())?;
        let rule = draft.rule.trim().to_lowercase();
        if !INDICATOR_RULES.contains(&rule.as_str()) {
            return Err(ValidationError::new("rule", Code::UnknownRule)
                .with_value(&draft.rule)
                .into());
        }
        let mut params = BTreeMap::new();
        for (i, p) in draft.params.iter().enumerate() {
            let field = format!("param[{}]", i + 1);
            let (k, val) = p
                .split_once('=')
                .ok_or_else(|| ValidationError::new(&field, Code::InvalidParam).with_value(p))?;
            let k = k.trim().to_lowercase();
            if !INDICATOR_PARAMS.contains(&k.as_str()) {
                return Err(ValidationError::new(&field, Code::InvalidParam)
                    .with_value(p)
                    .into());
            }
            params.insert(k, val.trim().to_string());
        }
        let indicator = Indicator {
            project: project.key(),
            name: v::text("name", &draft.name, v::MAX_NAME)?,
            rule,
            params,
            target: v::number("target", &draft.target, 0..=10_000_000)?,
        };
        let id = self.fresh(IndicatorId::new);
        self.write(DocId::Reference, "indicator.add", |e| {
            let list = e.map(&ROOT, "indicators")?;
            e.insert(&list, &id.key(), &indicator)?;
            e.record(&project.key());
            Ok(())
        })?;
        Ok(id)
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
            "SELECT id, name, rule, params, target FROM p_indicators WHERE project_id = ?1 ORDER BY name, id",
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
