//! Printing: JSON for machines, translated text for people.

use crate::CliError;
use kopa_i18n::{Arg, Localizer};
use kopa_registry::history::HistoryEntry;
use kopa_registry::views::*;
use kopa_registry::Error;
use serde::Serialize;

/// Writes a line to standard output. A reader that has gone (`kopa … | head`) ends
/// the command quietly: what it did is done, and nobody is left to read the rest.
pub fn say(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{text}").and_then(|_| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
    }
}

/// Writes a line for the person at the terminal (standard error): what is shown
/// once and must not end up in a pipe.
pub fn say_err(text: &str) {
    eprintln!("{text}");
}

pub struct Out<'a> {
    pub json: bool,
    pub l10n: &'a Localizer,
}

impl<'a> Out<'a> {
    pub fn new(json: bool, l10n: &'a Localizer) -> Self {
        Self { json, l10n }
    }

    fn print_json<T: Serialize + ?Sized>(&self, v: &T) {
        say(&serde_json::to_string_pretty(v).unwrap_or_else(|_| "null".into()));
    }

    /// A write: the id of the new or changed record.
    pub fn id(&self, id: &str) {
        if self.json {
            self.print_json(&serde_json::json!({ "id": id }));
        } else {
            say(id);
        }
    }

    pub fn changed(&self, id: &str, changed: bool) {
        if self.json {
            self.print_json(&serde_json::json!({ "id": id, "changed": changed }));
        } else {
            say(id);
            if !changed {
                eprintln!("{}", self.l10n.tr("cli-unchanged", &[]));
            }
        }
    }

    /// A write with more to say.
    pub fn written<T: Serialize>(&self, id: &str, v: &T, human: impl FnOnce() -> String) {
        if self.json {
            self.print_json(&serde_json::json!({ "id": id, "result": v }));
        } else {
            say(id);
            eprintln!("{}", human());
        }
    }

    /// A read.
    pub fn value<T: Serialize + ?Sized>(&self, v: &T, human: impl FnOnce() -> String) {
        if self.json {
            self.print_json(v);
        } else {
            let text = human();
            if !text.is_empty() {
                say(&text);
            }
        }
    }

    pub fn error(&self, e: &CliError) {
        let (code, field, message) = match e {
            CliError::Usage(m) => ("usage", None, m.clone()),
            CliError::Waiting(m) => ("sync-waiting", None, m.clone()),
            CliError::Registry(e) => (e.code().as_str(), field_of(e), message(e, self.l10n)),
        };
        if self.json {
            let v = serde_json::json!({ "error": { "code": code, "field": field, "message": message } });
            eprintln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        } else {
            eprintln!("{}: {message}", self.l10n.tr("cli-error", &[]));
        }
    }
}

fn field_of(e: &Error) -> Option<String> {
    match e {
        Error::Validation(v) => Some(v.field.clone()),
        _ => None,
    }
}

