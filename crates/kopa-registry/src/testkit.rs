//! Fixtures the tests of every crate share (crate feature `testkit`, enabled for tests
//! only): replicas on real encrypted files with a manual clock, a hub (an HQ replica)
//! and devices joined from its starter documents, families in both scripts, identity
//! cards exchanged, and the network sync engine over a function-call transport that
//! still carries every request and response in its JSON form.

use crate::env::Clock;
use crate::{
    DocMessage, Env, Error, FamilyDraft, GroupDraft, IdentityCard, InitOptions, JoinIdentity,
    ManualClock, MemberDraft, Registry, Result, SyncPeer, SyncRequest, SyncSummary, VolunteerDraft,
};
use kopa_domain::{FamilyId, GroupId, Role, Timestamp, VolunteerId};
use std::path::{Path, PathBuf};

/// The passphrase of every test replica.
pub const PASS: &str = "pass";
/// 2026-11-23 09:00 UTC: the tests' "now".
pub const T0: i64 = 1_795_424_400_000;

/// A manual clock at `T0` and seeded ids.
pub fn env(seed: u64) -> Env {
    Env::manual(ManualClock::new(Timestamp(T0)), seed)
}

/// A replica with its clock and file.
pub struct Replica {
    pub reg: Registry,
    pub clock: ManualClock,
    pub path: PathBuf,
}

impl Replica {
    /// The first device of a new branch (or HQ, with `Role::Hq`) in `dir/<name>.kopa`.
    pub fn create(dir: &Path, name: &str, branch: &str, role: Role, seed: u64) -> Replica {
        let clock = ManualClock::new(Timestamp(T0));
        let path = dir.join(format!("{name}.kopa"));
        let reg = Registry::create(
            &path,
            PASS,
            InitOptions {
                branch_name: branch.into(),
                municipality: branch.into(),
                role,
                device_name: format!("{name}-laptop"),
                user: name.into(),
            },
            Env::manual(clock.clone(), seed),
        )
        .unwrap();
        Replica { reg, clock, path }
    }

    /// Another device of the same branch: a copy of this replica's file with its own
    /// device identity, as joining the branch would make it.
    pub fn second_device(&mut self, dir: &Path, name: &str, seed: u64) -> Replica {
        let clock = ManualClock::new(self.clock.now());
        let path = dir.join(format!("{name}.kopa"));
        let reg = Registry::create_device_of(
            &path,
            PASS,
            &self.path,
            PASS,
            &format!("{name}-laptop"),
            name,
            Env::manual(clock.clone(), seed),
        )
        .unwrap();
        Replica { reg, clock, path }
    }
}

/// The first device of a new branch in Daugavpils, `dir/<name>.kopa`.
pub fn replica(dir: &Path, name: &str, seed: u64) -> Replica {
    Replica::create(dir, name, "Daugavpils", Role::Branch, seed)
}

/// Another device of `first`'s branch (see [`Replica::second_device`]).
pub fn second_device(dir: &Path, first: &mut Replica, name: &str, seed: u64) -> Replica {
    first.second_device(dir, name, seed)
}

/// A member draft from the tests' shorthand `given;surname;year;gender;role` (parts
/// left out are empty).
pub fn member(spec: &str) -> MemberDraft {
    let mut parts = spec.split(';').map(|p| p.trim().to_string());
    let mut next = || parts.next().unwrap_or_default();
    MemberDraft {
        given_name: next(),
        family_name: next(),
        birth_year: next(),
        gender: next(),
        role: next(),
        fields: Default::default(),
    }
}

/// A family of Krāslava that speaks Russian and Latvian, with its consent given and
/// `members` as `given;surname;year;gender;role`.
pub fn family_draft(name: &str, members: &[&str]) -> FamilyDraft {
    FamilyDraft {
        name: Some(name.into()),
        municipality: Some("Kraslava".into()),
        languages: Some(vec!["ru".into(), "lv".into()]),
        target_groups: Some(vec!["young-family".into()]),
        members: members.iter().map(|m| member(m)).collect(),
        consent: Some("2026-11-20".into()),
        ..Default::default()
    }
}

/// Everything the replica holds, decrypted, as one plaintext SQLite file's bytes
/// (written to `dir/<name>-plain.db`).
pub fn decrypted_bytes(reg: &Registry, dir: &Path, name: &str) -> Vec<u8> {
    let plain = dir.join(format!("{name}-plain.db"));
    let _ = std::fs::remove_file(&plain);
    reg.connection()
        .execute_batch(&format!(
            "ATTACH DATABASE '{}' AS plaintext KEY ''; SELECT sqlcipher_export('plaintext'); DETACH DATABASE plaintext;",
            plain.display()
        ))
        .unwrap();
    std::fs::read(&plain).unwrap()
}

