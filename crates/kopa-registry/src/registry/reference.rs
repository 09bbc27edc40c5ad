//! HQ's reference data: donor projects and their indicators.

use super::Registry;
use crate::collection::Collection;
use crate::docs::DocId;
use crate::error::{Error, Result};
use crate::views::*;
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
            let projects = e.collection(Collection::Projects)?;
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
        let rule = draft.rule.as_str().to_string();
        let mut params = BTreeMap::new();
        for (i, (param, value)) in draft.params.iter().enumerate() {
            let field = format!("param[{}]", i + 1);
            // A threshold that is not a number would count as its default.
            let value = match param.threshold() {
                Some(range) => v::number(&field, value, range)?.to_string(),
                None => v::text(&field, value, v::MAX_NAME)?,
            };
            params.insert(param.as_str().to_string(), value);
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
            let list = e.collection(Collection::Indicators)?;
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
