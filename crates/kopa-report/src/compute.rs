//! Evaluating indicator rules over the projection.

use crate::Result;
use kopa_domain::text::fold;
use kopa_domain::{Date, Rule};
use kopa_registry::views::IndicatorView;
use kopa_registry::Registry;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The dimensions every figure is broken down by (those that apply to its unit).
pub const DIMENSIONS: &[&str] = &[
    "age-band",
    "gender",
    "target-group",
    "municipality",
    "language",
    "branch",
    "activity",
];

/// Age bands, at the report's reference date.
pub const AGE_BANDS: &[(&str, i64, i64)] = &[
    ("0-6", 0, 6),
    ("7-17", 7, 17),
    ("18-25", 18, 25),
    ("26-64", 26, 64),
    ("65+", 65, 200),
];

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub project_id: String,
    pub project: String,
    pub donor: String,
    pub from: String,
    pub to: String,
    /// Ages are computed on this day.
    pub reference_date: String,
    pub indicators: Vec<IndicatorResult>,
    /// The state the report was computed from: each document and its heads.
    pub computed_from: Vec<(String, Vec<String>)>,
    /// When each peer (branch, or HQ) was last heard from: a report can say which
    /// branches' latest weeks it is missing.
    pub last_heard: Vec<(String, Option<String>)>,
    /// Branch id → name, for the branch breakdown.
    pub branches: BTreeMap<String, String>,
    /// The sessions held in the period by the project's branches, oldest first, with
    /// what each was about: the activity log a donor asks for beside the figures.
    pub sessions: Vec<kopa_registry::views::SessionSummary>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IndicatorResult {
    pub id: String,
    pub name: String,
    pub rule: String,
    pub params: BTreeMap<String, String>,
    /// What is counted: persons, attendances, sessions, groups, head-count, volunteers.
    pub unit: String,
    pub value: i64,
    pub target: i64,
    /// Value as a percentage of the target.
    pub percent: f64,
    /// Dimension → (category → value). For multi-valued dimensions (target group,
    /// language) a person counts in each of their categories.
    pub breakdown: BTreeMap<String, BTreeMap<String, i64>>,
}

#[derive(Clone, Debug)]
struct Person {
    age: Option<i64>,
    gender: String,
    municipality: String,
    branch: String,
    target_groups: BTreeSet<String>,
    languages: BTreeSet<String>,
}

#[derive(Clone, Debug)]
struct Session {
    group: String,
    activity: String,
    municipality: String,
    branch: String,
    attendance: Vec<String>,
}

struct Facts {
    persons: HashMap<String, Person>,
    sessions: Vec<Session>,
    groups: HashMap<String, (String, String, String)>, // activity, municipality, branch
    events: Vec<Event>,
    training_hours: HashMap<String, (String, i64)>, // volunteer -> (branch, tenth hours)
}

struct Event {
    activity: String,
    municipality: String,
    branch: String,
    /// Head counts by category (participants, spectators…), not registered.
    counts: Vec<(String, i64)>,
    participants: Vec<String>,
}

fn age_band(age: Option<i64>) -> String {
    match age {
        None => "unknown".into(),
        Some(a) => AGE_BANDS
            .iter()
            .find(|(_, lo, hi)| (*lo..=*hi).contains(&a))
            .map(|b| b.0.to_string())
            .unwrap_or_else(|| "unknown".into()),
    }
}