/// Whether `hay` holds `needle`'s UTF-8 bytes.
pub fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// `a` merges `b`'s file, then `b` merges `a`'s: two laptops meeting.
pub fn meet(a: &mut Replica, b: &mut Replica) {
    a.reg.merge_from(&b.path, PASS).unwrap();
    b.reg.merge_from(&a.path, PASS).unwrap();
}

/// The hub: HQ's replica that every device joins from, in `dir/hub.kopa`.
pub fn hub(dir: &Path, env: Env) -> Registry {
    Registry::create(
        &dir.join("hub.kopa"),
        PASS,
        InitOptions::hub("Latvijas Sarkanais Krusts", "Rīga"),
        env,
    )
    .unwrap()
}

/// A new device of `branch` (a branch id, or `hq`) in `dir/<device>.kopa`, made from
/// what an invite carries: the branch's identity and the hub's starter documents.
pub fn join(hub: &mut Registry, dir: &Path, device: &str, branch: &str, env: Env) -> Registry {
    let (branch_id, role) = if branch == "hq" {
        (hub.identity().branch_id, Role::Hq)
    } else {
        (branch.to_string(), Role::Branch)
    };
    let (_, name, municipality) = hub.find_branch(&branch_id).unwrap().unwrap();
    let who = JoinIdentity {
        branch_id: branch_id.clone(),
        branch_name: name,
        municipality,
        role: role.as_str().into(),
    };
    let docs = hub.starter_docs(&branch_id).unwrap();
    Registry::create_joined(
        &dir.join(format!("{device}.kopa")),
        PASS,
        &who,
        docs,
        device,
        device,
        env,
    )
    .unwrap()
}

/// Each replica trusts the other's identity card (as an invite or a card file does).
pub fn introduce(a: &mut Registry, b: &mut Registry) {
    let ca: IdentityCard = a.identity_card().unwrap();
    let cb: IdentityCard = b.identity_card().unwrap();
    a.add_peer(&cb).unwrap();
    b.add_peer(&ca).unwrap();
}

/// A family of one member, Anna `name`, in Krāslava.
pub fn family(reg: &mut Registry, name: &str) -> FamilyId {
    family_in(reg, name, "Krāslava")
}

/// A family of one member, Anna `name`, in `municipality`.
pub fn family_in(reg: &mut Registry, name: &str, municipality: &str) -> FamilyId {
    reg.add_family(&FamilyDraft {
        name: Some(name.into()),
        municipality: Some(municipality.into()),
        members: vec![member(&format!("Anna;{name};1980;f;parent"))],
        ..Default::default()
    })
    .unwrap()
}

/// A group of `activity`, its other fields left out.
pub fn group(reg: &mut Registry, name: &str, activity: &str) -> GroupId {
    reg.add_group(&GroupDraft {
        name: name.into(),
        activity: activity.into(),
        ..Default::default()
    })
    .unwrap()
}

/// A volunteer, by name only.
pub fn volunteer(reg: &mut Registry, given_name: &str, family_name: &str) -> VolunteerId {
    reg.add_volunteer(&VolunteerDraft {
        given_name: given_name.into(),
        family_name: family_name.into(),
        ..Default::default()
    })
    .unwrap()
}

/// The family a replica shows under `name`.
pub fn family_named(reg: &Registry, name: &str) -> crate::views::FamilySummary {
    let all = reg.list_families().unwrap();
    all.into_iter()
        .find(|f| f.name == name)
        .expect("a family of that name")
}

/// The names of the families a replica shows, sorted.
pub fn family_names(reg: &Registry) -> Vec<String> {
    let mut names: Vec<String> = reg
        .list_families()
        .unwrap()
        .into_iter()
        .map(|f| f.name)
        .collect();
    names.sort();
    names
}

/// The number (from 1, as `resolve_conflict` takes it) of `person`'s value in a
/// conflict.
pub fn candidate_of(conflict: &crate::views::ConflictView, person: &str) -> usize {
    let i = conflict.candidates.iter().position(|c| c.person == person);
    i.expect("a candidate of that person") + 1
}

/// Sets a family's contact (a one-field edit).
pub fn set_contact(reg: &mut Registry, family: FamilyId, contact: &str) {
    set_field(reg, family, "contact", contact);
}

/// Sets one of a family's own fields (`name`, `contact`, `status`, `municipality`),
/// leaving the rest as they are.
pub fn set_field(reg: &mut Registry, family: FamilyId, field: &str, value: &str) {
    let value = Some(value.to_string());
    let mut draft = FamilyDraft::default();
    match field {
        "name" => draft.name = value,
        "contact" => draft.contact = value,
        "status" => draft.status = value,
        "municipality" => draft.municipality = value,
        _ => panic!("set_field: no field {field}"),
    }
    reg.edit_family(family, &draft).unwrap();
}

