//! Making a replica: `init`, `demo`, `join`.

use super::{db, default_user, io, other_passphrase, passphrase};
use crate::cli::{Cli, DemoArgs, InitArgs};
use crate::output::Out;
use crate::{CliError, Result};
use kopa_i18n::Arg;
use kopa_registry::env::host_name;
use kopa_registry::{demo, Env, Error, InitOptions, Registry};
use std::path::Path;

/// The `--db` file a new replica goes to: it may not exist yet.
fn new_db(args: &Cli) -> Result<&Path> {
    let path = db(args)?;
    if path.exists() {
        return Err(Error::AlreadyExists(path.display().to_string()).into());
    }
    Ok(path)
}

/// Prints the new replica's branch id, and `message` naming its branch and file.
fn made(reg: &Registry, path: &Path, message: &str, out: &Out) {
    let id = reg.identity();
    out.written(&id.branch_id, &id, || {
        out.l10n.tr(
            message,
            &[
                ("branch", Arg::Str(&id.branch_name)),
                ("path", Arg::Str(&path.display().to_string())),
            ],
        )
    });
}

pub fn init(args: &Cli, i: &InitArgs, out: &Out) -> Result<()> {
    let l10n = out.l10n;
    let path = new_db(args)?;
    let pass = passphrase(path, l10n, true)?;
    let user = args.user.clone().unwrap_or_else(default_user);
    let device = i.device.clone().unwrap_or_else(host_name);
    let mut reg = match &i.device_of {
        Some(src) => {
            let src_pass = other_passphrase(src, l10n, &pass)?;
            Registry::create_device_of(path, &pass, src, &src_pass, &device, &user, Env::system())?
        }
        None => {
            let (Some(branch), Some(municipality)) = (&i.branch, &i.municipality) else {
                return Err(CliError::Usage(
                    "init needs --branch and --municipality (or --device-of FILE)".into(),
                ));
            };
            Registry::create(
                path,
                &pass,
                InitOptions {
                    branch_name: branch.clone(),
                    municipality: municipality.clone(),
                    role: i.role.into(),
                    device_name: device,
                    user,
                },
                Env::system(),
            )?
        }
    };
    made(&reg, path, "cli-created", out);
    recovery_code_once(&mut reg, out)
}

/// A new replica's recovery code, on the terminal only (stdout stays the id): the
/// branch lead writes it down; it is never shown again.
fn recovery_code_once(reg: &mut Registry, out: &Out) -> Result<()> {
    let code = reg.new_recovery_code()?;
    crate::output::say_err(
        &out.l10n
            .tr("cli-recovery-code", &[("code", Arg::Str(&code))]),
    );
    Ok(())
}

pub fn demo(args: &Cli, d: &DemoArgs, out: &Out) -> Result<()> {
    let l10n = out.l10n;
    let path = new_db(args)?;
    let pass = passphrase(path, l10n, true)?;
    let opts = demo::DemoOptions {
        seed: d.seed,
        families: d.families,
        weeks: d.weeks,
        ..Default::default()
    };
    let reg = demo::create(path, &pass, &opts)?;
    let id = reg.identity();
    let o = reg.overview()?;
    out.written(&id.branch_id, &o, || {
        l10n.tr(
            "cli-demo-done",
            &[
                ("branch", Arg::Str(&id.branch_name)),
                ("families", Arg::Num(o.families)),
                ("persons", Arg::Num(o.persons)),
                ("groups", Arg::Num(o.groups)),
                ("sessions", Arg::Num(o.sessions)),
            ],
        )
    });
    Ok(())
}

/// Makes the replica an invite names and, unless `offline`, syncs it with the hub.
pub fn join(
    args: &Cli,
    invite: &Path,
    device: Option<&str>,
    offline: bool,
    out: &Out,
) -> Result<()> {
    let l10n = out.l10n;
    let path = new_db(args)?;
    let bytes = std::fs::read(invite).map_err(io)?;
    let pass = passphrase(path, l10n, true)?;
    let user = args.user.clone().unwrap_or_else(default_user);
    let device = device.map(str::to_string).unwrap_or_else(host_name);
    let mut reg = kopa_net::join(&bytes, path, &pass, &device, &user)?;
    made(&reg, path, "cli-joined", out);
    recovery_code_once(&mut reg, out)?;
    if !offline {
        if let Err(e) = super::sync::network(&mut reg, out) {
            // The replica exists and works offline; the sync can be retried.
            out.error(&e);
            eprintln!("{}", l10n.tr("cli-join-sync-later", &[]));
        }
    }
    Ok(())
}
