//! The network sync engine between real encrypted replicas, with the transport
//! replaced by a function call (the HTTPS hub is tested in `kopa-net`). Every
//! request and response still goes through its JSON form.

use automerge::sync::SyncDoc;
use automerge::transaction::Transactable;
use kopa_domain::{Role, Timestamp};
use kopa_registry::docs::DocId;
use kopa_registry::*;
use std::path::Path;

const PASS: &str = "pass";
const T0: i64 = 1_795_424_400_000;

fn env(seed: u64) -> Env {
    Env::manual(ManualClock::new(Timestamp(T0)), seed)
}

fn hub(dir: &Path) -> Registry {
    Registry::create(
        &dir.join("hub.kopa"),
        PASS,
        InitOptions {
            branch_name: "Latvijas Sarkanais Krusts".into(),
            municipality: "Rīga".into(),
            role: Role::Hq,
            device_name: "hub".into(),
            user: "hub".into(),
        },
        env(1),
    )
    .unwrap()
}

/// A new device of `branch` (a branch id, or `hq`), made from what an invite carries.
fn join(hub: &mut Registry, dir: &Path, name: &str, branch: &str, seed: u64) -> Registry {
    let (branch_id, role) = if branch == "hq" {
        (hub.identity().branch_id, Role::Hq)
    } else {
        (branch.to_string(), Role::Branch)
    };
    let (_, bname, municipality) = hub.find_branch(&branch_id).unwrap().unwrap();
    let who = JoinIdentity {
        branch_id: branch_id.clone(),
        branch_name: bname,
        municipality,
        role: role.as_str().into(),
    };
    let docs = hub.starter_docs(&branch_id).unwrap();
    Registry::create_joined(
        &dir.join(format!("{name}.kopa")),
        PASS,
        &who,
        docs,
        name,
        name,
        env(seed),
    )
    .unwrap()
}

fn peer_of(r: &Registry, key: &str) -> SyncPeer {
    let id = r.identity();
    let hq = id.role == "hq";
    SyncPeer {
        state_key: key.into(),
        peer: if hq { "hq".into() } else { id.branch_id },
        role: if hq { Role::Hq } else { Role::Branch },
    }
}

/// Syncs `r` with `hub`; returns the summary and the bytes that crossed (JSON).
fn sync(r: &mut Registry, hub: &mut Registry, key: &str) -> Result<(SyncSummary, usize)> {
    let peer = peer_of(r, key);
    let mut bytes = 0;
    let summary = r.sync_with(
        SyncPeer::hub(),
        |req| {
            let wire = serde_json::to_vec(req).unwrap();
            bytes += wire.len();
            let resp = hub.serve_sync(peer.clone(), serde_json::from_slice(&wire).unwrap())?;
            let wire = serde_json::to_vec(&resp).unwrap();
            bytes += wire.len();
            Ok(serde_json::from_slice(&wire).unwrap())
        },
        |_| {},
    )?;
    Ok((summary, bytes))
}

fn family(reg: &mut Registry, name: &str) -> kopa_domain::FamilyId {
    reg.add_family(&FamilyDraft {
        name: Some(name.into()),
        municipality: Some("Krāslava".into()),
        members: vec![MemberDraft::parse_spec("m", &format!("Anna;{name};1980;f;parent")).unwrap()],
        ..Default::default()
    })
    .unwrap()
}

fn names(r: &Registry) -> Vec<String> {
    let mut n: Vec<String> = r
        .list_families()
        .unwrap()
        .into_iter()
        .map(|f| f.name)
        .collect();
    n.sort();
    n
}

#[test]
fn two_laptops_of_a_branch_and_hq_converge_through_the_hub() {
    let dir = tempfile::tempdir().unwrap();
    let mut hub = hub(dir.path());
    let kr = hub.register_branch("Krāslava", "Krāslava").unwrap().key();
    let mut a = join(&mut hub, dir.path(), "a", &kr, 2);
    let mut a2 = join(&mut hub, dir.path(), "a2", &kr, 3);
    let mut hq = join(&mut hub, dir.path(), "hq", "hq", 4);
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
        r.edit_family(
            fid,
            &FamilyDraft {
                contact: Some(contact.into()),
                ..Default::default()
            },
        )
        .unwrap();
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
    let mut hub = hub(dir.path());
    let kr = hub.register_branch("Krāslava", "Krāslava").unwrap().key();
    let dg = hub
        .register_branch("Daugavpils", "Daugavpils")
        .unwrap()
        .key();
    let mut a = join(&mut hub, dir.path(), "a", &kr, 2);
    let mut b = join(&mut hub, dir.path(), "b", &dg, 3);
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
    let mut forged = reference.clone();
    let mut tx = forged.transaction();
    tx.put(automerge::ROOT, "forged", "yes").unwrap();
    tx.commit();
    let mut state = automerge::sync::State::new();
    // The hub's heads, as a first exchange would have told B.
    state.their_heads = Some(reference.get_heads());
    state.their_need = Some(vec![]);
    state.their_have = Some(vec![automerge::sync::Have {
        last_sync: reference.get_heads(),
        bloom: Default::default(),
    }]);
    let message = forged.generate_sync_message(&mut state).unwrap();
    assert!(
        !message.changes.is_empty(),
        "the crafted message carries a change"
    );
    let crafted = SyncRequest {
        digest: String::new(),
        full: false,
        messages: vec![DocMessage {
            doc: "reference".into(),
            owner: dg.clone(),
            message: message.encode(),
        }],
        ..Default::default()
    };
    let err = hub.serve_sync(peer_of(&b, "b"), crafted).unwrap_err();
    assert_eq!(err.code(), "sync-not-owner");

    // Naming A's family document is refused too, even without changes.
    let ask = automerge::Automerge::new()
        .generate_sync_message(&mut automerge::sync::State::new())
        .unwrap();
    let nosy = SyncRequest {
        digest: String::new(),
        full: false,
        messages: vec![DocMessage {
            doc: format!("family:{}", fid.key()),
            owner: kr.clone(),
            message: ask.encode(),
        }],
        ..Default::default()
    };
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
    let mut hub = hub(dir.path());
    let kr = hub.register_branch("Krāslava", "Krāslava").unwrap().key();
    let mut a = join(&mut hub, dir.path(), "a", &kr, 2);
    let mut a2 = join(&mut hub, dir.path(), "a2", &kr, 3);
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
    assert_eq!(a.heads().unwrap(), a2.heads().unwrap());
    assert_eq!(a.projection_dump().unwrap(), a2.projection_dump().unwrap());
    assert!(hub.verify_projection().unwrap().is_empty());
}

#[test]
fn an_erased_family_is_gone_everywhere_and_an_offline_laptop_cannot_bring_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut hub = hub(dir.path());
    let kr = hub.register_branch("Krāslava", "Krāslava").unwrap().key();
    let mut a = join(&mut hub, dir.path(), "a", &kr, 2);
    let mut a2 = join(&mut hub, dir.path(), "a2", &kr, 3);
    let fid = family(&mut a, "Ivanovs");
    family(&mut a, "Ozola");
    sync(&mut a, &mut hub, "a").unwrap();
    sync(&mut a2, &mut hub, "a2").unwrap();
    assert_eq!(names(&a2), vec!["Ivanovs", "Ozola"]);

    // A erases the family while A2 is offline and edits it.
    a.erase_family(fid).unwrap();
    a2.edit_family(
        fid,
        &FamilyDraft {
            contact: Some("+371 29999999".into()),
            ..Default::default()
        },
    )
    .unwrap();
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