/// What the hub knows a device as, when it syncs under `state_key`.
pub fn peer_of(r: &Registry, state_key: &str) -> SyncPeer {
    let id = r.identity();
    let hq = id.role == "hq";
    SyncPeer {
        state_key: state_key.into(),
        peer: if hq { "hq".into() } else { id.branch_id },
        role: if hq { Role::Hq } else { Role::Branch },
    }
}

/// How a function-call sync is cut off: after `rounds` rounds the next request is
/// lost, or (with `answer_lost`) the hub serves it and its answer is lost.
#[derive(Clone, Copy, Debug)]
pub struct Cut {
    pub rounds: u32,
    pub answer_lost: bool,
}

/// Syncs `r` with `hub` over a function call that carries JSON both ways, optionally
/// cut off. Returns the summary and the bytes that crossed.
pub fn sync_through(
    r: &mut Registry,
    hub: &mut Registry,
    state_key: &str,
    cut: Option<Cut>,
) -> Result<(SyncSummary, usize)> {
    let peer = peer_of(r, state_key);
    let mut bytes = 0;
    let mut round = 0;
    let summary = r.sync_with(
        SyncPeer::hub(),
        |req| {
            round += 1;
            let cut_here = cut.filter(|c| round > c.rounds);
            if cut_here.is_some_and(|c| !c.answer_lost) {
                return Err(Error::Io(std::io::Error::other("request lost")));
            }
            let wire = serde_json::to_vec(req).unwrap();
            bytes += wire.len();
            let resp = hub.serve_sync(peer.clone(), serde_json::from_slice(&wire).unwrap())?;
            if cut_here.is_some() {
                return Err(Error::Io(std::io::Error::other("answer lost")));
            }
            let wire = serde_json::to_vec(&resp).unwrap();
            bytes += wire.len();
            Ok(serde_json::from_slice(&wire).unwrap())
        },
        |_| {},
    )?;
    Ok((summary, bytes))
}

/// A request that carries, for document `doc` of `owner`, a change nobody was allowed
/// to make on top of `shown` (a `forged` key at its root), as a device that knows the
/// hub's heads would send it. A hub must refuse it and keep nothing.
pub fn forged_request(doc: &str, owner: &str, shown: &automerge::Automerge) -> SyncRequest {
    use automerge::{sync::SyncDoc, transaction::Transactable};
    let mut forged = shown.clone();
    let mut tx = forged.transaction();
    tx.put(automerge::ROOT, "forged", "yes").unwrap();
    tx.commit();
    let mut state = automerge::sync::State::new();
    state.their_heads = Some(shown.get_heads());
    state.their_need = Some(vec![]);
    state.their_have = Some(vec![automerge::sync::Have {
        last_sync: shown.get_heads(),
        bloom: Default::default(),
    }]);
    let message = forged.generate_sync_message(&mut state).unwrap();
    assert!(
        !message.changes.is_empty(),
        "the forged message carries a change"
    );
    request(doc, owner, message.encode())
}

/// A request of one message, for document `doc` of `owner`.
pub fn request(doc: &str, owner: &str, message: Vec<u8>) -> SyncRequest {
    SyncRequest {
        digest: String::new(),
        full: false,
        messages: vec![DocMessage {
            doc: doc.into(),
            owner: owner.into(),
            message,
        }],
        ..Default::default()
    }
}

/// Writes into the first indicator of `reg`'s reference document with raw
/// Automerge, as another version of Kopā could have (`put(tx, indicator)`), and
/// merges it in: what this version must refuse to report on rather than count as 0.
pub fn forge_first_indicator(
    reg: &mut Registry,
    put: impl FnOnce(&mut automerge::transaction::Transaction, &automerge::ObjId),
) {
    use automerge::ReadDoc;
    let mut docs = reg.export_docs().unwrap();
    let (row, doc) = docs
        .iter_mut()
        .find(|(r, _)| r.id == crate::docs::DocId::Reference)
        .unwrap();
    let (_, indicators) = doc.get(automerge::ROOT, "indicators").unwrap().unwrap();
    let first = doc.keys(&indicators).next().unwrap();
    let (_, ind) = doc.get(&indicators, first.as_str()).unwrap().unwrap();
    let mut tx = doc.transaction();
    put(&mut tx, &ind);
    tx.commit();
    let incoming = vec![(row.clone(), doc.clone())];
    reg.merge_docs(incoming).unwrap();
}
