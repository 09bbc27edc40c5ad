//! `kopa project`, `kopa indicator`: HQ's reference data for donor reports.

use super::parse_id;
use crate::cli::{FieldCmd, IndicatorCmd, ListCmd, ProjectCmd};
use crate::output::{self, Out};
use crate::{CliError, Result};
use kopa_domain::{Code, Param, Rule, ValidationError};
use kopa_registry::{
    Error, FieldDraft, IndicatorDraft, ListValueDraft, ProjectDraft, RefList, Registry,
};

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
            let (params, field_filters) = indicator_params(param)?;
            let id = reg.add_indicator(&IndicatorDraft {
                project: project.clone(),
                name: name.clone(),
                rule: Rule::parse("rule", rule).map_err(invalid)?,
                params,
                field_filters,
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
                        .with_valid(RefList::ALL.iter().map(|l| l.as_str())),
                )
            })?;
            let labels = lang_texts("label", label)?;
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
                "target_groups": l.target_groups,
                "categories": l.categories,
                "labels": l.labels,
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

pub fn field(reg: &mut Registry, cmd: &FieldCmd, out: &Out) -> Result<()> {
    match cmd {
        FieldCmd::Add {
            code,
            on,
            kind,
            label,
            help,
            option,
            required,
            min,
            max,
            project,
        } => {
            let mut options = vec![];
            for (i, o) in option.iter().enumerate() {
                let (opt, labels) = o.split_once(':').unwrap_or((o, ""));
                let labels: Vec<String> = labels
                    .split(';')
                    .filter(|s| !s.trim().is_empty())
                    .map(String::from)
                    .collect();
                options.push((
                    opt.trim().to_string(),
                    lang_texts(&format!("option[{}]", i + 1), &labels)?,
                ));
            }
            reg.define_field(&FieldDraft {
                code: code.clone(),
                on: on.clone(),
                kind: kind.clone(),
                labels: lang_texts("label", label)?,
                help: lang_texts("help", help)?,
                options,
                required: *required,
                min: min.clone(),
                max: max.clone(),
                project: project.clone(),
            })?;
            out.id(code.trim());
        }
        FieldCmd::Retire { code } => {
            reg.retire_field(code)?;
            out.id(code.trim());
        }
        FieldCmd::Enable { set } => {
            let codes = reg.enable_field_set(set)?;
            out.value(&codes, || codes.join("\n"));
        }
        FieldCmd::List => {
            let defs = reg.field_defs()?;
            out.value(&defs, || {
                defs.iter()
                    .map(|(c, d)| {
                        let retired = if d.retired { " (retired)" } else { "" };
                        format!("{c}  {} {}  {}{retired}", d.on, d.kind, d.label("lv"))
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
    }
    Ok(())
}

/// `LANG=TEXT` arguments; one without `=` is `invalid-param` on `field[i]`.
fn lang_texts(field: &str, args: &[String]) -> Result<Vec<(String, String)>> {
    args.iter()
        .enumerate()
        .map(|(i, a)| {
            let (lang, text) = a.split_once('=').ok_or_else(|| {
                let at = format!("{field}[{}]", i + 1);
                invalid(ValidationError::new(at, Code::InvalidParam).with_value(a))
            })?;
            Ok((lang.trim().to_string(), text.to_string()))
        })
        .collect()
}

fn invalid(e: ValidationError) -> CliError {
    CliError::from(Error::Validation(e))
}

/// A filter on HQ's fields and on disability, as opposed to a built-in parameter.
type FieldFilters = Vec<(String, String)>;

/// `--param KEY=VALUE` arguments as typed parameters, and filters on HQ's fields
/// (`field.CODE=VALUE`) and on disability; an unknown key, or one without `=`, is
/// `invalid-param` on `param[i]`.
fn indicator_params(args: &[String]) -> Result<(Vec<(Param, String)>, FieldFilters)> {
    let (mut params, mut fields) = (vec![], vec![]);
    for (i, arg) in args.iter().enumerate() {
        let field = format!("param[{}]", i + 1);
        let (key, value) = arg.split_once('=').ok_or_else(|| {
            invalid(ValidationError::new(&field, Code::InvalidParam).with_value(arg))
        })?;
        let k = key.trim().to_lowercase();
        if k.starts_with(kopa_domain::indicator::FIELD_PREFIX)
            || k == kopa_domain::indicator::DISABILITY
        {
            fields.push((k, value.trim().to_string()));
            continue;
        }
        let param = Param::parse(&field, key).map_err(|e| invalid(e.with_value(arg)))?;
        params.push((param, value.trim().to_string()));
    }
    Ok((params, fields))
}
