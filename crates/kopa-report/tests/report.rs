//! Indicator rules at their edges, and report files read back.

use calamine::{open_workbook, Reader, Xlsx};
use kopa_domain::{Date, ProjectId, Role, Timestamp};
use kopa_i18n::{Lang, Localizer};
use kopa_registry::testkit::{family_named, forge_first_indicator, group, member, volunteer};
use kopa_registry::*;
use kopa_report::{compute, write_csv, write_pdf, write_subject_access_pdf, write_xlsx, Report};

const T0: i64 = 1_795_424_400_000; // 2026-11-23

struct Fixture {
    reg: Registry,
    _dir: tempfile::TempDir,
    project: ProjectId,
    persons: Vec<String>,
}

fn person_ids(reg: &Registry, fid: kopa_domain::FamilyId) -> Vec<String> {
    reg.family(fid)
        .unwrap()
        .persons
        .into_iter()
        .map(|p| p.id)
        .collect()
}

/// An HQ replica with: a senior (born 1950), a teenager born 2008, a parent; two
/// groups; five sessions of the parents' group with 3 (60 %) and 2 (40 %) attendances.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut reg = Registry::create(
        &dir.path().join("hq.kopa"),
        "p",
        InitOptions {
            branch_name: "Rīga HQ".into(),
            municipality: "Rīga".into(),
            role: Role::Hq,
            device_name: "hq".into(),
            user: "coordinator".into(),
        },
        Env::manual(ManualClock::new(Timestamp(T0)), 3),
    )
    .unwrap();
    let fam = |name: &str, spec: &str, tg: &str| FamilyDraft {
        name: Some(name.into()),
        municipality: Some("Daugavpils".into()),
        languages: Some(vec!["ru".into()]),
        target_groups: Some(vec![tg.into()]),
        members: vec![member(spec)],
        ..Default::default()
    };
    let f1 = reg
        .add_family(&fam(
            "Petrovs",
            "Ivans;Petrovs;1950;m;grandparent",
            "senior",
        ))
        .unwrap();
    let f2 = reg
        .add_family(&fam("Ozola", "Anna;Ozola;2008;f;child", "youth"))
        .unwrap();
    let f3 = reg
        .add_family(&fam(
            "Kalniņa",
            "Ilze;Kalniņa;1996;f;parent",
            "young-family",
        ))
        .unwrap();
    let persons: Vec<String> = [f1, f2, f3]
        .iter()
        .flat_map(|f| person_ids(&reg, *f))
        .collect();
    let (senior, teen, parent) = (&persons[0], &persons[1], &persons[2]);
    let club = group(&mut reg, "Club", "senior-club");
    let parents = group(&mut reg, "Parents", "young-parents");
    for (day, attended) in [
        ("2026-03-02", vec![parent.clone(), teen.clone()]),
        ("2026-03-09", vec![parent.clone(), teen.clone()]),
        ("2026-03-16", vec![parent.clone()]),
        ("2026-03-23", vec![]),
        ("2026-03-30", vec![]),
    ] {
        reg.record_session(&SessionDraft {
            group: parents.key(),
            date: day.into(),
            topics: (day == "2026-03-02").then(|| "Bērna aprūpes pamati, режим сна".into()),
            attended,
            ..Default::default()
        })
        .unwrap();
    }
    // The senior and the parent are also in the club: one person in two groups.
    reg.record_session(&SessionDraft {
        group: club.key(),
        date: "2026-03-04".into(),
        attended: vec![senior.clone(), parent.clone()],
        ..Default::default()
    })
    .unwrap();
    reg.add_event(&EventDraft {
        name: "Paaudžu diena".into(),
        activity: "intergenerational".into(),
        date: "2026-05-01".into(),
        head_counts: vec![("participants".into(), 118), ("spectators".into(), 300)],
        participants: vec![senior.clone(), teen.clone()],
        ..Default::default()
    })
    .unwrap();
    let v = volunteer(&mut reg, "Inese", "Liepa");
    let w = volunteer(&mut reg, "Oļegs", "Orlovs");
    reg.record_training(&TrainingDraft {
        volunteer: v.key(),
        date: "2026-02-01".into(),
        topic: "Pirmā palīdzība".into(),
        hours: "4".into(),
    })
    .unwrap();
    reg.record_training(&TrainingDraft {
        volunteer: w.key(),
        date: "2026-02-01".into(),
        topic: "Datu aizsardzība".into(),
        hours: "3.5".into(),
    })
    .unwrap();
    let project = reg
        .add_project(&ProjectDraft {
            name: "Kopā".into(),
            donor: "SIF".into(),
            start: "2026-01-01".into(),
            end: "2026-12-31".into(),
            branches: vec![],
        })
        .unwrap();
    // Rules and parameters as HQ types them (`kopa indicator add --rule … --param k=v`).
    let ind = |reg: &mut Registry, name: &str, rule: &str, params: &[&str], target: &str| {
        reg.add_indicator(&IndicatorDraft {
            project: project.key(),
            name: name.into(),
            rule: rule.parse().unwrap(),
            params: params
                .iter()
                .map(|s| {
                    let (k, v) = s.split_once('=').unwrap();
                    (k.parse().unwrap(), v.to_string())
                })
                .collect(),
            field_filters: vec![],
            target: target.into(),
        })
        .unwrap();
    };
    ind(&mut reg, "a distinct", "distinct-persons", &[], "4");
    ind(&mut reg, "b attendances", "attendances", &[], "10");
    ind(&mut reg, "c sessions", "sessions-held", &[], "6");
    ind(
        &mut reg,
        "d functioning 5",
        "functioning-groups",
        &["min-sessions=5"],
        "1",
    );
    ind(
        &mut reg,
        "e regular 60",
        "regular-participants",
        &["activity=young-parents", "min-percent=60"],
        "1",
    );
    ind(
        &mut reg,
        "f regular 61",
        "regular-participants",
        &["activity=young-parents", "min-percent=61"],
        "1",
    );
    ind(
        &mut reg,
        "g youth 18-25",
        "distinct-persons",
        &["age-band=18-25"],
        "1",
    );
    ind(&mut reg, "h event", "event-head-counts", &[], "400");
    ind(
        &mut reg,
        "i event participants",
        "event-head-counts",
        &["category=registered,participants"],
        "120",
    );
    ind(
        &mut reg,
        "j trained 4h",
        "trained-volunteers",
        &["min-hours=4"],
        "1",
    );
    Fixture {
        reg,
        _dir: dir,
        project,
        persons,
    }
}

