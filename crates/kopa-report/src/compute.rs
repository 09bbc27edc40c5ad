//! Evaluating indicator rules over the projection.

use crate::Result;
use kopa_domain::fields::washington_group as wg;
use kopa_domain::indicator::{age_range, DISABILITY, FIELD_PREFIX};
use kopa_domain::text::fold;
use kopa_domain::{BranchId, Date, FieldDef, FilterLists, Param, Rule};
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

pub use kopa_domain::indicator::AGE_BANDS;

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
    /// HQ's fields the figures are broken down by (`field.<code>` dimensions), with
    /// their labels and options' labels.
    pub fields: BTreeMap<String, kopa_domain::FieldDef>,
    /// Labels HQ gave the values it added to the lists: `<list>:<value>` → language
    /// → label (an activity type or target group a category of a breakdown).
    pub labels: BTreeMap<String, BTreeMap<String, String>>,
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
    /// Persons who asked to be forgotten and whom this figure's filters on who a
    /// person is (age band, gender, target group, language) could not count: nothing
    /// about them is kept. 0 for a figure without such filters (they count there, as
    /// "unknown" in every breakdown).
    pub erased_left_out: i64,
}

#[derive(Clone, Debug)]
struct Person {
    /// Asked to be forgotten: nothing is known but the branch they came to.
    erased: bool,
    age: Option<i64>,
    gender: String,
    municipality: String,
    branch: String,
    target_groups: BTreeSet<String>,
    languages: BTreeSet<String>,
    /// Values of HQ's family and person fields.
    fields: BTreeMap<String, String>,
    /// From the Washington Group answers: yes, no or unknown.
    disability: &'static str,
}

/// Where something happened: the activity, municipality and branch, and the
/// values of HQ's fields on the group, the session or the event.
#[derive(Clone, Debug, Default)]
struct Place {
    activity: String,
    municipality: String,
    branch: String,
    fields: BTreeMap<String, String>,
}

#[derive(Clone, Debug)]
struct Session {
    group: String,
    /// The group's place, with the group's and the session's field values.
    place: Place,
    attendance: Vec<String>,
}

struct Facts {
    /// The extra dimensions persons are broken down by: disability (when the
    /// Washington Group set is on) and HQ's fields with a short list of values.
    dims: Vec<(String, Option<FieldDef>)>,
    persons: HashMap<String, Person>,
    sessions: Vec<Session>,
    groups: HashMap<String, Place>,
    events: Vec<Event>,
    training_hours: HashMap<String, (String, i64)>, // volunteer -> (branch, tenth hours)
}

