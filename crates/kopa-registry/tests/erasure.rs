//! Erasure (GDPR Art. 17) on real encrypted files: a family or one person gone from
//! every replica and from the bytes on disk, and nothing else lost on the way — edits
//! made elsewhere meanwhile are carried onto the household's new document.

use kopa_registry::testkit::*;
use kopa_registry::*;
use std::path::Path;

#[test]
fn erasure_removes_a_family_everywhere_and_it_cannot_come_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = replica(dir.path(), "anna", 1);
    let fid = a
        .reg
        .add_family(&family_draft(
            "Zvaigznīte",
            &["Zaiga;Zvaigznīte;1990;f;parent"],
        ))
        .unwrap();
    a.reg
        .add_note(fid, "2026-11-20", "Zvaigznītes kundze lūdz palīdzību")
        .unwrap();
    let keep = a
        .reg
        .add_family(&family_draft("Ozols", &["Jānis;Ozols;1960;m;parent"]))
        .unwrap();
    let zaiga = a.reg.family(fid).unwrap().persons[0].id.clone();
    let g = group(&mut a.reg, "Grupa", "family-support");
    let s = a
        .reg
        .record_session(&SessionDraft {
            group: g.key(),
            date: "2026-11-21".into(),
            attended: vec![zaiga],
            ..Default::default()
        })
        .unwrap();
    let mut b = second_device(dir.path(), &mut a, "boris", 2);
    // Boris, offline, even edits the family after Anna erased it.
    assert!(
        contains(&decrypted_bytes(&a.reg, dir.path(), "a0"), "Zvaigzn"),
        "control: the name is findable before"
    );

    a.reg.erase_family(fid).unwrap();
    set_contact(&mut b.reg, fid, "+371 2");
    assert!(matches!(a.reg.family(fid), Err(Error::NotFound { .. })));
    assert_eq!(a.reg.list_families().unwrap().len(), 1);
    assert_eq!(
        a.reg.session(s).unwrap().summary.attended,
        1,
        "attendance stays as an anonymous count"
    );
    assert!(a.reg.verify_projection().unwrap().is_empty());
    let bytes = decrypted_bytes(&a.reg, dir.path(), "a1");
    assert!(
        !contains(&bytes, "Zvaigzn") && !contains(&bytes, "Zaiga"),
        "name gone from the decrypted store"
    );
    assert!(contains(&bytes, "Ozols"), "control: other families stay");

    // The offline replica's copy does not come back...
    a.reg.merge_from(&b.path, PASS).unwrap();
    assert!(matches!(a.reg.family(fid), Err(Error::NotFound { .. })));
    assert!(!contains(
        &decrypted_bytes(&a.reg, dir.path(), "a2"),
        "Zvaigzn"
    ));
    // ...and the tombstone erases it there too.
    b.reg.merge_from(&a.path, PASS).unwrap();
    assert!(matches!(b.reg.family(fid), Err(Error::NotFound { .. })));
    assert!(!contains(
        &decrypted_bytes(&b.reg, dir.path(), "b1"),
        "Zvaigzn"
    ));
    assert!(b.reg.family(keep).is_ok());
    for r in [&mut a, &mut b] {
        assert!(r.reg.verify_projection().unwrap().is_empty());
    }
    assert_eq!(
        a.reg.projection_dump().unwrap(),
        b.reg.projection_dump().unwrap()
    );
}

/// A household of three: Zaiga, Pēteris and Līga, with their person ids in that order.
fn kalnini(reg: &mut Registry) -> (kopa_domain::FamilyId, [String; 3]) {
    let fid = reg
        .add_family(&family_draft(
            "Kalniņi",
            &[
                "Zaiga;Kalniņa;1990;f;parent",
                "Pēteris;Kalniņš;1988;m;parent",
                "Līga;Kalniņa;2015;f;child",
            ],
        ))
        .unwrap();
    let persons = reg.family(fid).unwrap().persons;
    let id_of = |given: &str| {
        persons
            .iter()
            .find(|p| p.given_name == given)
            .unwrap()
            .id
            .clone()
    };
    (fid, [id_of("Zaiga"), id_of("Pēteris"), id_of("Līga")])
}