fn value(r: &Report, name: &str) -> i64 {
    r.indicators.iter().find(|i| i.name == name).unwrap().value
}

fn year(reg: &mut Registry, p: ProjectId, reference: &str) -> Report {
    let d = |s: &str| s.parse::<Date>().unwrap();
    compute(reg, p, d("2026-01-01"), d("2026-12-31"), d(reference)).unwrap()
}

#[test]
fn rules_at_their_edges() {
    let mut f = fixture();
    let r = year(&mut f.reg, f.project, "2026-12-31");
    assert_eq!(
        value(&r, "a distinct"),
        3,
        "the parent in two groups counts once"
    );
    assert_eq!(
        value(&r, "b attendances"),
        7,
        "attendances are counted, not persons"
    );
    let a = r
        .indicators
        .iter()
        .find(|i| i.name == "a distinct")
        .unwrap();
    assert_eq!(a.unit, "persons");
    assert_eq!(
        r.indicators
            .iter()
            .find(|i| i.name == "b attendances")
            .unwrap()
            .unit,
        "attendances"
    );
    assert_eq!(value(&r, "c sessions"), 6);
    assert_eq!(
        value(&r, "d functioning 5"),
        1,
        "5 sessions meet min-sessions=5; the club's 1 does not"
    );
    assert_eq!(value(&r, "e regular 60"), 1, "3 of 5 = 60 % meets 60 %");
    assert_eq!(value(&r, "f regular 61"), 0, "60 % does not meet 61 %");
    assert_eq!(
        value(&r, "h event"),
        118 + 300 + 2,
        "registered and unregistered"
    );
    assert_eq!(
        value(&r, "i event participants"),
        118 + 2,
        "spectators left out by category"
    );
    assert_eq!(
        value(&r, "j trained 4h"),
        1,
        "4 h meets min-hours=4; 3.5 h does not"
    );
    // Disaggregation: the senior, the teen and the parent by age band and target group.
    let bands = &a.breakdown["age-band"];
    assert_eq!(bands.get("65+"), Some(&1));
    assert_eq!(bands.get("18-25"), Some(&1), "born 2008: 18 in 2026");
    assert_eq!(bands.get("26-64"), Some(&1));
    assert_eq!(a.breakdown["target-group"].get("senior"), Some(&1));
    assert_eq!(a.breakdown["gender"].get("female"), Some(&2));
    assert!(!r.computed_from.is_empty(), "stamped with document heads");
}