/// "member[1].birth_year" → "Ģimenes loceklis 1 → Dzimšanas gads"; one of HQ's
/// fields by its code ("fields.housing" → "housing").
pub fn field_label(field: &str, l10n: &Localizer) -> String {
    field
        .split('.')
        .filter(|seg| *seg != "fields")
        .map(|seg| {
            let (name, index) = match seg.split_once('[') {
                Some((n, rest)) => (n, Some(rest.trim_end_matches(']'))),
                None => (seg, None),
            };
            let id = format!("field-{name}");
            let label = if l10n.has(&id) {
                l10n.tr(&id, &[])
            } else {
                name.to_string()
            };
            match index {
                Some(i) => format!("{label} {i}"),
                None => label,
            }
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

/// The translated message of a registry error.
pub fn message(e: &Error, l10n: &Localizer) -> String {
    let id = format!("error-{}", e.code());
    match e {
        Error::Validation(v) => {
            let value = v.value.clone().unwrap_or_default();
            let mut m = format!(
                "{} {}",
                field_label(&v.field, l10n),
                l10n.tr(&id, &[("value", Arg::Str(&value))])
            );
            if !v.valid.is_empty() {
                let valid = v.valid.join(", ");
                m.push_str(&format!(
                    " {}",
                    l10n.tr("error-valid-values", &[("valid", Arg::Str(&valid))])
                ));
            }
            m
        }
        Error::NoReplica(p) | Error::AlreadyExists(p) => l10n.tr(&id, &[("path", Arg::Str(p))]),
        Error::AccountRemoved(name) => l10n.tr(&id, &[("value", Arg::Str(name))]),
        Error::PersonRequired(names) => l10n.tr(&id, &[("value", Arg::Str(&names.join(", ")))]),
        Error::TryLater(secs) => l10n.tr(&id, &[("value", Arg::Num(*secs))]),
        Error::NotFound { kind, id: rid } => {
            l10n.tr(&id, &[("kind", Arg::Str(kind)), ("id", Arg::Str(rid))])
        }
        Error::NoSuchCandidate { id: cid, pick } => l10n.tr(
            &id,
            &[("id", Arg::Str(cid)), ("pick", Arg::Num(*pick as i64))],
        ),
        Error::SyncFile(kopa_registry::SyncFileError::UnknownPeer(name)) => {
            l10n.tr(&id, &[("detail", Arg::Str(name))])
        }
        other => l10n.tr(&id, &[("detail", Arg::Str(&other.to_string()))]),
    }
}

pub fn info(id: &Identity, o: &Overview) -> String {
    format!(
        "{} ({}, {})\n{} · {} · {}\nfamilies {} · persons {} · groups {} · sessions {} · attendances {} · volunteers {} · conflicts {}",
        id.branch_name, id.municipality, id.role, id.device_name, id.user, id.branch_id,
        o.families, o.persons, o.groups, o.sessions, o.attendances, o.volunteers, o.conflicts
    )
}

pub fn families(list: &[FamilySummary], l10n: &Localizer) -> String {
    let mut s: Vec<String> = list
        .iter()
        .map(|f| {
            format!(
                "{}  {:<28} {:<20} {} {}",
                f.id, f.name, f.municipality, f.members, f.status
            )
        })
        .collect();
    s.push(l10n.tr(
        "cli-families-count",
        &[("count", Arg::Num(list.len() as i64))],
    ));
    s.join("\n")
}

fn person_line(p: &PersonView) -> String {
    format!(
        "  {}  {} {}  {}  {}  {}",
        p.id,
        p.given_name,
        p.family_name,
        p.birth_year
            .map(|y| y.to_string())
            .unwrap_or_else(|| "—".into()),
        p.gender,
        p.role
    )
}

pub fn family(f: &FamilyDetail, l10n: &Localizer) -> String {
    let mut s = vec![
        format!("{}  {}", f.summary.name, f.summary.id),
        format!(
            "{} · {} · {}",
            f.summary.municipality, f.summary.status, f.registered
        ),
        format!(
            "{} · {}",
            f.languages.join(", "),
            f.target_groups.join(", ")
        ),
    ];
    if let Some(c) = &f.contact {
        s.push(c.clone());
    }
    s.push(match &f.consent {
        Some(c) => format!(
            "{}: {} ({}, {})",
            l10n.tr("cli-consent", &[]),
            c.date,
            c.scope,
            c.recorded_by
        ),
        None => format!(
            "{}: {}",
            l10n.tr("cli-consent", &[]),
            l10n.tr("cli-consent-none", &[])
        ),
    });
    s.extend(f.fields.iter().map(|(code, v)| format!("{code}: {v}")));
    s.push(format!("{}:", l10n.tr("cli-members", &[])));
    for p in &f.persons {
        s.push(person_line(p));
        s.extend(p.fields.iter().map(|(code, v)| format!("    {code}: {v}")));
    }
    if !f.notes.is_empty() {
        s.push(format!("{}:", l10n.tr("cli-notes", &[])));
        s.extend(
            f.notes
                .iter()
                .map(|n| format!("  {}  {} ({})", n.date, n.text, n.author)),
        );
    }
    if !f.follow_ups.is_empty() {
        s.push(format!("{}:", l10n.tr("cli-follow-ups", &[])));
        s.extend(f.follow_ups.iter().map(|n| {
            format!(
                "  {} [{}] {}",
                n.due,
                if n.done { "x" } else { " " },
                n.text
            )
        }));
    }
    if !f.attendance.is_empty() {
        s.push(format!(
            "{}: {}",
            l10n.tr("cli-attendance", &[]),
            f.attendance.len()
        ));
        s.extend(
            f.attendance
                .iter()
                .take(10)
                .map(|a| format!("  {}  {}", a.date, a.group_name)),
        );
    }
    if !f.conflicts.is_empty() {
        s.push(conflicts(&f.conflicts, l10n));
    }
    s.join("\n")
}

pub fn hits(hits: &[SearchHit], l10n: &Localizer) -> String {
    if hits.is_empty() {
        return l10n.tr("cli-no-results", &[]);
    }
    let mut s = vec![];
    for h in hits {
        s.push(format!(
            "{}  {}  ({})",
            h.family.id, h.family.name, h.family.municipality
        ));
        s.extend(h.persons.iter().map(person_line));
    }
    s.join("\n")
}

pub fn groups(list: &[GroupSummary]) -> String {
    list.iter()
        .map(|g| {
            format!(
                "{}  {:<32} {:<20} {:>3} / {:>3}",
                g.id, g.name, g.activity, g.members, g.sessions
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn group(g: &GroupDetail, l10n: &Localizer) -> String {
    let mut s = vec![
        format!("{}  {}", g.summary.name, g.summary.id),
        format!("{} · {}", g.summary.activity, g.summary.municipality),
        format!("{}:", l10n.tr("cli-members", &[])),
    ];
    s.extend(g.members.iter().map(person_line));
    s.push(format!("{}:", l10n.tr("cli-facilitators", &[])));
    s.extend(
        g.facilitators
            .iter()
            .map(|v| format!("  {}  {} {}", v.id, v.given_name, v.family_name)),
    );
    s.push(format!("{}:", l10n.tr("cli-sessions", &[])));
    s.extend(g.sessions.iter().map(|x| session_line(x, l10n)));
    s.join("\n")
}

fn session_line(x: &SessionSummary, l10n: &Localizer) -> String {
    format!(
        "  {}  {}  {}  {} {} · {} {}",
        x.id,
        x.date,
        x.group_name,
        x.attended,
        l10n.tr("cli-attended", &[]),
        x.guests,
        l10n.tr("cli-guests", &[])
    )
}

pub fn sessions(list: &[SessionSummary], l10n: &Localizer) -> String {
    list.iter()
        .map(|x| session_line(x, l10n))
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn session(x: &SessionDetail, l10n: &Localizer) -> String {
    let mut s = vec![session_line(&x.summary, l10n).trim().to_string()];
    if !x.summary.topics.is_empty() {
        s.push(x.summary.topics.clone());
    }
    s.push(format!("{}:", l10n.tr("cli-attendance", &[])));
    s.extend(x.attendance.iter().map(person_line));
    for (cat, n) in &x.guests_by_category {
        s.push(format!("  {cat}: {n}"));
    }
    if !x.summary.note.is_empty() {
        s.push(x.summary.note.clone());
    }
    s.join("\n")
}

pub fn volunteers(list: &[VolunteerView], l10n: &Localizer) -> String {
    list.iter()
        .map(|v| {
            format!(
                "{}  {} {}  {}  {} {} · {} {}",
                v.id,
                v.given_name,
                v.family_name,
                v.role,
                v.trainings,
                l10n.tr("cli-trainings", &[]),
                v.hours,
                l10n.tr("cli-hours", &[])
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn projects(list: &[ProjectView]) -> String {
    list.iter()
        .map(|p| {
            format!(
                "{}  {}  {} – {}  ({})",
                p.id, p.name, p.start, p.end, p.donor
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn project(p: &ProjectView) -> String {
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
}

pub fn conflicts(list: &[ConflictView], l10n: &Localizer) -> String {
    if list.is_empty() {
        return l10n.tr("cli-conflicts-none", &[]);
    }
    let mut s = vec![];
    for c in list {
        let field = c.field.rsplit('.').next().unwrap_or(&c.field);
        s.push(format!("{} ({} {})", c.id, c.record_kind, c.record_id));
        s.push(l10n.tr(
            "cli-conflict-changed-on-two-devices",
            &[("field", Arg::Str(&field_label(field, l10n)))],
        ));
        for (i, cand) in c.candidates.iter().enumerate() {
            let value = match &cand.value {
                serde_json::Value::String(s) => s.clone(),
                v => v.to_string(),
            };
            s.push(format!(
                "  {}",
                l10n.tr(
                    "cli-conflict-candidate",
                    &[
                        ("n", Arg::Num(i as i64 + 1)),
                        ("value", Arg::Str(&value)),
                        ("person", Arg::Str(&cand.person)),
                        ("device", Arg::Str(&cand.device)),
                        ("at", Arg::Str(&cand.at)),
                    ],
                )
            ));
        }
        s.push(l10n.tr("cli-conflict-hint", &[("id", Arg::Str(&c.id))]));
    }
    s.join("\n")
}

pub fn history(h: &[HistoryEntry], l10n: &Localizer) -> String {
    if h.is_empty() {
        return l10n.tr("cli-history-empty", &[]);
    }
    h.iter()
        .map(|e| {
            format!(
                "{}  {:<20} {:<12} {:<18} {}",
                e.at,
                e.action,
                e.person,
                e.device,
                e.fields.join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
