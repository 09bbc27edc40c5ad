//! `kopa people`, `kopa recovery-code`, `kopa audit`.

use super::new_passphrase;
use crate::cli::PeopleCmd;
use crate::output::Out;
use crate::{CliError, Result};
use kopa_domain::{Access, Code, ValidationError};
use kopa_i18n::Arg;
use kopa_registry::{Error, Registry};

fn access(s: &str) -> Result<Access> {
    Access::parse(s).ok_or_else(|| {
        CliError::from(Error::Validation(
            ValidationError::new("role", Code::UnknownRole)
                .with_value(s)
                .with_valid(Access::ALL.iter().map(|a| a.as_str())),
        ))
    })
}

pub fn people(reg: &mut Registry, cmd: &PeopleCmd, out: &Out) -> Result<()> {
    let l10n = out.l10n;
    match cmd {
        PeopleCmd::List => {
            let list = reg.people()?;
            out.value(&list, || {
                list.iter()
                    .map(|p| {
                        format!(
                            "{}  {:<24} {:<12} {}{}",
                            p.id,
                            p.name,
                            l10n.tr(&format!("code-access-{}", p.access), &[]),
                            if p.removed {
                                l10n.tr("cli-person-removed", &[])
                            } else if p.unlocks_here {
                                l10n.tr("cli-person-unlocks-here", &[])
                            } else {
                                String::new()
                            },
                            if p.me { " *" } else { "" }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        PeopleCmd::Add { name, role } => {
            let access = access(role)?;
            let pass = new_passphrase(name, l10n)?;
            let id = reg.add_person(name, access, &pass)?;
            out.id(&id);
        }
        PeopleCmd::Role { name, role } => {
            reg.set_access(name, access(role)?)?;
            out.id(name);
        }
        PeopleCmd::Reset { name } => {
            let pass = new_passphrase(name, l10n)?;
            reg.reset_passphrase(name, &pass)?;
            out.id(name);
        }
        PeopleCmd::Remove { name } => {
            reg.remove_person(name)?;
            out.id(name);
        }
    }
    Ok(())
}

/// Prints a new recovery code with what to do with it.
pub fn recovery_code(reg: &mut Registry, out: &Out) -> Result<()> {
    let code = reg.new_recovery_code()?;
    show_recovery_code(&code, out);
    Ok(())
}

pub fn show_recovery_code(code: &str, out: &Out) {
    out.value(&serde_json::json!({ "recovery_code": code }), || {
        out.l10n
            .tr("cli-recovery-code", &[("code", Arg::Str(code))])
    });
}

pub fn audit(reg: &mut Registry, limit: usize, out: &Out) -> Result<()> {
    let list = reg.audit_log(limit)?;
    out.value(&list, || {
        list.iter()
            .map(|a| {
                format!(
                    "{}  {:<16} {:<20} {:<16} {}",
                    a.at,
                    out.l10n.tr(&format!("audit-{}", a.action), &[]),
                    a.who,
                    a.branch,
                    a.records.join(" ")
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}
