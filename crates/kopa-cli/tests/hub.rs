//! The hub and `kopa sync` as real processes on 127.0.0.1: killed with SIGKILL in
//! the middle of a sync, then restarted; nothing is lost and nothing is doubled.

mod common;

use common::{
    enrol_branch, enrol_hq, free_port, hub_init, join, kopa, run, serve, words, LIST_HEADER,
};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

const FAMILIES: usize = 300;

/// Runs `kopa sync --json` and SIGKILLs `victim` (or the sync itself) as soon as
/// the first round is reported. Returns whether the sync process succeeded.
fn sync_and_kill(dir: &Path, db: &str, victim: Option<&mut Child>) -> bool {
    let mut sync = kopa(dir)
        .args(["--db", db, "--json", "sync"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(sync.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(
        line.contains("progress") || line.contains("error"),
        "{line}"
    );
    match victim {
        Some(hub) => hub.kill().unwrap(),
        None => sync.kill().unwrap(),
    }
    let _ = std::io::copy(&mut stderr, &mut std::io::sink());
    sync.wait().unwrap().success()
}

fn json(dir: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&run(dir, args)).unwrap()
}

fn family_count(dir: &Path, db: &str) -> usize {
    json(dir, &["--db", db, "--json", "family", "list"])
        .as_array()
        .unwrap()
        .len()
}

fn overview(dir: &Path, db: &str) -> Value {
    json(dir, &["--db", db, "--json", "info"])["overview"].clone()
}

#[test]
fn killing_the_hub_or_the_client_mid_sync_loses_nothing_and_doubles_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let port = free_port();
    hub_init(dir, port);
    for inv in ["a.invite", "b.invite"] {
        enrol_branch(dir, "Krāslava", inv);
    }
    join(dir, "a.kopa", "a.invite");
    join(dir, "b.kopa", "b.invite");
    // Enough families that a first sync takes several rounds.
    let mut csv = String::from(LIST_HEADER);
    for i in 0..FAMILIES {
        csv.push_str(&format!("{i};Anna;Ozola{i};1980;f;parent;Krāslava\n"));
    }
    let list: PathBuf = dir.join("list.csv");
    std::fs::write(&list, csv).unwrap();
    run(dir, &["--db", "a.kopa", "import", list.to_str().unwrap()]);
    assert_eq!(family_count(dir, "a.kopa"), FAMILIES);

    // The hub dies (SIGKILL) during laptop A's first sync.
    let mut hub = serve(dir, port);
    let finished = sync_and_kill(dir, "a.kopa", Some(&mut hub));
    eprintln!("hub killed; laptop A sync finished anyway: {finished}");
    hub.wait().unwrap();
    let again = kopa(dir).args(["--db", "a.kopa", "sync"]).output().unwrap();
    if !finished {
        assert_eq!(again.status.code(), Some(8), "the hub is down: exit 8");
    }
    // Restarted on the same data, the next sync completes.
    let mut hub = serve(dir, port);
    run(dir, &["--db", "a.kopa", "sync"]);

    // Laptop B is killed during its first (large) download, then syncs again.
    let finished_b = sync_and_kill(dir, "b.kopa", None);
    eprintln!("laptop B killed; its sync finished anyway: {finished_b}");
    let sync = json(dir, &["--db", "b.kopa", "--json", "sync"]);
    assert_eq!(sync["complete"], true, "{sync}");
    run(dir, &["--db", "a.kopa", "sync"]);

    assert_eq!(
        family_count(dir, "b.kopa"),
        FAMILIES,
        "nothing lost, nothing doubled"
    );
    assert_eq!(overview(dir, "a.kopa"), overview(dir, "b.kopa"));
    for db in ["a.kopa", "b.kopa"] {
        run(dir, &["--db", db, "projection", "rebuild", "--verify"]);
    }
    // Malformed requests, one carrying a name, get a 4xx and a log line.
    let invite = kopa_net::Invite::parse(&std::fs::read(dir.join("a.invite")).unwrap()).unwrap();
    let agent = ureq::AgentBuilder::new()
        .tls_config(std::sync::Arc::new(kopa_net::tls::client_config(
            &invite.fingerprint,
        )))
        .build();
    let post = |token: Option<&str>, body: &[u8]| {
        let mut req = agent
            .post(&format!("{}/v1/sync", invite.hub))
            .set("Kopa-Protocol", kopa_net::PROTOCOL);
        if let Some(t) = token {
            req = req.set("Authorization", &format!("Bearer {t}"));
        }
        match req.send_bytes(body) {
            Err(ureq::Error::Status(s, _)) => s,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(post(Some(&invite.credential), b"Anna Ozola7 1980"), 400);
    assert_eq!(post(None, b"Anna Ozola7"), 401);
    assert_eq!(post(Some("Ozola7"), b"Anna Ozola7"), 401);
    hub.kill().unwrap();
    hub.wait().unwrap();

    // The hub logs every round and every refusal, and never a name.
    let log = std::fs::read_to_string(dir.join("hub.log")).unwrap();
    assert!(log.contains("sync round"), "{log}");
    for refusal in [
        "malformed sync request",
        "sync without a credential",
        "unknown or revoked credential",
    ] {
        assert!(log.contains(refusal), "{refusal}: {log}");
    }
    assert!(!log.contains("Ozola") && !log.contains("Anna"), "{log}");

    // The hub's own store survived both kills intact.
    let status = json(dir, &["--json", "hub", "status", "--data", "hub"]);
    assert!(status["branches"][0]["last_heard"].is_string(), "{status}");
}

/// README's file routine for a hub-enrolled branch: no identity card is exchanged by
/// hand. After one network sync each, a file from the laptop reaches HQ's desktop,
/// also for a family that reached the hub by network before it was edited offline.
#[test]
fn a_hub_enrolled_branch_sends_hq_a_file_without_exchanging_cards() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let port = free_port();
    hub_init(dir, port);
    enrol_branch(dir, "Krāslava", "a.invite");
    enrol_hq(dir, "hq.invite");
    join(dir, "a.kopa", "a.invite");
    join(dir, "hq.kopa", "hq.invite");
    let mut hub = serve(dir, port);
    for db in ["a.kopa", "hq.kopa", "a.kopa"] {
        run(dir, &["--db", db, "sync"]);
    }
    let fid = run(
        dir,
        &words("--db a.kopa family add --name Ivanovs --municipality Krāslava"),
    );
    let fid = fid.trim();
    run(dir, &["--db", "a.kopa", "sync"]);
    hub.kill().unwrap();
    hub.wait().unwrap();
    // No network now: the edit travels by file.
    run(
        dir,
        &[
            "--db",
            "a.kopa",
            "family",
            "edit",
            fid,
            "--contact",
            "+371 20000001",
        ],
    );
    run(
        dir,
        &words("--db a.kopa sync export --to hq --out to-hq.kopasync"),
    );
    let imported = json(
        dir,
        &words("--db hq.kopa --json sync import to-hq.kopasync"),
    );
    assert_eq!(imported["merge"]["changes_waiting"], 0, "{imported}");
    let family = json(dir, &["--db", "hq.kopa", "--json", "family", "show", fid]);
    assert_eq!(family["contact"], "+371 20000001", "{family}");
    let status = json(dir, &["--db", "a.kopa", "--json", "sync", "status"]);
    let hq = status["peers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["via"] == "file" && p["role"] == "hq" && p["device"] != "hub")
        .unwrap_or_else(|| panic!("HQ's desktop is listed: {status}"))
        .clone();
    assert!(hq["unsent_changes"].as_u64().unwrap() > 0, "{status}");

    // A laptop enrolled later knows the branch's and HQ's devices from its invite,
    // before it ever reaches the hub.
    enrol_branch(dir, "Krāslava", "b.invite");
    join(dir, "b.kopa", "b.invite");
    let status = json(dir, &["--db", "b.kopa", "--json", "sync", "status"]);
    let mut devices: Vec<String> = status["peers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["via"] == "file")
        .map(|p| p["device"].as_str().unwrap().to_string())
        .collect();
    devices.sort();
    assert_eq!(
        devices.len(),
        3,
        "the hub, HQ's desktop and laptop A: {status}"
    );
}

/// Starts `kopa ARGS` (a hub), reads the line it prints once listening, stops it;
/// returns that line and what went to stderr.
fn serve_once(dir: &Path, args: &[&str]) -> (String, String) {
    let mut hub = kopa(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(hub.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    hub.kill().unwrap();
    let out = hub.wait_with_output().unwrap();
    (line, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The hub's address is one fact: `hub serve` listens where `hub init --address`
/// points unless told otherwise, warns when told a port no invite carries, and a
/// branch named after its municipality needs no `--municipality`.
#[test]
fn the_hub_listens_where_its_invites_point() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    hub_init(dir.path(), port);
    run(
        dir.path(),
        &words("hub enrol --data hub --branch Krāslava --out kr.invite"),
    );
    let invite: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("kr.invite")).unwrap()).unwrap();
    assert_eq!(invite["hub"], format!("https://127.0.0.1:{port}"));
    let (line, _) = serve_once(dir.path(), &["hub", "serve", "--data", "hub"]);
    assert!(line.contains(&format!("127.0.0.1:{port}")), "{line}");
    let listen = format!("127.0.0.1:{}", free_port());
    let args = [
        "--lang", "en", "hub", "serve", "--data", "hub", "--listen", &listen,
    ];
    let (_, warned) = serve_once(dir.path(), &args);
    assert!(warned.contains("branches will not reach it"), "{warned}");
}
