//! `kopa project`, `kopa indicator`: HQ's reference data for donor reports.

use super::parse_id;
use crate::cli::{IndicatorCmd, ProjectCmd};
use crate::output::{self, Out};
use crate::Result;
use kopa_registry::{IndicatorDraft, ProjectDraft, Registry};

pub fn project(reg: &mut Registry, cmd: &ProjectCmd, out: &Out) -> Result<()> {
    match cmd {
        ProjectCmd::Add {
            name,
            donor,
            start,
            end,
            branch,
        } => {
            let id = reg.add_project(&ProjectDraft {
                name: name.clone(),
                donor: donor.clone(),
                start: start.clone(),
                end: end.clone(),
                branches: branch.clone(),
            })?;
            out.id(&id.key());
        }
        ProjectCmd::List => {
            let list = reg.list_projects()?;
            out.value(&list, || output::projects(&list));
        }
        ProjectCmd::Show { id } => {
            let p = reg.project(parse_id(id)?)?;
            out.value(&p, || output::project(&p));
        }
    }
    Ok(())
}

pub fn indicator(reg: &mut Registry, cmd: &IndicatorCmd, out: &Out) -> Result<()> {
    match cmd {
        IndicatorCmd::Add {
            project,
            name,
            rule,
            param,
            target,
        } => {
            let id = reg.add_indicator(&IndicatorDraft {
                project: project.clone(),
                name: name.clone(),
                rule: rule.clone(),
                params: param.clone(),
                target: target.clone(),
            })?;
            out.id(&id.key());
        }
    }
    Ok(())
}
