//! A realistic demo branch, generated deterministically from a seed: Latgale
//! municipalities, Latvian and Russian names (Russian ones in Cyrillic or in Latvian
//! spelling), families in every target group, groups of every activity type, a year
//! of weekly sessions with plausible attendance, volunteers with trainings, events.
//! The desktop app's first run and the benchmarks use it.

use crate::env::{Env, ManualClock};
use crate::error::Result;
use crate::registry::*;
use kopa_domain::validate::MemberDraft as MemberDraft_;
use kopa_domain::{Date, Param, Role, Rule, Timestamp};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::Path;

/// What to generate.
#[derive(Clone, Debug)]
pub struct DemoOptions {
    pub seed: u64,
    pub families: usize,
    pub weeks: usize,
    pub branch_name: String,
    pub municipality: String,
    /// The last day of generated activity; `None` = today.
    pub today: Option<Date>,
    /// Whether the branch holds the donor project itself (a standalone demo). A branch
    /// enrolled at a hub gets projects from HQ instead: it may not write them.
    pub project: bool,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            seed: 1,
            families: 60,
            weeks: 52,
            branch_name: "Daugavpils".into(),
            municipality: "Daugavpils".into(),
            today: None,
            project: true,
        }
    }
}

mod data;
mod fields;

use data::*;

struct Person {
    id: String,
    birth_year: i32,
    role: &'static str,
}

/// Creates a demo replica at `path` and fills it.
pub fn create(path: &Path, passphrase: &str, opts: &DemoOptions) -> Result<Registry> {
    let today = opts
        .today
        .unwrap_or_else(|| crate::env::SystemClock.now_date());
    let start = today.add_days(-(opts.weeks as i64) * 7);
    let clock = ManualClock::new(at(start, 8));
    let mut reg = Registry::create(
        path,
        passphrase,
        InitOptions {
            branch_name: opts.branch_name.clone(),
            municipality: opts.municipality.clone(),
            role: Role::Branch,
            device_name: "demo".into(),
            user: "Inese Bērziņa".into(),
        },
        Env::manual(clock.clone(), opts.seed),
    )?;
    if let Err(e) = fill(&mut reg, &clock, opts, start, today) {
        drop(reg);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        return Err(e);
    }
    Ok(reg)
}

fn at(day: Date, hour: i64) -> Timestamp {
    Timestamp(day.days_since_epoch() * 86_400_000 + hour * 3_600_000)
}

