//! Concurrent edits between two laptops of a branch: a conflict listed on both,
//! settled by `resolve_conflict`, and what a resolution meets on the other laptop.

use kopa_domain::FamilyId;
use kopa_registry::testkit::*;
use kopa_registry::*;
use std::path::Path;

#[test]
fn concurrent_edits_become_a_conflict_and_resolving_syncs() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b, fid) = two_laptops_with_a_contact_conflict(dir.path());

    for r in [&a, &b] {
        let c = r.reg.conflicts().unwrap();
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].field, "contact");
        let mut who: Vec<_> = c[0]
            .candidates
            .iter()
            .map(|c| (c.person.clone(), c.device.clone(), c.value.clone()))
            .collect();
        who.sort_by(|x, y| x.0.cmp(&y.0));
        assert_eq!(
            who[0],
            ("anna".into(), "anna-laptop".into(), "+371 20000001".into())
        );
        assert_eq!(
            who[1],
            (
                "boris".into(),
                "boris-laptop".into(),
                "+371 29999999".into()
            )
        );
        assert_eq!(r.reg.family(fid).unwrap().conflicts.len(), 1);
    }
    // An unrelated edit does not silently settle the conflict.
    set_field(&mut a.reg, fid, "name", "Petrovi");
    assert_eq!(a.reg.conflicts().unwrap().len(), 1);

    let c = a.reg.conflicts().unwrap().remove(0);
    let pick = candidate_of(&c, "boris");
    assert!(matches!(
        a.reg.resolve_conflict(&c.id, 9),
        Err(Error::NoSuchCandidate { .. })
    ));
    a.reg.resolve_conflict(&c.id, pick).unwrap();
    assert!(a.reg.conflicts().unwrap().is_empty());
    b.reg.merge_from(&a.path, PASS).unwrap();
    assert!(
        b.reg.conflicts().unwrap().is_empty(),
        "the resolution synced"
    );
    assert_eq!(
        b.reg.family(fid).unwrap().contact.as_deref(),
        Some("+371 29999999")
    );
    assert_eq!(b.reg.family(fid).unwrap().summary.name, "Petrovi");
    let h = b.reg.history(&fid.key()).unwrap();
    let actions: Vec<_> = h
        .iter()
        .map(|e| (e.person.as_str(), e.action.as_str()))
        .collect();
    assert!(actions.contains(&("anna", "family.add")));
    assert!(actions.contains(&("boris", "family.edit")));
    assert!(actions.contains(&("anna", "conflict.resolve")));
    for r in [&mut a, &mut b] {
        assert!(r.reg.verify_projection().unwrap().is_empty());
    }
}

/// Two laptops with the same conflict listed; `contact` set differently on each.
fn two_laptops_with_a_contact_conflict(dir: &Path) -> (Replica, Replica, FamilyId) {
    let mut a = replica(dir, "anna", 1);
    let fid = a
        .reg
        .add_family(&family_draft("Petrovs", &["Pēteris;Petrovs;1970;m;parent"]))
        .unwrap();
    let mut b = second_device(dir, &mut a, "boris", 2);
    a.clock.advance_ms(60_000);
    b.clock.advance_ms(120_000);
    for (r, contact) in [(&mut a, "+371 20000001"), (&mut b, "+371 29999999")] {
        set_contact(&mut r.reg, fid, contact);
    }
    meet(&mut a, &mut b);
    assert_eq!(a.reg.conflicts().unwrap().len(), 1);
    assert_eq!(b.reg.conflicts().unwrap().len(), 1);
    (a, b, fid)
}

/// Which candidate is the value shown (the family card's contact).
fn shown_pick(r: &Replica, fid: FamilyId) -> (String, usize, usize) {
    let c = r.reg.conflicts().unwrap().remove(0);
    let shown = r.reg.family(fid).unwrap().contact.unwrap();
    let at = |want: bool| {
        c.candidates
            .iter()
            .position(|x| (x.value == serde_json::json!(shown)) == want)
            .unwrap()
            + 1
    };
    (c.id, at(true), at(false))
}

#[test]
fn keeping_the_shown_value_on_one_laptop_and_the_other_value_on_another_stays_a_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b, fid) = two_laptops_with_a_contact_conflict(dir.path());
    let (id, shown, hidden) = shown_pick(&a, fid);
    a.reg.resolve_conflict(&id, shown).unwrap();
    b.reg.resolve_conflict(&id, hidden).unwrap();
    assert!(a.reg.conflicts().unwrap().is_empty());
    assert!(b.reg.conflicts().unwrap().is_empty());
    meet(&mut a, &mut b);
    for r in [&mut a, &mut b] {
        let c = r.reg.conflicts().unwrap();
        assert_eq!(c.len(), 1, "two different choices are a conflict: {c:?}");
        let mut values: Vec<_> = c[0].candidates.iter().map(|x| x.value.clone()).collect();
        values.sort_by_key(|v| v.to_string());
        assert_eq!(
            values,
            vec![
                serde_json::json!("+371 20000001"),
                serde_json::json!("+371 29999999")
            ]
        );
        assert!(r.reg.verify_projection().unwrap().is_empty());
    }
}

#[test]
fn keeping_the_shown_value_meets_a_concurrent_edit_as_a_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b, fid) = two_laptops_with_a_contact_conflict(dir.path());
    let (id, shown, _) = shown_pick(&a, fid);
    a.reg.resolve_conflict(&id, shown).unwrap();
    set_contact(&mut b.reg, fid, "+371 26666666");
    meet(&mut a, &mut b);
    for r in [&a, &b] {
        let c = r.reg.conflicts().unwrap();
        assert_eq!(c.len(), 1, "{c:?}");
        assert!(c[0]
            .candidates
            .iter()
            .any(|x| x.value == serde_json::json!("+371 26666666")));
    }
}

#[test]
fn two_laptops_keeping_the_same_value_settle_the_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b, fid) = two_laptops_with_a_contact_conflict(dir.path());
    let (id, shown, _) = shown_pick(&a, fid);
    let kept = a.reg.family(fid).unwrap().contact;
    a.reg.resolve_conflict(&id, shown).unwrap();
    b.reg.resolve_conflict(&id, shown).unwrap();
    meet(&mut a, &mut b);
    for r in [&a, &b] {
        assert!(r.reg.conflicts().unwrap().is_empty());
        assert_eq!(r.reg.family(fid).unwrap().contact, kept);
    }
}
