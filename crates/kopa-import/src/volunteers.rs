//! Volunteers and their trainings from a CSV or XLSX list: one row a volunteer, or a
//! training of one (a volunteer named on several rows is one volunteer with several
//! trainings). A name already registered is that volunteer; a training already
//! recorded (same volunteer, date and topic) is not recorded twice, so importing a
//! list again changes nothing.

use crate::words::{Kind, Words};
use crate::{mapping_for, read_table, ImportError, Options, RowError};
use kopa_domain::text::fold;
use kopa_domain::validate::{self as v};
use kopa_domain::{Code, ValidationError, VolunteerRole};
use kopa_registry::{Registry, TrainingDraft, VolunteerDraft};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The fields a column of a volunteer list can map to.
pub const VOLUNTEER_FIELDS: &[&str] = &[
    "given_name",
    "family_name",
    "volunteer_role",
    "contact",
    "date",
    "topic",
    "hours",
];

#[derive(Clone, Debug, Serialize)]
pub struct VolunteerPreview {
    pub mapping: BTreeMap<String, String>,
    pub rows: usize,
    pub valid_rows: usize,
    /// Volunteers the list names that are not registered yet.
    pub new_volunteers: usize,
    /// Trainings the list holds that are not recorded yet.
    pub new_trainings: usize,
    pub errors: Vec<RowError>,
    /// Ids of the volunteers and trainings written (empty in a dry run or when refused).
    pub imported: Vec<String>,
}

struct Row {
    key: String,
    draft: VolunteerDraft,
    training: Option<(String, String, String)>,
}

fn check_row(
    get: &dyn Fn(&str) -> String,
    words: &Words,
    today: &v::Context,
) -> Result<Row, ValidationError> {
    let given = v::text("given_name", &get("given_name"), v::MAX_NAME)?;
    let family = v::text("family_name", &get("family_name"), v::MAX_NAME)?;
    let role = words.code(Kind::VolunteerRole, &get("volunteer_role"));
    if !role.is_empty() && VolunteerRole::parse(&role).is_none() {
        return Err(ValidationError::new("volunteer_role", Code::UnknownRole)
            .with_value(role)
            .with_valid(VolunteerRole::ALL.iter().map(|r| r.as_str())));
    }
    let (date, topic, hours) = (get("date"), get("topic"), get("hours"));
    let training = if [&date, &topic, &hours].iter().all(|s| s.trim().is_empty()) {
        None
    } else {
        let date = v::past_date("date", &date, today)?.to_string();
        let topic = v::text("topic", &topic, v::MAX_NAME)?;
        v::tenth_hours("hours", &hours)?;
        Some((date, topic, hours.trim().to_string()))
    };
    Ok(Row {
        key: format!("{}|{}", fold(&given), fold(&family)),
        draft: VolunteerDraft {
            given_name: given,
            family_name: family,
            role: (!role.is_empty()).then_some(role),
            contact: Some(get("contact")).filter(|c| !c.trim().is_empty()),
        },
        training,
    })
}

/// Checks a volunteer list and, unless it is a dry run or has bad rows not
/// explicitly skipped, registers its volunteers and records their trainings.
pub fn import_volunteers(
    reg: &mut Registry,
    path: &Path,
    mapping_file: Option<&Path>,
    opts: Options,
) -> Result<VolunteerPreview, ImportError> {
    let (header, rows) = read_table(path)?;
    let map = mapping_for(
        &header,
        mapping_file,
        VOLUNTEER_FIELDS,
        &["given_name", "family_name"],
    )?;
    let col = |field: &str| {
        map.iter()
            .find(|(_, f)| *f == field)
            .and_then(|(h, _)| header.iter().position(|x| x == h))
    };
    let cols: BTreeMap<&str, Option<usize>> =
        VOLUNTEER_FIELDS.iter().map(|f| (*f, col(f))).collect();
    let ctx = reg.lists()?;
    let words = Words::new();
    let (mut good, mut errors) = (vec![], vec![]);
    for (i, raw) in rows.iter().enumerate() {
        let get = |f: &str| -> String {
            cols.get(f)
                .copied()
                .flatten()
                .and_then(|c| raw.get(c))
                .cloned()
                .unwrap_or_default()
        };
        match check_row(&get, &words, &ctx) {
            Ok(r) => good.push(r),
            Err(e) => errors.push(RowError::new(i + 2, e)),
        }
    }
    // Who is registered already, by folded name; what each has been trained in.
    let mut known: BTreeMap<String, String> = BTreeMap::new();
    for vol in reg.list_volunteers()? {
        let key = format!("{}|{}", fold(&vol.given_name), fold(&vol.family_name));
        known.entry(key).or_insert(vol.id);
    }
    let mut trained: BTreeSet<(String, String, String)> = BTreeSet::new();
    for vid in known.values() {
        let id = v::id("volunteer", vid).map_err(kopa_registry::Error::from)?;
        for t in reg.trainings(id)? {
            trained.insert((t.volunteer_id, t.date, fold(&t.topic)));
        }
    }
    let new_volunteers: BTreeSet<&String> = good
        .iter()
        .map(|r| &r.key)
        .filter(|k| !known.contains_key(*k))
        .collect();
    let new_trainings = good
        .iter()
        .filter(|r| {
            r.training.as_ref().is_some_and(|(d, t, _)| {
                known
                    .get(&r.key)
                    .is_none_or(|vid| !trained.contains(&(vid.clone(), d.clone(), fold(t))))
            })
        })
        .count();
    let mut preview = VolunteerPreview {
        mapping: map.clone(),
        rows: rows.len(),
        valid_rows: good.len(),
        new_volunteers: new_volunteers.len(),
        new_trainings,
        errors,
        imported: vec![],
    };
    preview.imported = opts.write(reg, &preview.errors, |reg| {
        let mut ids = vec![];
        for r in &good {
            let vid = match known.get(&r.key) {
                Some(id) => id.clone(),
                None => {
                    let id = reg.add_volunteer(&r.draft)?.key();
                    ids.push(id.clone());
                    known.insert(r.key.clone(), id.clone());
                    id
                }
            };
            if let Some((date, topic, hours)) = &r.training {
                if trained.insert((vid.clone(), date.clone(), fold(topic))) {
                    let draft = TrainingDraft {
                        volunteer: vid,
                        date: date.clone(),
                        topic: topic.clone(),
                        hours: hours.clone(),
                    };
                    ids.push(reg.record_training(&draft)?.key());
                }
            }
        }
        Ok(ids)
    })?;
    Ok(preview)
}