struct Event {
    place: Place,
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
fn load(
    reg: &Registry,
    branches: &BTreeSet<String>,
    from: Date,
    to: Date,
    reference: Date,
) -> Result<Facts> {
    let mut rows = reg.report_facts(from, to)?;
    // A project's branches: every rule counts their activity only (persons are
    // counted through the sessions and events they came to).
    if !branches.is_empty() {
        let ours = |b: &String| branches.contains(b);
        rows.groups.retain(|g| ours(&g.branch));
        rows.sessions.retain(|s| ours(&s.branch));
        rows.events.retain(|e| ours(&e.branch));
        rows.training.retain(|t| ours(&t.1));
    }
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
            let disability = wg::status(|q| p.fields.get(q).map(String::as_str));
            let person = Person {
                erased: false,
                disability,
                fields: p.fields,
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
    let groups: HashMap<String, Place> = rows
        .groups
        .into_iter()
        .map(|g| {
            let place = Place {
                activity: g.activity,
                municipality: g.municipality,
                branch: g.branch,
                fields: g.fields,
            };
            (g.id, place)
        })
        .collect();
    // HQ's duplicate decisions: linked registrations count as one person.
    let canon = canonical_persons(&rows.links);
    let c = |id: String| canon.get(&id).cloned().unwrap_or(id);
    let sessions: Vec<Session> = rows
        .sessions
        .into_iter()
        .map(|s| {
            let mut place = groups.get(&s.group).cloned().unwrap_or_default();
            place.branch = s.branch;
            place.fields.extend(s.fields);
            Session {
                attendance: s.attendance.into_iter().map(c).collect(),
                group: s.group,
                place,
            }
        })
        .collect();
    let events: Vec<Event> = rows
        .events
        .into_iter()
        .map(|e| Event {
            place: Place {
                activity: e.activity,
                municipality: e.municipality,
                branch: e.branch,
                fields: e.fields,
            },
            counts: e.counts,
            participants: e.participants.into_iter().map(c).collect(),
        })
        .collect();
    // Persons who asked to be forgotten still attended: they count, anonymously, with
    // nothing known about them but the branch they came to.
    let anonymous = |persons: &mut HashMap<String, Person>, id: &String, branch: &String| {
        persons.entry(id.clone()).or_insert_with(|| Person {
            erased: true,
            disability: "unknown",
            fields: BTreeMap::new(),
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
            anonymous(&mut persons, id, &s.place.branch);
        }
    }
    for e in &events {
        for id in &e.participants {
            anonymous(&mut persons, id, &e.place.branch);
        }
    }
    let training_hours = rows
        .training
        .into_iter()
        .map(|(volunteer, branch, tenths)| (volunteer, (branch, tenths)))
        .collect();
    Ok(Facts {
        dims: dimensions(reg)?,
        persons,
        sessions,
        groups,
        events,
        training_hours,
    })
}

/// The extra person dimensions: `disability` when the Washington Group set is on,
/// and `field.<code>` for each of HQ's family and person fields with a short list
/// of values, in HQ's order.
fn dimensions(reg: &Registry) -> Result<Vec<(String, Option<FieldDef>)>> {
    let lists = reg.lists()?;
    let mut dims = vec![];
    if lists
        .fields
        .values()
        .any(|d| d.set.as_deref() == Some(wg::SET))
    {
        dims.push((DISABILITY.to_string(), None));
    }
    for record in kopa_domain::fields::RECORDS {
        for (code, def) in lists.fields_of(record) {
            if def.kind().is_categorical() && def.set.as_deref() != Some(wg::SET) {
                dims.push((format!("{FIELD_PREFIX}{code}"), Some(def.clone())));
            }
        }
    }
    Ok(dims)
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

/// An indicator's parameters, checked against the lists the report is computed
/// with and read once: thresholds, and filters of one or several values (a record
/// matching any value of a filter passes it).
#[derive(Clone, Debug, Default)]
struct Filter {
    values: BTreeMap<Param, Vec<String>>,
    numbers: BTreeMap<Param, i64>,
    /// Former municipalities and what they became part of.
    former: Vec<(String, String)>,
    /// Filters on HQ's family and person fields (by code) and on disability.
    who: BTreeMap<String, Vec<String>>,
    /// Filters on HQ's group, session and event fields (by code).
    at: BTreeMap<String, Vec<String>>,
    /// Counting the persons who asked to be forgotten that the filters on who a
    /// person is leave out, instead of the persons they keep.
    erased_left_out: bool,
}

/// Filters on who a person is: nothing of that is kept about an erased person.
const WHO: [Param; 4] = [
    Param::AgeBand,
    Param::Gender,
    Param::TargetGroup,
    Param::Language,
];

impl Filter {
    /// The indicator's parameters; one that is unknown or holds a value the lists
    /// do not (written by an older version, or a list changed since) is an error
    /// naming the indicator, not a figure of 0.
    fn read(ind: &IndicatorView, lists: &FilterLists) -> Result<Filter> {
        let named = |e: kopa_domain::ValidationError| {
            let value = format!("{} ({})", e.value.clone().unwrap_or_default(), ind.name);
            kopa_registry::Error::from(e.with_value(value))
        };
        let mut f = Filter {
            former: lists.ctx.former.clone(),
            ..Filter::default()
        };
        for (key, value) in &ind.params {
            if key.starts_with(FIELD_PREFIX) || key == DISABILITY {
                let checked = kopa_domain::indicator::check_field_filter(key, key, value, lists)
                    .map_err(named)?;
                let code = key.strip_prefix(FIELD_PREFIX).unwrap_or(key);
                let values = checked.split(',').map(String::from).collect();
                let on_place = lists.ctx.fields.get(code).is_some_and(|d| !is_personal(d));
                if on_place { &mut f.at } else { &mut f.who }.insert(code.to_string(), values);
                continue;
            }
            let param = Param::parse(key, key).map_err(named)?;
            // A branch id HQ checked when it wrote the indicator: a branch's replica
            // does not know the other branches, and need not.
            let ids = value
                .split(',')
                .all(|b| b.trim().parse::<BranchId>().is_ok());
            let checked = if param == Param::Branch && ids {
                value
                    .split(',')
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join(",")
            } else {
                param.check(key, value, lists).map_err(named)?
            };
            if param.threshold().is_some() {
                f.numbers.insert(param, checked.parse().unwrap_or_default());
            } else {
                f.values
                    .insert(param, checked.split(',').map(String::from).collect());
            }
        }
        Ok(f)
    }
    /// No filter `p`, or a value of it that `matches`.
    fn any(&self, p: Param, matches: impl Fn(&str) -> bool) -> bool {
        self.values
            .get(&p)
            .is_none_or(|vs| vs.iter().any(|v| matches(v)))
    }
    fn place(&self, place: &Place) -> bool {
        let (activity, municipality, branch) =
            (&place.activity, &place.municipality, &place.branch);
        let fields_ok = self.at.iter().all(|(code, wanted)| {
            place
                .fields
                .get(code)
                .is_some_and(|v| v.split(',').any(|v| wanted.iter().any(|w| w == v)))
        });
        fields_ok
            && self.any(Param::Activity, |a| a == activity)
            && self.any(Param::Municipality, |m| {
                // A record of a former municipality counts for the one it became.
                let mut now = municipality;
                for _ in 0..8 {
                    if fold(m) == fold(now) {
                        return true;
                    }
                    match self.former.iter().find(|(f, _)| fold(f) == fold(now)) {
                        Some((_, next)) => now = next,
                        None => return false,
                    }
                }
                false
            })
            && self.any(Param::Branch, |b| b == branch.as_str())
    }
    fn asks_who(&self) -> bool {
        WHO.iter().any(|p| self.values.contains_key(p)) || !self.who.is_empty()
    }
    fn person(&self, p: &Person) -> bool {
        let kept = self.any(Param::AgeBand, |band| {
            let range = age_range(band);
            p.age
                .is_some_and(|a| range.is_some_and(|(lo, hi)| (lo..=hi).contains(&a)))
        }) && self.any(Param::Gender, |g| g == p.gender)
            && self.any(Param::TargetGroup, |t| p.target_groups.contains(t))
            && self.any(Param::Language, |l| p.languages.contains(l))
            && self.who.iter().all(|(code, wanted)| {
                if code == DISABILITY {
                    return wanted.iter().any(|w| w == p.disability);
                }
                p.fields
                    .get(code)
                    .is_some_and(|v| v.split(',').any(|v| wanted.iter().any(|w| w == v)))
            });
        if self.erased_left_out {
            p.erased && !kept
        } else {
            kept
        }
    }
    fn number(&self, p: Param, default: i64) -> i64 {
        self.numbers.get(&p).copied().unwrap_or(default)
    }
    fn category(&self, c: &str) -> bool {
        self.any(Param::Category, |w| w == c)
    }
}

type Breakdown = BTreeMap<String, BTreeMap<String, i64>>;

fn add_person(b: &mut Breakdown, dims: &[(String, Option<FieldDef>)], p: &Person, n: i64) {
    let mut add =
        |dim: &str, key: String| *b.entry(dim.into()).or_default().entry(key).or_default() += n;
    for (dim, def) in dims {
        match def {
            None => add(dim, p.disability.to_string()),
            Some(d) if !is_personal(d) => {}
            Some(_) => {
                let code = &dim[FIELD_PREFIX.len()..];
                match p.fields.get(code) {
                    Some(v) => v.split(',').for_each(|v| add(dim, v.to_string())),
                    None => add(dim, "unknown".into()),
                }
            }
        }
    }
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

fn add_place(b: &mut Breakdown, dims: &[(String, Option<FieldDef>)], place: &Place, n: i64) {
    let mut add = |dim: &str, key: &str| {
        *b.entry(dim.into())
            .or_default()
            .entry(key.into())
            .or_default() += n
    };
    add("activity", &place.activity);
    add("municipality", &place.municipality);
    add("branch", &place.branch);
    for (dim, def) in dims {
        if def.as_ref().is_some_and(|d| !is_personal(d)) {
            let code = &dim[FIELD_PREFIX.len()..];
            match place.fields.get(code) {
                Some(v) => v.split(',').for_each(|v| add(dim, v)),
                None => add(dim, "unknown"),
            }
        }
    }
}

/// A field on a family or a person (figures of persons), as opposed to one on where
/// things happened (a group, a session, an event).
fn is_personal(def: &FieldDef) -> bool {
    matches!(def.on.as_str(), "family" | "person")
}

/// An indicator's value and breakdown. Its rule is read as a [`Rule`]: one this
/// version does not know (written by a newer HQ) is an error naming the indicator,
/// not a figure of 0 in a donor report.
fn evaluate(
    facts: &Facts,
    ind: &IndicatorView,
    lists: &FilterLists,
) -> Result<(String, i64, Breakdown, i64)> {
    let rule = Rule::parse("rule", &ind.rule).map_err(|e| {
        kopa_registry::Error::from(e.with_value(format!("{} ({})", ind.rule, ind.name)))
    })?;
    let f = Filter::read(ind, lists)?;
    let (value, breakdown) = count(facts, &f, rule);
    // The one rule for erasure: a person who asked to be forgotten still counts in
    // every figure that does not ask who they were; one that does cannot count them
    // and says how many it left out.
    let left_out = if f.asks_who() {
        let erased = Filter {
            erased_left_out: true,
            ..f
        };
        count(facts, &erased, rule).0
    } else {
        0
    };
    Ok((rule.unit().to_string(), value, breakdown, left_out))
}

fn count(facts: &Facts, f: &Filter, rule: Rule) -> (i64, Breakdown) {
    let mut b = Breakdown::new();
    let sessions: Vec<&Session> = facts
        .sessions
        .iter()
        .filter(|s| f.place(&s.place))
        .collect();
    let person_ok = |id: &String| facts.persons.get(id).filter(|p| f.person(p));
    match rule {
        Rule::DistinctPersons => {
            let mut seen = BTreeSet::new();
            for s in &sessions {
                seen.extend(s.attendance.iter().filter(|p| person_ok(p).is_some()));
            }
            for e in facts.events.iter().filter(|e| f.place(&e.place)) {
                seen.extend(e.participants.iter().filter(|p| person_ok(p).is_some()));
            }
            for id in &seen {
                add_person(&mut b, &facts.dims, &facts.persons[*id], 1);
            }
            (seen.len() as i64, b)
        }
        Rule::Attendances => {
            let mut n = 0;
            for s in &sessions {
                for p in s.attendance.iter().filter_map(&person_ok) {
                    add_person(&mut b, &facts.dims, p, 1);
                    n += 1;
                }
            }
            (n, b)
        }
        Rule::SessionsHeld => {
            for s in &sessions {
                add_place(&mut b, &facts.dims, &s.place, 1);
            }
            (sessions.len() as i64, b)
        }
        Rule::FunctioningGroups => {
            let min = f.number(Param::MinSessions, 1);
            let mut per_group: BTreeMap<&str, i64> = BTreeMap::new();
            for s in &sessions {
                *per_group.entry(&s.group).or_default() += 1;
            }
            let mut n = 0;
            for (g, count) in per_group {
                if count >= min {
                    n += 1;
                    if let Some(place) = facts.groups.get(g) {
                        add_place(&mut b, &facts.dims, place, 1);
                    }
                }
            }
            (n, b)
        }
        Rule::RegularParticipants => {
            let pct = f.number(Param::MinPercent, 50);
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
                add_person(&mut b, &facts.dims, &facts.persons[*p], 1);
            }
            (regular.len() as i64, b)
        }
        Rule::EventHeadCounts => {
            let mut n = 0;
            // Registered participants plus unregistered head counts; `category=`
            // keeps only some categories (e.g. participants, not spectators).
            let wanted = |c: &str| f.category(c);
            for e in facts.events.iter().filter(|e| f.place(&e.place)) {
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
                add_place(&mut b, &facts.dims, &e.place, total);
            }
            (n, b)
        }
        Rule::TrainedVolunteers => {
            let min = f.number(Param::MinHours, 1) * 10;
            let mut n = 0;
            for (branch, tenths) in facts.training_hours.values() {
                if *tenths >= min && f.any(Param::Branch, |x| x == branch) {
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
    let branches: BTreeSet<String> = p.branches.iter().cloned().collect();
    let facts = load(reg, &branches, from, to, reference)?;
    let lists = reg.filter_lists()?;
    let labels = lists.ctx.labels.clone();
    let mut sessions = reg.list_sessions(from, to)?;
    sessions.retain(|s| p.branches.is_empty() || p.branches.contains(&s.branch));
    sessions.reverse();
    let indicators = p
        .indicators
        .iter()
        .map(|ind| {
            let (unit, value, breakdown, erased_left_out) = evaluate(&facts, ind, &lists)?;
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
                erased_left_out,
            })
        })
        .collect::<Result<_>>()?;
    let report = Report {
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
        labels,
        fields: facts
            .dims
            .iter()
            .filter_map(|(dim, def)| Some((dim[FIELD_PREFIX.len()..].to_string(), def.clone()?)))
            .collect(),
        last_heard: reg
            .sync_status()?
            .into_iter()
            .map(|p| (p.name, p.last_heard))
            .collect(),
    };
    // Who computed which project's report, and when, is on record.
    reg.audit_report(project)?;
    Ok(report)
}
