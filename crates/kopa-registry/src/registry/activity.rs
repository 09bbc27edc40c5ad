//! A branch's activity: groups and enrolment, sessions and attendance, events, and
//! the branch's overview counts.

use super::Registry;
use crate::collection::Collection;
use crate::error::{Error, Result};
use crate::projection::map_at;
use crate::views::*;
use kopa_domain::validate::{self as v};
use kopa_domain::*;
use rusqlite::{params, OptionalExtension};
use std::collections::BTreeMap;

/// A group as typed by a person: by the CLI and the desktop form (this is its
/// contract). Empty optional fields are left out.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct GroupDraft {
    pub name: String,
    pub activity: String,
    /// The branch's own when left out.
    #[cfg_attr(feature = "ts", ts(optional))]
    pub municipality: Option<String>,
    pub facilitators: Vec<String>,
    /// ISO weekday, 1 = Monday.
    pub weekday: Option<String>,
    pub time: Option<String>,
    pub place: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    pub start: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    pub end: Option<String>,
    /// Values of HQ's group fields: field code → text as typed.
    pub fields: BTreeMap<String, String>,
}

/// A session as recorded: by the CLI, the desktop form (this is its contract) and
/// the attendance import. Fields left out take their defaults.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct SessionDraft {
    pub group: String,
    pub date: String,
    pub time: Option<String>,
    /// Minutes, 90 when left out.
    pub minutes: Option<String>,
    pub place: Option<String>,
    /// What the session was about ("bērna aprūpes pamati, vecumposmu īpatnības").
    pub topics: Option<String>,
    pub attended: Vec<String>,
    /// Unregistered guests, `(category, count)`: adult, child, senior, volunteer,
    /// other. A category counted twice adds up; a count of 0 is left out.
    pub guests: Vec<(String, i64)>,
    pub facilitators: Vec<String>,
    pub note: Option<String>,
    /// Values of HQ's session fields: field code → text as typed.
    pub fields: BTreeMap<String, String>,
    /// A second session of the group on a date that has one (two meetings in a day).
    /// Without it, recording again for the same group and date is refused, so a
    /// double click on Save or a list recorded twice never counts a session twice.
    pub another: bool,
}

#[derive(Clone, Debug, Default)]
pub struct EventDraft {
    pub name: String,
    pub activity: String,
    pub date: String,
    pub municipality: Option<String>,
    /// Head counts `(category, count)`: participants, spectators…
    pub head_counts: Vec<(String, i64)>,
    pub participants: Vec<String>,
    /// Values of HQ's event fields: field code → text as typed.
    pub fields: BTreeMap<String, String>,
}