/// Generates the branch's year into an existing replica.
pub fn fill(
    reg: &mut Registry,
    clock: &ManualClock,
    opts: &DemoOptions,
    start: Date,
    today: Date,
) -> Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let year = today.year();

    // Volunteers and their trainings.
    let mut volunteers = vec![];
    for i in 0..8 {
        let female = i % 3 != 0;
        let (given, family) = if i % 2 == 0 {
            let s = LV_SURNAMES.choose(&mut rng).expect("names");
            (
                pick(&mut rng, if female { LV_FEMALE } else { LV_MALE }),
                if female { s.1 } else { s.0 },
            )
        } else {
            let s = RU_SURNAMES.choose(&mut rng).expect("names");
            let g = if female { RU_FEMALE } else { RU_MALE }
                .choose(&mut rng)
                .expect("names");
            (g.1, if female { s.3 } else { s.2 })
        };
        let id = reg.add_volunteer(&VolunteerDraft {
            given_name: given.into(),
            family_name: family.into(),
            role: Some(
                if i == 0 {
                    "lead"
                } else if i < 3 {
                    "staff"
                } else {
                    "volunteer"
                }
                .into(),
            ),
            contact: Some(format!("+371 2{:07}", rng.gen_range(0..10_000_000))),
        })?;
        volunteers.push(id.key());
        for (topic, hours) in TRAININGS.choose_multiple(&mut rng, 1 + i % 3) {
            let day = start.add_days(rng.gen_range(0..(opts.weeks as i64 * 7).max(1)));
            clock.set(at(day, 12));
            reg.record_training(&TrainingDraft {
                volunteer: id.key(),
                date: day.to_string(),
                topic: (*topic).into(),
                hours: (*hours).into(),
            })?;
        }
    }
    clock.set(at(start, 9));

    // Families.
    let mut persons: Vec<Person> = vec![];
    for i in 0..opts.families {
        let (draft, reg_day) = family_draft(&mut rng, year, i, start, opts.weeks as i64 * 7 / 3);
        clock.set(at(reg_day, 10));
        let fid = reg.add_family(&draft)?;
        let detail = reg.family(fid)?;
        for p in detail.persons {
            persons.push(Person {
                id: p.id,
                birth_year: p.birth_year.unwrap_or(year as i64 - 40) as i32,
                role: leak_role(&p.role),
            });
        }
        if rng.gen_bool(0.3) {
            reg.add_note(
                fid,
                &reg_day.to_string(),
                "Ģimene atnāca pēc kaimiņu ieteikuma; interesējas par latviešu valodas kursu.",
            )?;
        }
        if rng.gen_bool(0.2) {
            reg.add_follow_up(
                fid,
                &reg_day.add_days(14).to_string(),
                "Piezvanīt un pajautāt par bērnu pulciņu.",
            )?;
        }
    }

    // Groups, enrolment, a year of weekly sessions.
    let mut groups = vec![];
    for (gi, (name, activity, weekday, time, place)) in GROUPS.iter().enumerate() {
        let facilitators = vec![
            volunteers[gi % volunteers.len()].clone(),
            volunteers[(gi + 3) % volunteers.len()].clone(),
        ];
        let municipality = if name.contains("Krāslav") {
            "Krāslava"
        } else {
            opts.municipality.as_str()
        };
        let gid = reg.add_group(&GroupDraft {
            name: (*name).into(),
            activity: (*activity).into(),
            municipality: Some(municipality.into()),
            facilitators: facilitators.clone(),
            weekday: Some(weekday.to_string()),
            time: Some((*time).into()),
            place: Some((*place).into()),
            start: Some(start.to_string()),
            end: None,
            fields: Default::default(),
        })?;
        let fits = |p: &Person| -> bool {
            let age = year - p.birth_year;
            match *activity {
                "senior-club" => age >= 60,
                "youth-sports" => (10..26).contains(&age),
                "learning-club" => (6..16).contains(&age),
                "young-parents" => p.role == "parent" && age < 35,
                "family-support" => p.role == "parent" || p.role == "child",
                "book-club" | "handicraft" => age >= 16,
                _ => age >= 16,
            }
        };
        let mut pool: Vec<&Person> = persons.iter().filter(|p| fits(p)).collect();
        pool.shuffle(&mut rng);
        let size = rng.gen_range(6..=16).min(pool.len());
        let members: Vec<String> = pool[..size].iter().map(|p| p.id.clone()).collect();
        if !members.is_empty() {
            reg.enrol(gid, &members)?;
        }
        groups.push((gid, *weekday, *time, members, facilitators));
    }
    let first_monday = start.add_days(-(i64::from(start.weekday()) - 1));
    for week in 0..=opts.weeks as i64 {
        for (gid, weekday, time, members, facilitators) in &groups {
            let day = first_monday.add_days(week * 7 + weekday - 1);
            if day < start || day > today || rng.gen_bool(0.06) {
                continue; // holidays happen
            }
            let hour: i64 = time[..2].parse().unwrap_or(12);
            clock.set(at(day, hour + 2));
            let attended: Vec<String> = members
                .iter()
                .filter(|_| rng.gen_bool(0.72))
                .cloned()
                .collect();
            let mut guests = vec![];
            if rng.gen_bool(0.25) {
                let category = ["adult", "child", "senior"]
                    .choose(&mut rng)
                    .expect("categories");
                guests.push((category.to_string(), rng.gen_range(1..4)));
            }
            reg.record_session(&SessionDraft {
                group: gid.key(),
                date: day.to_string(),
                time: Some((*time).into()),
                minutes: Some(
                    ["60", "90", "120"]
                        .choose(&mut rng)
                        .expect("durations")
                        .to_string(),
                ),
                // What was done, in the volunteers' words (the week's theme).
                topics: Some(TOPICS[week as usize % TOPICS.len()].into()),
                attended,
                guests,
                facilitators: facilitators[..1 + usize::from(rng.gen_bool(0.3))].to_vec(),
                ..Default::default()
            })?;
        }
    }

    // Intergenerational events with head counts.
    for (k, name) in [
        "Paaudžu diena",
        "Ģimeņu sporta svētki",
        "Ziemassvētku koncerts",
        "Latgales kultūras diena",
    ]
    .iter()
    .enumerate()
    {
        let day = start
            .add_days(((opts.weeks as i64 * 7) / 5) * (k as i64 + 1))
            .min(today);
        clock.set(at(day, 18));
        let participants: Vec<String> = persons
            .choose_multiple(&mut rng, 12.min(persons.len()))
            .map(|p| p.id.clone())
            .collect();
        reg.add_event(&EventDraft {
            name: (*name).into(),
            activity: "intergenerational".into(),
            date: day.to_string(),
            municipality: None,
            head_counts: vec![
                ("participants".into(), rng.gen_range(90..160)),
                ("spectators".into(), rng.gen_range(0..400)),
            ],
            participants,
            fields: Default::default(),
        })?;
    }
    // The donor project HQ sent, with an indicator of every rule type.
    if opts.project {
        clock.set(at(start, 8));
        let branch = reg.identity().branch_id;
        donor_project(reg, vec![branch], start, today)?;
        fields::fill(reg, opts.seed)?;
    }
    clock.set(at(today, 20));
    Ok(())
}