/// The registry's rows for the period, with the report's rules applied: ages at
/// `reference`, linked registrations counted as one person, and persons who asked to
/// be forgotten kept as anonymous attendees.
fn load(reg: &Registry, from: Date, to: Date, reference: Date) -> Result<Facts> {
    let rows = reg.report_facts(from, to)?;
    let mut persons: HashMap<String, Person> = rows
        .persons
        .into_iter()
        .map(|p| {
            let age = match p.birth_date.and_then(|d| d.parse::<Date>().ok()) {
                Some(born) => {
                    let mut a = i64::from(reference.year() - born.year());
                    if (reference.0.month() as u8, reference.0.day())
                        < (born.0.month() as u8, born.0.day())
                    {
                        a -= 1;
                    }
                    Some(a)
                }
                // Only the birth year is known: the age reached during the reference year.
                None => p.birth_year.map(|y| i64::from(reference.year()) - y),
            };
            let person = Person {
                age,
                gender: p.gender,
                municipality: p.municipality,
                branch: p.branch,
                target_groups: p.target_groups,
                languages: p.languages,
            };
            (p.id, person)
        })
        .collect();
    let groups: HashMap<String, (String, String, String)> = rows
        .groups
        .into_iter()
        .map(|g| (g.id, (g.activity, g.municipality, g.branch)))
        .collect();
    // HQ's duplicate decisions: linked registrations count as one person.
    let canon = canonical_persons(&rows.links);
    let c = |id: String| canon.get(&id).cloned().unwrap_or(id);
    let sessions: Vec<Session> = rows
        .sessions
        .into_iter()
        .map(|s| {
            let (activity, municipality, _) = groups.get(&s.group).cloned().unwrap_or_default();
            Session {
                attendance: s.attendance.into_iter().map(c).collect(),
                group: s.group,
                activity,
                municipality,
                branch: s.branch,
            }
        })
        .collect();
    let events: Vec<Event> = rows
        .events
        .into_iter()
        .map(|e| Event {
            activity: e.activity,
            municipality: e.municipality,
            branch: e.branch,
            counts: e.counts,
            participants: e.participants.into_iter().map(c).collect(),
        })
        .collect();
    // Persons who asked to be forgotten still attended: they count, anonymously, with
    // nothing known about them but the branch they came to.
    let anonymous = |persons: &mut HashMap<String, Person>, id: &String, branch: &String| {
        persons.entry(id.clone()).or_insert_with(|| Person {
            age: None,
            gender: "unknown".into(),
            municipality: "unknown".into(),
            branch: branch.clone(),
            target_groups: BTreeSet::new(),
            languages: BTreeSet::new(),
        });
    };
    for s in &sessions {
        for id in &s.attendance {
            anonymous(&mut persons, id, &s.branch);
        }
    }
    for e in &events {
        for id in &e.participants {
            anonymous(&mut persons, id, &e.branch);
        }
    }
    let training_hours = rows
        .training
        .into_iter()
        .map(|(volunteer, branch, tenths)| (volunteer, (branch, tenths)))
        .collect();
    Ok(Facts {
        persons,
        sessions,
        groups,
        events,
        training_hours,
    })
}

/// Maps every linked person to one representative (the smallest id of its group).
fn canonical_persons(links: &[(String, String)]) -> HashMap<String, String> {
    let mut parent: HashMap<String, String> = HashMap::new();
    fn find(parent: &mut HashMap<String, String>, x: &str) -> String {
        let p = parent.get(x).cloned().unwrap_or_else(|| x.to_string());
        if p == x {
            return p;
        }
        let root = find(parent, &p);
        parent.insert(x.to_string(), root.clone());
        root
    }
    for (a, b) in links {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            parent.insert(hi, lo);
        }
    }
    let keys: Vec<String> = parent.keys().cloned().collect();
    keys.into_iter()
        .map(|k| {
            let r = find(&mut parent, &k);
            (k, r)
        })
        .filter(|(k, r)| k != r)
        .collect()
}

/// The filters of an indicator.
struct Filter<'a>(&'a BTreeMap<String, String>);

impl Filter<'_> {
    fn get(&self, k: &str) -> Option<&str> {
        self.0.get(k).map(String::as_str)
    }
    fn place(&self, activity: &str, municipality: &str, branch: &str) -> bool {
        self.get("activity").is_none_or(|a| a == activity)
            && self
                .get("municipality")
                .is_none_or(|m| fold(m) == fold(municipality))
            && self.get("branch").is_none_or(|b| b == branch)
    }
    fn person(&self, p: &Person) -> bool {
        let band_ok = self.get("age-band").is_none_or(|band| match p.age {
            None => false,
            Some(a) => {
                if let Some(lo) = band.strip_suffix('+') {
                    lo.parse::<i64>().is_ok_and(|lo| a >= lo)
                } else if let Some((lo, hi)) = band.split_once('-') {
                    matches!((lo.parse::<i64>(), hi.parse::<i64>()), (Ok(lo), Ok(hi)) if (lo..=hi).contains(&a))
                } else {
                    false
                }
            }
        });
        band_ok
            && self.get("gender").is_none_or(|g| g == p.gender)
            && self
                .get("target-group")
                .is_none_or(|t| p.target_groups.contains(t))
            && self.get("language").is_none_or(|l| p.languages.contains(l))
    }
    fn number(&self, k: &str, default: i64) -> i64 {
        self.get(k).and_then(|v| v.parse().ok()).unwrap_or(default)
    }
}