#[test]
fn age_is_taken_at_the_reference_date() {
    let mut f = fixture();
    // Born 2008 (only the year is known): 17 at the end of 2025, 18 in 2026.
    assert_eq!(
        value(&year(&mut f.reg, f.project, "2025-12-31"), "g youth 18-25"),
        0
    );
    assert_eq!(
        value(&year(&mut f.reg, f.project, "2026-01-01"), "g youth 18-25"),
        1
    );
}

#[test]
fn xlsx_and_csv_read_back_in_latvian_and_russian() {
    let mut f = fixture();
    let r = year(&mut f.reg, f.project, "2026-12-31");
    let dir = tempfile::tempdir().unwrap();
    for (lang, summary, age) in [
        (Lang::Lv, "Kopsavilkums", "Vecuma grupa"),
        (Lang::Ru, "Сводка", "Возрастная группа"),
    ] {
        let l = Localizer::new(lang);
        let x = dir.path().join(format!("r-{lang}.xlsx"));
        write_xlsx(&r, &x, &l).unwrap();
        let mut wb: Xlsx<_> = open_workbook(&x).unwrap();
        let names = wb.sheet_names();
        assert!(
            names.contains(&summary.to_string()) && names.contains(&age.to_string()),
            "{names:?}"
        );
        let sheet = wb.worksheet_range(summary).unwrap();
        let rows: Vec<Vec<String>> = sheet
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        let distinct = rows.iter().find(|row| row[0] == "a distinct").unwrap();
        assert_eq!(distinct[2], "3");
        let c = dir.path().join(format!("r-{lang}.csv"));
        write_csv(&r, &c, &l).unwrap();
        let text = std::fs::read_to_string(&c).unwrap();
        assert!(
            text.contains(&format!("a distinct,{},", l.tr("report-unit-persons", &[]))),
            "{text}"
        );
    }
    let _ = &f.persons;
}

/// Beside the figures, the sessions the project's branches held in the period, each
/// with its group, attendance and what it was about, oldest first, as a sheet of
/// its own in the workbook.
#[test]
fn the_sessions_sheet_lists_each_session_with_its_topics() {
    let mut f = fixture();
    let r = year(&mut f.reg, f.project, "2026-12-31");
    let dates: Vec<&str> = r.sessions.iter().map(|s| s.date.as_str()).collect();
    assert_eq!(
        dates,
        [
            "2026-03-02",
            "2026-03-04",
            "2026-03-09",
            "2026-03-16",
            "2026-03-23",
            "2026-03-30"
        ]
    );
    assert_eq!(r.sessions[0].topics, "Bērna aprūpes pamati, режим сна");
    assert_eq!(r.sessions[0].attended, 2);
    let dir = tempfile::tempdir().unwrap();
    for (lang, sheet, header) in [
        (Lang::Lv, "Nodarbības", "Tēmas"),
        (Lang::Ru, "Занятия", "Темы"),
    ] {
        let x = dir.path().join(format!("s-{lang}.xlsx"));
        write_xlsx(&r, &x, &Localizer::new(lang)).unwrap();
        let mut wb: Xlsx<_> = open_workbook(&x).unwrap();
        let names = wb.sheet_names();
        let rows: Vec<Vec<String>> = wb
            .worksheet_range(sheet)
            .unwrap_or_else(|e| panic!("{e}: {names:?}"))
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(rows.len(), 7, "{rows:?}");
        assert_eq!(rows[0][6], header);
        assert_eq!(rows[1][0], "2026-03-02");
        assert_eq!(rows[1][6], "Bērna aprūpes pamati, режим сна");
        assert_eq!(rows[1][4], "2");
    }
}

