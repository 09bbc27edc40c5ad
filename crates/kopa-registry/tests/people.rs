//! Personal unlock, roles and the audit on a shared branch laptop: who may open the
//! replica, what each role may do, and what is recorded of sensitive actions.

use kopa_domain::*;
use kopa_registry::testkit::*;
use kopa_registry::{Env, Error, ManualClock, Registry};
use std::path::Path;

fn open_as(path: &Path, who: Option<&str>, pass: &str) -> Result<Registry, Error> {
    Registry::open_as(path, who, pass, env(99))
}

fn refused(r: Result<impl std::fmt::Debug, Error>) -> bool {
    matches!(r, Err(Error::NotPermitted { .. }))
}

#[test]
fn a_volunteer_records_but_is_refused_erasure_export_restore_and_retention_a_lead_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = replica(dir.path(), "inese", 1);
    let fid = a
        .reg
        .add_family(&family_draft("Ivanovs", &["Sergejs;Ivanovs;1960;m;parent"]))
        .unwrap();
    let backup = dir.path().join("copy.kopa");
    a.reg.backup(&backup).unwrap();
    a.reg
        .add_person("Jānis", Access::Volunteer, "jāņa frāze")
        .unwrap();
    drop(a.reg);

    let mut v = open_as(&a.path, None, "jāņa frāze").unwrap();
    assert_eq!(v.identity().user, "Jānis");
    assert_eq!(v.access(), Access::Volunteer);
    // What a volunteer does on a session evening works…
    let other = v
        .add_family(&family_draft("Ozola", &["Anna;Ozola;1950;f;parent"]))
        .unwrap();
    assert!(v.search("Ozola", 5).unwrap().len() == 1);
    // …the lead's tasks are refused, with the role's code, and change nothing.
    let before = v.projection_dump().unwrap();
    assert!(refused(v.erase_family(fid)));
    assert!(refused(v.subject_access(fid)));
    assert!(refused(v.restore(&backup, PASS)));
    assert!(refused(v.set_retention_years(2)));
    assert!(refused(v.add_person("Mārtiņš", Access::Lead, "x")));
    assert!(refused(v.export_sync_file("hq")));
    let e = v.erase_family(fid).unwrap_err();
    assert_eq!(e.code().as_str(), "not-permitted");
    assert_eq!(v.projection_dump().unwrap(), before);
    drop(v);

    let mut lead = open_as(&a.path, None, PASS).unwrap();
    assert_eq!(lead.access(), Access::Lead);
    lead.subject_access(fid).unwrap();
    lead.erase_family(other).unwrap();
    lead.set_retention_years(3).unwrap();
    lead.restore(&backup, PASS).unwrap();
}

#[test]
fn a_removed_person_cannot_unlock_here_nor_on_the_other_laptop_and_the_others_still_can() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = replica(dir.path(), "inese", 1);
    a.reg.add_person("Jānis", Access::Volunteer, "jj").unwrap();
    a.reg.add_person("Olga", Access::Volunteer, "oo").unwrap();
    let mut b = second_device(dir.path(), &mut a, "laptop2", 2);
    // The second laptop knows the branch's people; the lead gives Jānis a passphrase
    // there too, and he keeps his account.
    let jid = b
        .reg
        .add_person("jānis", Access::Volunteer, "jj on b")
        .unwrap();
    let on_a: Vec<_> = a.reg.people().unwrap();
    assert!(on_a.iter().any(|p| p.id == jid && p.name == "Jānis"));
    drop(b.reg);
    assert_eq!(
        open_as(&b.path, None, "jj on b").unwrap().identity().user,
        "Jānis"
    );

    a.reg.remove_person("Jānis").unwrap();
    // Removing Jānis re-wraps nobody else's lock.
    let ring_before = kopa_registry::keyring::Keyring::read(&a.path)
        .unwrap()
        .unwrap();
    assert!(ring_before.locks.iter().all(|l| l.person != jid));
    drop(a.reg);
    assert!(matches!(
        open_as(&a.path, None, "jj"),
        Err(Error::WrongPassphrase)
    ));
    assert_eq!(
        open_as(&a.path, None, "oo").unwrap().identity().user,
        "Olga"
    );
    let mut a_reg = open_as(&a.path, None, PASS).unwrap();

    // The removal reaches laptop 2 with the next meeting: Jānis is refused there too,
    // and his lock there goes.
    let mut b_reg = open_as(&b.path, None, PASS).unwrap();
    b_reg.merge_from(&a.path, PASS).unwrap();
    drop(b_reg);
    assert!(matches!(
        open_as(&b.path, None, "jj on b"),
        Err(Error::AccountRemoved(n)) if n == "Jānis"
    ));
    assert!(matches!(
        open_as(&b.path, None, "jj on b"),
        Err(Error::WrongPassphrase)
    ));
    assert!(open_as(&b.path, None, PASS).is_ok());
    // Nobody removes themselves: a laptop keeps its lead.
    assert!(a_reg.remove_person("inese").is_err());
}