#[test]
fn erasing_one_person_removes_them_everywhere_and_keeps_the_household() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = replica(dir.path(), "anna", 5);
    let (fid, ids) = kalnini(&mut a.reg);
    let [zaiga, peteris, liga] = ids;
    // Her old values stay in the document's history: the reason for a new document.
    a.reg
        .edit_person(
            zaiga.parse().unwrap(),
            &member("Zaiga;Kalniņa;1991;f;parent"),
        )
        .unwrap();
    a.reg
        .add_note(fid, "2026-11-20", "Pēteris meklē darbu")
        .unwrap();
    let g = group(&mut a.reg, "Ģimeņu grupa", "family-support");
    a.reg.enrol(g, &[zaiga.clone(), peteris.clone()]).unwrap();
    let both = a
        .reg
        .record_session(&SessionDraft {
            group: g.key(),
            date: "2026-11-21".into(),
            attended: vec![zaiga.clone(), peteris.clone()],
            ..Default::default()
        })
        .unwrap();
    let mut b = second_device(dir.path(), &mut a, "boris", 6);
    assert!(
        contains(&decrypted_bytes(&a.reg, dir.path(), "p0"), "Zaiga"),
        "control: the name is findable before"
    );

    let new = a
        .reg
        .erase_person(zaiga.parse().unwrap())
        .unwrap()
        .expect("two members stay");
    // Boris, offline, still edits her in the old family.
    b.reg
        .edit_person(
            zaiga.parse().unwrap(),
            &member("Zaiga Marija;Kalniņa;1991;f;parent"),
        )
        .unwrap();

    let check = |r: &mut Replica, tag: &str| {
        assert!(matches!(r.reg.family(fid), Err(Error::NotFound { .. })));
        assert!(matches!(
            r.reg.person(zaiga.parse().unwrap()),
            Err(Error::NotFound { .. })
        ));
        let household = r.reg.family(new).unwrap();
        let mut ids: Vec<String> = household.persons.iter().map(|p| p.id.clone()).collect();
        ids.sort();
        let mut want = vec![peteris.clone(), liga.clone()];
        want.sort();
        assert_eq!(ids, want, "the others keep their ids");
        assert_eq!(household.notes.len(), 1, "notes stay");
        assert_eq!(r.reg.list_families().unwrap().len(), 1);
        let session = r.reg.session(both).unwrap();
        assert_eq!(
            session.summary.attended, 2,
            "her attendance stays as a count"
        );
        assert!(r
            .reg
            .group(g)
            .unwrap()
            .members
            .iter()
            .any(|m| m.id == peteris));
        assert!(r.reg.verify_projection().unwrap().is_empty());
        let bytes = decrypted_bytes(&r.reg, dir.path(), tag);
        assert!(
            !contains(&bytes, "Zaiga"),
            "{tag}: her name is gone, history included"
        );
        assert!(
            contains(&bytes, "Kalniņi"),
            "{tag}: control: the household stays"
        );
    };
    check(&mut a, "p1");
    // The offline copy does not bring her back; the erasure reaches it.
    a.reg.merge_from(&b.path, PASS).unwrap();
    check(&mut a, "p2");
    b.reg.merge_from(&a.path, PASS).unwrap();
    check(&mut b, "p3");
    assert_eq!(
        a.reg.projection_dump().unwrap(),
        b.reg.projection_dump().unwrap()
    );

    // The last member erased is the whole family erased.
    let rest = a.reg.family(new).unwrap().persons;
    let after_one = a
        .reg
        .erase_person(rest[0].id.parse().unwrap())
        .unwrap()
        .expect("one stays");
    assert_eq!(
        a.reg.erase_person(rest[1].id.parse().unwrap()).unwrap(),
        None
    );
    assert!(matches!(
        a.reg.family(after_one),
        Err(Error::NotFound { .. })
    ));
    assert!(a.reg.list_families().unwrap().is_empty());
    assert!(a.reg.verify_projection().unwrap().is_empty());
}

