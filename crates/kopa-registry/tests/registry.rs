//! The registry against real encrypted files in a temporary directory.

use kopa_domain::{Role, Timestamp};
use kopa_registry::testkit::*;
use kopa_registry::*;

const DAY: i64 = 86_400_000;

#[test]
fn family_names_are_not_readable_in_the_file_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = replica(dir.path(), "anna", 1);
    r.reg
        .add_family(&family_draft(
            "Zvaigznīte-Ozoliņa",
            &["Zaiga;Zvaigznīte-Ozoliņa;1990;f;parent"],
        ))
        .unwrap();
    drop(r.reg);
    let mut bytes = vec![];
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    assert!(bytes.len() > 4096);
    for needle in ["Zvaigzn", "Ozoli", "Zaiga", "SQLite format"] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle} found in plain text on disk"
        );
    }
}

#[test]
fn wrong_passphrase_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let r = replica(dir.path(), "anna", 1);
    let path = r.path.clone();
    drop(r);
    let before = std::fs::read(&path).unwrap();
    let err = Registry::open(&path, "wrong", Env::system()).err().unwrap();
    assert!(matches!(err, Error::WrongPassphrase), "{err:?}");
    assert_eq!(err.code(), "wrong-passphrase");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    Registry::open(&path, PASS, Env::system()).unwrap();
}

#[test]
fn creating_over_an_existing_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let r = replica(dir.path(), "anna", 1);
    let path = r.path.clone();
    drop(r);
    std::fs::write(dir.path().join("other.txt"), "x").unwrap();
    let err = Registry::create(
        &dir.path().join("other.txt"),
        PASS,
        InitOptions {
            branch_name: "B".into(),
            municipality: "Rēzekne".into(),
            role: Role::Branch,
            device_name: "d".into(),
            user: "u".into(),
        },
        Env::system(),
    )
    .err()
    .unwrap();
    assert!(matches!(err, Error::AlreadyExists(_)));
    assert!(path.exists());
}

#[test]
fn validation_names_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = replica(dir.path(), "anna", 1);
    let mut f = family_draft("Ivanovs", &["Sergejs;Ivanovs;1880;m;parent"]);
    let err = r.reg.add_family(&f).unwrap_err();
    match err {
        Error::Validation(v) => {
            assert_eq!(v.field, "member[1].birth_year");
            assert_eq!(v.code.as_str(), "birth-year-range");
        }
        other => panic!("{other:?}"),
    }
    f.members.clear();
    f.consent = Some("2026-02-30".into());
    let Error::Validation(v) = r.reg.add_family(&f).unwrap_err() else {
        panic!()
    };
    assert_eq!(
        (v.field.as_str(), v.code.as_str()),
        ("consent", "invalid-date")
    );
    assert!(r.reg.list_families().unwrap().is_empty(), "nothing written");
    // A birth year typed into the surname is not a name, when registered or edited.
    let f = family_draft("Ivanovs", &["Sergejs;1985;1985;m;parent"]);
    let Error::Validation(v) = r.reg.add_family(&f).unwrap_err() else {
        panic!()
    };
    assert_eq!(
        (v.field.as_str(), v.code.as_str()),
        ("member[1].family_name", "not-a-name")
    );
    let fid = r
        .reg
        .add_family(&family_draft("Ivanovs", &["Sergejs;Ivanovs;1985;m;parent"]))
        .unwrap();
    let pid: kopa_domain::PersonId = r.reg.family(fid).unwrap().persons[0].id.parse().unwrap();
    let edit = MemberDraft {
        family_name: "1985".into(),
        ..Default::default()
    };
    let Error::Validation(v) = r.reg.edit_person(pid, &edit).unwrap_err() else {
        panic!()
    };
    assert_eq!(v.code.as_str(), "not-a-name");
}

/// A member typed without a surname takes the family's, on the way in and when a
/// member is added later: one rule for the desktop form and the CLI.
#[test]
fn a_member_without_a_surname_takes_the_familys() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = replica(dir.path(), "anna", 41);
    let fid = a
        .reg
        .add_family(&FamilyDraft {
            members: vec![
                member("Anna;;1984;f;parent"),
                member("Ilze;Ozola;1960;f;grandparent"),
            ],
            ..family_draft("Bērziņi", &[])
        })
        .unwrap();
    a.reg
        .edit_family(
            fid,
            &FamilyDraft {
                members: vec![member("Jānis;;2015;m;child")],
                ..Default::default()
            },
        )
        .unwrap();
    let mut surnames: Vec<(String, String)> = a
        .reg
        .family(fid)
        .unwrap()
        .persons
        .into_iter()
        .map(|p| (p.given_name, p.family_name))
        .collect();
    surnames.sort();
    assert_eq!(
        surnames,
        [
            ("Anna".to_string(), "Bērziņi".to_string()),
            ("Ilze".to_string(), "Ozola".to_string()),
            ("Jānis".to_string(), "Bērziņi".to_string()),
        ]
    );
}

