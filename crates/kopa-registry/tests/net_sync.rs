//! The network sync engine between real encrypted replicas, with the transport
//! replaced by a function call (the HTTPS hub is tested in `kopa-net`). Every
//! request and response still goes through its JSON form.

use automerge::sync::SyncDoc;
use kopa_domain::Role;
use kopa_registry::docs::DocId;
use kopa_registry::testkit::family_names as names;
use kopa_registry::testkit::*;
use kopa_registry::*;
use std::path::Path;

/// Syncs `r` with `hub`; returns the summary and the bytes that crossed (JSON).
fn sync(r: &mut Registry, hub: &mut Registry, key: &str) -> Result<(SyncSummary, usize)> {
    sync_through(r, hub, key, None)
}

#[test]
fn two_laptops_of_a_branch_and_hq_converge_through_the_hub() {
    let dir = tempfile::tempdir().unwrap();
    let mut hub = hub(dir.path(), env(1));
    let kr = hub.register_branch("Krāslava", "Krāslava").unwrap().key();
    let mut a = join(&mut hub, dir.path(), "a", &kr, env(2));
    let mut a2 = join(&mut hub, dir.path(), "a2", &kr, env(3));
    let mut hq = join(&mut hub, dir.path(), "hq", "hq", env(4));
    assert_eq!(a.identity().branch_name, "Krāslava");

    let fid = family(&mut a, "Ivanovs");
    family(&mut a2, "Ozola");
    hq.add_project(&ProjectDraft {
        name: "Ģimenes atbalsts".into(),
        donor: "Fonds".into(),
        start: "2026-01-01".into(),
        end: "2026-12-31".into(),
        branches: vec![],
    })
    .unwrap();

    for _ in 0..2 {
        sync(&mut a, &mut hub, "a").unwrap();
        sync(&mut a2, &mut hub, "a2").unwrap();
        sync(&mut hq, &mut hub, "hq").unwrap();
    }
    // Both laptops of the branch hold the same documents and the same projection.
    assert_eq!(a.heads().unwrap(), a2.heads().unwrap());
    assert_eq!(a.projection_dump().unwrap(), a2.projection_dump().unwrap());
    assert_eq!(names(&a), vec!["Ivanovs", "Ozola"]);
    // HQ's desktop holds what the hub holds.
    assert_eq!(hq.heads().unwrap(), hub.heads().unwrap());
    assert_eq!(
        hq.projection_dump().unwrap(),
        hub.projection_dump().unwrap()
    );
    assert_eq!(names(&hq), vec!["Ivanovs", "Ozola"]);
    // The branch got HQ's reference data.
    assert_eq!(a.list_projects().unwrap().len(), 1);
    for r in [&mut a, &mut a2, &mut hq, &mut hub] {
        assert!(r.verify_projection().unwrap().is_empty());
    }

    // Concurrent edits of one family on the two laptops: a conflict, listed on both.
    let edit = |r: &mut Registry, contact: &str| {
        set_contact(r, fid, contact);
    };
    edit(&mut a, "+371 20000001");
    edit(&mut a2, "+371 20000002");
    for _ in 0..2 {
        sync(&mut a, &mut hub, "a").unwrap();
        sync(&mut a2, &mut hub, "a2").unwrap();
    }
    assert_eq!(a.conflicts().unwrap().len(), 1);
    assert_eq!(a.conflicts().unwrap(), a2.conflicts().unwrap());
    assert_eq!(hub.conflicts().unwrap().len(), 1);

    // A week with no changes: one round trip, well under 1 KB for the whole branch.
    let (summary, bytes) = sync(&mut a, &mut hub, "a").unwrap();
    assert!(summary.complete);
    assert_eq!((summary.rounds, summary.merge.changes_applied), (1, 0));
    assert!(bytes < 1024, "a sync with no changes took {bytes} bytes");
    let (summary, _) = sync(&mut hq, &mut hub, "hq").unwrap();
    assert!(summary.merge.changes_applied >= 2, "the two edits reach HQ");
    let (summary, bytes) = sync(&mut hq, &mut hub, "hq").unwrap();
    assert_eq!(summary.rounds, 1);
    assert!(bytes < 1024, "HQ's sync with no changes took {bytes} bytes");

    // HQ's desktop learns from the hub when the branch was last heard from.
    let status = hq.sync_status().unwrap();
    let kraslava = status
        .iter()
        .find(|p| p.peer == kr && p.via == "hub")
        .expect("branch listed");
    assert_eq!(kraslava.name, "Krāslava");
    assert!(kraslava.last_heard.is_some());

    // A branch knows how much the hub has not acknowledged yet (by network sync,
    // whatever files to HQ's devices acknowledged).
    let card = hub.identity_card().unwrap();
    a.add_peer(&card).unwrap();
    let unsent = |r: &mut Registry| {
        let st = r.sync_status().unwrap();
        let hq = st.iter().find(|p| p.via == "network").unwrap();
        (hq.unsent_changes, hq.last_sent.is_some())
    };
    assert_eq!(unsent(&mut a), (0, true));
    family(&mut a, "Bērziņi");
    assert_eq!(unsent(&mut a), (1, true));
    sync(&mut a, &mut hub, "a").unwrap();
    assert_eq!(unsent(&mut a), (0, true));
}

