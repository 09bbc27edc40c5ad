//! What reports count, as plain rows read from the projection: persons with what is
//! known of them, groups, and the period's sessions with attendance, events and
//! training. The rules (ages, bands, which registrations are one person, indicator
//! rules) are the report's; this module only knows where the rows are.

use super::Registry;
use crate::error::Result;
use kopa_domain::Date;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A registered person as reports see them.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonFact {
    pub id: String,
    pub birth_year: Option<i64>,
    /// `YYYY-MM-DD`, when known.
    pub birth_date: Option<String>,
    pub gender: String,
    /// The family's.
    pub municipality: String,
    pub branch: String,
    /// The person's own and the family's.
    pub target_groups: BTreeSet<String>,
    /// The family's.
    pub languages: BTreeSet<String>,
    /// Values of HQ's family and person fields: field code → value.
    pub fields: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GroupFact {
    pub id: String,
    pub activity: String,
    pub municipality: String,
    pub branch: String,
    /// Values of HQ's group fields.
    pub fields: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SessionFact {
    pub group: String,
    pub branch: String,
    /// Persons marked present (as recorded; links are not applied).
    pub attendance: Vec<String>,
    /// Values of HQ's session fields.
    pub fields: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EventFact {
    pub activity: String,
    pub municipality: String,
    pub branch: String,
    /// Head counts by category, ordered by category.
    pub counts: Vec<(String, i64)>,
    pub participants: Vec<String>,
    /// Values of HQ's event fields.
    pub fields: BTreeMap<String, String>,
}

/// The rows a report of `[from, to]` counts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportFacts {
    pub persons: Vec<PersonFact>,
    pub groups: Vec<GroupFact>,
    pub sessions: Vec<SessionFact>,
    pub events: Vec<EventFact>,
    /// `(volunteer, branch, tenths of an hour)` of training in the period.
    pub training: Vec<(String, String, i64)>,
    /// HQ's active links between registrations of one person, oldest first.
    pub links: Vec<(String, String)>,
}

impl Registry {
    /// Every row a report of the period `[from, to]` counts.
    pub fn report_facts(&self, from: Date, to: Date) -> Result<ReportFacts> {
        self.allow(kopa_domain::Action::Reports)?;
        let conn = self.db();
        let (f, t) = (from.to_string(), to.to_string());
        let mut tags: HashMap<String, (BTreeSet<String>, BTreeSet<String>)> = HashMap::new();
        let mut s = conn.prepare("SELECT family_id, kind, value FROM p_family_tags")?;
        for row in s.query_map([], |r| Ok((r.get(0)?, r.get::<_, String>(1)?, r.get(2)?)))? {
            let (family, kind, value): (String, String, String) = row?;
            let e = tags.entry(family).or_default();
            if kind == "language" {
                e.1.insert(value);
            } else {
                e.0.insert(value);
            }
        }
        let mut values: HashMap<String, BTreeMap<String, String>> = HashMap::new();
        let mut s = conn.prepare("SELECT record_id, field, value FROM p_field_values")?;
        for row in s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))? {
            let (record, field, value): (String, String, String) = row?;
            values.entry(record).or_default().insert(field, value);
        }
        let mut s = conn.prepare(
            "SELECT p.id, p.family_id, p.birth_year, p.birth_date, p.gender, p.target_groups,
                    f.municipality, f.branch
             FROM p_persons p JOIN p_families f ON f.id = p.family_id",
        )?;
        let persons = s
            .query_map([], |r| {
                let family: String = r.get(1)?;
                let own: String = r.get(5)?;
                let (mut target_groups, languages) = tags.get(&family).cloned().unwrap_or_default();
                target_groups.extend(own.split(',').filter(|s| !s.is_empty()).map(String::from));
                let id: String = r.get(0)?;
                let mut fields = values.get(&family).cloned().unwrap_or_default();
                fields.extend(values.get(&id).cloned().unwrap_or_default());
                Ok(PersonFact {
                    fields,
                    id,
                    birth_year: r.get(2)?,
                    birth_date: r.get(3)?,
                    gender: r.get(4)?,
                    municipality: r.get(6)?,
                    branch: r.get(7)?,
                    target_groups,
                    languages,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut s = conn.prepare("SELECT id, activity, municipality, branch FROM p_groups")?;
        let groups = s
            .query_map([], |r| {
                let id: String = r.get(0)?;
                Ok(GroupFact {
                    fields: values.get(&id).cloned().unwrap_or_default(),
                    id,
                    activity: r.get(1)?,
                    municipality: r.get(2)?,
                    branch: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut attendance: HashMap<String, Vec<String>> = HashMap::new();
        let mut s = conn.prepare(
            "SELECT a.session_id, a.person_id FROM p_attendance a
             JOIN p_sessions s ON s.id = a.session_id WHERE s.date BETWEEN ?1 AND ?2",
        )?;
        for row in s.query_map([&f, &t], |r| Ok((r.get(0)?, r.get(1)?)))? {
            let (session, person): (String, String) = row?;
            attendance.entry(session).or_default().push(person);
        }
        let mut s = conn
            .prepare("SELECT id, group_id, branch FROM p_sessions WHERE date BETWEEN ?1 AND ?2")?;
        let sessions = s
            .query_map([&f, &t], |r| {
                let id: String = r.get(0)?;
                Ok(SessionFact {
                    fields: values.get(&id).cloned().unwrap_or_default(),
                    group: r.get(1)?,
                    branch: r.get(2)?,
                    attendance: attendance.remove(&id).unwrap_or_default(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut s = conn.prepare(
            "SELECT id, activity, municipality, branch FROM p_events WHERE date BETWEEN ?1 AND ?2",
        )?;
        let mut parts =
            conn.prepare("SELECT person_id FROM p_event_participants WHERE event_id = ?1")?;
        let mut counts = conn.prepare(
            "SELECT category, count FROM p_event_counts WHERE event_id = ?1 ORDER BY category",
        )?;
        let mut events = vec![];
        for row in s.query_map([&f, &t], |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })? {
            let (id, activity, municipality, branch) = row?;
            events.push(EventFact {
                fields: values.get(&id).cloned().unwrap_or_default(),
                activity,
                municipality,
                branch,
                counts: counts
                    .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?,
                participants: parts
                    .query_map([&id], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?,
            });
        }
        let mut s = conn.prepare(
            "SELECT volunteer_id, branch, sum(tenth_hours) FROM p_trainings
             WHERE date BETWEEN ?1 AND ?2 GROUP BY volunteer_id, branch",
        )?;
        let training = s
            .query_map([&f, &t], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut s = conn.prepare("SELECT a, b FROM p_person_links WHERE active = 1 ORDER BY id")?;
        let links = s
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ReportFacts {
            persons,
            groups,
            sessions,
            events,
            training,
            links,
        })
    }
}
