//! Indicators that cannot mislead a coordinator: each test is a way a figure used to
//! come out wrong without a word (a project's branches ignored, a filter value no
//! list holds reporting 0, one value per filter, indicators in byte order of their
//! names, persons who asked to be forgotten dropping out of filtered figures).

use kopa_domain::{Code, Param, ProjectId, Rule};
use kopa_registry::testkit::*;
use kopa_registry::*;
use kopa_report::{compute, write_csv, write_xlsx, Report};

/// HQ's hub and two branches that each ran a group and trained a volunteer, all
/// synced to the hub.
struct World {
    _dir: tempfile::TempDir,
    hub: Registry,
    kr: Registry,
}

fn session(reg: &mut Registry, group: &str, date: &str, attended: Vec<String>) {
    reg.record_session(&SessionDraft {
        group: group.into(),
        date: date.into(),
        attended,
        ..Default::default()
    })
    .unwrap();
}

/// Krāslava: a senior club and a handicraft circle, a senior (target group senior)
/// and a young mother; a volunteer with 6 h of training. Daugavpils: a senior club
/// with one senior; a volunteer with 8 h.
fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let mut hub = hub(dir.path(), env(1));
    let kr_id = hub.register_branch("Krāslava", "Krāslava").unwrap().key();
    let dg_id = hub
        .register_branch("Daugavpils", "Daugavpils")
        .unwrap()
        .key();
    let mut kr = join(&mut hub, dir.path(), "kr", &kr_id, env(2));
    let mut dg = join(&mut hub, dir.path(), "dg", &dg_id, env(3));
    let person = |reg: &mut Registry, name: &str, spec: &str, tg: &str| -> String {
        let fid = reg
            .add_family(&FamilyDraft {
                target_groups: Some(vec![tg.into()]),
                ..family_draft(name, &[spec])
            })
            .unwrap();
        reg.family(fid).unwrap().persons[0].id.clone()
    };
    let senior = person(&mut kr, "Ozols", "Jānis;Ozols;1948;m;grandparent", "senior");
    let mother = person(&mut kr, "Liepa", "Inga;Liepa;1995;f;parent", "young-family");
    let club = group(&mut kr, "Senioru klubs", "senior-club").key();
    let craft = group(&mut kr, "Rokdarbi", "handicraft").key();
    session(&mut kr, &club, "2026-11-02", vec![senior.clone()]);
    session(&mut kr, &craft, "2026-11-03", vec![senior, mother]);
    let v = volunteer(&mut kr, "Inese", "Kalniņa");
    kr.record_training(&TrainingDraft {
        volunteer: v.key(),
        date: "2026-10-01".into(),
        topic: "Pirmā palīdzība".into(),
        hours: "6".into(),
    })
    .unwrap();
    let dg_senior = person(
        &mut dg,
        "Petrovs",
        "Ivans;Petrovs;1950;m;grandparent",
        "senior",
    );
    let dg_club = group(&mut dg, "Клуб", "senior-club").key();
    session(&mut dg, &dg_club, "2026-11-04", vec![dg_senior]);
    let w = volunteer(&mut dg, "Oļegs", "Orlovs");
    dg.record_training(&TrainingDraft {
        volunteer: w.key(),
        date: "2026-10-02".into(),
        topic: "Psihosociālais atbalsts".into(),
        hours: "8".into(),
    })
    .unwrap();
    sync_through(&mut kr, &mut hub, "kr", None).unwrap();
    sync_through(&mut dg, &mut hub, "dg", None).unwrap();
    World { _dir: dir, hub, kr }
}

fn project(hub: &mut Registry, branches: &[&str]) -> ProjectId {
    hub.add_project(&ProjectDraft {
        name: "Sociālā iekļaušana".into(),
        donor: "Fonds".into(),
        start: "2026-01-01".into(),
        end: "2026-12-31".into(),
        branches: branches.iter().map(|b| b.to_string()).collect(),
    })
    .unwrap()
}

