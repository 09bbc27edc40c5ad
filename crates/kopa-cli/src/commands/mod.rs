//! The handlers, one module per command group of `cli.rs`. A new command is an arm in
//! `main.rs`'s dispatcher and a function in its group's module; what several groups
//! need (the replica to open, passphrases, id and date arguments) is here.

pub mod activity;
pub mod backup;
pub mod families;
pub mod hq;
pub mod hub;
pub mod import;
pub mod people;
pub mod replica;
pub mod report;
pub mod setup;
pub mod sync;

use crate::cli::Cli;
use crate::{CliError, Result};
use kopa_i18n::{Arg, Localizer};
use kopa_registry::{Env, Error, Registry};
use std::path::Path;

pub fn db(args: &Cli) -> Result<&Path> {
    args.db
        .as_deref()
        .ok_or_else(|| CliError::Usage("--db FILE (or KOPA_DB) is required".into()))
}

/// The passphrase from `KOPA_PASSPHRASE`, else asked for without echo.
pub fn passphrase(path: &Path, l10n: &Localizer, new: bool) -> Result<String> {
    if let Ok(p) = std::env::var("KOPA_PASSPHRASE") {
        return Ok(p);
    }
    let shown = path.display().to_string();
    let ask = |id: &str| -> Result<String> {
        rpassword::prompt_password(format!("{} ", l10n.tr(id, &[("path", Arg::Str(&shown))])))
            .map_err(io)
    };
    if new {
        let first = ask("cli-passphrase-new")?;
        let again = ask("cli-passphrase-repeat")?;
        if first != again {
            return Err(CliError::Usage(l10n.tr("cli-passphrase-mismatch", &[])));
        }
        Ok(first)
    } else {
        ask("cli-passphrase-prompt")
    }
}

pub fn other_passphrase(path: &Path, l10n: &Localizer, fallback: &str) -> Result<String> {
    if let Ok(p) = std::env::var("KOPA_OTHER_PASSPHRASE") {
        return Ok(p);
    }
    if std::env::var("KOPA_PASSPHRASE").is_ok() {
        return Ok(fallback.to_string());
    }
    let shown = path.display().to_string();
    rpassword::prompt_password(format!(
        "{} ",
        l10n.tr("cli-other-passphrase-prompt", &[("path", Arg::Str(&shown))])
    ))
    .map_err(io)
}

pub fn default_user() -> String {
    std::env::var("USER").unwrap_or_else(|_| "volunteer".into())
}

/// Unlocks the `--db` replica as `--user` (or whoever the passphrase belongs to), or
/// with the recovery code. Returns what was typed, for a second file that asks it.
pub fn open(args: &Cli, l10n: &Localizer) -> Result<(Registry, String)> {
    let path = db(args)?;
    if args.recovery {
        let code = match std::env::var("KOPA_RECOVERY_CODE") {
            Ok(c) => c,
            Err(_) => {
                rpassword::prompt_password(format!("{} ", l10n.tr("cli-recovery-prompt", &[])))
                    .map_err(io)?
            }
        };
        let reg = Registry::open_with_recovery(path, &code, Env::system())?;
        return Ok((reg, code));
    }
    let pass = passphrase(path, l10n, false)?;
    let reg = Registry::open_as(path, args.user.as_deref(), &pass, Env::system())?;
    Ok((reg, pass))
}

/// A passphrase for someone else (a person added, a reset): `KOPA_NEW_PASSPHRASE`,
/// else asked twice without echo.
pub fn new_passphrase(name: &str, l10n: &Localizer) -> Result<String> {
    if let Ok(p) = std::env::var("KOPA_NEW_PASSPHRASE") {
        return Ok(p);
    }
    let ask = |id: &str| -> Result<String> {
        rpassword::prompt_password(format!("{} ", l10n.tr(id, &[("name", Arg::Str(name))])))
            .map_err(io)
    };
    let first = ask("cli-person-passphrase")?;
    let again = ask("cli-passphrase-repeat")?;
    if first != again {
        return Err(CliError::Usage(l10n.tr("cli-passphrase-mismatch", &[])));
    }
    Ok(first)
}

/// An id argument; one that is not an id is a validation error on `id` (exit 3).
pub fn parse_id<T: std::str::FromStr>(s: &str) -> Result<T> {
    kopa_domain::validate::id("id", s).map_err(|e| CliError::from(Error::Validation(e)))
}

pub fn parse_date(s: &str) -> Result<kopa_domain::Date> {
    kopa_domain::validate::date("date", s).map_err(|e| CliError::from(Error::Validation(e)))
}

/// `CATEGORY=N` arguments (`--guests child=3`, `--count spectators=300`) as typed
/// counts; one without `=` or a number is a validation error on `field[i]`.
pub fn head_counts(field: &str, args: &[String]) -> Result<Vec<(String, i64)>> {
    use kopa_domain::validate::number;
    use kopa_domain::{Code, ValidationError};
    let invalid = |e: ValidationError| CliError::from(Error::Validation(e));
    args.iter()
        .enumerate()
        .map(|(i, arg)| {
            let at = format!("{field}[{}]", i + 1);
            let (cat, n) = arg.split_once('=').ok_or_else(|| {
                invalid(ValidationError::new(&at, Code::InvalidGuests).with_value(arg))
            })?;
            Ok((
                cat.to_string(),
                number(&at, n, 0..=100_000).map_err(invalid)?,
            ))
        })
        .collect()
}

/// A file that could not be read or written.
pub fn io(e: std::io::Error) -> CliError {
    CliError::from(Error::Io(e))
}