#[test]
fn two_devices_erasing_two_members_of_one_household_at_once_erase_both() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = replica(dir.path(), "anna", 7);
    let (_, [zaiga, _, liga]) = kalnini(&mut a.reg);
    let mut b = second_device(dir.path(), &mut a, "boris", 8);
    // Neither has heard of the other's erasure.
    a.reg.erase_person(zaiga.parse().unwrap()).unwrap().unwrap();
    b.clock.advance_ms(1_000);
    b.reg.erase_person(liga.parse().unwrap()).unwrap().unwrap();

    meet(&mut a, &mut b);
    a.reg.merge_from(&b.path, PASS).unwrap();
    for (r, tag) in [(&mut a, "s1"), (&mut b, "s2")] {
        let families = r.reg.list_families().unwrap();
        assert_eq!(families.len(), 1, "{tag}: one household");
        let household = r.reg.family(families[0].id.parse().unwrap()).unwrap();
        let names: Vec<&str> = household
            .persons
            .iter()
            .map(|p| p.given_name.as_str())
            .collect();
        assert_eq!(names, ["Pēteris"], "{tag}");
        assert!(r.reg.verify_projection().unwrap().is_empty());
        let bytes = decrypted_bytes(&r.reg, dir.path(), tag);
        assert!(!contains(&bytes, "Zaiga"), "{tag}: Zaiga is gone");
        assert!(!contains(&bytes, "Līga"), "{tag}: Līga is gone");
        assert!(contains(&bytes, "Pēteris"), "{tag}: control");
    }
    assert_eq!(
        a.reg.projection_dump().unwrap(),
        b.reg.projection_dump().unwrap()
    );
}

/// Two laptops erase the same person before hearing of each other: each makes a new
/// document for the household, and only one of the two is shown once they meet. What
/// each laptop wrote to its own new document meanwhile, and a note a third laptop
/// added to the old one, are all shown on every laptop, whichever document wins and
/// in whatever order the documents arrive.
#[test]
fn edits_to_either_of_two_documents_made_by_erasing_at_once_are_all_kept() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = replica(dir.path(), "anna", 21);
    let (fid, [zaiga, _, _]) = kalnini(&mut a.reg);
    let mut b = second_device(dir.path(), &mut a, "boris", 22);
    let mut c = second_device(dir.path(), &mut a, "cilda", 23);
    a.clock.advance_ms(1_000);
    let fa = a.reg.erase_person(zaiga.parse().unwrap()).unwrap().unwrap();
    set_contact(&mut a.reg, fa, "+371 26222222");
    b.clock.advance_ms(2_000);
    let fb = b.reg.erase_person(zaiga.parse().unwrap()).unwrap().unwrap();
    assert_ne!(fa, fb, "control: two new documents");
    b.reg
        .add_note(fb, "2026-11-20", "Boriss: zvanīt pirmdien")
        .unwrap();
    c.clock.advance_ms(3_000);
    c.reg
        .add_note(fid, "2026-11-20", "Cilda: семья просит одежду")
        .unwrap();

    // Cilda hears of Anna's document first, then of Boris's; the others hear late.
    c.reg.merge_from(&a.path, PASS).unwrap();
    c.reg.merge_from(&b.path, PASS).unwrap();
    a.reg.merge_from(&c.path, PASS).unwrap();
    meet(&mut b, &mut a);
    c.reg.merge_from(&a.path, PASS).unwrap();
    for (r, tag) in [(&mut a, "anna"), (&mut b, "boris"), (&mut c, "cilda")] {
        let families = r.reg.list_families().unwrap();
        assert_eq!(families.len(), 1, "{tag}: one household");
        let shown = r.reg.family(families[0].id.parse().unwrap()).unwrap();
        assert_eq!(
            shown.contact.as_deref(),
            Some("+371 26222222"),
            "{tag}: Anna's contact"
        );
        let notes: Vec<&str> = shown.notes.iter().map(|n| n.text.as_str()).collect();
        for note in ["Boriss: zvanīt pirmdien", "Cilda: семья просит одежду"] {
            assert!(notes.contains(&note), "{tag}: {note} in {notes:?}");
        }
        assert!(!shown.persons.iter().any(|p| p.id == zaiga), "{tag}");
        assert!(r.reg.conflicts().unwrap().is_empty(), "{tag}: no conflict");
        assert!(r.reg.verify_projection().unwrap().is_empty(), "{tag}");
    }
    assert_eq!(a.reg.heads().unwrap(), b.reg.heads().unwrap());
    assert_eq!(a.reg.heads().unwrap(), c.reg.heads().unwrap());
}

