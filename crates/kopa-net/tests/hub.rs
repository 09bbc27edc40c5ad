//! A real hub on 127.0.0.1 (HTTPS, port 0) with real encrypted replicas.

use automerge::sync::SyncDoc;
use kopa_domain::Role;
use kopa_net::{Hub, Invite, RunningHub};
use kopa_registry::testkit::{
    family_in as family, forged_request, introduce, request, set_contact as contact,
};
use kopa_registry::*;
use rand::{Rng, SeedableRng};
use std::path::Path;

const PASS: &str = "pass";

fn start(dir: &Path) -> (Hub, RunningHub) {
    start_with(dir, kopa_net::hub::Limits::default())
}

fn start_with(dir: &Path, limits: kopa_net::hub::Limits) -> (Hub, RunningHub) {
    let hub = Hub::init(
        &dir.join("hub"),
        "Latvijas Sarkanais Krusts",
        "Rīga",
        "https://127.0.0.1:7443",
    )
    .unwrap();
    let running = hub
        .start_with("127.0.0.1:0".parse().unwrap(), limits)
        .unwrap();
    (hub, running)
}

/// An HTTPS client that trusts the hub's certificate, to speak the protocol by hand.
fn agent(fingerprint: &str) -> ureq::Agent {
    ureq::AgentBuilder::new()
        .tls_config(std::sync::Arc::new(kopa_net::tls::client_config(
            fingerprint,
        )))
        .build()
}

fn invite(hub: &Hub, running: &RunningHub, branch: &str, role: Role) -> Invite {
    let municipality = match branch {
        "Daugavpils" => "Daugavpils",
        "Rēzekne" => "Rēzekne",
        _ => "Krāslava",
    };
    hub.enrol(branch, role, Some(municipality), Some(&running.url()))
        .unwrap()
}

fn join(dir: &Path, name: &str, invite: &Invite) -> Registry {
    kopa_net::join(
        &invite.to_json(),
        &dir.join(format!("{name}.kopa")),
        PASS,
        name,
        name,
    )
    .unwrap()
}

fn sync(r: &mut Registry) -> kopa_net::NetSummary {
    kopa_net::sync(r, |_| {}).unwrap()
}

fn sync_err(r: &mut Registry) -> String {
    kopa_net::sync(r, |_| {}).unwrap_err().code().to_string()
}

/// The heads of the documents `r` holds, as the hub holds them.
fn hub_heads_of(hub: &mut Registry, r: &mut Registry) -> Vec<(String, Vec<String>)> {
    let mine: Vec<String> = r.heads().unwrap().into_iter().map(|(d, _)| d).collect();
    hub.heads()
        .unwrap()
        .into_iter()
        .filter(|(d, _)| mine.contains(d))
        .collect()
}

fn names_in(r: &Registry, branch: &str) -> Vec<String> {
    let mut n: Vec<String> = r
        .list_families()
        .unwrap()
        .into_iter()
        .filter(|f| f.branch == branch)
        .map(|f| f.name)
        .collect();
    n.sort();
    n
}

#[test]
fn three_branches_and_hq_converge_over_the_network_and_by_files_in_random_orders() {
    for seed in [7u64, 11] {
        scenario(seed);
    }
}

