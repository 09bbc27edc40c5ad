//! `kopa sync`: with the hub over the network, or by sync files; `kopa merge` of
//! another replica file.

use super::{io, other_passphrase};
use crate::cli::{PeerCmd, SyncCmd};
use crate::output::Out;
use crate::{CliError, Result};
use kopa_i18n::{Arg, Localizer};
use kopa_registry::files::write_atomic;
use kopa_registry::{IdentityCard, Registry};
use std::path::Path;

/// Syncs with the hub: a spinner on a terminal, JSON progress lines with --json.
pub fn network(reg: &mut Registry, out: &Out) -> Result<()> {
    let l10n = out.l10n;
    let bar = indicatif::ProgressBar::new_spinner();
    if out.json {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar.set_message(l10n.tr("cli-sync-connecting", &[]));
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let result = kopa_net::sync(reg, |p| {
        if out.json {
            eprintln!("{}", serde_json::json!({ "progress": p }));
        }
        bar.set_message(l10n.tr(
            "cli-sync-progress",
            &[
                ("round", Arg::Num(p.sync.round as i64)),
                ("changes", Arg::Num(p.sync.changes_applied as i64)),
                ("bytes", Arg::Num((p.bytes_sent + p.bytes_received) as i64)),
            ],
        ));
    });
    bar.finish_and_clear();
    let s = result?;
    out.value(&s, || {
        let id = if s.sync.complete {
            "cli-sync-done"
        } else {
            "cli-sync-incomplete"
        };
        l10n.tr(
            id,
            &[
                ("changes", Arg::Num(s.sync.merge.changes_applied as i64)),
                ("sent", Arg::Num(s.bytes_sent as i64)),
                ("received", Arg::Num(s.bytes_received as i64)),
                ("conflicts", Arg::Num(s.sync.merge.conflicts)),
            ],
        )
    });
    waiting(&s.sync.merge, "HQ", l10n)
}

/// Sync files: identity cards, peers, export, import, status.
pub fn files(reg: &mut Registry, cmd: &SyncCmd, out: &Out) -> Result<()> {
    let l10n = out.l10n;
    match cmd {
        SyncCmd::Identity { out: file } => {
            let card = reg.identity_card()?;
            let json = serde_json::to_string_pretty(&card).unwrap_or_default();
            match file {
                Some(f) => {
                    std::fs::write(f, json).map_err(io)?;
                    out.id(&f.display().to_string());
                }
                None => crate::output::say(&json),
            }
        }
        SyncCmd::Peer(PeerCmd::Add { card }) => {
            let card = IdentityCard::read(card)?;
            reg.add_peer(&card)?;
            out.id(&card.peer());
        }
        SyncCmd::Export {
            to,
            out: file,
            full,
        } => {
            let (bytes, summary) = reg.export_sync_file_with(to, *full)?;
            write_atomic(file, &bytes)?;
            out.written(&file.display().to_string(), &summary, || {
                l10n.tr(
                    "cli-sync-exported",
                    &[
                        ("docs", Arg::Num(summary.documents as i64)),
                        ("changes", Arg::Num(summary.changes as i64)),
                        ("devices", Arg::Str(&summary.replicas.join(", "))),
                        ("bytes", Arg::Num(summary.bytes as i64)),
                    ],
                )
            });
        }
        SyncCmd::Import { file } => {
            let bytes = std::fs::read(file).map_err(io)?;
            let s = reg.import_sync_file(&bytes)?;
            out.value(&s, || {
                if s.already_imported {
                    l10n.tr(
                        "cli-sync-already-imported",
                        &[("from", Arg::Str(&s.from_name))],
                    )
                } else {
                    l10n.tr(
                        "cli-sync-imported",
                        &[
                            ("from", Arg::Str(&s.from_name)),
                            ("changes", Arg::Num(s.merge.changes_applied as i64)),
                            ("conflicts", Arg::Num(s.merge.conflicts)),
                        ],
                    )
                }
            });
            waiting(&s.merge, &s.from_name, l10n)?;
        }
        SyncCmd::Status => {
            let peers = reg.sync_status()?;
            let waiting = reg.waiting_changes()?;
            let st = serde_json::json!({ "peers": peers, "waiting": waiting });
            out.value(&st, || {
                let mut lines: Vec<String> = peers
                    .iter()
                    .map(|p| {
                        format!(
                            "{:<20} {:<14} {:<8} ↑ {:<25} ↓ {:<25} {} · {}",
                            p.name,
                            p.device,
                            p.via,
                            p.last_sent.as_deref().unwrap_or("—"),
                            p.last_heard.as_deref().unwrap_or("—"),
                            l10n.tr(
                                "cli-sync-acknowledged",
                                &[("count", Arg::Num(p.acknowledged_documents as i64))]
                            ),
                            l10n.tr(
                                "cli-sync-unsent",
                                &[("count", Arg::Num(p.unsent_changes as i64))]
                            )
                        )
                    })
                    .collect();
                for w in &waiting {
                    lines.push(l10n.tr(
                        "cli-sync-waiting-doc",
                        &[
                            ("document", Arg::Str(&w.document)),
                            ("changes", Arg::Num(w.changes as i64)),
                            ("missing", Arg::Num(w.missing.len() as i64)),
                        ],
                    ));
                }
                lines.join("\n")
            });
        }
    }
    Ok(())
}

/// Merges another replica file of the same branch into this one.
pub fn merge(reg: &mut Registry, pass: &str, other: &Path, out: &Out) -> Result<()> {
    let l10n = out.l10n;
    let other_pass = other_passphrase(other, l10n, pass)?;
    let r = reg.merge_from(other, &other_pass)?;
    out.value(&r, || {
        l10n.tr(
            "cli-merged",
            &[
                ("added", Arg::Num(r.documents_added as i64)),
                ("updated", Arg::Num(r.documents_updated as i64)),
                ("changes", Arg::Num(r.changes_applied as i64)),
                ("conflicts", Arg::Num(r.conflicts)),
            ],
        )
    });
    Ok(())
}

/// After an import or a sync: changes kept that wait for earlier ones are not
/// success; the exit code (9) and the message say so and what to do.
fn waiting(merge: &kopa_registry::views::MergeReport, from: &str, l10n: &Localizer) -> Result<()> {
    if merge.changes_waiting == 0 {
        return Ok(());
    }
    Err(CliError::Waiting(l10n.tr(
        "cli-sync-waiting",
        &[
            ("changes", Arg::Num(merge.changes_waiting as i64)),
            ("from", Arg::Str(from)),
        ],
    )))
}