#[test]
fn the_recovery_code_unlocks_and_resets_a_forgotten_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = replica(dir.path(), "inese", 1);
    a.reg
        .add_family(&family_draft("Ivanovs", &["Sergejs;Ivanovs;1960;m;parent"]))
        .unwrap();
    let code = a.reg.new_recovery_code().unwrap();
    drop(a.reg);
    assert!(matches!(
        Registry::open_with_recovery(&a.path, "AAAAA-BBBBB", env(5)),
        Err(Error::WrongPassphrase)
    ));
    let mut r = Registry::open_with_recovery(&a.path, &code.to_lowercase(), env(5)).unwrap();
    assert_eq!(family_names(&r), ["Ivanovs"]);
    r.reset_passphrase("inese", "a new one").unwrap();
    drop(r);
    assert!(matches!(
        open_as(&a.path, None, PASS),
        Err(Error::WrongPassphrase)
    ));
    let lead = open_as(&a.path, None, "a new one").unwrap();
    let actions: Vec<String> = lead
        .audit_log(10)
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert!(
        actions.contains(&"recovery-unlock".to_string()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"passphrase-reset".to_string()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"failed-unlock".to_string()),
        "{actions:?}"
    );
}

#[test]
fn two_people_with_one_passphrase_say_who_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = replica(dir.path(), "inese", 1);
    a.reg.add_person("Jānis", Access::Volunteer, PASS).unwrap();
    drop(a.reg);
    assert!(matches!(
        open_as(&a.path, None, PASS),
        Err(Error::PersonRequired(_))
    ));
    let j = open_as(&a.path, Some("Jānis"), PASS).unwrap();
    assert_eq!(j.access(), Access::Volunteer);
    drop(j);
    assert_eq!(
        open_as(&a.path, Some("inese"), PASS).unwrap().access(),
        Access::Lead
    );
}

#[test]
fn wrong_passphrases_slow_the_next_tries_and_reach_the_audit() {
    let dir = tempfile::tempdir().unwrap();
    let a = replica(dir.path(), "inese", 1);
    drop(a.reg);
    let clock = ManualClock::new(Timestamp(T0));
    let try_open = |pass: &str| Registry::open(&a.path, pass, Env::manual(clock.clone(), 7));
    for _ in 0..3 {
        assert!(matches!(try_open("wrong"), Err(Error::WrongPassphrase)));
    }
    // The fourth try waits, even with the right passphrase…
    assert!(matches!(try_open(PASS), Err(Error::TryLater(1))));
    clock.advance_ms(1_000);
    // …and after the wait the right one opens; the three failures are on record.
    let reg = try_open(PASS).unwrap();
    let failed = reg
        .audit_log(10)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "failed-unlock")
        .count();
    assert_eq!(failed, 3);
}

#[test]
fn an_erasure_is_audited_with_ids_only_and_the_entry_outlives_the_family() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = replica(dir.path(), "inese", 1);
    let mut hq = Replica::create(dir.path(), "hq", "Rīga", Role::Hq, 3);
    let fid = a
        .reg
        .add_family(&family_draft("Ivanovs", &["Sergejs;Ivanovs;1960;m;parent"]))
        .unwrap();
    a.reg.erase_family(fid).unwrap();
    meet(&mut hq, &mut a);
    let log = hq.reg.audit_log(10).unwrap();
    let e = log
        .iter()
        .find(|e| e.action == "erase-family")
        .expect("on record at HQ");
    assert_eq!((e.who.as_str(), e.branch.as_str()), ("inese", "Daugavpils"));
    assert_eq!(e.records, vec![fid.key()]);
    let plain = decrypted_bytes(&hq.reg, dir.path(), "hq");
    assert!(!contains(&plain, "Sergejs"), "nothing personal kept");
}

/// The first release wrote this replica (the CLI's `tests/fixtures/`); its passphrase
/// is `fixture-2026`.
const FIRST_RELEASE: &[u8] = include_bytes!("../../kopa-cli/tests/fixtures/first-release.kopa");
const OLD_PASS: &str = "fixture-2026";

#[test]
fn an_upgrade_stopped_after_the_keyring_was_written_finishes_at_the_next_unlock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.kopa");
    std::fs::write(&path, FIRST_RELEASE).unwrap();
    // The upgrade wrote the keyring, then the power went: the file is still under
    // the old passphrase.
    let key = kopa_registry::keyring::DbKey::generate();
    let ring = kopa_registry::keyring::Keyring::first(
        &key,
        "01a22c3e-0000-7000-8000-000000000001",
        "Inese",
        OLD_PASS,
        kopa_registry::keyring::Cost::LIGHT,
    )
    .unwrap();
    ring.write(&path).unwrap();
    let reg = open_as(&path, None, OLD_PASS).unwrap();
    assert_eq!(reg.access(), Access::Lead);
    assert_eq!(family_names(&reg).len(), 2);
    drop(reg);
    // Now under the new key: it opens again, and the old passphrase alone does not.
    assert!(open_as(&path, None, OLD_PASS).is_ok());
    std::fs::remove_file(kopa_registry::keyring::path_of(&path)).unwrap();
    assert!(matches!(
        open_as(&path, None, OLD_PASS),
        Err(Error::WrongPassphrase)
    ));
}