type Breakdown = BTreeMap<String, BTreeMap<String, i64>>;

fn add_person(b: &mut Breakdown, p: &Person, n: i64) {
    let mut add =
        |dim: &str, key: String| *b.entry(dim.into()).or_default().entry(key).or_default() += n;
    add("age-band", age_band(p.age));
    add("gender", p.gender.clone());
    add("municipality", p.municipality.clone());
    add("branch", p.branch.clone());
    if p.target_groups.is_empty() {
        add("target-group", "none".into());
    }
    for t in &p.target_groups {
        add("target-group", t.clone());
    }
    for l in &p.languages {
        add("language", l.clone());
    }
}

fn add_place(b: &mut Breakdown, activity: &str, municipality: &str, branch: &str, n: i64) {
    let mut add = |dim: &str, key: &str| {
        *b.entry(dim.into())
            .or_default()
            .entry(key.into())
            .or_default() += n
    };
    add("activity", activity);
    add("municipality", municipality);
    add("branch", branch);
}

/// An indicator's value and breakdown. Its rule is read as a [`Rule`]: one this
/// version does not know (written by a newer HQ) is an error naming the indicator,
/// not a figure of 0 in a donor report.
fn evaluate(facts: &Facts, ind: &IndicatorView) -> Result<(String, i64, Breakdown)> {
    let rule = Rule::parse("rule", &ind.rule).map_err(|e| {
        kopa_registry::Error::from(e.with_value(format!("{} ({})", ind.rule, ind.name)))
    })?;
    let (value, breakdown) = count(facts, ind, rule);
    Ok((rule.unit().to_string(), value, breakdown))
}