/// The donor project of the seeds for `branches`, with an indicator of every rule
/// type. HQ defines it; a standalone demo branch holds its own copy.
pub fn donor_project(
    reg: &mut Registry,
    branches: Vec<String>,
    start: Date,
    end: Date,
) -> Result<kopa_domain::ProjectId> {
    let project = reg.put_project(&ProjectDraft {
        name: "Mēs dzīvojam kopā savā valstī".into(),
        donor: "Sabiedrības integrācijas fonds".into(),
        start: start.to_string(),
        end: end.to_string(),
        branches,
    })?;
    for (name, rule, params, target) in [
        (
            "Senioru sasniegts",
            Rule::DistinctPersons,
            vec![(Param::AgeBand, "65+")],
            "40",
        ),
        (
            "Bērni un jaunieši sasniegti",
            Rule::DistinctPersons,
            vec![(Param::AgeBand, "0-25")],
            "60",
        ),
        ("Apmeklējumi kopā", Rule::Attendances, vec![], "3000"),
        ("Nodarbības notikušas", Rule::SessionsHeld, vec![], "450"),
        (
            "Funkcionējošas ģimeņu atbalsta grupas",
            Rule::FunctioningGroups,
            vec![
                (Param::Activity, "family-support"),
                (Param::MinSessions, "20"),
            ],
            "2",
        ),
        (
            "Jaunie vecāki apmeklē regulāri",
            Rule::RegularParticipants,
            vec![
                (Param::Activity, "young-parents"),
                (Param::MinPercent, "60"),
            ],
            "8",
        ),
        (
            "Paaudžu pasākumu dalībnieki",
            Rule::EventHeadCounts,
            vec![
                (Param::Activity, "intergenerational"),
                (Param::Category, "registered,participants"),
            ],
            "487",
        ),
        (
            "Apmācīti darbinieki un brīvprātīgie",
            Rule::TrainedVolunteers,
            vec![(Param::MinHours, "4")],
            "6",
        ),
    ] {
        reg.put_indicator(&IndicatorDraft {
            project: project.key(),
            name: name.into(),
            rule,
            params: params
                .into_iter()
                .map(|(p, v)| (p, v.to_string()))
                .collect(),
            field_filters: vec![],
            target: target.into(),
        })?;
    }
    Ok(project)
}