fn scenario(seed: u64) {
    let dir = tempfile::tempdir().unwrap();
    let (hub, running) = start(dir.path());
    let branches = ["Krāslava", "Daugavpils", "Rēzekne"];
    // Replicas: one laptop per branch, a second Krāslava laptop, HQ's desktop.
    let mut reps: Vec<Registry> = vec![];
    for b in branches {
        let inv = invite(&hub, &running, b, Role::Branch);
        reps.push(join(dir.path(), b, &inv));
    }
    let kr2 = invite(&hub, &running, "Krāslava", Role::Branch);
    reps.push(join(dir.path(), "Krāslava-2", &kr2));
    let hq_inv = invite(&hub, &running, "", Role::Hq);
    reps.push(join(dir.path(), "hq", &hq_inv));
    let hq = reps.len() - 1;
    // Sync files need each side's card (the invite gave branches the hub's only).
    for i in 0..hq {
        let (left, right) = reps.split_at_mut(hq);
        introduce(&mut left[i], &mut right[0]);
    }

    // One family everybody edits at once before anyone syncs: a real conflict.
    let shared = family(&mut reps[0], "Ivanovs", "Krāslava");
    sync(&mut reps[0]);
    sync(&mut reps[3]);
    sync(&mut reps[hq]);
    contact(&mut reps[0], shared, "+371 20000000");
    contact(&mut reps[3], shared, "+371 20000003");
    contact(&mut reps[hq], shared, "+371 29999999");
    for _ in 0..2 {
        for i in [0, 3, hq] {
            sync(&mut reps[i]);
        }
    }
    for i in [0, 3, hq] {
        let c = reps[i].conflicts().unwrap();
        assert_eq!(c.len(), 1, "seed {seed}: {c:?}");
        assert_eq!(c[0].record_id, shared.key());
        assert_eq!(c[0].candidates.len(), 3, "all three values are kept");
    }

    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut files = 0;
    for step in 0..60 {
        let i = rng.gen_range(0..reps.len());
        match rng.gen_range(0..6) {
            0 | 1 if i != hq => {
                let m = ["Krāslava", "Daugavpils", "Rēzekne", "Krāslava"][i];
                family(&mut reps[i], &format!("Ģimene{step}"), m);
            }
            2 => {
                let fams = reps[i].list_families().unwrap();
                if !fams.is_empty() {
                    let f = &fams[rng.gen_range(0..fams.len())];
                    let fid = f.id.parse().unwrap();
                    contact(&mut reps[i], fid, &format!("+371 2{step:07}"));
                }
            }
            3 => {
                // A sync file between a branch laptop and HQ's desktop, either way.
                let b = rng.gen_range(0..hq);
                let (from, to) = if rng.gen_bool(0.5) { (b, hq) } else { (hq, b) };
                let dest = if to == hq {
                    "hq".to_string()
                } else {
                    reps[to].identity().branch_id
                };
                let (file, _) = reps[from].export_sync_file(&dest).unwrap();
                reps[to].import_sync_file(&file).unwrap();
                files += 1;
            }
            _ => {
                sync(&mut reps[i]);
            }
        }
    }
    // Everybody syncs until the hub has heard everything and passed it on.
    for _ in 0..2 {
        for r in reps.iter_mut() {
            sync(r);
        }
    }
    let mut hub_now = hub.registry().unwrap();
    for r in reps.iter_mut() {
        let s = sync(r);
        assert!(s.sync.complete, "seed {seed}: {s:?}");
        assert_eq!(s.sync.merge.changes_applied, 0, "seed {seed}: settled");
        assert_eq!(r.heads().unwrap(), {
            let mut h = hub_heads_of(&mut hub_now, r);
            h.sort();
            h
        });
        assert!(r.verify_projection().unwrap().is_empty());
    }
    // HQ's desktop holds exactly what the hub holds.
    assert_eq!(reps[hq].heads().unwrap(), hub_now.heads().unwrap());
    assert_eq!(
        reps[hq].projection_dump().unwrap(),
        hub_now.projection_dump().unwrap()
    );
    // The two Krāslava laptops are identical; each branch sees exactly its families.
    assert_eq!(reps[0].heads().unwrap(), reps[3].heads().unwrap());
    assert_eq!(
        reps[0].projection_dump().unwrap(),
        reps[3].projection_dump().unwrap()
    );
    for (i, b) in branches.iter().enumerate() {
        let id = reps[i].identity().branch_id;
        let theirs = names_in(&reps[i], &id);
        assert_eq!(theirs, names_in(&hub_now, &id), "seed {seed}, {b}");
        assert_eq!(
            reps[i].list_families().unwrap().len(),
            theirs.len(),
            "{b} holds no other branch's families"
        );
    }
    // Conflicts (later edits may have settled the first one) are the same everywhere.
    let conflicts = hub_now.conflicts().unwrap();
    assert_eq!(reps[hq].conflicts().unwrap(), conflicts);
    assert_eq!(reps[0].conflicts().unwrap(), reps[3].conflicts().unwrap());
    assert!(files > 0, "seed {seed}: some changes travelled by file");
    running.stop();
}