#[test]
fn a_branch_cannot_write_what_it_does_not_own_nor_read_other_branches() {
    let dir = tempfile::tempdir().unwrap();
    let mut hub = hub(dir.path(), env(1));
    let kr = hub.register_branch("Krāslava", "Krāslava").unwrap().key();
    let dg = hub
        .register_branch("Daugavpils", "Daugavpils")
        .unwrap()
        .key();
    let mut a = join(&mut hub, dir.path(), "a", &kr, env(2));
    let mut b = join(&mut hub, dir.path(), "b", &dg, env(3));
    let fid = family(&mut a, "Ivanovs");
    sync(&mut a, &mut hub, "a").unwrap();
    sync(&mut b, &mut hub, "b").unwrap();
    assert!(
        names(&b).is_empty(),
        "a branch never receives another's families"
    );
    let before = (hub.heads().unwrap(), hub.projection_dump().unwrap());

    // B crafts a change to the reference data, and one to A's branch document.
    let docs = b.export_docs().unwrap();
    let (_, reference) = docs.iter().find(|(r, _)| r.id == DocId::Reference).unwrap();
    // On top of the hub's heads, as a first exchange would have told B.
    let crafted = forged_request("reference", &dg, reference);
    let err = hub.serve_sync(peer_of(&b, "b"), crafted).unwrap_err();
    assert_eq!(err.code(), "sync-not-owner");

    // Naming A's family document is refused too, even without changes.
    let ask = automerge::Automerge::new()
        .generate_sync_message(&mut automerge::sync::State::new())
        .unwrap();
    let nosy = request(&format!("family:{}", fid.key()), &kr, ask.encode());
    let err = hub.serve_sync(peer_of(&b, "b"), nosy).unwrap_err();
    assert_eq!(err.code(), "sync-not-readable");
    assert_eq!(
        (hub.heads().unwrap(), hub.projection_dump().unwrap()),
        before
    );
}

#[test]
fn a_sync_cut_off_midway_loses_nothing_and_duplicates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut hub = hub(dir.path(), env(1));
    let kr = hub.register_branch("Krāslava", "Krāslava").unwrap().key();
    let mut a = join(&mut hub, dir.path(), "a", &kr, env(2));
    let mut a2 = join(&mut hub, dir.path(), "a2", &kr, env(3));
    for i in 0..20 {
        family(&mut a, &format!("Ģimene{i}"));
    }
    // The connection drops after the hub answered the first request: the hub
    // committed what it received, the laptop never saw the answer.
    let peer = peer_of(&a, "a");
    let mut calls = 0;
    let err = a
        .sync_with(
            SyncPeer::hub(),
            |req| {
                calls += 1;
                let resp = hub.serve_sync(peer.clone(), req.clone())?;
                if calls == 2 {
                    return Err(Error::Io(std::io::Error::other("connection lost")));
                }
                Ok(resp)
            },
            |_| {},
        )
        .unwrap_err();
    assert_eq!(err.code(), "io");
    // The next sync completes; nothing is applied twice.
    let (summary, _) = sync(&mut a, &mut hub, "a").unwrap();
    assert!(summary.complete);
    sync(&mut a2, &mut hub, "a2").unwrap();
    assert_eq!(names(&a2).len(), 20);
    // a2's own account (written when it joined) reaches a too.
    sync(&mut a, &mut hub, "a").unwrap();
    assert_eq!(a.heads().unwrap(), a2.heads().unwrap());
    assert_eq!(a.projection_dump().unwrap(), a2.projection_dump().unwrap());
    assert!(hub.verify_projection().unwrap().is_empty());
}

