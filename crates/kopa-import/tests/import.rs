//! Importing participant lists: valid files, bad rows, duplicates, XLSX.

use kopa_domain::{Role, Timestamp};
use kopa_import::{import_families, Options};
use kopa_registry::testkit::{family_named, group, member};
use kopa_registry::*;
use std::path::{Path, PathBuf};

fn registry(dir: &Path) -> Registry {
    Registry::create(
        &dir.join("r.kopa"),
        "p",
        InitOptions {
            branch_name: "Krāslava".into(),
            municipality: "Krāslava".into(),
            role: Role::Branch,
            device_name: "pc".into(),
            user: "lead".into(),
        },
        Env::manual(ManualClock::new(Timestamp(1_795_424_400_000)), 1),
    )
    .unwrap()
}

/// Each error as `(row, field, code)`.
fn row_errors(errors: &[kopa_import::RowError]) -> Vec<(usize, &str, &str)> {
    errors
        .iter()
        .map(|e| (e.row, e.field.as_str(), e.code.as_str()))
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const VALID: &str =
    "Ģimene;Vārds;Uzvārds;Dzimšanas gads;Dzimums;Loma;Pašvaldība;Valodas;Mērķa grupas;Telefons
1;Ilze;Kalniņa;1990;f;parent;Kraslava;lv;young-family;+371 20000000
1;Toms;Kalniņš;2019;m;child;Krāslava;lv,ltg;child;
2;Сергей;Иванов;1960;m;grandparent;Dagda;ru;senior;
";

#[test]
fn a_valid_file_with_latvian_headers_is_imported_by_household() {
    let dir = tempfile::tempdir().unwrap();
    let mut reg = registry(dir.path());
    let file = write(dir.path(), "list.csv", VALID);
    let dry = import_families(&mut reg, &file, None, Options::DRY_RUN).unwrap();
    assert_eq!((dry.rows, dry.valid_rows, dry.families), (3, 3, 2));
    assert!(
        dry.imported.is_empty() && reg.list_families().unwrap().is_empty(),
        "a dry run writes nothing"
    );
    assert_eq!(
        dry.mapping.get("Dzimšanas gads").map(String::as_str),
        Some("birth_year")
    );

    let done = import_families(&mut reg, &file, None, Options::default()).unwrap();
    assert_eq!(done.imported.len(), 2);
    let fams = reg.list_families().unwrap();
    let kalnini = fams.iter().find(|f| f.name == "Kalniņa").unwrap();
    assert_eq!(kalnini.members, 2);
    let detail = reg.family(kalnini.id.parse().unwrap()).unwrap();
    assert_eq!(
        detail.languages,
        ["ltg", "lv"],
        "languages of the household's rows together"
    );
    assert_eq!(detail.summary.municipality, "Krāslava");
    assert!(
        reg.search("Ivanovs", 5).unwrap().len() == 1,
        "the Cyrillic row is searchable in Latin"
    );
}

/// A coordinator's list in Latvian and Russian words, not codes: roles, genders,
/// target groups and languages as the app shows them. A value no list holds is an
/// error that names the valid ones.
#[test]
fn values_are_read_in_the_users_words_and_a_wrong_one_names_the_valid_ones() {
    let dir = tempfile::tempdir().unwrap();
    let mut reg = registry(dir.path());
    let text = "Ģimene;Vārds;Uzvārds;Dzimšanas gads;Dzimums;Loma;Pašvaldība;Valodas;Mērķa grupas
1;Ilze;Kalniņa;1990;sieviete;vecāks;Krāslava;latviešu, krievu;jaunās ģimenes
1;Toms;Kalniņš;2019;vīrietis;bērns;Krāslava;latviešu;bērni
2;Сергей;Иванов;1948;мужчина;бабушка или дедушка;Dagda;русский;seniori
";
    let file = write(dir.path(), "vardi.csv", text);
    let p = import_families(&mut reg, &file, None, Options::default()).unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.imported.len(), 2);
    let ivanov = family_named(&reg, "Иванов");
    let f = reg.family(ivanov.id.parse().unwrap()).unwrap();
    assert_eq!(f.languages, ["ru"]);
    assert_eq!(f.target_groups, ["senior"]);
    assert_eq!(
        (f.persons[0].gender.as_str(), f.persons[0].role.as_str()),
        ("male", "grandparent")
    );

    let bad = "Vārds;Uzvārds;Loma;Pašvaldība\nAnna;Ozola;kaimiņiene;Preiļi\n";
    let file = write(dir.path(), "slikti.csv", bad);
    let p = import_families(&mut reg, &file, None, Options::default()).unwrap();
    let e = &p.errors[0];
    assert_eq!(
        (e.row, e.field.as_str(), e.code.as_str()),
        (2, "member.role", "unknown-role")
    );
    assert!(e.valid.contains(&"parent".to_string()), "{:?}", e.valid);
}