fn indicator(
    hub: &mut Registry,
    p: ProjectId,
    name: &str,
    rule: Rule,
    params: &[(Param, &str)],
) -> Result<kopa_domain::IndicatorId> {
    hub.add_indicator(&IndicatorDraft {
        project: p.key(),
        name: name.into(),
        rule,
        params: params.iter().map(|(p, v)| (*p, v.to_string())).collect(),
        field_filters: vec![],
        target: "10".into(),
    })
}

fn report(reg: &mut Registry, p: ProjectId) -> Report {
    let d = |s: &str| s.parse().unwrap();
    compute(reg, p, d("2026-01-01"), d("2026-12-31"), d("2026-12-31")).unwrap()
}

fn value(r: &Report, name: &str) -> i64 {
    r.indicators.iter().find(|i| i.name == name).unwrap().value
}

#[test]
fn a_projects_branches_bound_every_rule() {
    let mut w = world();
    // Named as a coordinator would: by the branch's name.
    let p = project(&mut w.hub, &["Krāslava"]);
    for (name, rule) in [
        ("trained", Rule::TrainedVolunteers),
        ("sessions", Rule::SessionsHeld),
        ("persons", Rule::DistinctPersons),
        ("groups", Rule::FunctioningGroups),
    ] {
        indicator(&mut w.hub, p, name, rule, &[]).unwrap();
    }
    let r = report(&mut w.hub, p);
    assert_eq!(
        value(&r, "trained"),
        1,
        "Daugavpils' volunteer is not the project's"
    );
    assert_eq!(value(&r, "sessions"), 2);
    assert_eq!(value(&r, "persons"), 2);
    assert_eq!(value(&r, "groups"), 2);
    // Without branches the project is every branch's.
    let all = project(&mut w.hub, &[]);
    indicator(&mut w.hub, all, "trained", Rule::TrainedVolunteers, &[]).unwrap();
    assert_eq!(value(&report(&mut w.hub, all), "trained"), 2);
    // A branch HQ does not know is refused with the ones it does.
    let e = w
        .hub
        .add_project(&ProjectDraft {
            name: "X".into(),
            donor: "Y".into(),
            start: "2026-01-01".into(),
            end: "2026-12-31".into(),
            branches: vec!["Rēzekne".into()],
        })
        .unwrap_err();
    match e {
        Error::Validation(v) => {
            assert_eq!(
                (v.code, v.field.as_str()),
                (Code::UnknownBranch, "branch[1]")
            );
            assert!(v.valid.contains(&"Daugavpils".to_string()), "{:?}", v.valid);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_filter_value_no_list_holds_is_refused_and_several_values_count_any() {
    let mut w = world();
    let p = project(&mut w.hub, &[]);
    for (param, value, code) in [
        (Param::Activity, "seniors", Code::UnknownActivity),
        (Param::AgeBand, "65-plus", Code::InvalidAgeBand),
        (Param::Branch, "Krāslavas nodaļa", Code::UnknownBranch),
        (
            Param::Activity,
            "senior-club,handicrafts",
            Code::UnknownActivity,
        ),
    ] {
        let e = indicator(&mut w.hub, p, "x", Rule::SessionsHeld, &[(param, value)]).unwrap_err();
        match e {
            Error::Validation(v) => {
                assert_eq!(v.code, code, "{value}");
                assert!(!v.valid.is_empty(), "{value}: the valid values are named");
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(
        w.hub.project(p).unwrap().indicators.is_empty(),
        "nothing kept"
    );
    let senior_activities = [(Param::Activity, "senior-club, handicraft")];
    indicator(
        &mut w.hub,
        p,
        "senior",
        Rule::SessionsHeld,
        &senior_activities,
    )
    .unwrap();
    indicator(
        &mut w.hub,
        p,
        "club",
        Rule::SessionsHeld,
        &[(Param::Activity, "senior-club")],
    )
    .unwrap();
    let by_name = [(Param::Branch, "kraslava"), (Param::AgeBand, "65+")];
    indicator(&mut w.hub, p, "kr seniors", Rule::DistinctPersons, &by_name).unwrap();
    let r = report(&mut w.hub, p);
    assert_eq!(value(&r, "senior"), 3, "both activities of both branches");
    assert_eq!(value(&r, "club"), 2);
    assert_eq!(
        value(&r, "kr seniors"),
        1,
        "the branch named by name is its id"
    );
    let stored = &w.hub.project(p).unwrap().indicators[0].params;
    assert_eq!(stored["activity"], "senior-club,handicraft");
}

/// An indicator written before filter values were checked (here: forged into the
/// reference document) fails the report with the indicator's name, not a 0.
#[test]
fn a_stored_filter_value_no_list_holds_fails_the_report() {
    use automerge::transaction::Transactable;
    use automerge::ReadDoc;
    let mut w = world();
    let p = project(&mut w.hub, &[]);
    indicator(&mut w.hub, p, "Senioru sesijas", Rule::SessionsHeld, &[]).unwrap();
    forge_first_indicator(&mut w.hub, |tx, ind| {
        let (_, params) = tx.get(ind, "params").unwrap().unwrap();
        tx.put(&params, "activity", "seniors").unwrap();
    });
    let d = |s: &str| s.parse().unwrap();
    let err = compute(
        &mut w.hub,
        p,
        d("2026-01-01"),
        d("2026-12-31"),
        d("2026-12-31"),
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("seniors (Senioru sesijas)"), "{text}");
    match err {
        kopa_report::ReportError::Registry(e) => assert_eq!(e.code().as_str(), "unknown-activity"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn indicators_keep_the_order_hq_gives_them_on_every_replica() {
    let mut w = world();
    let p = project(&mut w.hub, &[]);
    let mut ids = vec![];
    for name in ["Zvaigznes", "apmeklējumi", "Ēnas", "Augšdaugava"] {
        ids.push(indicator(&mut w.hub, p, name, Rule::SessionsHeld, &[]).unwrap());
    }
    let names = |r: &Report| {
        r.indicators
            .iter()
            .map(|i| i.name.clone())
            .collect::<Vec<_>>()
    };
    let r = report(&mut w.hub, p);
    assert_eq!(
        names(&r),
        ["Zvaigznes", "apmeklējumi", "Ēnas", "Augšdaugava"]
    );
    w.hub.move_indicator(ids[3], 1).unwrap();
    w.hub.move_indicator(ids[0], 4).unwrap();
    let moved = ["Augšdaugava", "apmeklējumi", "Ēnas", "Zvaigznes"];
    assert_eq!(names(&report(&mut w.hub, p)), moved);
    assert!(
        w.hub.move_indicator(ids[0], 5).is_err(),
        "there are four places"
    );
    // A branch receives the order with the reference data.
    sync_through(&mut w.kr, &mut w.hub, "kr", None).unwrap();
    let on_branch: Vec<String> =
        w.kr.project(p)
            .unwrap()
            .indicators
            .into_iter()
            .map(|i| i.name)
            .collect();
    assert_eq!(on_branch, moved);
    assert!(
        w.kr.move_indicator(ids[1], 1).is_err(),
        "only HQ orders indicators"
    );
}

/// The one rule for past figures after an erasure: the person still counts where
/// nobody asks who they were, and a figure whose filters do ask leaves them out and
/// says how many, in JSON, CSV and XLSX.
#[test]
fn an_erased_person_stays_in_plain_figures_and_filtered_ones_say_they_left_them_out() {
    let mut w = world();
    let p = project(&mut w.hub, &["Krāslava"]);
    indicator(&mut w.hub, p, "persons", Rule::DistinctPersons, &[]).unwrap();
    let seniors = [(Param::TargetGroup, "senior")];
    indicator(&mut w.hub, p, "seniors", Rule::DistinctPersons, &seniors).unwrap();
    let women = [(Param::Gender, "female")];
    indicator(&mut w.hub, p, "women", Rule::Attendances, &women).unwrap();
    let before = report(&mut w.hub, p);
    assert_eq!(
        (
            value(&before, "persons"),
            value(&before, "seniors"),
            value(&before, "women")
        ),
        (2, 1, 1)
    );
    // The senior asks to be forgotten, on the branch's laptop; HQ hears of it.
    let ozols =
        w.kr.list_families()
            .unwrap()
            .into_iter()
            .find(|f| f.name == "Ozols")
            .unwrap();
    w.kr.erase_family(ozols.id.parse().unwrap()).unwrap();
    sync_through(&mut w.kr, &mut w.hub, "kr", None).unwrap();
    let after = report(&mut w.hub, p);
    let ind = |r: &Report, n: &str| r.indicators.iter().find(|i| i.name == n).unwrap().clone();
    assert_eq!(
        value(&after, "persons"),
        2,
        "still counted where nobody asks who"
    );
    assert_eq!(ind(&after, "persons").erased_left_out, 0);
    assert_eq!(value(&after, "seniors"), 0);
    assert_eq!(ind(&after, "seniors").erased_left_out, 1, "and said so");
    assert_eq!(
        (value(&after, "women"), ind(&after, "women").erased_left_out),
        (1, 2),
        "whether the erased senior was a woman is not known: their 2 attendances are left out, and said so"
    );
    let dir = tempfile::tempdir().unwrap();
    let l = kopa_i18n::Localizer::new(kopa_i18n::Lang::Lv);
    let csv = dir.path().join("r.csv");
    write_csv(&after, &csv, &l).unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.contains("seniors,dažādas personas,\"Dzēsti, nav ieskaitīti\""),
        "{text}"
    );
    let xlsx = dir.path().join("r.xlsx");
    write_xlsx(&after, &xlsx, &l).unwrap();
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let sheet = wb.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[4][5], "Dzēsti, nav ieskaitīti");
    let seniors_row = rows.iter().find(|r| r[0] == "seniors").unwrap();
    assert_eq!(seniors_row[5], "1");
}

/// HQ adds to the lists: a former municipality (renamed in a reform) with what it
/// became, and a new activity type. One branch laptop receives them from the hub,
/// another by a sync file; both record with them; HQ's report on the new
/// municipality counts the family registered under the old name.
#[test]
fn values_hq_adds_to_the_lists_reach_branches_by_hub_and_by_file() {
    let mut w = world();
    let kr_id = w.kr.identity().branch_id;
    let dir = tempfile::tempdir().unwrap();
    let mut kr2 = join(&mut w.hub, dir.path(), "kr2", &kr_id, env(9));
    let mut hq = join(&mut w.hub, dir.path(), "hq", "hq", env(10));
    let apes = ListValueDraft {
        value: "Apes novads".into(),
        until: Some("2021-06-30".into()),
        becomes: Some("Smiltenes novads".into()),
        ..Default::default()
    };
    // What it becomes must be known first.
    let e = hq.add_list_value(RefList::Municipality, &apes).unwrap_err();
    assert_eq!(e.code().as_str(), "unknown-municipality");
    let smiltene = ListValueDraft {
        value: "Smiltenes novads".into(),
        labels: vec![("ru".into(), "Смилтенский край".into())],
        ..Default::default()
    };
    hq.add_list_value(RefList::Municipality, &smiltene).unwrap();
    hq.add_list_value(RefList::Municipality, &apes).unwrap();
    let digital = ListValueDraft {
        value: "digital-skills".into(),
        labels: vec![
            ("lv".into(), "Digitālās prasmes".into()),
            ("ru".into(), "Цифровые навыки".into()),
        ],
        ..Default::default()
    };
    hq.add_list_value(RefList::Activity, &digital).unwrap();
    let refused =
        w.kr.add_list_value(RefList::Activity, &digital)
            .unwrap_err();
    assert_eq!(
        refused.code().as_str(),
        "not-allowed",
        "only HQ edits the lists"
    );
    assert_eq!(
        hq.add_list_value(
            RefList::Activity,
            &ListValueDraft {
                value: "Digitālās".into(),
                ..Default::default()
            }
        )
        .unwrap_err()
        .code()
        .as_str(),
        "invalid-code"
    );
    // Before the lists arrive, a branch cannot use them.
    assert!(w
        .kr
        .add_group(&GroupDraft {
            name: "Datori".into(),
            activity: "digital-skills".into(),
            ..Default::default()
        })
        .is_err());
    sync_through(&mut hq, &mut w.hub, "hq", None).unwrap();
    // The first laptop by the hub.
    sync_through(&mut w.kr, &mut w.hub, "kr", None).unwrap();
    let lists = w.kr.lists().unwrap();
    assert!(lists.activities.contains(&"digital-skills".to_string()));
    assert!(lists
        .former
        .contains(&("Apes novads".into(), "Smiltenes novads".into())));
    let fid = family_in(&mut w.kr, "Bērziņi", "apes novads");
    assert_eq!(
        w.kr.family(fid).unwrap().summary.municipality,
        "Apes novads",
        "kept as written"
    );
    let datori =
        w.kr.add_group(&GroupDraft {
            name: "Datori".into(),
            activity: "digital-skills".into(),
            municipality: Some("Apes novads".into()),
            ..Default::default()
        })
        .unwrap();
    let p = w.kr.family(fid).unwrap().persons[0].id.clone();
    session(&mut w.kr, &datori.key(), "2026-11-05", vec![p]);
    // The second laptop by a file from HQ's desktop.
    introduce(&mut hq, &mut kr2);
    let (file, _) = hq.export_sync_file(&kr_id).unwrap();
    kr2.import_sync_file(&file).unwrap();
    assert!(kr2
        .lists()
        .unwrap()
        .activities
        .contains(&"digital-skills".to_string()));
    family_in(&mut kr2, "Kalniņi", "Smiltenes novads");
    sync_through(&mut kr2, &mut w.hub, "kr2", None).unwrap();
    sync_through(&mut w.kr, &mut w.hub, "kr", None).unwrap();

    let proj = project(&mut w.hub, &[]);
    let digital_only = [(Param::Activity, "digital-skills")];
    indicator(
        &mut w.hub,
        proj,
        "digital",
        Rule::SessionsHeld,
        &digital_only,
    )
    .unwrap();
    // A filter on the new municipality counts what was recorded under the old name.
    let on_smiltene = [(Param::Municipality, "Smiltenes novads")];
    indicator(
        &mut w.hub,
        proj,
        "held in Smiltene",
        Rule::SessionsHeld,
        &on_smiltene,
    )
    .unwrap();
    let on_ape = [(Param::Municipality, "Apes novads")];
    indicator(&mut w.hub, proj, "held in Ape", Rule::SessionsHeld, &on_ape).unwrap();
    let on_kraslava = [(Param::Municipality, "Krāslava")];
    indicator(
        &mut w.hub,
        proj,
        "held in Krāslava",
        Rule::SessionsHeld,
        &on_kraslava,
    )
    .unwrap();
    let r = report(&mut w.hub, proj);
    assert_eq!(value(&r, "digital"), 1);
    assert_eq!(value(&r, "held in Smiltene"), 1);
    assert_eq!(value(&r, "held in Ape"), 1);
    assert_eq!(value(&r, "held in Krāslava"), 2, "not the Ape group's");
}

/// HQ adds a target group and a head-count category with labels; until they arrive a
/// branch refuses them (naming the ones it knows), after that it records them, and
/// HQ's report names the new target group in the branch's language.
#[test]
fn a_target_group_and_a_head_count_category_hq_adds_are_used_and_labelled() {
    let mut w = world();
    let dir = tempfile::tempdir().unwrap();
    let mut hq = join(&mut w.hub, dir.path(), "hq", "hq", env(11));
    let homeless = ListValueDraft {
        value: "homeless".into(),
        labels: vec![
            ("lv".into(), "bezpajumtnieki".into()),
            ("ru".into(), "бездомные".into()),
        ],
        ..Default::default()
    };
    let dancers = ListValueDraft {
        value: "dancers".into(),
        labels: vec![("lv".into(), "dejotāji".into())],
        ..Default::default()
    };
    let family = |reg: &mut Registry| {
        reg.add_family(&FamilyDraft {
            target_groups: Some(vec!["homeless".into()]),
            ..family_draft("Kalns", &["Pēteris;Kalns;1970;m;other"])
        })
    };
    let event = |reg: &mut Registry, category: &str| {
        reg.add_event(&EventDraft {
            name: "Deju vakars".into(),
            activity: "intergenerational".into(),
            date: "2026-11-07".into(),
            head_counts: vec![(category.into(), 12)],
            ..Default::default()
        })
    };
    match family(&mut w.kr).unwrap_err() {
        Error::Validation(v) => {
            assert_eq!(v.code, Code::UnknownTargetGroup);
            assert!(v.valid.contains(&"senior".to_string()), "{:?}", v.valid);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        event(&mut w.kr, "dancers").unwrap_err().code().as_str(),
        "unknown-category"
    );
    hq.add_list_value(RefList::TargetGroup, &homeless).unwrap();
    hq.add_list_value(RefList::Category, &dancers).unwrap();
    sync_through(&mut hq, &mut w.hub, "hq", None).unwrap();
    sync_through(&mut w.kr, &mut w.hub, "kr", None).unwrap();
    let fid = family(&mut w.kr).unwrap();
    event(&mut w.kr, "dancers").unwrap();
    assert_eq!(
        event(&mut w.kr, "audience").unwrap_err().code().as_str(),
        "unknown-category"
    );
    let person = w.kr.family(fid).unwrap().persons[0].id.clone();
    let club = group(&mut w.kr, "Sociālā kafejnīca", "civic-participation").key();
    session(&mut w.kr, &club, "2026-11-09", vec![person]);
    sync_through(&mut w.kr, &mut w.hub, "kr", None).unwrap();
    let p = project(&mut w.hub, &[]);
    let homeless_only = [(Param::TargetGroup, "homeless")];
    indicator(
        &mut w.hub,
        p,
        "homeless",
        Rule::DistinctPersons,
        &homeless_only,
    )
    .unwrap();
    let dancing = [(Param::Category, "dancers")];
    indicator(&mut w.hub, p, "dancers", Rule::EventHeadCounts, &dancing).unwrap();
    let r = report(&mut w.hub, p);
    assert_eq!((value(&r, "homeless"), value(&r, "dancers")), (1, 12));
    let l = kopa_i18n::Localizer::new(kopa_i18n::Lang::Ru);
    assert_eq!(
        kopa_report::category_label("target-group", "homeless", &r, &l),
        "бездомные"
    );
}

/// 2015's data names municipalities as they were before the 2021 reform: a branch
/// records a group in "Daugavpils novads" (the name kept), and a report on
/// Augšdaugavas novads, what it became, counts its sessions.
#[test]
fn a_former_municipality_is_accepted_and_counts_for_what_it_became() {
    let mut w = world();
    let old =
        w.kr.add_group(&GroupDraft {
            name: "Ģimeņu grupa 2015".into(),
            activity: "family-support".into(),
            municipality: Some("daugavpils novads".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        w.kr.group(old).unwrap().summary.municipality,
        "Daugavpils novads"
    );
    session(&mut w.kr, &old.key(), "2026-11-12", vec![]);
    sync_through(&mut w.kr, &mut w.hub, "kr", None).unwrap();
    let p = project(&mut w.hub, &[]);
    let now = [(Param::Municipality, "Augšdaugavas novads")];
    indicator(&mut w.hub, p, "Augšdaugava", Rule::SessionsHeld, &now).unwrap();
    let then = [(Param::Municipality, "Daugavpils novads")];
    indicator(
        &mut w.hub,
        p,
        "Daugavpils novads",
        Rule::SessionsHeld,
        &then,
    )
    .unwrap();
    let r = report(&mut w.hub, p);
    assert_eq!(
        (value(&r, "Augšdaugava"), value(&r, "Daugavpils novads")),
        (1, 1)
    );
}
