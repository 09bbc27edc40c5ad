//! `kopa`: the Kopā registry from a terminal. Every read takes `--json`; every write
//! prints the id of the record it created or changed.
//!
//! Exit codes: 0 ok · 1 other error · 2 usage error · 3 validation error ·
//! 4 wrong passphrase · 5 not found · 6 refused (file exists, not allowed) ·
//! 7 sync refused (a bad sync file, or a batch the hub or replica refused) ·
//! 8 the hub could not be reached or did not accept this replica.

mod cli;
mod output;

use clap::Parser;
use cli::*;
use kopa_i18n::{Arg, Localizer};
use kopa_registry::*;
use output::Out;
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = match Cli::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let l10n = Localizer::new(args.lang);
    let out = Out::new(args.json, &l10n);
    match run(&args, &out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            out.error(&e);
            ExitCode::from(exit_code(&e))
        }
    }
}

/// Errors the CLI reports: the registry's, and usage problems found after parsing.
#[derive(Debug)]
pub enum CliError {
    Registry(Box<Error>),
    Usage(String),
    /// Everything received was accepted and kept, but some changes wait for earlier
    /// ones that have not arrived (the message says what to do).
    Waiting(String),
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        CliError::Registry(Box::new(e))
    }
}

fn exit_code(e: &CliError) -> u8 {
    match e {
        CliError::Usage(_) => 2,
        CliError::Waiting(_) => 9,
        CliError::Registry(e) => match **e {
            ref e if e.is_validation() => 3,
            Error::WrongPassphrase => 4,
            Error::NotFound { .. } | Error::NoReplica(_) => 5,
            Error::AlreadyExists(_) | Error::NotAllowed { .. } => 6,
            Error::SyncFile(_) | Error::NetSync(_) => 7,
            Error::Transport { .. } => 8,
            _ => 1,
        },
    }
}

type Result<T> = std::result::Result<T, CliError>;

fn db(args: &Cli) -> Result<&Path> {
    args.db
        .as_deref()
        .ok_or_else(|| CliError::Usage("--db FILE (or KOPA_DB) is required".into()))
}

/// The passphrase from `KOPA_PASSPHRASE`, else asked for without echo.
fn passphrase(path: &Path, l10n: &Localizer, new: bool) -> Result<String> {
    if let Ok(p) = std::env::var("KOPA_PASSPHRASE") {
        return Ok(p);
    }
    let shown = path.display().to_string();
    let ask = |id: &str| -> Result<String> {
        rpassword::prompt_password(format!("{} ", l10n.tr(id, &[("path", Arg::Str(&shown))])))
            .map_err(|e| CliError::from(Error::Io(e)))
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

fn other_passphrase(path: &Path, l10n: &Localizer, fallback: &str) -> Result<String> {
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
    .map_err(|e| CliError::from(Error::Io(e)))
}

fn default_device() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "this computer".into())
}

fn default_user() -> String {
    std::env::var("USER").unwrap_or_else(|_| "volunteer".into())
}

fn open(args: &Cli, l10n: &Localizer) -> Result<(Registry, String)> {
    let path = db(args)?;
    let pass = passphrase(path, l10n, false)?;
    let mut reg = Registry::open(path, &pass, Env::system())?;
    if let Some(u) = &args.user {
        reg.act_as(u)?;
    }
    Ok((reg, pass))
}