/// What one generated week added.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WeekStats {
    pub families: usize,
    pub sessions: usize,
    pub attendances: usize,
}

/// One more week of an existing branch's life, from `monday`: two families register
/// (one with a note), and every group meets on its weekday with the usual holidays
/// and about 72% of its members present. The benchmarks' weekly change.
pub fn week(reg: &mut Registry, clock: &ManualClock, seed: u64, monday: Date) -> Result<WeekStats> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut stats = WeekStats::default();
    for k in 0..2 {
        // Shapes past the first nine families: no forced target group.
        let (draft, day) = family_draft(&mut rng, monday.year(), 9 + k, monday, 5);
        clock.set(at(day, 10));
        let fid = reg.add_family(&draft)?;
        if k == 0 {
            reg.add_note(
                fid,
                &day.to_string(),
                "Pirmā tikšanās; vēlas pieteikt bērnus mācību klubam.",
            )?;
        }
        stats.families += 1;
    }
    for g in reg.list_groups()? {
        let Some(weekday) = g.weekday else { continue };
        if rng.gen_bool(0.06) {
            continue; // holidays happen
        }
        let id =
            g.id.parse()
                .map_err(|_| crate::Error::Corrupt(format!("group id {}", g.id)))?;
        let detail = reg.group(id)?;
        let day = monday.add_days(weekday - 1);
        let time = g.time.clone().unwrap_or_else(|| "12:00".into());
        let hour: i64 = time.get(..2).and_then(|h| h.parse().ok()).unwrap_or(12);
        clock.set(at(day, hour + 2));
        let attended: Vec<String> = detail
            .members
            .iter()
            .filter(|_| rng.gen_bool(0.72))
            .map(|p| p.id.clone())
            .collect();
        stats.attendances += attended.len();
        reg.record_session(&SessionDraft {
            group: g.id.clone(),
            date: day.to_string(),
            time: Some(time),
            minutes: Some("90".into()),
            attended,
            facilitators: detail
                .facilitators
                .iter()
                .take(1)
                .map(|v| v.id.clone())
                .collect(),
            ..Default::default()
        })?;
        stats.sessions += 1;
    }
    Ok(stats)
}

