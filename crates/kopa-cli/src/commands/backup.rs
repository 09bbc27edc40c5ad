//! `kopa backup`, `kopa restore`.

use crate::output::Out;
use crate::{CliError, Result};
use kopa_registry::Registry;
use std::path::Path;

/// A backup to `file`, or into `dir` (when due, with `if_due`), keeping the newest `keep`.
pub fn backup(
    reg: &mut Registry,
    file: Option<&Path>,
    dir: Option<&Path>,
    keep: Option<u32>,
    if_due: bool,
    out: &Out,
) -> Result<()> {
    let written = match (file, dir) {
        (Some(f), _) => {
            reg.backup(f)?;
            Some(f.to_path_buf())
        }
        (None, Some(d)) if if_due => reg.backup_if_due(d)?,
        (None, Some(d)) => {
            let keep = match keep {
                Some(k) => k,
                None => reg.backup_policy()?.keep,
            };
            Some(reg.backup_into(d, keep)?)
        }
        (None, None) => {
            return Err(CliError::Usage(
                "backup needs --out FILE or --dir DIR".into(),
            ))
        }
    };
    // Nothing is printed when a scheduled backup was not due yet.
    if let Some(path) = written {
        out.id(&path.display().to_string());
    }
    Ok(())
}

pub fn restore(reg: &mut Registry, pass: &str, file: &Path, out: &Out) -> Result<()> {
    reg.restore(file, pass)?;
    out.id(&file.display().to_string());
    Ok(())
}