fn run(args: &Cli, out: &Out) -> Result<()> {
    let l10n = out.l10n;
    match &args.command {
        Command::Init(i) => {
            let path = db(args)?;
            if path.exists() {
                return Err(Error::AlreadyExists(path.display().to_string()).into());
            }
            let pass = passphrase(path, l10n, true)?;
            let user = args.user.clone().unwrap_or_else(default_user);
            let device = i.device.clone().unwrap_or_else(default_device);
            let reg = match &i.device_of {
                Some(src) => {
                    let src_pass = other_passphrase(src, l10n, &pass)?;
                    Registry::create_device_of(
                        path,
                        &pass,
                        src,
                        &src_pass,
                        &device,
                        &user,
                        Env::system(),
                    )?
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
            let id = reg.identity();
            out.written(&id.branch_id, &id, || {
                l10n.tr(
                    "cli-created",
                    &[
                        ("branch", Arg::Str(&id.branch_name)),
                        ("path", Arg::Str(&path.display().to_string())),
                    ],
                )
            });
            Ok(())
        }
        Command::Demo(d) => {
            let path = db(args)?;
            if path.exists() {
                return Err(Error::AlreadyExists(path.display().to_string()).into());
            }
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
        Command::Hub(cmd) => hub(cmd, out),
        Command::Join {
            invite,
            device,
            offline,
        } => {
            let path = db(args)?;
            if path.exists() {
                return Err(Error::AlreadyExists(path.display().to_string()).into());
            }
            let bytes = std::fs::read(invite).map_err(|e| CliError::from(Error::Io(e)))?;
            let pass = passphrase(path, l10n, true)?;
            let user = args.user.clone().unwrap_or_else(default_user);
            let device = device.clone().unwrap_or_else(default_device);
            let mut reg = kopa_net::join(&bytes, path, &pass, &device, &user)?;
            let id = reg.identity();
            out.written(&id.branch_id, &id, || {
                l10n.tr(
                    "cli-joined",
                    &[
                        ("branch", Arg::Str(&id.branch_name)),
                        ("path", Arg::Str(&path.display().to_string())),
                    ],
                )
            });
            if !offline {
                if let Err(e) = net_sync(&mut reg, out) {
                    // The replica exists and works offline; the sync can be retried.
                    out.error(&e);
                    eprintln!("{}", l10n.tr("cli-join-sync-later", &[]));
                }
            }
            Ok(())
        }
        command => {
            let (mut reg, pass) = open(args, l10n)?;
            commands(&mut reg, &pass, command, out)
        }
    }
}

fn hub(cmd: &HubCmd, out: &Out) -> Result<()> {
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
            let running = hub.start(*listen)?;
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

/// Syncs with the hub: a spinner on a terminal, JSON progress lines with --json.
fn net_sync(reg: &mut Registry, out: &Out) -> Result<()> {
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

fn commands(reg: &mut Registry, pass: &str, command: &Command, out: &Out) -> Result<()> {
    let l10n = out.l10n;
    match command {
        Command::Init(_) | Command::Demo(_) | Command::Hub(_) | Command::Join { .. } => {
            unreachable!("handled before opening")
        }
        Command::Info => {
            let info =
                serde_json::json!({ "identity": reg.identity(), "overview": reg.overview()? });
            out.value(&info, || {
                output::info(&reg.identity(), &reg.overview().unwrap_or_default())
            });
        }
        Command::Family(f) => match f {
            FamilyCmd::Add(a) => {
                let id = reg.add_family(&a.draft(false)?)?;
                out.id(&id.key());
            }
            FamilyCmd::Edit { id, fields } => {
                let fid = parse_id(id)?;
                let changed = reg.edit_family(fid, &fields.draft(true)?)?;
                out.changed(&fid.key(), changed);
            }
            FamilyCmd::List => {
                let list = reg.list_families()?;
                out.value(&list, || output::families(&list, l10n));
            }
            FamilyCmd::Show { id } => {
                let fam = reg.family(parse_id(id)?)?;
                out.value(&fam, || output::family(&fam, l10n));
            }
            FamilyCmd::Search { query, limit } => {
                let hits = reg.search(&query.join(" "), *limit)?;
                out.value(&hits, || output::hits(&hits, l10n));
            }
            FamilyCmd::Note { id, text, date } => {
                let nid = reg.add_note(parse_id(id)?, date.as_deref().unwrap_or(""), text)?;
                out.id(&nid.key());
            }
            FamilyCmd::Export {
                id,
                out: file,
                format,
            } => {
                let v = reg.subject_access(parse_id(id)?)?;
                let pdf = match format {
                    Some(f) => *f == ExportFormat::Pdf,
                    None => file
                        .extension()
                        .is_some_and(|e| e.eq_ignore_ascii_case("pdf")),
                };
                if pdf {
                    kopa_report::write_subject_access_pdf(&v, file, l10n).map_err(report_error)?;
                } else {
                    let text = serde_json::to_string_pretty(&v).unwrap_or_default();
                    std::fs::write(file, text).map_err(|e| CliError::from(Error::Io(e)))?;
                }
                out.id(&file.display().to_string());
            }
            FamilyCmd::Erase { id } => {
                let fid = parse_id(id)?;
                reg.erase_family(fid)?;
                out.id(&fid.key());
            }
            FamilyCmd::ErasePerson { person } => {
                // The household's new id; nothing when the whole family went.
                if let Some(fid) = reg.erase_person(parse_id(person)?)? {
                    out.id(&fid.key());
                }
            }
            FamilyCmd::RetentionDue { before, set_years } => {
                if let Some(years) = set_years {
                    reg.set_retention_years(*years)?;
                }
                let list = match before {
                    Some(before) => reg.retention_due(parse_date(before)?)?,
                    None => reg.retention_due_now()?,
                };
                out.value(&list, || output::families(&list, l10n));
            }
            FamilyCmd::FollowUp { id, due, text } => {
                let fid = reg.add_follow_up(parse_id(id)?, due, text)?;
                out.id(&fid.key());
            }
        },
        Command::Person(PersonCmd::Edit {
            id,
            given_name,
            family_name,
            birth_year,
            gender,
            role,
        }) => {
            let pid = parse_id(id)?;
            let draft = MemberDraft {
                given_name: given_name.clone().unwrap_or_default(),
                family_name: family_name.clone().unwrap_or_default(),
                birth_year: birth_year.clone().unwrap_or_default(),
                gender: gender.clone().unwrap_or_default(),
                role: role.clone().unwrap_or_default(),
            };
            let changed = reg.edit_person(pid, &draft)?;
            out.changed(&pid.key(), changed);
        }
        Command::Group(g) => match g {
            GroupCmd::Add(a) => {
                let id = reg.add_group(&GroupDraft {
                    name: a.name.clone(),
                    activity: a.activity.clone(),
                    municipality: a.municipality.clone(),
                    facilitators: a.facilitator.clone(),
                    weekday: a.weekday.clone(),
                    time: a.time.clone(),
                    place: a.place.clone(),
                    start: a.start.clone(),
                    end: a.end.clone(),
                })?;
                out.id(&id.key());
            }
            GroupCmd::Enrol { group, persons } => {
                let gid = parse_id(group)?;
                let n = reg.enrol(gid, persons)?;
                out.written(
                    &gid.key(),
                    &serde_json::json!({"id": gid.key(), "enrolled": n}),
                    || {
                        format!(
                            "{}\n{}",
                            gid.key(),
                            l10n.tr("cli-enrolled", &[("count", Arg::Num(n as i64))])
                        )
                    },
                );
            }
            GroupCmd::List => {
                let list = reg.list_groups()?;
                out.value(&list, || output::groups(&list));
            }
            GroupCmd::Show { id } => {
                let g = reg.group(parse_id(id)?)?;
                out.value(&g, || output::group(&g, l10n));
            }
        },
        Command::Session(s) => match s {
            SessionCmd::Record(r) => {
                let id = reg.record_session(&SessionDraft {
                    group: r.group.clone(),
                    date: r.date.clone(),
                    time: r.time.clone(),
                    minutes: r.minutes.clone(),
                    place: r.place.clone(),
                    topics: r.topics.clone(),
                    attended: r.attended.clone(),
                    guests: r.guests.clone(),
                    facilitators: r.facilitator.clone(),
                    note: r.note.clone(),
                })?;
                out.id(&id.key());
            }
            SessionCmd::Mark {
                session,
                persons,
                absent,
            } => {
                let sid = parse_id(session)?;
                let n = reg.mark_attendance(sid, persons, !absent)?;
                out.written(
                    &sid.key(),
                    &serde_json::json!({"id": sid.key(), "changed": n}),
                    || {
                        format!(
                            "{}\n{}",
                            sid.key(),
                            l10n.tr("cli-marked", &[("count", Arg::Num(n as i64))])
                        )
                    },
                );
            }
            SessionCmd::Note { session, text } => {
                let sid = parse_id(session)?;
                let changed = reg.edit_session_note(sid, text)?;
                out.changed(&sid.key(), changed);
            }
            SessionCmd::List { from, to } => {
                let today = reg.today();
                let from = from
                    .as_deref()
                    .map(parse_date)
                    .transpose()?
                    .unwrap_or(today.add_days(-30));
                let to = to.as_deref().map(parse_date).transpose()?.unwrap_or(today);
                let list = reg.list_sessions(from, to)?;
                out.value(&list, || output::sessions(&list, l10n));
            }
            SessionCmd::Show { id } => {
                let s = reg.session(parse_id(id)?)?;
                out.value(&s, || output::session(&s, l10n));
            }
        },
        Command::Volunteer(v) => match v {
            VolunteerCmd::Add {
                given_name,
                family_name,
                role,
                contact,
            } => {
                let id = reg.add_volunteer(&VolunteerDraft {
                    given_name: given_name.clone(),
                    family_name: family_name.clone(),
                    role: role.clone(),
                    contact: contact.clone(),
                })?;
                out.id(&id.key());
            }
            VolunteerCmd::List => {
                let list = reg.list_volunteers()?;
                out.value(&list, || output::volunteers(&list, l10n));
            }
        },
        Command::Training(TrainingCmd::Record {
            volunteer,
            date,
            topic,
            hours,
        }) => {
            let id = reg.record_training(&TrainingDraft {
                volunteer: volunteer.clone(),
                date: date.clone(),
                topic: topic.clone(),
                hours: hours.clone(),
            })?;
            out.id(&id.key());
        }
        Command::Training(TrainingCmd::List { volunteer }) => {
            let list = reg.trainings(parse_id(volunteer)?)?;
            out.value(&list, || {
                list.iter()
                    .map(|t| format!("{}  {}  {} h  {}", t.date, t.id, t.hours, t.topic))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        Command::Event(EventCmd::Add {
            name,
            activity,
            date,
            municipality,
            count,
            participant,
        }) => {
            let id = reg.add_event(&EventDraft {
                name: name.clone(),
                activity: activity.clone(),
                date: date.clone(),
                municipality: municipality.clone(),
                head_counts: count.clone(),
                participants: participant.clone(),
            })?;
            out.id(&id.key());
        }
        Command::Conflicts(ConflictsCmd::List) => {
            let list = reg.conflicts()?;
            out.value(&list, || output::conflicts(&list, l10n));
        }
        Command::Conflicts(ConflictsCmd::Resolve { id, pick }) => {
            reg.resolve_conflict(id, *pick)?;
            out.id(id);
        }
        Command::History { id } => {
            let h = reg.history(id)?;
            out.value(&h, || output::history(&h, l10n));
        }
        Command::Merge { other } => {
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
        }
        Command::Projection(ProjectionCmd::Rebuild { verify }) => {
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
        Command::Project(ProjectCmd::Add {
            name,
            donor,
            start,
            end,
            branch,
        }) => {
            let id = reg.add_project(&ProjectDraft {
                name: name.clone(),
                donor: donor.clone(),
                start: start.clone(),
                end: end.clone(),
                branches: branch.clone(),
            })?;
            out.id(&id.key());
        }
        Command::Project(ProjectCmd::List) => {
            let list = reg.list_projects()?;
            out.value(&list, || {
                list.iter()
                    .map(|p| {
                        format!(
                            "{}  {}  {} – {}  ({})",
                            p.id, p.name, p.start, p.end, p.donor
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        Command::Project(ProjectCmd::Show { id }) => {
            let p = reg.project(parse_id(id)?)?;
            out.value(&p, || {
                let mut s = vec![format!(
                    "{}  {} – {}  ({})",
                    p.name, p.start, p.end, p.donor
                )];
                s.extend(p.indicators.iter().map(|i| {
                    format!(
                        "  {}  {}  {}  {:?}  → {}",
                        i.id, i.name, i.rule, i.params, i.target
                    )
                }));
                s.join("\n")
            });
        }
        Command::Indicator(IndicatorCmd::Add {
            project,
            name,
            rule,
            param,
            target,
        }) => {
            let id = reg.add_indicator(&IndicatorDraft {
                project: project.clone(),
                name: name.clone(),
                rule: rule.clone(),
                params: param.clone(),
                target: target.clone(),
            })?;
            out.id(&id.key());
        }
        Command::Report(r) => report(reg, r, out)?,
        Command::Sync(SyncArgs { cmd: Some(cmd) }) => sync(reg, cmd, out)?,
        Command::Sync(SyncArgs { cmd: None }) => net_sync(reg, out)?,
        Command::Import(a) => import(reg, a, out)?,
        Command::Backup {
            out: file,
            dir,
            keep,
            if_due,
        } => {
            let written = match (file, dir) {
                (Some(f), _) => {
                    reg.backup(f, pass)?;
                    Some(f.clone())
                }
                (None, Some(d)) if *if_due => reg.backup_if_due(d, pass)?,
                (None, Some(d)) => {
                    let keep = match keep {
                        Some(k) => *k,
                        None => reg.backup_policy()?.keep,
                    };
                    Some(reg.backup_into(d, pass, keep)?)
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
        }
        Command::Restore { file } => {
            reg.restore(file, pass)?;
            out.id(&file.display().to_string());
        }
        Command::Duplicates(DuplicatesCmd::List { min_score }) => {
            let pairs = reg.duplicate_candidates(*min_score)?;
            out.value(&pairs, || {
                pairs
                    .iter()
                    .map(|p| {
                        format!(
                            "{:>3}  {} {} ({}) {}  ~  {} {} ({}) {}",
                            p.score,
                            p.a.given_name,
                            p.a.family_name,
                            p.a.birth_year.map(|y| y.to_string()).unwrap_or_default(),
                            p.a.id,
                            p.b.given_name,
                            p.b.family_name,
                            p.b.birth_year.map(|y| y.to_string()).unwrap_or_default(),
                            p.b.id
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        Command::Duplicates(DuplicatesCmd::Merge { a, b }) => {
            let link = reg.link_persons(parse_id(a)?, parse_id(b)?)?;
            out.id(&link);
        }
        Command::Duplicates(DuplicatesCmd::Undo { link }) => {
            reg.unlink_persons(link)?;
            out.id(link);
        }
        Command::User { name } => {
            reg.set_user(name)?;
            out.id(name);
        }
    }
    Ok(())
}

fn report(reg: &mut Registry, r: &ReportArgs, out: &Out) -> Result<()> {
    let from = parse_date(&r.from)?;
    let to = parse_date(&r.to)?;
    let reference = r
        .reference_date
        .as_deref()
        .map(parse_date)
        .transpose()?
        .unwrap_or(to);
    let report = kopa_report::compute(reg, parse_id(&r.project)?, from, to, reference)
        .map_err(report_error)?;
    let l10n = out.l10n;
    match (r.format, &r.out) {
        (ReportFormat::Json, None) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
        }
        (ReportFormat::Json, Some(path)) => {
            std::fs::write(
                path,
                serde_json::to_string_pretty(&report).unwrap_or_default(),
            )
            .map_err(|e| CliError::from(Error::Io(e)))?;
            out.id(&path.display().to_string());
        }
        (ReportFormat::Csv, Some(path)) => {
            kopa_report::write_csv(&report, path, l10n).map_err(report_error)?;
            out.id(&path.display().to_string());
        }
        (ReportFormat::Xlsx, Some(path)) => {
            kopa_report::write_xlsx(&report, path, l10n).map_err(report_error)?;
            out.id(&path.display().to_string());
        }
        (ReportFormat::Pdf, Some(path)) => {
            kopa_report::write_pdf(&report, path, l10n).map_err(report_error)?;
            out.id(&path.display().to_string());
        }
        (_, None) => {
            return Err(CliError::Usage(
                "--out FILE is required for csv, xlsx and pdf".into(),
            ))
        }
    }
    Ok(())
}

fn sync(reg: &mut Registry, cmd: &SyncCmd, out: &Out) -> Result<()> {
    let l10n = out.l10n;
    let io = |e: std::io::Error| CliError::from(Error::Io(e));
    match cmd {
        SyncCmd::Identity { out: file } => {
            let card = reg.identity_card()?;
            let json = serde_json::to_string_pretty(&card).unwrap_or_default();
            match file {
                Some(f) => {
                    std::fs::write(f, json).map_err(io)?;
                    out.id(&f.display().to_string());
                }
                None => println!("{json}"),
            }
        }
        SyncCmd::Peer(PeerCmd::Add { card }) => {
            let text = std::fs::read_to_string(card).map_err(io)?;
            let card: IdentityCard = serde_json::from_str(&text)
                .map_err(|_| CliError::from(Error::SyncFile(SyncFileError::Damaged)))?;
            reg.add_peer(&card)?;
            out.id(&card.peer());
        }
        SyncCmd::Export {
            to,
            out: file,
            full,
        } => {
            let (bytes, summary) = reg.export_sync_file_with(to, *full)?;
            // Write beside, then rename: a half-written file never carries the name.
            let tmp = file.with_extension("partial");
            std::fs::write(&tmp, &bytes).map_err(io)?;
            std::fs::rename(&tmp, file).map_err(io)?;
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

fn import_error(e: kopa_import::ImportError) -> CliError {
    match e {
        kopa_import::ImportError::Registry(e) => CliError::Registry(e),
        other => CliError::Usage(other.to_string()),
    }
}

fn row_errors(errors: &[kopa_import::RowError], l10n: &Localizer) -> Vec<String> {
    errors
        .iter()
        .map(|e| {
            let err = Error::Validation(kopa_domain::ValidationError {
                field: e.field.clone(),
                code: kopa_domain::Code::parse(&e.code).unwrap_or(kopa_domain::Code::Required),
                value: e.value.clone(),
            });
            format!(
                "  {}: {}",
                l10n.tr("cli-import-row", &[("row", Arg::Num(e.row as i64))]),
                output::message(&err, l10n)
            )
        })
        .collect()
}

/// Exit 3 when rows were bad and nothing was imported.
fn refused_rows(errors: &[kopa_import::RowError], a: &ImportArgs) -> Result<()> {
    if !errors.is_empty() && !a.skip_bad_rows && !a.dry_run {
        return Err(CliError::Registry(Box::new(Error::Validation(
            kopa_domain::ValidationError::new(
                format!("row[{}].{}", errors[0].row, errors[0].field),
                kopa_domain::Code::parse(&errors[0].code).unwrap_or(kopa_domain::Code::Required),
            ),
        ))));
    }
    Ok(())
}

fn import(reg: &mut Registry, a: &ImportArgs, out: &Out) -> Result<()> {
    let l10n = out.l10n;
    let opts = kopa_import::Options {
        dry_run: a.dry_run,
        skip_bad_rows: a.skip_bad_rows,
    };
    if a.kind == ImportKind::Attendance {
        let Some(group) = &a.group else {
            return Err(CliError::Usage(
                "--group ID is required for --kind attendance".into(),
            ));
        };
        let p = kopa_import::import_attendance(reg, &a.file, group, a.mapping.as_deref(), opts)
            .map_err(import_error)?;
        out.value(&p, || {
            let mut s = vec![l10n.tr(
                "cli-import-attendance-preview",
                &[
                    ("rows", Arg::Num(p.rows as i64)),
                    ("valid", Arg::Num(p.valid_rows as i64)),
                    ("dates", Arg::Num(p.dates.len() as i64)),
                    ("attendances", Arg::Num(p.attendances as i64)),
                    ("existing", Arg::Num(p.existing_sessions.len() as i64)),
                ],
            )];
            s.extend(row_errors(&p.errors, l10n));
            s.push(if !p.imported.is_empty() {
                l10n.tr(
                    "cli-import-attendance-done",
                    &[("sessions", Arg::Num(p.imported.len() as i64))],
                )
            } else if a.dry_run {
                l10n.tr("cli-import-dry-run", &[])
            } else {
                l10n.tr("cli-import-refused", &[])
            });
            s.join("\n")
        });
        return refused_rows(&p.errors, a);
    }
    let p = kopa_import::import_families(reg, &a.file, a.mapping.as_deref(), opts)
        .map_err(import_error)?;
    out.value(&p, || {
        let mut s = vec![l10n.tr(
            "cli-import-preview",
            &[
                ("rows", Arg::Num(p.rows as i64)),
                ("valid", Arg::Num(p.valid_rows as i64)),
                ("families", Arg::Num(p.families as i64)),
            ],
        )];
        s.extend(row_errors(&p.errors, l10n));
        for d in &p.duplicates {
            s.push(format!(
                "  {}",
                l10n.tr(
                    "cli-import-duplicate",
                    &[
                        ("row", Arg::Num(d.row as i64)),
                        ("name", Arg::Str(&d.name)),
                        ("id", Arg::Str(&d.person_id))
                    ]
                )
            ));
        }
        s.push(if !p.imported.is_empty() {
            l10n.tr(
                "cli-import-done",
                &[("families", Arg::Num(p.imported.len() as i64))],
            )
        } else if a.dry_run {
            l10n.tr("cli-import-dry-run", &[])
        } else {
            l10n.tr("cli-import-refused", &[])
        });
        s.join("\n")
    });
    refused_rows(&p.errors, a)
}

fn report_error(e: kopa_report::ReportError) -> CliError {
    match e {
        kopa_report::ReportError::Registry(e) => CliError::Registry(e),
        kopa_report::ReportError::Sqlite(e) => Error::Sqlite(e).into(),
        kopa_report::ReportError::Io(e) => Error::Io(e).into(),
        other => Error::Io(std::io::Error::other(other.to_string())).into(),
    }
}

fn parse_id<T: std::str::FromStr>(s: &str) -> Result<T> {
    s.parse().map_err(|_| {
        CliError::from(Error::Validation(
            kopa_domain::ValidationError::new("id", kopa_domain::Code::InvalidId).with_value(s),
        ))
    })
}

fn parse_date(s: &str) -> Result<kopa_domain::Date> {
    kopa_domain::validate::date("date", s).map_err(|e| CliError::from(Error::Validation(e)))
}
