//! Sync files between real encrypted replicas: signed, encrypted, acknowledged,
//! idempotent, and refused whole when anything is wrong.

use kopa_domain::{Role, Timestamp};
use kopa_registry::testkit::{family, family_names, introduce, member, set_contact, PASS, T0};
use kopa_registry::*;
use std::path::Path;

fn replica(dir: &Path, name: &str, municipality: &str, role: Role, seed: u64) -> Registry {
    Registry::create(
        &dir.join(format!("{name}.kopa")),
        PASS,
        InitOptions {
            branch_name: name.into(),
            municipality: municipality.into(),
            role,
            device_name: format!("{name}-pc"),
            user: format!("{name}-lead"),
        },
        Env::manual(ManualClock::new(Timestamp(T0)), seed),
    )
    .unwrap()
}

type Listing = Vec<(String, Vec<String>)>;

fn state(r: &mut Registry) -> (Listing, Listing) {
    (r.heads().unwrap(), r.projection_dump().unwrap())
}

fn refused(r: &mut Registry, file: &[u8]) -> SyncFileError {
    let before = state(r);
    let err = r.import_sync_file(file).unwrap_err();
    assert_eq!(state(r), before, "a refused file changes nothing");
    match err {
        Error::SyncFile(e) => e,
        other => panic!("{other:?}"),
    }
}

#[test]
fn weekly_round_trip_acknowledges_and_converges() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = replica(dir.path(), "Krāslava", "Krāslava", Role::Branch, 1);
    let mut hq = replica(dir.path(), "HQ", "Rīga", Role::Hq, 2);
    introduce(&mut a, &mut hq);
    let fid = family(&mut a, "Ivanovs");
    family(&mut a, "Ozola");

    let status = a.sync_status().unwrap();
    assert_eq!(status[0].peer, "hq");
    assert!(status[0].unsent_changes >= 3, "{status:?}");

    let (file, summary) = a.export_sync_file("hq").unwrap();
    assert_eq!(summary.documents, 3, "branch document and two families");
    let imported = hq.import_sync_file(&file).unwrap();
    assert_eq!(imported.merge.documents_added, 3);
    assert_eq!(hq.list_families().unwrap().len(), 2);
    assert!(hq.verify_projection().unwrap().is_empty());
    // The same file again changes nothing.
    let again = hq.import_sync_file(&file).unwrap();
    assert!(again.already_imported);

    // HQ answers: reference data, and the acknowledgement of what it has.
    let (back, _) = hq.export_sync_file("Kraslava").unwrap();
    a.import_sync_file(&back).unwrap();
    assert_eq!(
        a.sync_status().unwrap()[0].unsent_changes,
        0,
        "HQ acknowledged everything"
    );
    let (empty, s) = a.export_sync_file("hq").unwrap();
    assert_eq!(s.documents, 0, "a week without changes sends no changes");
    assert!(
        empty.len() < 2048,
        "no-change file is small: {} bytes",
        empty.len()
    );

    // Concurrent edits on the branch and at HQ meet as a conflict on both sides.
    set_contact(&mut a, fid, "branch");
    set_contact(&mut hq, fid, "hq");
    let (to_hq, s) = a.export_sync_file("hq").unwrap();
    assert_eq!(s.documents, 1, "only the edited family");
    let (to_a, _) = hq.export_sync_file("Krāslava").unwrap();
    hq.import_sync_file(&to_hq).unwrap();
    a.import_sync_file(&to_a).unwrap();
    for r in [&mut a, &mut hq] {
        assert_eq!(r.conflicts().unwrap().len(), 1);
        assert!(r.verify_projection().unwrap().is_empty());
    }
    assert_eq!(
        a.projection_dump().unwrap()[1],
        hq.projection_dump().unwrap()[1],
        "same families"
    );
}

