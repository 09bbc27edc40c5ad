//! `kopa hub`: the hub HQ runs.

use crate::cli::HubCmd;
use crate::output::Out;
use crate::Result;
use kopa_i18n::Arg;

pub fn run(cmd: &HubCmd, out: &Out) -> Result<()> {
    let l10n = out.l10n;
    match cmd {
        HubCmd::Init {
            data,
            name,
            municipality,
            address,
        } => {
            let hub = kopa_net::Hub::init(data, name, municipality, address)?;
            out.written(&hub.config.fingerprint, &hub.config, || {
                l10n.tr(
                    "cli-hub-created",
                    &[
                        ("path", Arg::Str(&data.display().to_string())),
                        ("address", Arg::Str(&hub.config.address)),
                        ("fingerprint", Arg::Str(&hub.config.fingerprint)),
                    ],
                )
            });
        }
        HubCmd::Serve { data, listen } => {
            let filter = tracing_subscriber::EnvFilter::try_from_env("KOPA_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
            tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_writer(std::io::stderr)
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                .init();
            let hub = kopa_net::Hub::open(data)?;
            let fallback = std::net::SocketAddr::from(([127, 0, 0, 1], 7443));
            let at = listen.or(hub.config.listen()).unwrap_or(fallback);
            // Invites carry the address given at init: a hub listening elsewhere is one
            // no branch reaches.
            if hub.config.port().is_some_and(|p| p != at.port()) {
                eprintln!(
                    "{}",
                    l10n.tr(
                        "cli-hub-port-differs",
                        &[
                            ("address", Arg::Str(&hub.config.address)),
                            ("listen", Arg::Str(&at.to_string())),
                        ],
                    )
                );
            }
            let running = hub.start(at)?;
            let url = running.url();
            out.written(&url, &serde_json::json!({ "listening": url }), || {
                l10n.tr("cli-hub-listening", &[("address", Arg::Str(&url))])
            });
            use std::io::Write;
            let _ = std::io::stdout().flush();
            kopa_net::hub::wait_for_signal();
            running.stop();
        }
        HubCmd::Enrol {
            data,
            branch,
            role,
            municipality,
            address,
            out: file,
        } => {
            let hub = kopa_net::Hub::open(data)?;
            let invite = hub.enrol(
                branch,
                (*role).into(),
                municipality.as_deref(),
                address.as_deref(),
            )?;
            kopa_net::hub::write_private(file, &invite.to_json())?;
            let who = &invite.identity;
            out.written(&file.display().to_string(), who, || {
                l10n.tr(
                    "cli-hub-enrolled",
                    &[
                        ("branch", Arg::Str(&who.branch_name)),
                        ("path", Arg::Str(&file.display().to_string())),
                    ],
                )
            });
        }
        HubCmd::Revoke { data, branch } => {
            let mut reg = kopa_net::Hub::open(data)?.registry()?;
            let n = reg.revoke(branch)?;
            out.value(&serde_json::json!({ "revoked": n }), || {
                l10n.tr("cli-hub-revoked", &[("count", Arg::Num(n as i64))])
            });
        }
        HubCmd::Status { data } => {
            let hub = kopa_net::Hub::open(data)?;
            let reg = hub.registry()?;
            let heard: std::collections::HashMap<String, i64> =
                reg.heard_from()?.into_iter().collect();
            let hq = reg.identity();
            let credentials = reg.credentials()?;
            let branches: Vec<serde_json::Value> = reg
                .branches()?
                .into_iter()
                .filter(|(id, _, _)| *id != hq.branch_id)
                .map(|(id, name, municipality)| {
                    let active = credentials
                        .iter()
                        .filter(|c| c.peer == id && c.revoked.is_none())
                        .count();
                    serde_json::json!({
                        "id": id,
                        "name": name,
                        "municipality": municipality,
                        "last_heard": heard.get(&id).map(|t| kopa_domain::Timestamp(*t).to_rfc3339()),
                        "active_credentials": active,
                    })
                })
                .collect();
            let status = serde_json::json!({
                "address": hub.config.address,
                "fingerprint": hub.config.fingerprint,
                "branches": branches,
                "credentials": credentials,
            });
            out.value(&status, || {
                let mut lines = vec![format!(
                    "{} · {}",
                    hub.config.address, hub.config.fingerprint
                )];
                for b in &branches {
                    lines.push(format!(
                        "{:<24} {:<26} {}",
                        b["name"].as_str().unwrap_or(""),
                        b["last_heard"].as_str().unwrap_or("—"),
                        l10n.tr(
                            "cli-hub-credentials",
                            &[(
                                "count",
                                Arg::Num(b["active_credentials"].as_i64().unwrap_or(0))
                            )]
                        )
                    ));
                }
                lines.join("\n")
            });
        }
    }
    Ok(())
}
