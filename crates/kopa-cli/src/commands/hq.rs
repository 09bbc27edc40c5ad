//! `kopa project`, `kopa indicator`: HQ's reference data for donor reports.

use super::parse_id;
use crate::cli::{IndicatorCmd, ProjectCmd};
use crate::output::{self, Out};
use crate::{CliError, Result};
use kopa_domain::{Code, Param, Rule, ValidationError};
use kopa_registry::{Error, IndicatorDraft, ProjectDraft, Registry};

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
                rule: Rule::parse("rule", rule).map_err(invalid)?,
                params: indicator_params(param)?,
                target: target.clone(),
            })?;
            out.id(&id.key());
        }
        IndicatorCmd::Move { id, to } => {
            let p = reg.move_indicator(parse_id(id)?, *to)?;
            out.value(&p, || output::project(&p));
        }
    }
    Ok(())
}

fn invalid(e: ValidationError) -> CliError {
    CliError::from(Error::Validation(e))
}

/// `--param KEY=VALUE` arguments as typed parameters; an unknown key, or one
/// without `=`, is `invalid-param` on `param[i]`.
fn indicator_params(args: &[String]) -> Result<Vec<(Param, String)>> {
    args.iter()
        .enumerate()
        .map(|(i, arg)| {
            let field = format!("param[{}]", i + 1);
            let (key, value) = arg.split_once('=').ok_or_else(|| {
                invalid(ValidationError::new(&field, Code::InvalidParam).with_value(arg))
            })?;
            let param = Param::parse(&field, key).map_err(|e| invalid(e.with_value(arg)))?;
            Ok((param, value.trim().to_string()))
        })
        .collect()
}