impl Registry {
    pub fn add_group(&mut self, draft: &GroupDraft) -> Result<GroupId> {
        self.allow(Action::Groups)?;
        let ctx = self.context()?;
        let municipality = match draft.municipality.as_deref() {
            Some(m) if !m.trim().is_empty() => v::municipality("municipality", m, &ctx)?,
            _ => self.me().municipality.clone(),
        };
        let weekday = draft
            .weekday
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|w| v::number("weekday", w, 1..=7))
            .transpose()?;
        let facilitators = self.volunteer_ids("facilitator", &draft.facilitators)?;
        let group = Group {
            name: v::text("name", &draft.name, v::MAX_NAME)?,
            activity: v::activity("activity", &draft.activity, &ctx)?,
            municipality,
            facilitators,
            members: TagSet::default(),
            start: draft
                .start
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(|s| v::date("start", s))
                .transpose()?,
            end: draft
                .end
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(|s| v::date("end", s))
                .transpose()?,
            weekday,
            time: draft
                .time
                .as_deref()
                .map(|t| v::optional_text("time", t, 5))
                .transpose()?
                .flatten(),
            place: draft
                .place
                .as_deref()
                .map(|t| v::optional_text("place", t, v::MAX_NAME))
                .transpose()?
                .flatten(),
            fields: v::kept(v::field_values("group", "", &draft.fields, &ctx, true)?),
        };
        if let (Some(s), Some(e)) = (group.start, group.end) {
            if e < s {
                return Err(ValidationError::new("end", Code::DateOrder).into());
            }
        }
        let id = self.fresh(GroupId::new);
        self.write(self.branch_doc(), "group.add", |e| {
            let groups = e.collection(Collection::Groups)?;
            e.insert(&groups, &id.key(), &group)
        })?;
        Ok(id)
    }

    fn group_exists(&self, id: GroupId) -> Result<()> {
        Collection::Groups.require(self.db(), &id.key())
    }

    /// Enrols persons in a group; returns how many were newly enrolled.
    pub fn enrol(&mut self, group: GroupId, persons: &[String]) -> Result<usize> {
        self.group_exists(group)?;
        let persons = self.person_ids("person", persons)?;
        let gkey = group.key();
        self.write(self.branch_doc(), "group.enrol", |e| {
            add_members(e, &gkey, &persons)?;
            Ok(e.changes())
        })
    }

    pub fn unenrol(&mut self, group: GroupId, person: PersonId) -> Result<bool> {
        self.group_exists(group)?;
        let gkey = group.key();
        self.write(self.branch_doc(), "group.unenrol", |e| {
            e.record(&gkey);
            e.record(&person.key());
            let groups = e.collection(Collection::Groups)?;
            let g = e.map(&groups, &gkey)?;
            let members = e.map(&g, "members")?;
            e.remove_from_set(&members, &person.key(), "members")?;
            Ok(e.changed())
        })
    }

    /// Records a session and who came. Persons who came but were not enrolled are
    /// enrolled in the same change (a newcomer registered on the spot).
    pub fn record_session(&mut self, draft: &SessionDraft) -> Result<SessionId> {
        let ctx = self.context()?;
        let group: GroupId = draft
            .group
            .parse()
            .map_err(|_| ValidationError::new("group", Code::InvalidId).with_value(&draft.group))?;
        self.group_exists(group)?;
        let attended = self.person_ids("attended", &draft.attended)?;
        let mut guests = BTreeMap::new();
        for (i, (cat, n)) in draft.guests.iter().enumerate() {
            let (cat, n) = v::head_count(&format!("guests[{}]", i + 1), cat, *n)?;
            if n > 0 {
                *guests.entry(cat).or_insert(0) += n;
            }
        }
        let session = Session {
            group: group.key(),
            date: v::past_date("date", &draft.date, &ctx)?,
            time: draft
                .time
                .as_deref()
                .map(|t| v::optional_text("time", t, 5))
                .transpose()?
                .flatten(),
            minutes: match draft.minutes.as_deref() {
                Some(m) if !m.trim().is_empty() => v::number("minutes", m, 1..=24 * 60)?,
                _ => 90,
            },
            place: draft
                .place
                .as_deref()
                .map(|t| v::optional_text("place", t, v::MAX_NAME))
                .transpose()?
                .flatten(),
            topics: draft
                .topics
                .as_deref()
                .map(|t| v::optional_text("topics", t, v::MAX_TEXT))
                .transpose()?
                .flatten()
                .unwrap_or_default(),
            facilitators: self.volunteer_ids("facilitator", &draft.facilitators)?,
            attendance: attended.iter().cloned().collect(),
            guests,
            note: draft.note.clone().unwrap_or_default().trim().to_string(),
            fields: v::kept(v::field_values("session", "", &draft.fields, &ctx, true)?),
        };
        if session.note.chars().count() > v::MAX_TEXT {
            return Err(ValidationError::new("note", Code::TooLong).into());
        }
        if !draft.another {
            if let Some(existing) = self.session_on(group, session.date)? {
                return Err(ValidationError::new("date", Code::SessionExists)
                    .with_value(existing)
                    .into());
            }
        }
        let id = self.fresh(SessionId::new);
        let gkey = group.key();
        self.write(self.branch_doc(), "session.record", |e| {
            let sessions = e.collection(Collection::Sessions)?;
            e.insert(&sessions, &id.key(), &session)?;
            add_members(e, &gkey, &attended)
        })?;
        Ok(id)
    }

    /// The session of `group` on `date`, if one is recorded (the first by id).
    pub fn session_on(&self, group: GroupId, date: Date) -> Result<Option<String>> {
        Ok(self
            .db()
            .query_row(
                "SELECT id FROM p_sessions WHERE group_id = ?1 AND date = ?2 ORDER BY id LIMIT 1",
                rusqlite::params![group.key(), date.to_string()],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Marks persons present (or not) at a session. Marks from several devices add up.
    pub fn mark_attendance(
        &mut self,
        session: SessionId,
        persons: &[String],
        present: bool,
    ) -> Result<usize> {
        let persons = self.person_ids("person", persons)?;
        let skey = session.key();
        Collection::Sessions.require(self.db(), &skey)?;
        self.write(self.branch_doc(), "session.attendance", |e| {
            e.record(&skey);
            let sessions = e.collection(Collection::Sessions)?;
            let s = e.map(&sessions, &skey)?;
            let att = e.map(&s, "attendance")?;
            for p in &persons {
                if present {
                    e.add_to_set(&att, p, "attendance")?;
                } else {
                    e.remove_from_set(&att, p, "attendance")?;
                }
                e.record(p);
            }
            Ok(e.changes())
        })
    }

    /// Changes a session's note (to show conflicts on free text, too).
    pub fn edit_session_note(&mut self, session: SessionId, note: &str) -> Result<bool> {
        let skey = session.key();
        let note = note.trim().to_string();
        self.write(self.branch_doc(), "session.edit", |e| {
            e.record(&skey);
            let sessions = e.collection(Collection::Sessions)?;
            let s = map_at(&e.tx, &sessions, &skey)?.ok_or(Error::NotFound {
                kind: "session",
                id: skey.clone(),
            })?;
            e.set(&s, "note", &note, "note")?;
            Ok(e.changed())
        })
    }

    pub fn list_groups(&self) -> Result<Vec<GroupSummary>> {
        let mut s = self.db().prepare_cached(&format!(
            "{GROUP_SUMMARY} ORDER BY g.name COLLATE NOCASE, g.id"
        ))?;
        let rows = s.query_map([], group_summary)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn group(&self, id: GroupId) -> Result<GroupDetail> {
        let key = id.key();
        let mut s = self
            .db()
            .prepare_cached(&format!("{GROUP_SUMMARY} WHERE g.id = ?1"))?;
        let summary = s
            .query_row([&key], group_summary)
            .optional()?
            .ok_or(Error::NotFound {
                kind: "group",
                id: key.clone(),
            })?;
        let (start, end): (Option<String>, Option<String>) = self.db().query_row(
            "SELECT start, end FROM p_groups WHERE id = ?1",
            [&key],
            |r| r.try_into(),
        )?;
        let members = self.persons_where(
            "p.id IN (SELECT person_id FROM p_group_members WHERE group_id = ?1)",
            &key,
        )?;
        let facilitators = self.volunteers_where(
            "v.id IN (SELECT volunteer_id FROM p_group_facilitators WHERE group_id = ?1)",
            &key,
        )?;
        Ok(GroupDetail {
            summary,
            start,
            end,
            members,
            facilitators,
            sessions: self.sessions_where("s.group_id = ?1", &key)?,
            fields: self.field_values(&key)?,
        })
    }

    fn sessions_where(&self, cond: &str, arg: &str) -> Result<Vec<SessionSummary>> {
        let sql = format!("{SESSION_SUMMARY} WHERE {cond} ORDER BY s.date DESC, s.time DESC, s.id");
        let mut s = self.db().prepare_cached(&sql)?;
        let rows = s.query_map([arg], session_summary)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Sessions held in a date range (inclusive), newest first.
    pub fn list_sessions(&self, from: Date, to: Date) -> Result<Vec<SessionSummary>> {
        let sql = format!("{SESSION_SUMMARY} WHERE s.date BETWEEN ?1 AND ?2 ORDER BY s.date DESC, s.time DESC, s.id");
        let mut s = self.db().prepare_cached(&sql)?;
        let rows = s.query_map([from.to_string(), to.to_string()], session_summary)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn session(&self, id: SessionId) -> Result<SessionDetail> {
        let key = id.key();
        let summary = self
            .sessions_where("s.id = ?1", &key)?
            .pop()
            .ok_or(Error::NotFound {
                kind: "session",
                id: key.clone(),
            })?;
        let place: Option<String> =
            self.db()
                .query_row("SELECT place FROM p_sessions WHERE id = ?1", [&key], |r| {
                    r.get(0)
                })?;
        let mut s = self.db().prepare_cached(
            "SELECT category, count FROM p_session_guests WHERE session_id = ?1 ORDER BY category",
        )?;
        let guests_by_category = s
            .query_map([&key], |r| r.try_into())?
            .collect::<rusqlite::Result<_>>()?;
        let mut s = self.db().prepare_cached("SELECT volunteer_id FROM p_session_facilitators WHERE session_id = ?1 ORDER BY volunteer_id")?;
        let facilitators = s
            .query_map([&key], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(SessionDetail {
            summary,
            place,
            attendance: self.persons_where(
                "p.id IN (SELECT person_id FROM p_attendance WHERE session_id = ?1)",
                &key,
            )?,
            guests_by_category,
            facilitators,
            fields: self.field_values(&key)?,
        })
    }

    /// Attendances per month (`YYYY-MM`) of sessions held from `from` to `to`.
    pub fn attendance_by_month(&self, from: Date, to: Date) -> Result<Vec<(String, i64)>> {
        let mut s = self.db().prepare(
            "SELECT substr(s.date, 1, 7), count(*) FROM p_attendance a JOIN p_sessions s ON s.id = a.session_id
             WHERE s.date BETWEEN ?1 AND ?2 GROUP BY 1",
        )?;
        let rows = s.query_map([from.to_string(), to.to_string()], |r| r.try_into())?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Distinct persons who attended from `from` to `to`, per target group of their
    /// family, the largest first.
    pub fn persons_by_target_group(&self, from: Date, to: Date) -> Result<Vec<(String, i64)>> {
        let mut s = self.db().prepare(
            "SELECT g.value, count(DISTINCT a.person_id)
             FROM p_attendance a JOIN p_sessions s ON s.id = a.session_id
             JOIN p_persons p ON p.id = a.person_id
             JOIN p_family_tags g ON g.family_id = p.family_id AND g.kind = 'target-group'
             WHERE s.date BETWEEN ?1 AND ?2 GROUP BY 1 ORDER BY 2 DESC",
        )?;
        let rows = s.query_map([from.to_string(), to.to_string()], |r| r.try_into())?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Groups that usually meet on `day`'s weekday and are running then.
    pub fn planned_on(&self, day: Date) -> Result<Vec<GroupSummary>> {
        let sql = format!(
            "{GROUP_SUMMARY} WHERE g.weekday = ?1 AND (g.start IS NULL OR g.start <= ?2) AND (g.end IS NULL OR g.end >= ?2)
             ORDER BY g.time, g.name COLLATE NOCASE"
        );
        let mut s = self.db().prepare_cached(&sql)?;
        let rows = s.query_map(
            params![i64::from(day.weekday()), day.to_string()],
            group_summary,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    // ----- events ----------------------------------------------------------------

    pub fn add_event(&mut self, draft: &EventDraft) -> Result<EventId> {
        let ctx = self.context()?;
        let mut head_counts = BTreeMap::new();
        for (i, (cat, n)) in draft.head_counts.iter().enumerate() {
            let field = format!("count[{}]", i + 1);
            let (cat, n) = v::head_count(&field, &v::event_category(&field, cat, &ctx)?, *n)?;
            *head_counts.entry(cat).or_insert(0) += n;
        }
        let event = Event {
            name: v::text("name", &draft.name, v::MAX_NAME)?,
            activity: v::activity("activity", &draft.activity, &ctx)?,
            date: v::date("date", &draft.date)?,
            municipality: match draft.municipality.as_deref() {
                Some(m) if !m.trim().is_empty() => v::municipality("municipality", m, &ctx)?,
                _ => self.me().municipality.clone(),
            },
            head_counts,
            participants: self
                .person_ids("participant", &draft.participants)?
                .into_iter()
                .collect(),
            fields: v::kept(v::field_values("event", "", &draft.fields, &ctx, true)?),
        };
        let id = self.fresh(EventId::new);
        self.write(self.branch_doc(), "event.add", |e| {
            let events = e.collection(Collection::Events)?;
            e.insert(&events, &id.key(), &event)
        })?;
        Ok(id)
    }

    pub fn overview(&self) -> Result<Overview> {
        let n = |sql: &str| -> Result<i64> { Ok(self.db().query_row(sql, [], |r| r.get(0))?) };
        Ok(Overview {
            families: n("SELECT count(*) FROM p_families")?,
            persons: n("SELECT count(*) FROM p_persons")?,
            groups: n("SELECT count(*) FROM p_groups")?,
            sessions: n("SELECT count(*) FROM p_sessions")?,
            attendances: n("SELECT count(*) FROM p_attendance")?,
            volunteers: n("SELECT count(*) FROM p_volunteers")?,
            conflicts: n("SELECT count(*) FROM p_conflicts")?,
        })
    }
}

const GROUP_SUMMARY: &str =
    "SELECT g.id, g.name, g.activity, g.municipality, g.weekday, g.time, g.place,
    (SELECT count(*) FROM p_group_members m WHERE m.group_id = g.id),
    (SELECT count(*) FROM p_sessions s WHERE s.group_id = g.id) FROM p_groups g";

fn group_summary(r: &rusqlite::Row) -> rusqlite::Result<GroupSummary> {
    Ok(GroupSummary {
        id: r.get(0)?,
        name: r.get(1)?,
        activity: r.get(2)?,
        municipality: r.get(3)?,
        weekday: r.get(4)?,
        time: r.get(5)?,
        place: r.get(6)?,
        members: r.get(7)?,
        sessions: r.get(8)?,
    })
}

const SESSION_SUMMARY: &str =
    "SELECT s.id, s.group_id, coalesce(g.name, ''), s.date, s.time, s.minutes,
    (SELECT count(*) FROM p_attendance a WHERE a.session_id = s.id),
    (SELECT coalesce(sum(count), 0) FROM p_session_guests q WHERE q.session_id = s.id), s.topics,
    s.note, s.branch
    FROM p_sessions s LEFT JOIN p_groups g ON g.id = s.group_id";

fn session_summary(r: &rusqlite::Row) -> rusqlite::Result<SessionSummary> {
    Ok(SessionSummary {
        id: r.get(0)?,
        group_id: r.get(1)?,
        group_name: r.get(2)?,
        date: r.get(3)?,
        time: r.get(4)?,
        minutes: r.get(5)?,
        attended: r.get(6)?,
        guests: r.get(7)?,
        topics: r.get(8)?,
        note: r.get(9)?,
        branch: r.get(10)?,
    })
}

/// Adds persons to a group's members within an edit: enrolling them, or recording
/// them at one of its sessions.
fn add_members(e: &mut super::Edit, group: &str, persons: &[String]) -> Result<()> {
    e.record(group);
    let groups = e.collection(Collection::Groups)?;
    let g = e.map(&groups, group)?;
    let members = e.map(&g, "members")?;
    for p in persons {
        e.add_to_set(&members, p, "members")?;
        e.record(p);
    }
    Ok(())
}