/// Two laptops settle a pending conflict on the household's contact differently
/// while a third erases a member. Both choices are carried onto the household's new
/// document and meet there as a conflict of the two: neither wins silently, whichever
/// of them is the value the move copied as shown.
#[test]
fn two_different_resolutions_carried_onto_the_new_household_document_stay_a_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = replica(dir.path(), "anna", 31);
    let (fid, [zaiga, _, _]) = kalnini(&mut a.reg);
    let mut b = second_device(dir.path(), &mut a, "boris", 32);
    let mut c = second_device(dir.path(), &mut a, "cilda", 33);
    a.clock.advance_ms(60_000);
    b.clock.advance_ms(120_000);
    c.clock.advance_ms(180_000);
    set_contact(&mut a.reg, fid, "+371 20000001");
    set_contact(&mut b.reg, fid, "+371 29999999");
    meet(&mut a, &mut b);
    c.reg.merge_from(&a.path, PASS).unwrap();
    let conflict = c.reg.conflicts().unwrap().remove(0);
    assert_eq!(conflict.candidates.len(), 2, "control: pending everywhere");
    // Anna keeps the first value, Boris the second, Cilda erases Zaiga: none has
    // heard of the others.
    a.reg.resolve_conflict(&conflict.id, 1).unwrap();
    b.reg.resolve_conflict(&conflict.id, 2).unwrap();
    let new = c.reg.erase_person(zaiga.parse().unwrap()).unwrap().unwrap();

    c.reg.merge_from(&a.path, PASS).unwrap();
    c.reg.merge_from(&b.path, PASS).unwrap();
    a.reg.merge_from(&c.path, PASS).unwrap();
    b.reg.merge_from(&c.path, PASS).unwrap();
    for (r, tag) in [(&mut a, "anna"), (&mut b, "boris"), (&mut c, "cilda")] {
        let listed = r.reg.conflicts().unwrap();
        assert_eq!(listed.len(), 1, "{tag}: {listed:?}");
        assert_eq!(listed[0].record_id, new.key(), "{tag}");
        assert_eq!(listed[0].field, "contact", "{tag}");
        let mut values: Vec<String> = listed[0]
            .candidates
            .iter()
            .map(|x| x.value.as_str().unwrap().to_string())
            .collect();
        values.sort();
        assert_eq!(values, ["+371 20000001", "+371 29999999"], "{tag}");
        assert!(r.reg.verify_projection().unwrap().is_empty(), "{tag}");
    }
}

/// Laptop 1 erases Zaiga while laptop 2, offline, edits the household: the contact, a
/// new note, Pēteris's birth year, a follow-up done, and Zaiga herself. A conflict on
/// the family's name was pending on both. Returns both laptops, the new household id
/// and the person ids.
fn erase_while_another_laptop_edits(
    dir: &Path,
) -> (Replica, Replica, kopa_domain::FamilyId, [String; 3]) {
    let mut a = replica(dir, "anna", 11);
    let (fid, ids) = kalnini(&mut a.reg);
    let [zaiga, peteris, _] = ids.clone();
    let fu = a
        .reg
        .add_follow_up(fid, "2026-12-01", "Piezvanīt par dzīvokli")
        .unwrap();
    let mut b = second_device(dir, &mut a, "boris", 12);
    // The name set on both laptops at once: a conflict, listed on both.
    a.clock.advance_ms(1_000);
    b.clock.advance_ms(2_000);
    for (r, name) in [(&mut a, "Kalniņu ģimene"), (&mut b, "Kalniņi (Krāslava)")] {
        set_field(&mut r.reg, fid, "name", name);
    }
    meet(&mut a, &mut b);
    for r in [&a, &b] {
        assert_eq!(r.reg.conflicts().unwrap().len(), 1, "control: pending");
    }

    a.clock.advance_ms(60_000);
    b.clock.advance_ms(60_000);
    let new = a
        .reg
        .erase_person(zaiga.parse().unwrap())
        .unwrap()
        .expect("two stay");
    set_contact(&mut b.reg, fid, "+371 26111111");
    b.reg
        .add_note(fid, "2026-11-23", "Ģimene pārceļas uz Preiļiem")
        .unwrap();
    b.reg
        .edit_person(
            peteris.parse().unwrap(),
            &member("Pēteris;Kalniņš;1987;m;parent"),
        )
        .unwrap();
    b.reg.complete_follow_up(fid, fu).unwrap();
    b.reg
        .edit_person(
            zaiga.parse().unwrap(),
            &member("Zaiga Marija;Kalniņa;1991;f;parent"),
        )
        .unwrap();
    (a, b, new, ids)
}

