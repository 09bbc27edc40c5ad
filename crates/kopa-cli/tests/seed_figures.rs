//! A project of the kind HQ reports to its donors, built from records through the
//! `kopa` command alone, reproduces the figures of a real final report (the Society
//! Integration Foundation project in `shared/seeds`): 130 course participants, 272
//! seniors, 330 children and youth, 53 regular young parents, 4 intergenerational
//! events with 487 participants, 3,000 spectators.

mod common;

use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;

fn kopa(dir: &Path, args: &[&str]) -> String {
    let out = common::kopa(dir)
        .args(["--db", "hq.kopa"])
        .args(args)
        .output()
        .unwrap();
    String::from_utf8(common::succeeded(out, args)).unwrap()
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    serde_json::from_str(&kopa(dir, &a)).unwrap()
}

const GIVEN: &[&str] = &[
    "Anna",
    "Ilze",
    "Inese",
    "Līga",
    "Marta",
    "Olga",
    "Tatjana",
    "Jeļena",
    "Zane",
    "Dace",
    "Jānis",
    "Pēteris",
    "Andris",
    "Sergejs",
    "Aleksandrs",
    "Ivans",
    "Edgars",
    "Oļegs",
    "Māris",
    "Viktors",
    "Rita",
    "Gunta",
    "Valentīna",
    "Nikolajs",
];
const SURNAMES: &[&str] = &[
    "Bērziņš",
    "Kalniņš",
    "Ozols",
    "Liepa",
    "Krūmiņš",
    "Zariņš",
    "Pētersons",
    "Vītols",
    "Ivanovs",
    "Petrovs",
    "Smirnovs",
    "Kuzņecovs",
    "Popovs",
    "Sokolovs",
    "Vasiļjevs",
    "Jakovļevs",
    "Grigorjevs",
    "Siliņš",
    "Eglītis",
    "Lapiņš",
    "Vanags",
    "Balodis",
    "Zvaigzne",
    "Kļaviņš",
    "Strazds",
    "Cīrulis",
    "Ābele",
    "Priede",
    "Sproģis",
    "Rubenis",
    "Volkovs",
    "Morozovs",
    "Ābols",
    "Āboliņš",
    "Dambis",
    "Grīnbergs",
    "Kreicbergs",
    "Saulītis",
    "Vīksna",
    "Puriņš",
];

/// Person `i`'s unique (given name, surname).
fn name(i: usize) -> (&'static str, &'static str) {
    (GIVEN[i % GIVEN.len()], SURNAMES[i / GIVEN.len()])
}

/// (first person, count, birth year of the first, target group) per cohort.
const COURSE: (usize, usize) = (0, 130);
const SENIORS: (usize, usize) = (130, 272);
const YOUNG: (usize, usize) = (402, 330);
const PARENTS: (usize, usize) = (732, 60);

fn cohort_row(i: usize) -> (i32, &'static str) {
    let in_cohort = |(s, n): (usize, usize)| (s..s + n).contains(&i);
    if in_cohort(COURSE) {
        (1966 + (i % 25) as i32, "low-income")
    } else if in_cohort(SENIORS) {
        (1935 + (i % 25) as i32, "senior")
    } else if in_cohort(YOUNG) {
        (2003 + (i % 18) as i32, "youth")
    } else {
        (1992 + (i % 8) as i32, "young-family")
    }
}

/// A grid for `kopa import --kind attendance`: the persons of `cohort`, one column per
/// date, marked where `came(person index within cohort, date index)`.
fn grid(cohort: (usize, usize), dates: &[&str], came: impl Fn(usize, usize) -> bool) -> String {
    let mut s = String::from("Vārds;Uzvārds");
    for d in dates {
        write!(s, ";{d}").unwrap();
    }
    s.push('\n');
    for k in 0..cohort.1 {
        let (g, f) = name(cohort.0 + k);
        write!(s, "{g};{f}").unwrap();
        for j in 0..dates.len() {
            s.push_str(if came(k, j) { ";x" } else { ";" });
        }
        s.push('\n');
    }
    s
}

fn dates(month: u32, n: usize) -> Vec<String> {
    (0..n)
        .map(|k| {
            let day = 1 + 7 * k as u32;
            let (m, d) = (month + (day - 1) / 28, (day - 1) % 28 + 1);
            format!("{d:02}.{m:02}.2026")
        })
        .collect()
}

