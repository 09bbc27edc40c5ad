//! Volunteers and staff, and their trainings.

use super::Registry;
use crate::collection::Collection;
use crate::error::Result;
use crate::views::*;
use kopa_domain::validate::{self as v};
use kopa_domain::*;

/// A volunteer as registered; a blank role is `volunteer`.
/// (The desktop's contract too: serde + ts-rs; fields left out take their defaults.)
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct VolunteerDraft {
    pub given_name: String,
    pub family_name: String,
    pub role: Option<String>,
    pub contact: Option<String>,
}

/// A training a volunteer took: hours as written ("1,5").
/// (The desktop's contract too: serde + ts-rs; fields left out take their defaults.)
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct TrainingDraft {
    pub volunteer: String,
    pub date: String,
    pub topic: String,
    pub hours: String,
}

impl Registry {
    pub(super) fn volunteer_ids(&self, field: &str, ids: &[String]) -> Result<TagSet> {
        let mut set = TagSet::default();
        for (i, s) in ids.iter().enumerate() {
            let f = format!("{field}[{}]", i + 1);
            let id: VolunteerId = s
                .parse()
                .map_err(|_| ValidationError::new(&f, Code::InvalidId).with_value(s))?;
            Collection::Volunteers.require(self.db(), &id.key())?;
            set.0.insert(id.key());
        }
        Ok(set)
    }

    pub fn add_volunteer(&mut self, draft: &VolunteerDraft) -> Result<VolunteerId> {
        self.allow(Action::Volunteers)?;
        let vol = Volunteer {
            given_name: v::name("given_name", &draft.given_name)?,
            family_name: v::name("family_name", &draft.family_name)?,
            role: match draft.role.as_deref() {
                Some(r) if !r.trim().is_empty() => VolunteerRole::parse(r)
                    .ok_or_else(|| ValidationError::new("role", Code::UnknownRole).with_value(r))?,
                _ => VolunteerRole::Volunteer,
            },
            contact: draft
                .contact
                .as_deref()
                .map(|c| v::optional_text("contact", c, v::MAX_NAME))
                .transpose()?
                .flatten(),
            active: true,
        };
        let id = self.fresh(VolunteerId::new);
        self.write(self.branch_doc(), "volunteer.add", |e| {
            let vols = e.collection(Collection::Volunteers)?;
            e.insert(&vols, &id.key(), &vol)
        })?;
        Ok(id)
    }

    pub fn record_training(&mut self, draft: &TrainingDraft) -> Result<TrainingId> {
        self.allow(Action::Volunteers)?;
        let ctx = self.context()?;
        let vols = self.volunteer_ids("volunteer", std::slice::from_ref(&draft.volunteer))?;
        let training = Training {
            volunteer: vols.iter().next().cloned().unwrap_or_default(),
            date: v::past_date("date", &draft.date, &ctx)?,
            topic: v::text("topic", &draft.topic, v::MAX_NAME)?,
            tenth_hours: v::tenth_hours("hours", &draft.hours)?,
        };
        let id = self.fresh(TrainingId::new);
        let vkey = training.volunteer.clone();
        self.write(self.branch_doc(), "training.record", |e| {
            let t = e.collection(Collection::Trainings)?;
            e.insert(&t, &id.key(), &training)?;
            e.record(&vkey);
            Ok(())
        })?;
        Ok(id)
    }

    pub(super) fn volunteers_where(&self, cond: &str, arg: &str) -> Result<Vec<VolunteerView>> {
        let sql = format!(
            "SELECT v.id, v.given_name, v.family_name, v.role, v.active,
                    (SELECT count(*) FROM p_trainings t WHERE t.volunteer_id = v.id),
                    (SELECT coalesce(sum(tenth_hours), 0) FROM p_trainings t WHERE t.volunteer_id = v.id)
             FROM p_volunteers v WHERE {cond} ORDER BY v.family_name COLLATE NOCASE, v.given_name COLLATE NOCASE, v.id"
        );
        let mut s = self.db().prepare_cached(&sql)?;
        let rows = s.query_map([arg], |r| {
            Ok(VolunteerView {
                id: r.get(0)?,
                given_name: r.get(1)?,
                family_name: r.get(2)?,
                role: r.get(3)?,
                active: r.get(4)?,
                trainings: r.get(5)?,
                hours: r.get::<_, i64>(6)? as f64 / 10.0,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn list_volunteers(&self) -> Result<Vec<VolunteerView>> {
        self.volunteers_where("?1 = ?1", "")
    }

    pub fn trainings(&self, volunteer: VolunteerId) -> Result<Vec<TrainingView>> {
        let mut s = self.db().prepare_cached(
            "SELECT id, volunteer_id, date, topic, tenth_hours FROM p_trainings WHERE volunteer_id = ?1 ORDER BY date, id",
        )?;
        let rows = s.query_map([volunteer.key()], |r| {
            Ok(TrainingView {
                id: r.get(0)?,
                volunteer_id: r.get(1)?,
                date: r.get(2)?,
                topic: r.get(3)?,
                hours: r.get::<_, i64>(4)? as f64 / 10.0,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
