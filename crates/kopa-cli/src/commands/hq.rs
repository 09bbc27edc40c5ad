//! `kopa project`, `kopa indicator`: HQ's reference data for donor reports.

use super::parse_id;
use crate::cli::{IndicatorCmd, ListCmd, ProjectCmd};
use crate::output::{self, Out};
use crate::{CliError, Result};
use kopa_domain::{Code, Param, Rule, ValidationError};
use kopa_registry::{Error, IndicatorDraft, ListValueDraft, ProjectDraft, RefList, Registry};

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

pub fn list(reg: &mut Registry, cmd: &ListCmd, out: &Out) -> Result<()> {
    match cmd {
        ListCmd::Add {
            list,
            value,
            label,
            until,
            becomes,
        } => {
            let kind = RefList::parse(list).ok_or_else(|| {
                invalid(
                    ValidationError::new("list", Code::InvalidParam)
                        .with_value(list)
                        .with_valid(["municipality", "activity"]),
                )
            })?;
            let mut labels = vec![];
            for (i, l) in label.iter().enumerate() {
                let (lang, text) = l.split_once('=').ok_or_else(|| {
                    let field = format!("label[{}]", i + 1);
                    invalid(ValidationError::new(field, Code::InvalidParam).with_value(l))
                })?;
                labels.push((lang.to_string(), text.to_string()));
            }
            reg.add_list_value(
                kind,
                &ListValueDraft {
                    value: value.clone(),
                    labels,
                    until: until.clone(),
                    becomes: becomes.clone(),
                },
            )?;
            out.id(value.trim());
        }
        ListCmd::Show => {
            let l = reg.lists()?;
            let v = serde_json::json!({
                "municipalities": l.municipalities,
                "former": l.former,
                "activities": l.activities,
            });
            out.value(&v, || {
                let former: Vec<String> =
                    l.former.iter().map(|(a, b)| format!("{a} → {b}")).collect();
                [
                    l.municipalities.join(", "),
                    former.join(", "),
                    l.activities.join(", "),
                ]
                .join("\n")
            });
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