#[test]
fn a_revoked_branch_is_refused_from_its_next_request() {
    let dir = tempfile::tempdir().unwrap();
    let (hub, running) = start(dir.path());
    let inv = invite(&hub, &running, "Krāslava", Role::Branch);
    let mut kr = join(dir.path(), "kr", &inv);
    family(&mut kr, "Ivanovs", "Krāslava");
    sync(&mut kr);
    // Revoked from another connection while the hub runs (as `kopa hub revoke` does).
    assert_eq!(hub.registry().unwrap().revoke("kraslava").unwrap(), 1);
    family(&mut kr, "Ozola", "Krāslava");
    assert_eq!(sync_err(&mut kr), "net-unauthorised");
    let mut h = hub.registry().unwrap();
    assert_eq!(names_in(&h, &kr.identity().branch_id), vec!["Ivanovs"]);
    assert!(h.verify_projection().unwrap().is_empty());
    // A new invite works again.
    let inv = invite(&hub, &running, "Krāslava", Role::Branch);
    kr.set_setting("hub_credential", &inv.credential).unwrap();
    sync(&mut kr);
    let h = hub.registry().unwrap();
    assert_eq!(
        names_in(&h, &kr.identity().branch_id),
        vec!["Ivanovs", "Ozola"]
    );
}

#[test]
fn a_hub_with_another_certificate_is_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let (hub, running) = start(dir.path());
    let inv = invite(&hub, &running, "Krāslava", Role::Branch);
    let mut kr = join(dir.path(), "kr", &inv);
    let other = Hub::init(
        &dir.path().join("other"),
        "X",
        "Rīga",
        "https://127.0.0.1:1",
    )
    .unwrap();
    kr.set_setting("hub_fingerprint", &other.config.fingerprint)
        .unwrap();
    assert_eq!(sync_err(&mut kr), "net-certificate");
}

#[test]
fn an_unreachable_hub_changes_nothing_here() {
    let dir = tempfile::tempdir().unwrap();
    let (hub, running) = start(dir.path());
    let inv = invite(&hub, &running, "Krāslava", Role::Branch);
    let mut kr = join(dir.path(), "kr", &inv);
    family(&mut kr, "Ivanovs", "Krāslava");
    running.stop();
    let before = (kr.heads().unwrap(), kr.projection_dump().unwrap());
    assert_eq!(sync_err(&mut kr), "net-unreachable");
    assert_eq!((kr.heads().unwrap(), kr.projection_dump().unwrap()), before);
    let mut not_joined = Registry::create(
        &dir.path().join("lonely.kopa"),
        PASS,
        InitOptions {
            branch_name: "Ludza".into(),
            municipality: "Ludza".into(),
            role: Role::Branch,
            device_name: "pc".into(),
            user: "me".into(),
        },
        Env::system(),
    )
    .unwrap();
    assert_eq!(sync_err(&mut not_joined), "net-not-joined");
}