#[test]
fn bad_rows_are_listed_and_nothing_is_imported_unless_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let mut reg = registry(dir.path());
    let text = "Vārds,Uzvārds,Dzimšanas gads,Pašvaldība,Piekrišana
Anna,Ozola,1985,Preiļi,2026-01-10
Jānis,Ozols,1880,Preiļi,
Pēteris,Liepa,1970,Atlantīda,
Marta,Liepa,1972,Preiļi,2026-02-30
";
    let file = write(dir.path(), "bad.csv", text);
    let p = import_families(&mut reg, &file, None, Options::default()).unwrap();
    let errs = row_errors(&p.errors);
    assert_eq!(
        errs,
        vec![
            (3, "member.birth_year", "birth-year-range"),
            (4, "municipality", "unknown-municipality"),
            (5, "consent", "invalid-date"),
        ]
    );
    assert!(p.imported.is_empty());
    assert!(
        reg.list_families().unwrap().is_empty(),
        "nothing imported while rows are bad"
    );
    let p = import_families(&mut reg, &file, None, Options::SKIP_BAD_ROWS).unwrap();
    assert_eq!(p.imported.len(), 1);
    assert_eq!(reg.list_families().unwrap()[0].name, "Ozola");
}

#[test]
fn possible_duplicates_are_shown_before_import() {
    let dir = tempfile::tempdir().unwrap();
    let mut reg = registry(dir.path());
    reg.add_family(&FamilyDraft {
        name: Some("Иванов".into()),
        municipality: Some("Dagda".into()),
        members: vec![member("Сергей;Иванов;1960;m;grandparent")],
        ..Default::default()
    })
    .unwrap();
    let file = write(dir.path(), "dup.csv", "Vārds,Uzvārds,Dzimšanas gads,Pašvaldība\nSergejs,Ivanovs,1960,Dagda\nSergejs,Ivanovs,1999,Dagda\nAnna,Ozola,1985,Preiļi\n");
    let p = import_families(&mut reg, &file, None, Options::DRY_RUN).unwrap();
    let rows: Vec<usize> = p.duplicates.iter().map(|d| d.row).collect();
    assert_eq!(
        rows,
        vec![2],
        "same name in another script and same birth year; not a different year"
    );
    assert_eq!(p.duplicates[0].name, "Сергей Иванов");
}

