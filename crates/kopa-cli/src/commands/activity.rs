//! `kopa group`, `session`, `volunteer`, `training`, `event`: the branch's activity.

use super::{head_counts, parse_date, parse_id};
use crate::cli::{field_args, EventCmd, GroupCmd, SessionCmd, TrainingCmd, VolunteerCmd};
use crate::output::{self, Out};
use crate::Result;
use kopa_i18n::Arg;
use kopa_registry::{
    EventDraft, GroupDraft, Registry, SessionDraft, TrainingDraft, VolunteerDraft,
};

/// A write that touched `n` persons' records: the count under `key` in JSON, and in
/// words (`message`) after the id.
fn counted(out: &Out, id: &str, key: &str, n: usize, message: &str) {
    out.written(id, &serde_json::json!({ "id": id, (key): n }), || {
        format!(
            "{id}\n{}",
            out.l10n.tr(message, &[("count", Arg::Num(n as i64))])
        )
    });
}

pub fn group(reg: &mut Registry, cmd: &GroupCmd, out: &Out) -> Result<()> {
    let l10n = out.l10n;
    match cmd {
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
                fields: field_args(&a.fields)?,
            })?;
            out.id(&id.key());
        }
        GroupCmd::Enrol { group, persons } => {
            let gid = parse_id(group)?;
            let n = reg.enrol(gid, persons)?;
            counted(out, &gid.key(), "enrolled", n, "cli-enrolled");
        }
        GroupCmd::List => {
            let list = reg.list_groups()?;
            out.value(&list, || output::groups(&list));
        }
        GroupCmd::Show { id } => {
            let g = reg.group(parse_id(id)?)?;
            out.value(&g, || output::group(&g, l10n));
        }
    }
    Ok(())
}

pub fn session(reg: &mut Registry, cmd: &SessionCmd, out: &Out) -> Result<()> {
    let l10n = out.l10n;
    match cmd {
        SessionCmd::Record(r) => {
            let id = reg.record_session(&SessionDraft {
                group: r.group.clone(),
                date: r.date.clone(),
                time: r.time.clone(),
                minutes: r.minutes.clone(),
                place: r.place.clone(),
                topics: r.topics.clone(),
                attended: r.attended.clone(),
                guests: head_counts("guests", &r.guests)?,
                facilitators: r.facilitator.clone(),
                note: r.note.clone(),
                fields: field_args(&r.fields)?,
                another: r.another,
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
            counted(out, &sid.key(), "changed", n, "cli-marked");
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
    }
    Ok(())
}

pub fn volunteer(reg: &mut Registry, cmd: &VolunteerCmd, out: &Out) -> Result<()> {
    let l10n = out.l10n;
    match cmd {
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
    }
    Ok(())
}

pub fn training(reg: &mut Registry, cmd: &TrainingCmd, out: &Out) -> Result<()> {
    match cmd {
        TrainingCmd::Record {
            volunteer,
            date,
            topic,
            hours,
        } => {
            let id = reg.record_training(&TrainingDraft {
                volunteer: volunteer.clone(),
                date: date.clone(),
                topic: topic.clone(),
                hours: hours.clone(),
            })?;
            out.id(&id.key());
        }
        TrainingCmd::List { volunteer } => {
            let list = reg.trainings(parse_id(volunteer)?)?;
            out.value(&list, || {
                list.iter()
                    .map(|t| format!("{}  {}  {} h  {}", t.date, t.id, t.hours, t.topic))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
    }
    Ok(())
}

pub fn event(reg: &mut Registry, cmd: &EventCmd, out: &Out) -> Result<()> {
    match cmd {
        EventCmd::Add {
            name,
            activity,
            date,
            municipality,
            count,
            participant,
            fields,
        } => {
            let id = reg.add_event(&EventDraft {
                name: name.clone(),
                activity: activity.clone(),
                date: date.clone(),
                municipality: municipality.clone(),
                head_counts: head_counts("count", count)?,
                participants: participant.clone(),
                fields: field_args(fields)?,
            })?;
            out.id(&id.key());
        }
    }
    Ok(())
}