#[test]
fn bad_files_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = replica(dir.path(), "Krāslava", "Krāslava", Role::Branch, 1);
    let mut b = replica(dir.path(), "Preiļi", "Preiļi", Role::Branch, 3);
    let mut stranger = replica(dir.path(), "Ludza", "Ludza", Role::Branch, 4);
    let mut hq = replica(dir.path(), "HQ", "Rīga", Role::Hq, 2);
    introduce(&mut a, &mut hq);
    introduce(&mut b, &mut hq);
    stranger.add_peer(&hq.identity_card().unwrap()).unwrap();
    let fid = family(&mut a, "Ivanovs");
    family(&mut b, "Petrovs");
    family(&mut stranger, "Kalniņš");
    let (good, _) = a.export_sync_file("hq").unwrap();

    // Truncated on the USB stick.
    assert_eq!(
        refused(&mut hq, &good[..good.len() - 40]),
        SyncFileError::Damaged
    );
    assert_eq!(
        refused(&mut hq, &good[..good.len() / 2]),
        SyncFileError::Damaged
    );
    assert_eq!(refused(&mut hq, b""), SyncFileError::Damaged);
    // Tampered with.
    let mut bad = good.clone();
    let i = bad.len() - 100;
    bad[i] ^= 0x20;
    assert_eq!(refused(&mut hq, &bad), SyncFileError::Damaged);
    // Meant for someone else.
    assert_eq!(refused(&mut b, &good), SyncFileError::NotForUs);
    // Signed by a replica HQ never enrolled.
    let (from_stranger, _) = stranger.export_sync_file("hq").unwrap();
    assert_eq!(
        refused(&mut hq, &from_stranger),
        SyncFileError::UnknownSigner
    );

    // A branch that crafts changes to another branch's family is refused.
    hq.import_sync_file(&good).unwrap();
    b.merge_from(&dir.path().join("Krāslava.kopa"), PASS)
        .unwrap();
    b.connection()
        .execute(
            "UPDATE docs SET owner = ?1 WHERE doc_id = ?2",
            [b.identity().branch_id, format!("family:{fid}")],
        )
        .unwrap();
    set_contact(&mut b, fid, "hijacked");
    let (crafted, _) = b.export_sync_file("hq").unwrap();
    assert_eq!(refused(&mut hq, &crafted), SyncFileError::NotOwner);
    assert_eq!(hq.family(fid).unwrap().contact, None);

    // And the good file still imports after all that.
    assert!(hq.import_sync_file(&good).unwrap().already_imported);
}

#[test]
fn hq_finds_the_same_person_registered_by_two_branches() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = replica(dir.path(), "Krāslava", "Krāslava", Role::Branch, 1);
    let mut b = replica(dir.path(), "Dagda", "Dagda", Role::Branch, 3);
    let mut hq = replica(dir.path(), "HQ", "Rīga", Role::Hq, 2);
    introduce(&mut a, &mut hq);
    introduce(&mut b, &mut hq);
    let add = |r: &mut Registry, name: &str, spec: &str| {
        r.add_family(&FamilyDraft {
            name: Some(name.into()),
            municipality: Some("Krāslava".into()),
            members: vec![member(spec)],
            ..Default::default()
        })
        .unwrap()
    };
    add(&mut a, "Иванов", "Сергей;Иванов;1960;m;parent");
    add(&mut b, "Ivanovs", "Sergejs;Ivanovs;1960;m;parent");
    add(&mut b, "Ivanovs", "Sergejs;Ivanovs;1990;m;parent");
    add(&mut b, "Ozols", "Jānis;Ozols;1960;m;parent");
    for r in [&mut a, &mut b] {
        let (f, _) = r.export_sync_file("hq").unwrap();
        hq.import_sync_file(&f).unwrap();
    }
    let pairs = hq.duplicate_candidates(50).unwrap();
    assert_eq!(pairs.len(), 1, "{pairs:#?}");
    assert!(pairs[0].score >= 90);
    let names = [
        pairs[0].a.given_name.as_str(),
        pairs[0].b.given_name.as_str(),
    ];
    assert!(names.contains(&"Сергей") && names.contains(&"Sergejs"));
    assert!(matches!(
        a.link_persons(
            pairs[0].a.id.parse().unwrap(),
            pairs[0].b.id.parse().unwrap()
        ),
        Err(Error::NotAllowed { .. })
    ));
    let link = hq
        .link_persons(
            pairs[0].a.id.parse().unwrap(),
            pairs[0].b.id.parse().unwrap(),
        )
        .unwrap();
    assert!(hq.duplicate_candidates(50).unwrap().is_empty());
    // The decision reaches the branch with the reference data, and can be undone.
    let (back, _) = hq.export_sync_file("Dagda").unwrap();
    b.import_sync_file(&back).unwrap();
    let n: i64 = b
        .connection()
        .query_row(
            "SELECT count(*) FROM p_person_links WHERE active = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
    hq.unlink_persons(&link).unwrap();
    assert_eq!(hq.duplicate_candidates(50).unwrap().len(), 1);
}

/// Every byte a sync file carries, with Automerge's compression undone: each
/// document's changes loaded and saved uncompressed, plus the document ids.
fn file_plaintext(reader: &Registry, file: &[u8]) -> Vec<u8> {
    let contents = reader.inspect_sync_file(file).unwrap();
    let mut all = vec![];
    for (id, changes) in contents.docs {
        all.extend_from_slice(id.as_bytes());
        if let Some(bytes) = changes {
            all.extend_from_slice(&bytes);
            // Each change on its own, decoded: a file after an acknowledgement holds
            // changes whose ancestors are elsewhere, so it is not a loadable document.
            for chunk in change_chunks(&bytes) {
                let change = automerge::Change::from_bytes(chunk.to_vec()).unwrap();
                all.extend_from_slice(format!("{:?}", change.decode()).as_bytes());
            }
        }
    }
    all
}