#[test]
fn the_seed_projects_figures_come_out_of_records() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    kopa(
        dir,
        &common::words("init --branch Krāslava --municipality Krāslava --role hq"),
    );
    // 792 persons, each their own household, registered from one spreadsheet.
    let total = PARENTS.0 + PARENTS.1;
    let mut people = String::from("Ģimene;Vārds;Uzvārds;Dzimšanas gads;Pašvaldība;Mērķa grupas\n");
    for i in 0..total {
        let (g, f) = name(i);
        let (year, tg) = cohort_row(i);
        writeln!(people, "{i};{g};{f};{year};Krāslava;{tg}").unwrap();
    }
    std::fs::write(dir.join("people.csv"), people).unwrap();
    let imported = json(dir, &["import", "people.csv"]);
    assert_eq!(imported["imported"].as_array().unwrap().len(), total);

    let group = |name: &str, activity: &str| -> String {
        json(
            dir,
            &["group", "add", "--name", name, "--activity", activity],
        )["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let attend = |gid: &str, file: &str, text: String| {
        std::fs::write(dir.join(file), text).unwrap();
        let p = json(
            dir,
            &["import", file, "--kind", "attendance", "--group", gid],
        );
        assert!(p["errors"].as_array().unwrap().is_empty(), "{p}");
    };
    // Latvian language, history and culture course: everyone came at least once.
    let course = group("Latviešu valoda un vēsture", "language-history");
    let d = dates(2, 8);
    let d: Vec<&str> = d.iter().map(String::as_str).collect();
    attend(
        &course,
        "course.csv",
        grid(COURSE, &d, |k, j| (k + j) % 3 != 0),
    );
    // Seniors' club, handicraft and the book club: 272 seniors in all.
    let club = group("Senioru klubs", "senior-club");
    let d = dates(3, 6);
    let d: Vec<&str> = d.iter().map(String::as_str).collect();
    attend(
        &club,
        "club.csv",
        grid(SENIORS, &d, |k, j| (k + j) % 2 == 0),
    );
    let craft = group("Rokdarbu darbnīca", "handicraft");
    attend(
        &craft,
        "craft.csv",
        grid((SENIORS.0, 100), &d[..3], |_, j| j == 1),
    );
    // Sports and the learning club for children and youth: 330.
    let sports = group("Sporta nodarbības", "youth-sports");
    let d = dates(4, 6);
    let d: Vec<&str> = d.iter().map(String::as_str).collect();
    attend(
        &sports,
        "sports.csv",
        grid((YOUNG.0, 200), &d, |k, j| (k + j) % 2 == 1),
    );
    let learn = group("Mācīšanās klubiņš", "learning-club");
    attend(
        &learn,
        "learn.csv",
        grid((YOUNG.0 + 150, 180), &d, |_, _| true),
    );
    // Young parents' lectures: 10 sessions; 53 came to 8 or more, 7 to 5.
    let parents = group("Jauno vecāku lekcijas", "young-parents");
    let d = dates(5, 10);
    let d: Vec<&str> = d.iter().map(String::as_str).collect();
    attend(
        &parents,
        "parents.csv",
        grid(PARENTS, &d, |k, j| {
            if k < 53 {
                j != k % 10 && j != (k + 3) % 10
            } else {
                j < 5
            }
        }),
    );
    // Four intergenerational events (487 participants) and competitions watched by 3,000.
    for (n, (date, count)) in [
        ("2026-06-06", 118),
        ("2026-07-11", 131),
        ("2026-08-22", 109),
        ("2026-09-19", 129),
    ]
    .iter()
    .enumerate()
    {
        kopa(
            dir,
            &[
                "event",
                "add",
                "--name",
                &format!("Paaudžu diena {}", n + 1),
                "--activity",
                "intergenerational",
                "--date",
                date,
                "--count",
                &format!("participants={count}"),
            ],
        );
    }
    kopa(
        dir,
        &[
            "event",
            "add",
            "--name",
            "Starpnovadu sacensības",
            "--activity",
            "civic-participation",
            "--date",
            "2026-10-03",
            "--count",
            "spectators=3000",
            "--count",
            "participants=96",
        ],
    );

    let project = json(
        dir,
        &[
            "project",
            "add",
            "--name",
            "Mēs dzīvojam kopā savā valstī",
            "--donor",
            "Sabiedrības integrācijas fonds",
            "--start",
            "2026-01-01",
            "--end",
            "2026-12-31",
        ],
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let indicators: &[(&str, &str, &[&str], &str)] = &[
        (
            "course participants",
            "distinct-persons",
            &["activity=language-history"],
            "130",
        ),
        (
            "seniors",
            "distinct-persons",
            &["target-group=senior"],
            "270",
        ),
        (
            "children and youth",
            "distinct-persons",
            &["age-band=0-25"],
            "330",
        ),
        (
            "regular young parents",
            "regular-participants",
            &["activity=young-parents", "min-percent=75"],
            "50",
        ),
        (
            "intergenerational participants",
            "event-head-counts",
            &["activity=intergenerational", "category=participants"],
            "480",
        ),
        (
            "spectators",
            "event-head-counts",
            &["category=spectators"],
            "3000",
        ),
    ];
    for (name, rule, params, target) in indicators {
        let mut args = vec![
            "indicator",
            "add",
            "--project",
            &project,
            "--name",
            name,
            "--rule",
            rule,
            "--target",
            target,
        ];
        for p in *params {
            args.extend(["--param", p]);
        }
        kopa(dir, &args);
    }
    let report = json(
        dir,
        &[
            "report",
            "--project",
            &project,
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
        ],
    );
    let value = |name: &str| -> i64 {
        report["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == name)
            .unwrap()["value"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(value("course participants"), 130);
    assert_eq!(value("seniors"), 272);
    assert_eq!(value("children and youth"), 330);
    assert_eq!(value("regular young parents"), 53);
    assert_eq!(value("intergenerational participants"), 487);
    assert_eq!(value("spectators"), 3000);
    // Distinct persons and attendances are never mixed: the seniors attended far more
    // often than there are seniors.
    let seniors = report["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "seniors")
        .unwrap();
    assert_eq!(seniors["unit"], "persons");
    assert_eq!(seniors["breakdown"]["age-band"]["65+"], 272);
}