/// The desktop's edit form sends every field as JSON, blank ones as "": a blank
/// contact clears it, a blank consent date keeps the consent, empty lists keep the
/// lists, and a member typed in the form is added.
#[test]
fn the_edit_forms_draft_clears_only_what_the_person_cleared() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = replica(dir.path(), "anna", 42);
    let fid = a
        .reg
        .add_family(&FamilyDraft {
            languages: Some(vec!["lv".into(), "ru".into()]),
            contact: Some("+371 20000000".into()),
            consent: Some("2026-01-05".into()),
            ..family_draft("Bērziņi", &["Anna;;1984;f;parent"])
        })
        .unwrap();
    let form: FamilyDraft = serde_json::from_value(serde_json::json!({
        "name": "Bērziņi", "municipality": "Kraslava", "languages": [],
        "target_groups": [], "contact": "", "consent": "",
        "members": [{"given_name": "Jānis", "family_name": "", "birth_year": "2015",
                     "gender": "m", "role": "child"}],
    }))
    .unwrap();
    assert!(a.reg.edit_family(fid, &form).unwrap());
    let f = a.reg.family(fid).unwrap();
    assert_eq!(f.contact, None);
    assert_eq!(f.languages, ["lv", "ru"]);
    assert_eq!(f.consent.map(|c| c.date), Some("2026-01-05".into()));
    assert_eq!(f.persons.len(), 2);
}

#[test]
fn search_forgives_diacritics_scripts_and_one_typo() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = replica(dir.path(), "anna", 1);
    let ivanov = r
        .reg
        .add_family(&family_draft(
            "Иванов",
            &["Сергей;Иванов;1980;m;parent", "Мария;Иванова;1982;f;parent"],
        ))
        .unwrap();
    let ivanovs = r
        .reg
        .add_family(&family_draft("Ivanovs", &["Sergejs;Ivanovs;1975;m;parent"]))
        .unwrap();
    let ozols = r
        .reg
        .add_family(&family_draft(
            "Ozoliņš",
            &["Jānis;Ozoliņš;1960;m;grandparent"],
        ))
        .unwrap();
    let ids = |q: &str| -> Vec<String> {
        r.reg
            .search(q, 10)
            .unwrap()
            .into_iter()
            .map(|h| h.family.id)
            .collect()
    };

    // Cyrillic query finds the Latin spelling and back; exact spelling ranks first.
    assert_eq!(ids("Иванов"), vec![ivanov.key(), ivanovs.key()]);
    assert_eq!(ids("Ivanovs"), vec![ivanovs.key(), ivanov.key()]);
    assert_eq!(ids("Sergejs")[0], ivanovs.key());
    assert!(ids("Сергей").contains(&ivanovs.key()));
    // Diacritics and case.
    assert_eq!(ids("ozolins"), vec![ozols.key()]);
    assert_eq!(ids("JANIS"), vec![ozols.key()]);
    assert!(
        ids("Kraslava").len() == 3,
        "municipality Krāslava found without diacritics"
    );
    // One typo, but not two.
    assert_eq!(ids("Ozolimš"), vec![ozols.key()]);
    assert_eq!(ids("Ivamovs")[0], ivanovs.key());
    assert!(ids("Ovamovs").is_empty());
    // Prefix as you type, and two words narrow down.
    assert!(ids("Iva").contains(&ivanovs.key()));
    assert_eq!(ids("Sergejs Ivanovs")[0], ivanovs.key());
    assert!(
        !ids("Jānis Ivanovs").contains(&ozols.key()),
        "every word must match"
    );
    // The matching person is named.
    let hit = &r.reg.search("Marija", 10).unwrap()[0];
    assert_eq!(hit.persons[0].given_name, "Мария");
}

#[test]
fn search_uses_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let r = replica(dir.path(), "anna", 1);
    let plan: Vec<String> = r
        .reg
        .connection()
        .prepare("EXPLAIN QUERY PLAN SELECT token, family_id, person_id FROM p_search WHERE key = ?1 AND is_token = 1")
        .unwrap()
        .query_map(["x"], |row| row.get::<_, String>(3))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(
        plan.iter()
            .any(|p| p.starts_with("SEARCH") && p.contains("INDEX p_search_key")),
        "{plan:?}"
    );
}