/// What must hold on every laptop once the erasure and the edits have met.
fn check_nothing_else_lost(
    r: &mut Replica,
    dir: &Path,
    tag: &str,
    new: kopa_domain::FamilyId,
    ids: &[String; 3],
) {
    let [zaiga, peteris, liga] = ids;
    let families = r.reg.list_families().unwrap();
    assert_eq!(families.len(), 1, "{tag}: one household");
    assert_eq!(
        families[0].id,
        new.key(),
        "{tag}: the new document is shown"
    );
    let household = r.reg.family(new).unwrap();
    assert_eq!(
        household.contact.as_deref(),
        Some("+371 26111111"),
        "{tag}: the contact changed elsewhere stays"
    );
    let notes: Vec<&str> = household.notes.iter().map(|n| n.text.as_str()).collect();
    assert_eq!(
        notes,
        ["Ģimene pārceļas uz Preiļiem"],
        "{tag}: the note stays"
    );
    assert_eq!(household.follow_ups.len(), 1, "{tag}");
    assert!(
        household.follow_ups.iter().all(|f| f.done),
        "{tag}: the follow-up stays done"
    );
    let pet = r.reg.person(peteris.parse().unwrap()).unwrap();
    assert_eq!(pet.birth_year, Some(1987), "{tag}: his birth year stays");
    assert!(r.reg.person(liga.parse().unwrap()).is_ok(), "{tag}");
    assert!(
        r.reg.person(zaiga.parse().unwrap()).is_err(),
        "{tag}: she stays erased"
    );
    let conflicts = r.reg.conflicts().unwrap();
    assert_eq!(
        conflicts.len(),
        1,
        "{tag}: the pending conflict stays: {conflicts:?}"
    );
    assert_eq!(conflicts[0].field, "name");
    assert_eq!(conflicts[0].record_id, new.key());
    let mut who: Vec<(String, String)> = conflicts[0]
        .candidates
        .iter()
        .map(|c| (c.person.clone(), c.value.as_str().unwrap_or("").to_string()))
        .collect();
    who.sort();
    assert_eq!(
        who,
        [
            ("anna".to_string(), "Kalniņu ģimene".to_string()),
            ("boris".to_string(), "Kalniņi (Krāslava)".to_string())
        ],
        "{tag}"
    );
    assert!(r.reg.verify_projection().unwrap().is_empty(), "{tag}");
    let bytes = decrypted_bytes(&r.reg, dir, tag);
    assert!(!contains(&bytes, "Zaiga"), "{tag}: her name is gone");
    assert!(contains(&bytes, "Pēteris"), "{tag}: control");
}

#[test]
fn erasing_a_person_keeps_what_another_laptop_changed_in_the_household_meanwhile() {
    for eraser_first in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, new, ids) = erase_while_another_laptop_edits(dir.path());
        if eraser_first {
            // Laptop 2's documents reach laptop 1 first, then the other way.
            meet(&mut a, &mut b);
        } else {
            meet(&mut b, &mut a);
        }
        let tag = if eraser_first { "a-first" } else { "b-first" };
        check_nothing_else_lost(&mut a, dir.path(), &format!("{tag}-a"), new, &ids);
        check_nothing_else_lost(&mut b, dir.path(), &format!("{tag}-b"), new, &ids);
        assert_eq!(a.reg.heads().unwrap(), b.reg.heads().unwrap(), "{tag}");
        assert_eq!(
            a.reg.projection_dump().unwrap(),
            b.reg.projection_dump().unwrap(),
            "{tag}"
        );
        // The moved conflict is settled like any other, and that syncs.
        let c = a.reg.conflicts().unwrap().remove(0);
        let pick = candidate_of(&c, "boris");
        a.reg.resolve_conflict(&c.id, pick).unwrap();
        b.reg.merge_from(&a.path, PASS).unwrap();
        for r in [&mut a, &mut b] {
            assert!(r.reg.conflicts().unwrap().is_empty(), "{tag}");
            assert_eq!(
                r.reg.family(new).unwrap().summary.name,
                "Kalniņi (Krāslava)",
                "{tag}"
            );
            assert!(r.reg.verify_projection().unwrap().is_empty(), "{tag}");
        }
    }
}