/// A client that speaks the protocol by hand, to do what the real one never does.
fn post(
    running: &RunningHub,
    fingerprint: &str,
    token: Option<&str>,
    body: Vec<u8>,
) -> (u16, String) {
    let agent = agent(fingerprint);
    let mut req = agent
        .post(&format!("{}/v1/sync", running.url()))
        .set("Kopa-Protocol", kopa_net::PROTOCOL);
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    match req.send_bytes(&body) {
        Ok(r) => (r.status(), String::new()),
        Err(ureq::Error::Status(s, r)) => (s, r.into_string().unwrap_or_default()),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn crafted_changes_to_documents_a_branch_does_not_own_are_refused_with_403() {
    let dir = tempfile::tempdir().unwrap();
    let (hub, running) = start(dir.path());
    let kr_inv = invite(&hub, &running, "Krāslava", Role::Branch);
    let dg_inv = invite(&hub, &running, "Daugavpils", Role::Branch);
    let mut kr = join(dir.path(), "kr", &kr_inv);
    let mut dg = join(dir.path(), "dg", &dg_inv);
    family(&mut kr, "Ivanovs", "Krāslava");
    sync(&mut kr);
    sync(&mut dg);
    let before = {
        let mut h = hub.registry().unwrap();
        (h.heads().unwrap(), h.projection_dump().unwrap())
    };
    let fp = &hub.config.fingerprint;
    let token = Some(dg_inv.credential.as_str());

    // Daugavpils forges changes to Krāslava's branch document and to the reference data.
    let kr_branch = format!("branch:{}", kr.identity().branch_id);
    let docs = kr.export_docs().unwrap();
    for (target, owner) in [
        (kr_branch.as_str(), dg_inv.identity.branch_id.as_str()),
        ("reference", "hq"),
    ] {
        let (_, doc) = docs
            .iter()
            .find(|(r, _)| r.id.to_string() == target)
            .unwrap();
        let request = forged_request(target, owner, doc);
        let (status, body) = post(&running, fp, token, kopa_net::pack(&request));
        assert_eq!(status, 403, "{target}: {body}");
        assert!(body.contains("sync-not-owner"), "{body}");
    }
    // Asking for a document of another branch is refused as well.
    let fam = kr
        .heads()
        .unwrap()
        .into_iter()
        .find(|(d, _)| d.starts_with("family:"))
        .unwrap()
        .0;
    let ask = automerge::Automerge::new()
        .generate_sync_message(&mut automerge::sync::State::new())
        .unwrap();
    let nosy = request(&fam, &kr.identity().branch_id, ask.encode());
    let (status, body) = post(&running, fp, token, kopa_net::pack(&nosy));
    assert_eq!((status, body.contains("sync-not-readable")), (403, true));
    // Garbage, no credential, a made-up credential.
    assert_eq!(post(&running, fp, token, b"not zstd".to_vec()).0, 400);
    assert_eq!(post(&running, fp, None, kopa_net::pack(&nosy)).0, 401);
    assert_eq!(
        post(&running, fp, Some("made-up"), kopa_net::pack(&nosy)).0,
        401
    );

    let mut h = hub.registry().unwrap();
    assert_eq!((h.heads().unwrap(), h.projection_dump().unwrap()), before);
}

#[test]
fn a_flooding_credential_is_slowed_down_and_a_slow_client_is_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let (hub, running) = start_with(
        dir.path(),
        kopa_net::hub::Limits {
            burst: 5,
            per_second: 0.5,
            request_timeout: std::time::Duration::from_secs(2),
            header_timeout: std::time::Duration::from_secs(2),
            max_body: 64 * 1024,
        },
    );
    let kr_inv = invite(&hub, &running, "Krāslava", Role::Branch);
    let dg_inv = invite(&hub, &running, "Daugavpils", Role::Branch);
    let fp = &hub.config.fingerprint;
    let agent = agent(fp);
    let url = format!("{}/v1/sync", running.url());
    let send = |token: &str, body: &[u8]| -> (u16, Option<String>) {
        match agent
            .post(&url)
            .set("Kopa-Protocol", kopa_net::PROTOCOL)
            .set("Authorization", &format!("Bearer {token}"))
            .send_bytes(body)
        {
            Ok(r) => (r.status(), None),
            Err(ureq::Error::Status(s, r)) => (s, r.header("retry-after").map(str::to_string)),
            Err(e) => panic!("{e}"),
        }
    };
    // Krāslava's laptop floods the hub with garbage: the burst is answered (400),
    // then the hub asks it to wait, without looking at the bodies any more.
    let statuses: Vec<(u16, Option<String>)> = (0..8)
        .map(|_| send(&kr_inv.credential, b"garbage"))
        .collect();
    assert!(statuses[..5].iter().all(|(s, _)| *s == 400), "{statuses:?}");
    let (status, retry) = &statuses[7];
    assert_eq!(*status, 429, "{statuses:?}");
    let wait: u64 = retry.as_deref().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // Another branch is not slowed down by it.
    let mut dg = join(dir.path(), "dg", &dg_inv);
    family(&mut dg, "Ozola", "Daugavpils");
    assert!(sync(&mut dg).sync.complete);
    // The flooding laptop's real sync waits as asked and then goes through.
    let mut kr = join(dir.path(), "kr", &kr_inv);
    family(&mut kr, "Ivanovs", "Krāslava");
    assert!(sync(&mut kr).sync.complete);
    assert_eq!(
        names_in(&hub.registry().unwrap(), &kr.identity().branch_id),
        ["Ivanovs"]
    );

    // A client that sends its body slower than the request timeout is cut off
    // (408, or the connection closed under it) instead of holding the hub.
    struct Slow(u32);
    impl std::io::Read for Slow {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                return Ok(0);
            }
            self.0 -= 1;
            std::thread::sleep(std::time::Duration::from_millis(800));
            buf[0] = b'x';
            Ok(1)
        }
    }
    let slow = agent
        .post(&url)
        .set("Kopa-Protocol", kopa_net::PROTOCOL)
        .set("Authorization", &format!("Bearer {}", dg_inv.credential))
        .send(Slow(8));
    match slow {
        Err(ureq::Error::Status(408, _)) | Err(ureq::Error::Transport(_)) => {}
        Ok(r) => panic!("a 6-second upload was let through: {}", r.status()),
        Err(ureq::Error::Status(s, _)) => panic!("a slow upload got {s}, not 408"),
    }
}