#[test]
fn a_group_has_one_session_a_day_unless_a_second_meeting_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = replica(dir.path(), "anna", 1);
    let g = group(&mut a.reg, "Senioru klubs", "senior-club");
    let draft = SessionDraft {
        group: g.key(),
        date: "2026-11-20".into(),
        topics: Some("Veselīgs uzturs".into()),
        ..Default::default()
    };
    let first = a.reg.record_session(&draft).unwrap();
    // Save pressed twice, or the same evening recorded again: refused, naming the
    // session already there, and nothing written.
    let before = a.reg.projection_dump().unwrap();
    let Error::Validation(v) = a.reg.record_session(&draft).unwrap_err() else {
        panic!()
    };
    assert_eq!(
        (v.field.as_str(), v.code.as_str()),
        ("date", "session-exists")
    );
    assert_eq!(v.value.as_deref(), Some(first.key().as_str()));
    assert_eq!(a.reg.projection_dump().unwrap(), before);
    // Another date is another session; a second meeting on the same day is said so.
    let next_day = SessionDraft {
        date: "2026-11-21".into(),
        ..draft.clone()
    };
    a.reg.record_session(&next_day).unwrap();
    a.reg
        .record_session(&SessionDraft {
            another: true,
            ..draft.clone()
        })
        .unwrap();
    let on_20th = a
        .reg
        .list_sessions(
            kopa_domain::Date::from_ymd(2026, 11, 20).unwrap(),
            kopa_domain::Date::from_ymd(2026, 11, 20).unwrap(),
        )
        .unwrap();
    assert_eq!(on_20th.len(), 2);
}

#[test]
fn attendance_marks_from_two_facilitators_add_up() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = replica(dir.path(), "anna", 1);
    let f1 = a
        .reg
        .add_family(&family_draft(
            "Kalniņi",
            &["Ilze;Kalniņa;1985;f;parent", "Toms;Kalniņš;2015;m;child"],
        ))
        .unwrap();
    let people: Vec<String> = a
        .reg
        .family(f1)
        .unwrap()
        .persons
        .into_iter()
        .map(|p| p.id)
        .collect();
    let g = group(&mut a.reg, "Ģimeņu atbalsta grupa", "family-support");
    a.reg.enrol(g, &people).unwrap();
    let s = a
        .reg
        .record_session(&SessionDraft {
            group: g.key(),
            date: "2026-11-23".into(),
            ..Default::default()
        })
        .unwrap();
    let mut b = second_device(dir.path(), &mut a, "boris", 2);
    a.reg.mark_attendance(s, &people[..1], true).unwrap();
    b.reg.mark_attendance(s, &people[1..], true).unwrap();
    meet(&mut a, &mut b);
    for r in [&a, &b] {
        assert_eq!(r.reg.session(s).unwrap().summary.attended, 2);
        assert!(r.reg.conflicts().unwrap().is_empty());
    }
    assert_eq!(
        a.reg.projection_dump().unwrap(),
        b.reg.projection_dump().unwrap()
    );
    let _ = DAY;
}

#[test]
fn backup_and_restore() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = replica(dir.path(), "anna", 1);
    a.reg
        .add_family(&family_draft("Ozols", &["Jānis;Ozols;1960;m;parent"]))
        .unwrap();
    let copy = dir.path().join("backup.kopa");
    a.reg.backup(&copy).unwrap();
    assert!(matches!(a.reg.backup(&copy), Err(Error::AlreadyExists(_))));
    let bytes = std::fs::read(&copy).unwrap();
    assert!(!contains(&bytes, "Ozols"), "the backup is encrypted too");

    a.reg
        .add_family(&family_draft("Liepa", &["Anna;Liepa;1970;f;parent"]))
        .unwrap();
    let before = a.reg.projection_dump().unwrap();
    // A copy under another key (another laptop's), or a damaged copy, is refused
    // and changes nothing.
    let mut other = replica(dir.path(), "other", 2);
    let foreign = dir.path().join("foreign.kopa");
    other.reg.backup(&foreign).unwrap();
    assert!(matches!(
        a.reg.restore(&foreign, PASS),
        Err(Error::WrongPassphrase)
    ));
    let broken = dir.path().join("broken.kopa");
    std::fs::write(&broken, &bytes[..bytes.len() / 3]).unwrap();
    assert!(a.reg.restore(&broken, PASS).is_err());
    assert_eq!(a.reg.projection_dump().unwrap(), before);

    a.reg.restore(&copy, PASS).unwrap();
    let names = family_names(&a.reg);
    assert_eq!(names, ["Ozols"]);
    assert!(a.reg.verify_projection().unwrap().is_empty());
    // Writing goes on after a restore.
    a.reg
        .add_family(&family_draft("Kalniņi", &["Ilze;Kalniņa;1990;f;parent"]))
        .unwrap();
    assert_eq!(a.reg.list_families().unwrap().len(), 2);
}