fn count(facts: &Facts, ind: &IndicatorView, rule: Rule) -> (i64, Breakdown) {
    let f = Filter(&ind.params);
    let mut b = Breakdown::new();
    let sessions: Vec<&Session> = facts
        .sessions
        .iter()
        .filter(|s| f.place(&s.activity, &s.municipality, &s.branch))
        .collect();
    let person_ok = |id: &String| facts.persons.get(id).filter(|p| f.person(p));
    match rule {
        Rule::DistinctPersons => {
            let mut seen = BTreeSet::new();
            for s in &sessions {
                seen.extend(s.attendance.iter().filter(|p| person_ok(p).is_some()));
            }
            for e in facts
                .events
                .iter()
                .filter(|e| f.place(&e.activity, &e.municipality, &e.branch))
            {
                seen.extend(e.participants.iter().filter(|p| person_ok(p).is_some()));
            }
            for id in &seen {
                add_person(&mut b, &facts.persons[*id], 1);
            }
            (seen.len() as i64, b)
        }
        Rule::Attendances => {
            let mut n = 0;
            for s in &sessions {
                for p in s.attendance.iter().filter_map(&person_ok) {
                    add_person(&mut b, p, 1);
                    n += 1;
                }
            }
            (n, b)
        }
        Rule::SessionsHeld => {
            for s in &sessions {
                add_place(&mut b, &s.activity, &s.municipality, &s.branch, 1);
            }
            (sessions.len() as i64, b)
        }
        Rule::FunctioningGroups => {
            let min = f.number("min-sessions", 1);
            let mut per_group: BTreeMap<&str, i64> = BTreeMap::new();
            for s in &sessions {
                *per_group.entry(&s.group).or_default() += 1;
            }
            let mut n = 0;
            for (g, count) in per_group {
                if count >= min {
                    n += 1;
                    if let Some((a, m, br)) = facts.groups.get(g) {
                        add_place(&mut b, a, m, br, 1);
                    }
                }
            }
            (n, b)
        }
        Rule::RegularParticipants => {
            let pct = f.number("min-percent", 50);
            let mut held: BTreeMap<&str, i64> = BTreeMap::new();
            let mut came: BTreeMap<(&str, &str), i64> = BTreeMap::new();
            for s in &sessions {
                *held.entry(&s.group).or_default() += 1;
                for p in &s.attendance {
                    *came.entry((&s.group, p)).or_default() += 1;
                }
            }
            let mut regular = BTreeSet::new();
            for ((g, p), n) in came {
                // At least pct % of the group's sessions, in whole numbers.
                if n * 100 >= pct * held[g] && person_ok(&p.to_string()).is_some() {
                    regular.insert(p);
                }
            }
            for p in &regular {
                add_person(&mut b, &facts.persons[*p], 1);
            }
            (regular.len() as i64, b)
        }
        Rule::EventHeadCounts => {
            let mut n = 0;
            // Registered participants plus unregistered head counts; `category=`
            // keeps only some categories (e.g. participants, not spectators).
            let wanted = |c: &str| {
                f.get("category")
                    .is_none_or(|w| w.split(',').any(|w| w.trim() == c))
            };
            for e in facts
                .events
                .iter()
                .filter(|e| f.place(&e.activity, &e.municipality, &e.branch))
            {
                let registered = if wanted("registered") {
                    e.participants.len() as i64
                } else {
                    0
                };
                let mut total = registered;
                let cell = |b: &mut Breakdown, k: &str, v: i64| {
                    *b.entry("registration".into())
                        .or_default()
                        .entry(k.into())
                        .or_default() += v
                };
                cell(&mut b, "registered", registered);
                for (cat, count) in e.counts.iter().filter(|(c, _)| wanted(c)) {
                    total += count;
                    cell(&mut b, cat, *count);
                }
                n += total;
                add_place(&mut b, &e.activity, &e.municipality, &e.branch, total);
            }
            (n, b)
        }
        Rule::TrainedVolunteers => {
            let min = f.number("min-hours", 1) * 10;
            let mut n = 0;
            for (branch, tenths) in facts.training_hours.values() {
                if *tenths >= min && f.get("branch").is_none_or(|x| x == branch) {
                    n += 1;
                    *b.entry("branch".into())
                        .or_default()
                        .entry(branch.clone())
                        .or_default() += 1;
                }
            }
            (n, b)
        }
    }
}

/// Computes every indicator of `project` for the period `[from, to]`, ages at `reference`.
pub fn compute(
    reg: &mut Registry,
    project: kopa_domain::ProjectId,
    from: Date,
    to: Date,
    reference: Date,
) -> Result<Report> {
    let p = reg.project(project)?;
    let facts = load(reg, from, to, reference)?;
    let mut sessions = reg.list_sessions(from, to)?;
    sessions.retain(|s| p.branches.is_empty() || p.branches.contains(&s.branch));
    sessions.reverse();
    let indicators = p
        .indicators
        .iter()
        .map(|ind| {
            let (unit, value, breakdown) = evaluate(&facts, ind)?;
            Ok(IndicatorResult {
                id: ind.id.clone(),
                name: ind.name.clone(),
                rule: ind.rule.clone(),
                params: ind.params.clone(),
                unit,
                value,
                target: ind.target,
                percent: if ind.target > 0 {
                    (value as f64 * 1000.0 / ind.target as f64).round() / 10.0
                } else {
                    0.0
                },
                breakdown,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Report {
        project_id: p.id,
        project: p.name,
        donor: p.donor,
        from: from.to_string(),
        to: to.to_string(),
        reference_date: reference.to_string(),
        indicators,
        computed_from: reg.heads()?,
        branches: reg
            .branches()?
            .into_iter()
            .map(|(id, name, _)| (id, name))
            .collect(),
        sessions,
        last_heard: reg
            .sync_status()?
            .into_iter()
            .map(|p| (p.name, p.last_heard))
            .collect(),
    })
}