#[test]
fn xlsx_with_russian_headers_and_a_mapping_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut reg = registry(dir.path());
    let path = dir.path().join("list.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let s = wb.add_worksheet();
    for (c, h) in ["Имя", "Фамилия", "Год рождения", "Город", "Отметка"]
        .iter()
        .enumerate()
    {
        s.write_string(0, c as u16, *h).unwrap();
    }
    s.write_string(1, 0, "Ольга").unwrap();
    s.write_string(1, 1, "Смирнова").unwrap();
    s.write_number(1, 2, 1955).unwrap();
    s.write_string(1, 3, "Ludza").unwrap();
    wb.save(&path).unwrap();
    let p = import_families(&mut reg, &path, None, Options::default()).unwrap();
    assert_eq!(p.imported.len(), 1, "{:?}", p.errors);
    let f = reg.family(p.imported[0].parse().unwrap()).unwrap();
    assert_eq!(f.persons[0].birth_year, Some(1955));
    // A mapping file names columns the headers alone do not.
    let mapping = write(
        dir.path(),
        "map.json",
        r#"{"Имя": "given_name", "Фамилия": "family_name", "Город": "municipality", "Отметка": "contact"}"#,
    );
    let p = import_families(&mut reg, &path, Some(&mapping), Options::DRY_RUN).unwrap();
    assert_eq!(
        p.mapping.get("Отметка").map(String::as_str),
        Some("contact")
    );
    assert!(!p.mapping.contains_key("Год рождения"));
    let bad = write(dir.path(), "bad-map.json", r#"{"Имя": "shoe_size"}"#);
    assert!(import_families(&mut reg, &path, Some(&bad), Options::default()).is_err());
}

mod attendance {
    use super::*;
    use kopa_import::import_attendance;

    /// A branch with a group and three registered persons (two named alike).
    fn branch(dir: &Path) -> (Registry, String, Vec<String>) {
        let mut reg = registry(dir);
        let mut ids = vec![];
        for (name, spec) in [
            ("Ivanovs", "Sergejs;Ivanovs;1960;m;grandparent"),
            ("Kalniņa", "Ilze;Kalniņa;1990;f;parent"),
            ("Kalniņa", "Ilze;Kalniņa;1958;f;grandparent"),
        ] {
            let f = reg
                .add_family(&FamilyDraft {
                    name: Some(name.into()),
                    municipality: Some("Krāslava".into()),
                    members: vec![member(spec)],
                    ..Default::default()
                })
                .unwrap();
            ids.push(reg.family(f).unwrap().persons[0].id.clone());
        }
        let g = group(&mut reg, "Senioru klubs", "senior-club");
        (reg, g.key(), ids)
    }

    fn attended(reg: &Registry, group: &str) -> Vec<(String, i64)> {
        let g = reg.group(group.parse().unwrap()).unwrap();
        let mut v: Vec<(String, i64)> = g
            .sessions
            .iter()
            .map(|s| (s.date.clone(), s.attended))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_grid_with_a_column_per_date_records_sessions_in_either_script() {
        let dir = tempfile::tempdir().unwrap();
        let (mut reg, group, ids) = branch(dir.path());
        // Ivanovs is written in Cyrillic; the Kalniņas are told apart by birth year.
        let file = write(
            dir.path(),
            "grid.csv",
            "Vārds;Uzvārds;Dzimšanas gads;02.03.2026;09.03.2026;2026-03-16\n\
             Сергей;Иванов;;x;;✓\n\
             Ilze;Kalniņa;1958;+;x;\n\
             Ilze;Kalnina;1990;;1;jā\n",
        );
        let p = import_attendance(&mut reg, &file, &group, None, Options::default()).unwrap();
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!((p.rows, p.valid_rows, p.attendances), (3, 3, 6));
        assert_eq!(p.dates, vec!["2026-03-02", "2026-03-09", "2026-03-16"]);
        assert_eq!(
            attended(&reg, &group),
            vec![
                ("2026-03-02".into(), 2),
                ("2026-03-09".into(), 2),
                ("2026-03-16".into(), 2)
            ]
        );
        // Everyone who came is now enrolled.
        let members: Vec<String> = reg
            .group(group.parse().unwrap())
            .unwrap()
            .members
            .into_iter()
            .map(|m| m.id)
            .collect();
        for id in &ids {
            assert!(members.contains(id));
        }
    }

    #[test]
    fn bad_rows_are_listed_and_nothing_is_recorded_unless_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let (mut reg, group, _) = branch(dir.path());
        let file = write(
            dir.path(),
            "bad.csv",
            "Vārds;Uzvārds;02.03.2026;01.12.2026\n\
             Sergejs;Ivanovs;x;\n\
             Jānis;Bērziņš;x;\n\
             Ilze;Kalniņa;x;\n\
             Sergejs;Ivanovs;maybe;\n\
             Sergejs;Ivanovs;;x\n",
        );
        let p = import_attendance(&mut reg, &file, &group, None, Options::default()).unwrap();
        let codes: Vec<(usize, &str)> = p.errors.iter().map(|e| (e.row, e.code.as_str())).collect();
        assert_eq!(
            codes,
            vec![
                (3, "unknown-person"),
                (4, "ambiguous-person"),
                (5, "invalid-mark"),
                (6, "date-in-future")
            ]
        );
        assert!(p.imported.is_empty() && attended(&reg, &group).is_empty());
        let p = import_attendance(&mut reg, &file, &group, None, Options::SKIP_BAD_ROWS).unwrap();
        assert_eq!(p.imported.len(), 1);
        assert_eq!(attended(&reg, &group), vec![("2026-03-02".into(), 1)]);
    }

    #[test]
    fn a_list_with_a_date_column_adds_to_a_recorded_session() {
        let dir = tempfile::tempdir().unwrap();
        let (mut reg, group, ids) = branch(dir.path());
        reg.record_session(&SessionDraft {
            group: group.clone(),
            date: "2026-03-02".into(),
            attended: vec![ids[0].clone()],
            ..Default::default()
        })
        .unwrap();
        let file = write(
            dir.path(),
            "list.csv",
            "Datums,Vārds,Uzvārds,Dzimšanas gads\n\
             02.03.2026,Ilze,Kalniņa,1990\n\
             02.03.2026,Sergejs,Ivanovs,\n\
             09.03.2026,Ilze,Kalniņa,1990\n",
        );
        let dry = import_attendance(&mut reg, &file, &group, None, Options::DRY_RUN).unwrap();
        assert_eq!(dry.existing_sessions, vec!["2026-03-02"]);
        assert_eq!(attended(&reg, &group), vec![("2026-03-02".into(), 1)]);
        import_attendance(&mut reg, &file, &group, None, Options::default()).unwrap();
        assert_eq!(
            attended(&reg, &group),
            vec![("2026-03-02".into(), 2), ("2026-03-09".into(), 1)]
        );
        // Importing the same list again changes nothing.
        import_attendance(&mut reg, &file, &group, None, Options::default()).unwrap();
        assert_eq!(
            attended(&reg, &group),
            vec![("2026-03-02".into(), 2), ("2026-03-09".into(), 1)]
        );
    }
}

/// A branch's volunteer list in Latvian: each row a volunteer or a training of one,
/// roles in words. Importing it again changes nothing; a bad row is named.
#[test]
fn volunteers_and_their_trainings_are_imported_once() {
    use kopa_import::import_volunteers;
    let dir = tempfile::tempdir().unwrap();
    let mut reg = registry(dir.path());
    let text = "Vārds;Uzvārds;Loma;Datums;Tēma;Stundas
Inese;Liepa;nodaļas vadītājs;2026-03-02;Pirmā palīdzība;4
Inese;Liepa;;2026-05-11;Psihosociālais atbalsts;3,5
Oļegs;Orlovs;brīvprātīgais;;;
Мария;Иванова;;2026-06-01;Работа с семьями;2
";
    let file = write(dir.path(), "brivpratigie.csv", text);
    let dry = import_volunteers(&mut reg, &file, None, Options::DRY_RUN).unwrap();
    assert!(dry.errors.is_empty(), "{:?}", dry.errors);
    assert_eq!((dry.new_volunteers, dry.new_trainings), (3, 3));
    assert!(
        reg.list_volunteers().unwrap().is_empty(),
        "a dry run writes nothing"
    );
    let p = import_volunteers(&mut reg, &file, None, Options::default()).unwrap();
    assert_eq!(p.imported.len(), 6);
    let vols = reg.list_volunteers().unwrap();
    let inese = vols.iter().find(|v| v.given_name == "Inese").unwrap();
    assert_eq!(
        (inese.role.as_str(), inese.trainings, inese.hours),
        ("lead", 2, 7.5)
    );
    let again = import_volunteers(&mut reg, &file, None, Options::default()).unwrap();
    assert_eq!(
        (
            again.new_volunteers,
            again.new_trainings,
            again.imported.len()
        ),
        (0, 0, 0)
    );
    assert_eq!(reg.list_volunteers().unwrap().len(), 3);

    let bad = "Vārds;Uzvārds;Loma;Datums;Tēma;Stundas\nAnna;Ozola;priekšniece;;;\nJānis;Ozols;;2099-01-01;Kursi;2\n";
    let file = write(dir.path(), "slikti.csv", bad);
    let p = import_volunteers(&mut reg, &file, None, Options::default()).unwrap();
    let errs = row_errors(&p.errors);
    assert_eq!(
        errs,
        [
            (2, "volunteer_role", "unknown-role"),
            (3, "date", "date-in-future")
        ]
    );
    assert_eq!(p.errors[0].valid, ["volunteer", "staff", "lead"]);
    assert!(p.imported.is_empty());
}

/// A column headed by one of HQ's fields (its label in any language, or its code)
/// fills that field; a value no option holds is a row error on the field.
#[test]
fn a_column_named_by_an_hq_field_fills_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut reg = Registry::create(
        &dir.path().join("hq.kopa"),
        "p",
        InitOptions {
            branch_name: "LSK".into(),
            municipality: "Rīga".into(),
            role: Role::Hq,
            device_name: "hq".into(),
            user: "koordinatore".into(),
        },
        Env::manual(ManualClock::new(Timestamp(1_795_424_400_000)), 1),
    )
    .unwrap();
    let label = |t: &str| vec![("lv".to_string(), t.to_string())];
    reg.define_field(&FieldDraft {
        code: "housing".into(),
        on: "family".into(),
        kind: "choice".into(),
        labels: vec![
            ("lv".into(), "Mājokļa situācija".into()),
            ("ru".into(), "Жилищная ситуация".into()),
        ],
        options: vec![
            ("rented".into(), label("īrēts")),
            ("own".into(), label("savs")),
        ],
        ..Default::default()
    })
    .unwrap();
    reg.define_field(&FieldDraft {
        code: "first-time".into(),
        on: "person".into(),
        kind: "yes-no".into(),
        labels: label("Pirmo reizi"),
        ..Default::default()
    })
    .unwrap();
    let text = "Vārds;Uzvārds;Pašvaldība;Жилищная ситуация;first-time
Ilze;Kalniņa;Krāslava;īrēts;jā
Anna;Ozola;Preiļi;pils;nē
";
    let file = write(dir.path(), "lauki.csv", text);
    let p = import_families(&mut reg, &file, None, Options::SKIP_BAD_ROWS).unwrap();
    assert_eq!(
        row_errors(&p.errors),
        [(3, "fields.housing", "unknown-option")]
    );
    let f = reg
        .family(family_named(&reg, "Kalniņa").id.parse().unwrap())
        .unwrap();
    assert_eq!(f.fields["housing"], "rented");
    assert_eq!(f.persons[0].fields["first-time"], "yes");
}