#[test]
fn scheduled_backups_follow_the_replicas_schedule_and_keep_the_newest() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = replica(dir.path(), "a", 43);
    a.reg
        .add_family(&family_draft("Ozols", &["Jānis;Ozols;1960;m;parent"]))
        .unwrap();
    let folder = dir.path().join("backups");
    let policy = a.reg.backup_policy().unwrap();
    assert_eq!(
        (policy.every_hours, policy.keep, policy.dir),
        (24, 14, None)
    );

    // No backup yet: one is due at once, then not again for a day.
    let first = a.reg.backup_if_due(&folder).unwrap().expect("due");
    assert!(first.starts_with(&folder));
    assert_eq!(a.reg.backup_if_due(&folder).unwrap(), None);
    a.clock.advance_ms(23 * 3_600_000);
    assert_eq!(a.reg.backup_if_due(&folder).unwrap(), None);
    a.clock.advance_ms(3_600_000);
    let second = a.reg.backup_if_due(&folder).unwrap().expect("a day on");
    assert_ne!(first, second);

    // Keep 3: a week of days leaves the newest 3; a file that is not a dated
    // backup is never deleted.
    std::fs::write(folder.join("notes.txt"), "mine").unwrap();
    a.reg
        .set_backup_policy(&BackupPolicy {
            every_hours: 24,
            keep: 3,
            dir: None,
        })
        .unwrap();
    for _ in 0..7 {
        a.clock.advance_ms(DAY);
        a.reg.backup_if_due(&folder).unwrap().expect("daily");
    }
    let kept = dated_backups(&folder).unwrap();
    assert_eq!(kept.len(), 3);
    assert_eq!(kept[2].at, a.clock.now(), "the newest is kept");
    assert!(folder.join("notes.txt").exists());
    let status = a.reg.backup_status(&folder).unwrap();
    assert_eq!(status.count, 3);
    assert_eq!(status.last, Some(a.clock.now().to_rfc3339()));
    assert_eq!(
        status.next_due,
        Some(Timestamp(a.clock.now().0 + DAY).to_rfc3339())
    );

    // Every backup is a whole encrypted replica that restores.
    let newest = &kept[2].path;
    assert!(!contains(&std::fs::read(newest).unwrap(), "Ozols"));
    a.reg.add_family(&family_draft("Liepa", &[])).unwrap();
    a.reg.restore(newest, PASS).unwrap();
    assert_eq!(a.reg.list_families().unwrap().len(), 1);

    // A chosen folder wins over the default one; off means never due.
    let stick = dir.path().join("usb");
    std::fs::create_dir(&stick).unwrap();
    a.reg
        .set_backup_policy(&BackupPolicy {
            every_hours: 6,
            keep: 3,
            dir: Some(stick.display().to_string()),
        })
        .unwrap();
    let on_stick = a
        .reg
        .backup_if_due(&folder)
        .unwrap()
        .expect("none there yet");
    assert!(on_stick.starts_with(&stick));
    a.reg
        .set_backup_policy(&BackupPolicy {
            every_hours: 0,
            keep: 3,
            dir: None,
        })
        .unwrap();
    a.clock.advance_ms(30 * DAY);
    assert_eq!(a.reg.backup_if_due(&folder).unwrap(), None);
    assert_eq!(a.reg.backup_status(&folder).unwrap().next_due, None);

    // Bad settings are refused by field and change nothing.
    let refuse = |reg: &mut Registry, p: BackupPolicy| {
        let e = reg.set_backup_policy(&p).unwrap_err();
        match e {
            Error::Validation(v) => (v.field, v.code.as_str()),
            other => panic!("{other:?}"),
        }
    };
    let bad = |every_hours, keep, dir: Option<&str>| BackupPolicy {
        every_hours,
        keep,
        dir: dir.map(String::from),
    };
    assert_eq!(
        refuse(&mut a.reg, bad(721, 3, None)),
        ("every_hours".into(), "number-range")
    );
    assert_eq!(
        refuse(&mut a.reg, bad(24, 0, None)),
        ("keep".into(), "number-range")
    );
    let gone = dir.path().join("unplugged");
    assert_eq!(
        refuse(&mut a.reg, bad(24, 3, gone.to_str())),
        ("dir".into(), "no-such-folder")
    );
    assert_eq!(a.reg.backup_policy().unwrap(), bad(0, 3, None));
    // As typed in a form.
    let typed = BackupPolicy::parse(" 12 ", "30", "").unwrap();
    assert_eq!(typed, bad(12, 30, None));
    match BackupPolicy::parse("daily", "30", "") {
        Err(Error::Validation(v)) => assert_eq!(
            (v.field.as_str(), v.code.as_str()),
            ("every_hours", "invalid-number")
        ),
        other => panic!("{other:?}"),
    }
}