/// A household of one of six shapes, Latvian or Russian (in Cyrillic or Latvian
/// spelling), with target groups that fit its members' ages, registered on a day
/// within `span` days from `from` (returned). `i` picks the shape, and the first
/// families cover every target group once.
fn family_draft(
    rng: &mut ChaCha8Rng,
    year: i32,
    i: usize,
    from: Date,
    span: i64,
) -> (FamilyDraft, Date) {
    let russian = rng.gen_bool(0.55);
    let cyrillic = russian && rng.gen_bool(0.5);
    let municipality = weighted(rng, MUNICIPALITIES);
    let kind = i % 6; // household shapes
    let mut members: Vec<(bool, i32, &'static str)> = match kind {
        0 => vec![
            (true, year - rng.gen_range(22..30), "parent"),
            (false, year - rng.gen_range(23..32), "parent"),
            (rng.gen_bool(0.5), year - rng.gen_range(1..3), "child"),
        ],
        1 => vec![
            (true, year - rng.gen_range(30..45), "parent"),
            (rng.gen_bool(0.5), year - rng.gen_range(6..12), "child"),
            (rng.gen_bool(0.5), year - rng.gen_range(12..18), "child"),
        ],
        2 => vec![(true, year - rng.gen_range(66..85), "grandparent")],
        3 => vec![
            (true, year - rng.gen_range(60..75), "grandparent"),
            (false, year - rng.gen_range(62..78), "grandparent"),
            (rng.gen_bool(0.5), year - rng.gen_range(8..15), "child"),
        ],
        4 => vec![
            (true, year - rng.gen_range(25..40), "parent"),
            (rng.gen_bool(0.5), year - rng.gen_range(3..10), "child"),
        ],
        _ => vec![(true, year - rng.gen_range(18..26), "other")],
    };
    if rng.gen_bool(0.15) {
        members.push((rng.gen_bool(0.5), year - rng.gen_range(1..17), "child"));
    }
    let sur_lv = *LV_SURNAMES.choose(rng).expect("names");
    let sur_ru = *RU_SURNAMES.choose(rng).expect("names");
    let mut drafts = vec![];
    for (female, by, role) in &members {
        let (given, family) = if russian {
            let g = if *female { RU_FEMALE } else { RU_MALE }
                .choose(rng)
                .expect("names");
            if cyrillic {
                (g.0, if *female { sur_ru.1 } else { sur_ru.0 })
            } else {
                (g.1, if *female { sur_ru.3 } else { sur_ru.2 })
            }
        } else {
            (
                pick(rng, if *female { LV_FEMALE } else { LV_MALE }),
                if *female { sur_lv.1 } else { sur_lv.0 },
            )
        };
        drafts.push(MemberDraft_ {
            given_name: given.into(),
            family_name: family.into(),
            birth_year: by.to_string(),
            gender: if *female { "female" } else { "male" }.into(),
            role: (*role).into(),
            fields: Default::default(),
        });
    }
    let household = drafts[0].family_name.clone();
    let mut groups: Vec<String> = vec![];
    // The first families cover every target group once.
    if let Some(g) = TARGET_GROUPS.get(i) {
        groups.push((*g).into());
    }
    for (female_or_not, by, _) in &members {
        let _ = female_or_not;
        let age = year - by;
        if age < 13 && !groups.contains(&"child".to_string()) {
            groups.push("child".into());
        } else if (13..26).contains(&age) && !groups.contains(&"youth".to_string()) {
            groups.push("youth".into());
        } else if age >= 65 && !groups.contains(&"senior".to_string()) {
            groups.push("senior".into());
        }
    }
    if kind == 0 && !groups.contains(&"young-family".to_string()) {
        groups.push("young-family".into());
    }
    for (g, p) in [
        ("low-income", 0.3),
        ("minority", 0.2),
        ("non-citizen", 0.08),
        ("disability", 0.06),
        ("refugee", 0.03),
    ] {
        if rng.gen_bool(p) && !groups.contains(&g.to_string()) {
            groups.push(g.into());
        }
    }
    let languages: Vec<String> = if russian {
        if rng.gen_bool(0.4) {
            vec!["ru".into(), "lv".into()]
        } else {
            vec!["ru".into()]
        }
    } else if rng.gen_bool(0.2) {
        vec!["lv".into(), "ltg".into()]
    } else {
        vec!["lv".into()]
    };
    let reg_day = from.add_days(rng.gen_range(0..span.max(1)));
    let draft = FamilyDraft {
        name: Some(household),
        municipality: Some(municipality.into()),
        languages: Some(languages),
        target_groups: Some(groups),
        contact: Some(format!("+371 2{:07}", rng.gen_range(0..10_000_000))),
        members: drafts,
        consent: Some(reg_day.to_string()),
        consent_scope: Some("registry, group activities, donor reports (anonymous)".into()),
        status: None,
        fields: Default::default(),
    };
    (draft, reg_day)
}

fn pick<'a>(rng: &mut ChaCha8Rng, list: &[&'a str]) -> &'a str {
    list.choose(rng).copied().unwrap_or("Anna")
}

fn weighted<'a>(rng: &mut ChaCha8Rng, list: &[(&'a str, u32)]) -> &'a str {
    list.choose_weighted(rng, |(_, w)| *w)
        .map(|(m, _)| *m)
        .unwrap_or("Daugavpils")
}

fn leak_role(role: &str) -> &'static str {
    match role {
        "parent" => "parent",
        "child" => "child",
        "grandparent" => "grandparent",
        _ => "other",
    }
}