#[test]
fn through_sync_files_erasing_a_person_keeps_what_another_laptop_changed() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b, new, ids) = erase_while_another_laptop_edits(dir.path());
    let (ca, cb) = (
        a.reg.identity_card().unwrap(),
        b.reg.identity_card().unwrap(),
    );
    a.reg.add_peer(&cb).unwrap();
    b.reg.add_peer(&ca).unwrap();
    let branch = a.reg.identity().branch_id;
    // Laptop 2's file reaches laptop 1 first; laptop 1's answer carries the erasure.
    let (from_b, _) = b.reg.export_sync_file(&branch).unwrap();
    a.reg.import_sync_file(&from_b).unwrap();
    let (from_a, _) = a.reg.export_sync_file(&branch).unwrap();
    b.reg.import_sync_file(&from_a).unwrap();
    let (back, _) = b.reg.export_sync_file(&branch).unwrap();
    a.reg.import_sync_file(&back).unwrap();
    check_nothing_else_lost(&mut a, dir.path(), "file-a", new, &ids);
    check_nothing_else_lost(&mut b, dir.path(), "file-b", new, &ids);
    assert_eq!(a.reg.heads().unwrap(), b.reg.heads().unwrap());
    assert_eq!(
        a.reg.projection_dump().unwrap(),
        b.reg.projection_dump().unwrap()
    );
}

#[test]
fn an_edit_carried_into_the_new_household_document_after_newer_edits_there_is_a_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = replica(dir.path(), "anna", 13);
    let (fid, [zaiga, _, _]) = kalnini(&mut a.reg);
    let mut b = second_device(dir.path(), &mut a, "boris", 14);
    let new = a.reg.erase_person(zaiga.parse().unwrap()).unwrap().unwrap();
    a.clock.advance_ms(1_000);
    b.clock.advance_ms(2_000);
    // Anna edits the new document, Boris the old one, the same field.
    set_contact(&mut a.reg, new, "+371 27000000");
    set_contact(&mut b.reg, fid, "+371 26000000");
    meet(&mut b, &mut a);
    for r in [&mut a, &mut b] {
        let c = r.reg.conflicts().unwrap();
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].field, "contact");
        let mut values: Vec<String> = c[0]
            .candidates
            .iter()
            .map(|c| format!("{} {}", c.person, c.value.as_str().unwrap_or("")))
            .collect();
        values.sort();
        assert_eq!(values, ["anna +371 27000000", "boris +371 26000000"]);
        assert!(r.reg.verify_projection().unwrap().is_empty());
    }
    assert_eq!(a.reg.heads().unwrap(), b.reg.heads().unwrap());
}

#[test]
fn closed_families_are_listed_for_erasure_after_the_retention_period() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = replica(dir.path(), "a", 41);
    let fid = a.reg.add_family(&family_draft("Ozols", &[])).unwrap();
    a.reg.add_family(&family_draft("Liepa", &[])).unwrap();
    set_field(&mut a.reg, fid, "status", "closed");
    assert_eq!(a.reg.retention_years().unwrap(), 5, "the default");
    assert!(a.reg.retention_due_now().unwrap().is_empty());
    // Three years on: not yet under 5 years, due once the period is set to 2.
    let year_ms = 365 * 24 * 3600 * 1000;
    a.clock.advance_ms(3 * year_ms);
    assert!(a.reg.retention_due_now().unwrap().is_empty());
    a.reg.set_retention_years(2).unwrap();
    let due = a.reg.retention_due_now().unwrap();
    assert_eq!(due.len(), 1, "the closed family only, not the active one");
    assert_eq!(due[0].id, fid.key());
    let err = a.reg.set_retention_years(0).unwrap_err();
    assert_eq!(err.code(), "number-range");
    assert_eq!(
        a.reg.retention_years().unwrap(),
        2,
        "a refused value changes nothing"
    );
}