/// An indicator whose rule this version does not know (a newer HQ wrote it into the
/// reference document) makes the report fail with `unknown-rule`, naming the
/// indicator: a donor figure is never a silent 0.
#[test]
fn a_rule_this_version_does_not_know_is_an_error_not_a_zero() {
    use automerge::transaction::Transactable;
    let mut f = fixture();
    forge_first_indicator(&mut f.reg, |tx, ind| {
        tx.put(ind, "rule", "hours-volunteered").unwrap();
    });
    let err = compute(
        &mut f.reg,
        f.project,
        "2026-01-01".parse().unwrap(),
        "2026-12-31".parse().unwrap(),
        "2026-12-31".parse().unwrap(),
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("hours-volunteered"), "{text}");
    match err {
        kopa_report::ReportError::Registry(e) => {
            assert_eq!(e.code().as_str(), "unknown-rule")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn merged_duplicates_are_counted_once_and_undo_restores() {
    let mut f = fixture();
    let before = value(&year(&mut f.reg, f.project, "2026-12-31"), "a distinct");
    // HQ decides the teenager and the parent are one person (both attended).
    let link = f
        .reg
        .link_persons(f.persons[1].parse().unwrap(), f.persons[2].parse().unwrap())
        .unwrap();
    let r = year(&mut f.reg, f.project, "2026-12-31");
    assert_eq!(value(&r, "a distinct"), before - 1);
    assert_eq!(
        value(&r, "b attendances"),
        7,
        "attendances are still attendances"
    );
    f.reg.unlink_persons(&link).unwrap();
    assert_eq!(
        value(&year(&mut f.reg, f.project, "2026-12-31"), "a distinct"),
        before
    );
    assert!(f.reg.verify_projection().unwrap().is_empty());
}

/// The text of a PDF, as `pdftotext` (poppler) extracts it.
fn pdf_text(path: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed by ./dev.sh");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn pdf_reads_back_in_latvian_and_russian_with_their_own_letters() {
    let mut f = fixture();
    let r = year(&mut f.reg, f.project, "2026-12-31");
    let dir = tempfile::tempdir().unwrap();
    for (lang, header, senior, page) in [
        (Lang::Lv, "Rādītājs", "seniori", "1. lappuse no "),
        (Lang::Ru, "Показатель", "пожилые", "Страница 1 из "),
    ] {
        let l = Localizer::new(lang);
        let path = dir.path().join(format!("r-{lang}.pdf"));
        write_pdf(&r, &path, &l).unwrap();
        let text = pdf_text(&path);
        for want in [header, senior, page, "Daugavpils", "a distinct", "Rīga HQ"] {
            assert!(text.contains(want), "{lang}: {want:?} missing in\n{text}");
        }
        let distinct = text.lines().find(|l| l.contains("a distinct")).unwrap();
        assert!(
            distinct.contains(&l.tr("report-unit-persons", &[])) && distinct.contains(" 3 "),
            "{distinct}"
        );
    }
    // A family's subject-access export, with Latvian letters intact.
    let kalnina = family_named(&f.reg, "Kalniņa");
    let data = f.reg.subject_access(kalnina.id.parse().unwrap()).unwrap();
    let path = dir.path().join("family.pdf");
    write_subject_access_pdf(&data, &path, &Localizer::new(Lang::Lv)).unwrap();
    let text = pdf_text(&path);
    assert!(text.contains("Kalniņa") && text.contains("Ilze"), "{text}");
    assert!(
        text.contains("Viss, kas glabāts par vienu ģimeni"),
        "{text}"
    );
}

#[test]
fn an_erased_family_still_counts_anonymously() {
    let mut f = fixture();
    let before = year(&mut f.reg, f.project, "2026-12-31");
    // The young parent (Kalniņa) asks to be forgotten.
    let kalnina = family_named(&f.reg, "Kalniņa");
    f.reg.erase_family(kalnina.id.parse().unwrap()).unwrap();
    let after = year(&mut f.reg, f.project, "2026-12-31");
    for name in ["a distinct", "b attendances", "c sessions", "e regular 60"] {
        assert_eq!(value(&after, name), value(&before, name), "{name}");
    }
    // Who they were is gone: their age band, gender and target group are unknown now.
    let gender = |r: &Report| {
        r.indicators
            .iter()
            .find(|i| i.name == "a distinct")
            .unwrap()
            .breakdown["gender"]
            .clone()
    };
    assert_eq!(gender(&before).get("female"), Some(&2));
    assert_eq!(gender(&after).get("female"), Some(&1));
    assert!(!serde_json::to_string(&after).unwrap().contains("Kalniņa"));
}