/// Splits concatenated Automerge chunks: magic (4), checksum (4), type (1), length
/// (unsigned LEB128), body.
fn change_chunks(mut bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = vec![];
    while bytes.len() > 9 {
        let (mut len, mut shift, mut at) = (0usize, 0, 9);
        loop {
            let b = bytes[at];
            len |= usize::from(b & 0x7f) << shift;
            shift += 7;
            at += 1;
            if b & 0x80 == 0 {
                break;
            }
        }
        out.push(&bytes[..at + len]);
        bytes = &bytes[at + len..];
    }
    out
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn a_sync_file_written_after_an_erasure_carries_no_trace_of_the_family() {
    let dir = tempfile::tempdir().unwrap();
    let mut branch = replica(dir.path(), "kr", "Krāslava", Role::Branch, 1);
    let mut hq = replica(dir.path(), "hq", "Rīga", Role::Hq, 2);
    introduce(&mut branch, &mut hq);
    let erased = branch
        .add_family(&FamilyDraft {
            name: Some("Zvaigznīte".into()),
            municipality: Some("Krāslava".into()),
            members: vec![member("Zaiga;Zvaigznīte;1990;f;parent")],
            ..Default::default()
        })
        .unwrap();
    branch
        .add_note(erased, "2026-11-20", "Zaigas kundze lūdz palīdzību")
        .unwrap();
    family(&mut branch, "Ozols");
    // Control: a file written before the erasure does carry the name, so the check
    // below can see it when it is there.
    let (before, _) = branch.export_sync_file("hq").unwrap();
    let plain = file_plaintext(&hq, &before);
    assert!(holds(&plain, "Zaiga") && holds(&plain, &erased.key()));

    branch.erase_family(erased).unwrap();
    // HQ never imported the first file, so the next one carries every document
    // from its beginning: history included, the family is not in it.
    let (after, _) = branch.export_sync_file("hq").unwrap();
    let plain = file_plaintext(&hq, &after);
    assert!(holds(&plain, "Ozols"), "control: the other family travels");
    for trace in ["Zvaigzn", "Zaiga", "lūdz palīdzību"] {
        assert!(!holds(&plain, trace), "{trace} is in the file");
    }
    let docs: Vec<String> = hq
        .inspect_sync_file(&after)
        .unwrap()
        .docs
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert!(!docs.contains(&format!("family:{}", erased.key())));
    // HQ takes the file and the tombstone: it never held the family, and cannot.
    hq.import_sync_file(&after).unwrap();
    assert!(hq.family(erased).is_err());
    // The old file, delivered late, is accepted but cannot bring the family back.
    hq.import_sync_file(&before).unwrap();
    assert!(hq.family(erased).is_err());
    let names = family_names(&hq);
    assert_eq!(names, ["Ozols"]);
    assert!(!hq
        .heads()
        .unwrap()
        .iter()
        .any(|(d, _)| d == &format!("family:{}", erased.key())));
}

#[test]
fn a_sync_file_written_after_a_person_is_erased_carries_the_household_without_her() {
    let dir = tempfile::tempdir().unwrap();
    let mut branch = replica(dir.path(), "kr", "Krāslava", Role::Branch, 3);
    let mut hq = replica(dir.path(), "hq", "Rīga", Role::Hq, 4);
    introduce(&mut branch, &mut hq);
    let old = branch
        .add_family(&FamilyDraft {
            name: Some("Kalniņi".into()),
            municipality: Some("Krāslava".into()),
            members: vec![
                member("Zaiga;Kalniņa;1990;f;parent"),
                member("Pēteris;Kalniņš;1988;m;parent"),
            ],
            ..Default::default()
        })
        .unwrap();
    let persons = branch.family(old).unwrap().persons;
    let zaiga = persons.iter().find(|p| p.given_name == "Zaiga").unwrap();
    // HQ holds her already: the erasure has to reach it.
    let (before, _) = branch.export_sync_file("hq").unwrap();
    assert!(holds(&file_plaintext(&hq, &before), "Zaiga"), "control");
    hq.import_sync_file(&before).unwrap();
    let (back, _) = hq.export_sync_file("kr").unwrap();
    branch.import_sync_file(&back).unwrap();
    assert!(hq.person(zaiga.id.parse().unwrap()).is_ok());

    let new = branch
        .erase_person(zaiga.id.parse().unwrap())
        .unwrap()
        .unwrap();
    let (after, _) = branch.export_sync_file("hq").unwrap();
    let plain = file_plaintext(&hq, &after);
    assert!(holds(&plain, "Pēteris"), "control: the household travels");
    assert!(!holds(&plain, "Zaiga"), "her name is not in the file");

    hq.import_sync_file(&after).unwrap();
    assert!(hq.person(zaiga.id.parse().unwrap()).is_err());
    assert!(hq.family(old).is_err());
    let household = hq.family(new).unwrap();
    assert_eq!(household.persons.len(), 1);
    assert_eq!(household.persons[0].given_name, "Pēteris");
    // The old file, delivered again, cannot bring her back.
    hq.import_sync_file(&before).unwrap();
    assert!(hq.person(zaiga.id.parse().unwrap()).is_err());
    assert_eq!(hq.list_families().unwrap().len(), 1);
    assert!(hq.verify_projection().unwrap().is_empty());
}