#[test]
fn an_erased_family_is_gone_everywhere_and_an_offline_laptop_cannot_bring_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut hub = hub(dir.path(), env(1));
    let kr = hub.register_branch("Krāslava", "Krāslava").unwrap().key();
    let mut a = join(&mut hub, dir.path(), "a", &kr, env(2));
    let mut a2 = join(&mut hub, dir.path(), "a2", &kr, env(3));
    let fid = family(&mut a, "Ivanovs");
    family(&mut a, "Ozola");
    sync(&mut a, &mut hub, "a").unwrap();
    sync(&mut a2, &mut hub, "a2").unwrap();
    assert_eq!(names(&a2), vec!["Ivanovs", "Ozola"]);

    // A erases the family while A2 is offline and edits it.
    a.erase_family(fid).unwrap();
    set_contact(&mut a2, fid, "+371 29999999");
    sync(&mut a, &mut hub, "a").unwrap();
    assert_eq!(names(&hub), vec!["Ozola"]);
    sync(&mut a2, &mut hub, "a2").unwrap();
    sync(&mut a, &mut hub, "a").unwrap();
    for r in [&a, &a2, &hub] {
        assert_eq!(names(r), vec!["Ozola"]);
    }
    assert_eq!(a.heads().unwrap(), a2.heads().unwrap());
    assert!(!hub
        .heads()
        .unwrap()
        .iter()
        .any(|(d, _)| d == &format!("family:{}", fid.key())));
}

fn contact(reg: &mut Registry, fid: kopa_domain::FamilyId, value: &str) {
    set_contact(reg, fid, value);
}

/// A branch laptop and HQ's desktop, both enrolled through the hub and synced
/// once each, so each knows the other's card from the hub (no card exchanged by hand).
fn enrolled_laptops_and_hq(
    dir: &Path,
    hub: &mut Registry,
    laptops: usize,
) -> (String, Vec<Registry>, Registry) {
    let kr = hub.register_branch("Krāslava", "Krāslava").unwrap().key();
    let mut l: Vec<Registry> = (0..laptops)
        .map(|i| join(hub, dir, &format!("l{i}"), &kr, env(10 + i as u64)))
        .collect();
    let mut hq = join(hub, dir, "hq", "hq", env(4));
    for (i, r) in l.iter_mut().enumerate() {
        sync(r, hub, &format!("l{i}")).unwrap();
    }
    sync(&mut hq, hub, "hq").unwrap();
    for (i, r) in l.iter_mut().enumerate() {
        sync(r, hub, &format!("l{i}")).unwrap();
    }
    (kr, l, hq)
}

#[test]
fn a_file_to_hq_after_a_network_sync_carries_what_hqs_desktop_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let mut hub = hub(dir.path(), env(1));
    let (_, mut l, mut hq) = enrolled_laptops_and_hq(dir.path(), &mut hub, 1);
    let a = &mut l[0];
    // The family reaches the hub by network, then is edited with no network.
    let fid = family(a, "Ivanovs");
    sync(a, &mut hub, "l0").unwrap();
    contact(a, fid, "+371 20000001");
    let (file, summary) = a.export_sync_file("hq").unwrap();
    assert_eq!(summary.replicas, vec!["hq".to_string()], "{summary:?}");
    let imported = hq.import_sync_file(&file).unwrap();
    assert!(!imported.already_imported);
    assert_eq!(imported.merge.changes_waiting, 0, "{imported:?}");
    let f = hq.family(fid).expect("the family reached HQ's desktop");
    assert_eq!(f.contact.as_deref(), Some("+371 20000001"));
    assert!(hq.verify_projection().unwrap().is_empty());
}

#[test]
fn a_file_from_hq_to_a_branch_reaches_the_laptop_that_never_had_the_family() {
    let dir = tempfile::tempdir().unwrap();
    let mut hub = hub(dir.path(), env(1));
    let (kr, mut l, mut hq) = enrolled_laptops_and_hq(dir.path(), &mut hub, 2);
    let fid = family(&mut l[0], "Ivanovs");
    let (to_hq, _) = l[0].export_sync_file("hq").unwrap();
    hq.import_sync_file(&to_hq).unwrap();
    contact(&mut hq, fid, "+371 29999999");
    let (to_branch, summary) = hq.export_sync_file(&kr).unwrap();
    assert_eq!(summary.replicas.len(), 2, "both laptops: {summary:?}");
    // The laptop that never had the family gets all of it, with HQ's edit.
    let imported = l[1].import_sync_file(&to_branch).unwrap();
    assert_eq!(imported.merge.changes_waiting, 0, "{imported:?}");
    let f = l[1]
        .family(fid)
        .expect("the family reached the other laptop");
    assert_eq!(f.contact.as_deref(), Some("+371 29999999"));
    // The first laptop reads the same file and gets the edit.
    l[0].import_sync_file(&to_branch).unwrap();
    assert_eq!(l[0].heads().unwrap(), l[1].heads().unwrap());
}

