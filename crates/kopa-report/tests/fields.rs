//! Fields HQ adds without a release: defined at HQ in three languages, received by a
//! branch's laptops from the hub and by a sync file, recorded and checked like
//! built-in fields, set at once on two laptops (a conflict), retired without losing
//! a value, and used by reports to filter and break figures down, disability
//! included, in JSON, XLSX and PDF.

use kopa_domain::Rule;
use kopa_i18n::{Lang, Localizer};
use kopa_registry::testkit::*;
use kopa_registry::*;
use kopa_report::{compute, write_pdf, write_xlsx, Report};
use std::collections::BTreeMap;

fn texts(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn code(e: Error) -> String {
    e.code().as_str().to_string()
}

#[test]
fn hq_fields_reach_branches_are_checked_recorded_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut hub = hub(dir.path(), env(1));
    let kr_id = hub.register_branch("Krāslava", "Krāslava").unwrap().key();
    let mut kr = join(&mut hub, dir.path(), "kr", &kr_id, env(2));
    let mut kr2 = join(&mut hub, dir.path(), "kr2", &kr_id, env(3));
    let mut hq = join(&mut hub, dir.path(), "hq", "hq", env(4));

    // HQ: a choice on families and a yes/no on persons, in Latvian and Russian.
    hq.define_field(&FieldDraft {
        code: "housing".into(),
        on: "family".into(),
        kind: "choice".into(),
        labels: texts(&[("lv", "Mājokļa situācija"), ("ru", "Жилищная ситуация")]),
        options: vec![
            (
                "rented".into(),
                texts(&[("lv", "īrēts"), ("ru", "арендованное")]),
            ),
            (
                "own".into(),
                texts(&[("lv", "savs"), ("ru", "собственное")]),
            ),
            (
                "none".into(),
                texts(&[("lv", "nav pastāvīga"), ("ru", "нет постоянного")]),
            ),
        ],
        ..Default::default()
    })
    .unwrap();
    hq.define_field(&FieldDraft {
        code: "first-time".into(),
        on: "person".into(),
        kind: "yes-no".into(),
        labels: texts(&[
            ("lv", "Pirmo reizi Sarkanajā Krustā"),
            ("ru", "Впервые в Красном Кресте"),
        ]),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(hq.enable_field_set("washington-group").unwrap().len(), 6);
    hq.define_field(&FieldDraft {
        code: "online".into(),
        on: "session".into(),
        kind: "yes-no".into(),
        labels: texts(&[("lv", "Tiešsaistē"), ("ru", "Онлайн")]),
        required: true,
        ..Default::default()
    })
    .unwrap();
    let bad = FieldDraft {
        code: "Mājoklis".into(),
        on: "family".into(),
        kind: "choice".into(),
        ..Default::default()
    };
    assert_eq!(code(hq.define_field(&bad).unwrap_err()), "invalid-code");
    assert_eq!(
        code(
            kr.define_field(&FieldDraft {
                code: "x1".into(),
                ..bad.clone()
            })
            .unwrap_err()
        ),
        "not-allowed",
        "only HQ defines fields"
    );

    // Before the definitions arrive, a branch has no such field.
    let early = FamilyDraft {
        fields: values(&[("housing", "rented")]),
        ..family_draft("Agrie", &["Anna;Agrā;1990;f;parent"])
    };
    assert_eq!(code(kr.add_family(&early).unwrap_err()), "unknown-field");

    sync_through(&mut hq, &mut hub, "hq", None).unwrap();
    sync_through(&mut kr, &mut hub, "kr", None).unwrap();
    // The second laptop by a file from HQ's desktop.
    introduce(&mut hq, &mut kr2);
    let (file, _) = hq.export_sync_file(&kr_id).unwrap();
    kr2.import_sync_file(&file).unwrap();
    assert_eq!(kr2.lists().unwrap().fields_of("family").len(), 1);

    // A value no option holds names the options; a label in any language is read.
    let wrong = FamilyDraft {
        fields: values(&[("housing", "pils")]),
        ..family_draft("Pils", &["Anna;Pils;1990;f;parent"])
    };
    match kr.add_family(&wrong).unwrap_err() {
        Error::Validation(v) => {
            assert_eq!(
                (v.field.as_str(), v.code.as_str()),
                ("fields.housing", "unknown-option")
            );
            assert_eq!(v.valid, ["none", "own", "rented"]);
        }
        other => panic!("{other:?}"),
    }
    let ozoli = kr
        .add_family(&FamilyDraft {
            fields: values(&[("housing", "Īrēts")]),
            ..family_draft(
                "Ozoli",
                &["Jānis;Ozols;1950;m;grandparent", "Ilze;Ozola;1985;f;parent"],
            )
        })
        .unwrap();
    let ivanovy = kr2
        .add_family(&FamilyDraft {
            fields: values(&[("housing", "собственное")]),
            ..family_draft("Ивановы", &["Сергей;Иванов;1980;m;parent"])
        })
        .unwrap();
    let f = kr.family(ozoli).unwrap();
    assert_eq!(f.fields, values(&[("housing", "rented")]));
    let id_of = |given: &str| {
        f.persons
            .iter()
            .find(|p| p.given_name == given)
            .unwrap()
            .id
            .clone()
    };
    let (janis, ilze) = (id_of("Jānis"), id_of("Ilze"));
    let person_fields = |answers: &[(&str, &str)]| MemberDraft {
        fields: values(answers),
        ..Default::default()
    };
    kr.edit_person(
        janis.parse().unwrap(),
        &person_fields(&[("wg-walking", "nespēj vispār"), ("first-time", "jā")]),
    )
    .unwrap();
    kr.edit_person(
        ilze.parse().unwrap(),
        &person_fields(&[("first-time", "nē")]),
    )
    .unwrap();
    let sergej = kr2.family(ivanovy).unwrap().persons[0].id.clone();
    let club = group(&mut kr, "Ģimeņu grupa", "family-support").key();
    sync_through(&mut kr2, &mut hub, "kr2", None).unwrap();
    sync_through(&mut kr, &mut hub, "kr", None).unwrap();
    let draft = SessionDraft {
        group: club,
        date: "2026-11-10".into(),
        attended: vec![janis.clone(), ilze.clone(), sergej.clone()],
        ..Default::default()
    };
    // The session's own field is required.
    match kr.record_session(&draft).unwrap_err() {
        Error::Validation(v) => assert_eq!(
            (v.field.as_str(), v.code.as_str()),
            ("fields.online", "required")
        ),
        other => panic!("{other:?}"),
    }
    let sid = kr
        .record_session(&SessionDraft {
            fields: values(&[("online", "nē")]),
            ..draft
        })
        .unwrap();
    assert_eq!(kr.session(sid).unwrap().fields, values(&[("online", "no")]));

    // The same family's housing set on both laptops before they meet: a conflict.
    sync_through(&mut kr, &mut hub, "kr", None).unwrap();
    sync_through(&mut kr2, &mut hub, "kr2", None).unwrap();
    let set = |reg: &mut Registry, v: &str| {
        reg.edit_family(
            ozoli,
            &FamilyDraft {
                fields: values(&[("housing", v)]),
                ..Default::default()
            },
        )
        .unwrap()
    };
    assert!(set(&mut kr, "own"));
    assert!(set(&mut kr2, "none"));
    for _ in 0..2 {
        sync_through(&mut kr, &mut hub, "kr", None).unwrap();
        sync_through(&mut kr2, &mut hub, "kr2", None).unwrap();
    }
    let c = kr.conflicts().unwrap();
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(c[0].field, "fields.housing");
    let keep = c[0]
        .candidates
        .iter()
        .position(|x| x.value == "own")
        .unwrap()
        + 1;
    kr.resolve_conflict(&c[0].id, keep).unwrap();
    assert_eq!(kr.family(ozoli).unwrap().fields["housing"], "own");

    // HQ's report: persons by housing and by disability, and filtered by both.
    sync_through(&mut kr, &mut hub, "kr", None).unwrap();
    let p = hub
        .add_project(&ProjectDraft {
            name: "Iekļaušana".into(),
            donor: "Fonds".into(),
            start: "2026-01-01".into(),
            end: "2026-12-31".into(),
            branches: vec![],
        })
        .unwrap();
    let ind = |hub: &mut Registry, name: &str, filters: &[(&str, &str)]| {
        hub.add_indicator(&IndicatorDraft {
            project: p.key(),
            name: name.into(),
            rule: Rule::DistinctPersons,
            params: vec![],
            field_filters: texts(filters),
            target: "10".into(),
        })
    };
    ind(&mut hub, "persons", &[]).unwrap();
    ind(&mut hub, "own home", &[("field.housing", "savs")]).unwrap();
    ind(&mut hub, "with a disability", &[("disability", "yes")]).unwrap();
    ind(&mut hub, "first time", &[("field.first-time", "yes")]).unwrap();
    assert_eq!(
        code(ind(&mut hub, "x", &[("field.housing", "pils")]).unwrap_err()),
        "unknown-option"
    );
    // A session's field filters and breaks down where things happened.
    let held = |hub: &mut Registry, name: &str, filters: &[(&str, &str)]| {
        hub.add_indicator(&IndicatorDraft {
            project: p.key(),
            name: name.into(),
            rule: Rule::SessionsHeld,
            params: vec![],
            field_filters: texts(filters),
            target: "10".into(),
        })
        .unwrap()
    };
    held(&mut hub, "sessions", &[]);
    held(&mut hub, "online sessions", &[("field.online", "jā")]);
    assert_eq!(
        code(ind(&mut hub, "x", &[("field.shoe-size", "42")]).unwrap_err()),
        "unknown-field"
    );
    let d = |s: &str| s.parse().unwrap();
    let r: Report = compute(
        &mut hub,
        p,
        d("2026-01-01"),
        d("2026-12-31"),
        d("2026-12-31"),
    )
    .unwrap();
    let value = |n: &str| r.indicators.iter().find(|i| i.name == n).unwrap().value;
    assert_eq!(
        (
            value("persons"),
            value("own home"),
            value("with a disability"),
            value("first time")
        ),
        (3, 3, 1, 1)
    );
    let persons = &r.indicators[0].breakdown;
    assert_eq!(
        persons["field.housing"],
        BTreeMap::from([("own".into(), 3)])
    );
    assert_eq!(
        persons["disability"],
        BTreeMap::from([("yes".into(), 1), ("unknown".into(), 2)])
    );
    assert_eq!(persons["field.first-time"]["no"], 1);
    assert!(
        !persons.contains_key("field.online"),
        "a session's field is not a person's"
    );
    assert_eq!((value("sessions"), value("online sessions")), (1, 0));
    let sessions = &r
        .indicators
        .iter()
        .find(|i| i.name == "sessions")
        .unwrap()
        .breakdown;
    assert_eq!(sessions["field.online"], BTreeMap::from([("no".into(), 1)]));
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains("\"field.housing\""));

    let out = tempfile::tempdir().unwrap();
    let lv = Localizer::new(Lang::Lv);
    let xlsx = out.path().join("r.xlsx");
    write_xlsx(&r, &xlsx, &lv).unwrap();
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let names = wb.sheet_names();
    assert!(
        names.contains(&"Mājokļa situācija".to_string()),
        "{names:?}"
    );
    assert!(names.contains(&"Invaliditāte".to_string()), "{names:?}");
    let housing = wb.worksheet_range("Mājokļa situācija").unwrap();
    let cells: Vec<String> = housing
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(cells.contains(&"savs".to_string()), "{cells:?}");
    let ru = Localizer::new(Lang::Ru);
    let pdf = out.path().join("r.pdf");
    write_pdf(&r, &pdf, &ru).unwrap();
    let text = std::process::Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed by ./dev.sh");
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("Жилищная ситуация"), "{text}");
    assert!(text.contains("собственное 3"), "{text}");
    assert!(text.contains("Инвалидность"), "{text}");

    // A family's subject-access export holds its values and its members'.
    let access = serde_json::to_string(&kr.subject_access(ozoli).unwrap()).unwrap();
    assert!(access.contains("\"housing\":\"own\""), "{access}");
    assert!(
        access.contains("\"wg-walking\":\"cannot-do-at-all\""),
        "{access}"
    );

    // Retiring keeps every value and refuses new ones.
    hq.retire_field("first-time").unwrap();
    sync_through(&mut hq, &mut hub, "hq", None).unwrap();
    sync_through(&mut kr, &mut hub, "kr", None).unwrap();
    assert_eq!(kr.field_values(&janis).unwrap()["first-time"], "yes");
    let again = person_fields(&[("first-time", "jā")]);
    assert_eq!(
        code(kr.edit_person(ilze.parse().unwrap(), &again).unwrap_err()),
        "unknown-field"
    );
    for r in [&mut kr, &mut kr2, &mut hub] {
        assert!(r.verify_projection().unwrap().is_empty());
    }
}