#[test]
fn a_request_larger_than_the_limit_is_refused_with_413_without_being_read() {
    let dir = tempfile::tempdir().unwrap();
    let (hub, running) = start_with(
        dir.path(),
        kopa_net::hub::Limits {
            max_body: 32 * 1024,
            request_timeout: std::time::Duration::from_secs(5),
            ..Default::default()
        },
    );
    let inv = invite(&hub, &running, "Krāslava", Role::Branch);
    let fp = &hub.config.fingerprint;
    let agent = agent(fp);
    let request = || {
        agent
            .post(&format!("{}/v1/sync", running.url()))
            .set("Kopa-Protocol", kopa_net::PROTOCOL)
            .set("Authorization", &format!("Bearer {}", inv.credential))
    };
    // A body declared larger than the limit is refused at once from its
    // Content-Length: had the hub waited for the gigabyte, this would be a 408.
    let started = std::time::Instant::now();
    match request()
        .set("Content-Length", "1073741824")
        .send_bytes(b"x")
    {
        Err(ureq::Error::Status(s, r)) => {
            assert_eq!(s, 413);
            assert_eq!(r.into_string().unwrap(), r#"{"code":"net-too-large"}"#);
        }
        Ok(r) => panic!("a declared gigabyte was let through: {}", r.status()),
        Err(e) => panic!("{e}"),
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(4));
    // Sent in chunks with no length, it is refused once the limit is passed. The
    // hub stops reading there, so the client may see its upload cut off before
    // the answer; what it never sees is the garbage read and answered (400).
    match request().send(std::io::Cursor::new(vec![b'x'; 256 * 1024])) {
        Err(ureq::Error::Status(s, _)) => assert_eq!(s, 413),
        Err(ureq::Error::Transport(t)) => {
            let t = t.to_string();
            let cut = ["Broken pipe", "reset", "Unexpected EOF"];
            assert!(cut.iter().any(|c| t.contains(c)), "{t}");
        }
        Ok(r) => panic!("an oversized upload was let through: {}", r.status()),
    }
    // A request within the limit is read and answered: garbage is a 400.
    let (status, _) = post(&running, fp, Some(&inv.credential), b"garbage".to_vec());
    assert_eq!(status, 400);
    // And a real sync from the branch goes through.
    let mut kr = join(dir.path(), "kr", &inv);
    family(&mut kr, "Ivanovs", "Krāslava");
    assert!(sync(&mut kr).sync.complete);
}