#[test]
fn changes_whose_dependencies_are_missing_wait_on_disk_and_apply_when_they_arrive() {
    let dir = tempfile::tempdir().unwrap();
    let mut hub = hub(dir.path(), env(1));
    let (_, mut l, mut hq) = enrolled_laptops_and_hq(dir.path(), &mut hub, 1);
    let a = &mut l[0];
    let backup = dir.path().join("hq-before.kopa");
    hq.backup(&backup).unwrap();
    let fid = family(a, "Ivanovs");
    let (first, _) = a.export_sync_file("hq").unwrap();
    hq.import_sync_file(&first).unwrap();
    let (back, _) = hq.export_sync_file(&a.identity().branch_id).unwrap();
    a.import_sync_file(&back).unwrap(); // the laptop learns HQ's desktop has the family
                                        // HQ's desktop goes back to a copy from before the family arrived.
    hq.restore(&backup, PASS).unwrap();
    contact(a, fid, "+371 20000001");
    let (second, summary) = a.export_sync_file("hq").unwrap();
    assert_eq!(summary.changes, 1, "only the edit: {summary:?}");
    let imported = hq.import_sync_file(&second).unwrap();
    assert_eq!(imported.merge.changes_applied, 0);
    assert_eq!(imported.merge.changes_waiting, 1, "{imported:?}");
    assert_eq!(imported.merge.waiting.len(), 1);
    assert_eq!(
        imported.merge.waiting[0].document,
        format!("family:{}", fid.key())
    );
    assert_eq!(imported.merge.waiting[0].missing.len(), 1);
    // Kept on disk: it survives closing the replica.
    let path = dir.path().join("hq.kopa");
    drop(hq);
    let mut hq = Registry::open(&path, PASS, env(40)).unwrap();
    assert_eq!(hq.waiting_changes().unwrap().len(), 1);
    // The whole document, sent again, lets the waiting edit apply.
    let (full, _) = a.export_sync_file_with("hq", true).unwrap();
    let imported = hq.import_sync_file(&full).unwrap();
    assert_eq!(imported.merge.changes_waiting, 0, "{imported:?}");
    let f = hq.family(fid).unwrap();
    assert_eq!(f.contact.as_deref(), Some("+371 20000001"));
    assert!(hq.waiting_changes().unwrap().is_empty());
    assert!(hq.verify_projection().unwrap().is_empty());
}

#[test]
fn devices_learn_each_others_cards_from_the_hub_and_a_revoked_device_is_forgotten() {
    let dir = tempfile::tempdir().unwrap();
    let mut hub = hub(dir.path(), env(1));
    let kr = hub.register_branch("Krāslava", "Krāslava").unwrap().key();
    let (c1, _) = hub.issue_credential(&kr, "Krāslava", Role::Branch).unwrap();
    let (c2, _) = hub.issue_credential(&kr, "Krāslava", Role::Branch).unwrap();
    let (ch, _) = hub.issue_credential("hq", "HQ", Role::Hq).unwrap();
    let mut a = join(&mut hub, dir.path(), "a", &kr, env(2));
    let mut b = join(&mut hub, dir.path(), "b", &kr, env(3));
    let mut hq = join(&mut hub, dir.path(), "hq", "hq", env(4));
    let devices = |r: &mut Registry| {
        let mut d: Vec<String> = r
            .sync_status()
            .unwrap()
            .into_iter()
            .filter(|p| p.via == "file")
            .map(|p| p.device)
            .collect();
        d.sort();
        d
    };
    for _ in 0..2 {
        sync(&mut a, &mut hub, &c1).unwrap();
        sync(&mut b, &mut hub, &c2).unwrap();
        sync(&mut hq, &mut hub, &ch).unwrap();
    }
    assert_eq!(devices(&mut a), vec!["b", "hq"]);
    assert_eq!(devices(&mut b), vec!["a", "hq"]);
    assert_eq!(devices(&mut hq), vec!["a", "b"]);
    // A file between the two laptops works with no card exchanged by hand.
    let fid = family(&mut a, "Ivanovs");
    let (file, _) = a.export_sync_file(&kr).unwrap();
    b.import_sync_file(&file).unwrap();
    assert!(b.family(fid).is_ok());
    // A quiet sync does not carry the cards again.
    let (_, bytes) = sync(&mut hq, &mut hub, &ch).unwrap();
    assert!(bytes < 1024, "{bytes} bytes");

    assert_eq!(hub.revoke(&c2).unwrap(), 1);
    sync(&mut a, &mut hub, &c1).unwrap();
    sync(&mut hq, &mut hub, &ch).unwrap();
    assert_eq!(devices(&mut a), vec!["hq"]);
    assert_eq!(devices(&mut hq), vec!["a"]);
    // A file from the revoked laptop is no longer trusted.
    let (from_b, _) = b.export_sync_file("hq").unwrap();
    assert_eq!(
        hq.import_sync_file(&from_b).unwrap_err().code(),
        "sync-unknown-signer"
    );
}
