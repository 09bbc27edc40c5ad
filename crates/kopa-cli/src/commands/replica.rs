//! What concerns the replica as a whole: `info`, `conflicts`, `history`,
//! `projection`, `user`.

use crate::cli::{ConflictsCmd, ProjectionCmd};
use crate::output::{self, Out};
use crate::Result;
use kopa_i18n::Arg;
use kopa_registry::{Error, Registry};

pub fn info(reg: &mut Registry, out: &Out) -> Result<()> {
    let info = serde_json::json!({ "identity": reg.identity(), "overview": reg.overview()? });
    out.value(&info, || {
        output::info(&reg.identity(), &reg.overview().unwrap_or_default())
    });
    Ok(())
}

pub fn conflicts(reg: &mut Registry, cmd: &ConflictsCmd, out: &Out) -> Result<()> {
    let l10n = out.l10n;
    match cmd {
        ConflictsCmd::List => {
            let list = reg.conflicts()?;
            out.value(&list, || output::conflicts(&list, l10n));
        }
        ConflictsCmd::Resolve { id, pick } => {
            reg.resolve_conflict(id, *pick)?;
            out.id(id);
        }
    }
    Ok(())
}

pub fn history(reg: &mut Registry, id: &str, out: &Out) -> Result<()> {
    let h = reg.history(id)?;
    out.value(&h, || output::history(&h, out.l10n));
    Ok(())
}

pub fn projection(reg: &mut Registry, cmd: &ProjectionCmd, out: &Out) -> Result<()> {
    let l10n = out.l10n;
    match cmd {
        ProjectionCmd::Rebuild { verify } => {
            if *verify {
                let differs = reg.verify_projection()?;
                let ok = differs.is_empty();
                out.value(
                    &serde_json::json!({"equal": ok, "differs": differs}),
                    || {
                        if ok {
                            l10n.tr("cli-projection-verified", &[])
                        } else {
                            l10n.tr(
                                "cli-projection-differs",
                                &[("tables", Arg::Str(&differs.join(", ")))],
                            )
                        }
                    },
                );
                if !ok {
                    return Err(Error::Corrupt(format!(
                        "projection differs in {}",
                        differs.join(", ")
                    ))
                    .into());
                }
            } else {
                let n = reg.rebuild_projection()?;
                out.value(&serde_json::json!({"documents": n}), || {
                    l10n.tr("cli-projection-rebuilt", &[("docs", Arg::Num(n as i64))])
                });
            }
        }
    }
    Ok(())
}
