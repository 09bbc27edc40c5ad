//! Thirty branches sync with one hub at the same moment, as processes on 127.0.0.1:
//! no errors, every branch's families reach the hub, everybody converges, and the
//! hub's peak memory (VmHWM of its process) stays bounded.

mod common;

use common::{enrol_branch, free_port, hub_init, join, kopa, run, serve, LIST_HEADER};
use kopa_registry::{Env, Registry};
use std::path::Path;

const BRANCHES: usize = 30;
const FAMILIES: usize = 12;
/// The hub's peak resident memory may not exceed this (a debug build).
const HUB_MEMORY_BOUND_MIB: u64 = 256;

fn peak_rss_mib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: u64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap();
    kib / 1024
}

fn sync_all_at_once(dir: &Path) -> Vec<serde_json::Value> {
    let children: Vec<_> = (0..BRANCHES)
        .map(|i| {
            kopa(dir)
                .args(["--db", &format!("b{i}.kopa"), "--json", "sync"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let out = c.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "branch {i}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            serde_json::from_slice(&out.stdout).unwrap()
        })
        .collect()
}

#[test]
fn thirty_branches_sync_with_one_hub_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let port = free_port();
    hub_init(dir, port);
    for i in 0..BRANCHES {
        let invite = format!("b{i}.invite");
        enrol_branch(dir, &format!("Nodaļa {i}"), &invite);
        let db = format!("b{i}.kopa");
        join(dir, &db, &invite);
        let mut csv = String::from(LIST_HEADER);
        for f in 0..FAMILIES {
            csv.push_str(&format!(
                "{f};Anna;Nodaļa{i}ģimene{f};1985;f;parent;Krāslava\n"
            ));
            csv.push_str(&format!(
                "{f};Pēteris;Nodaļa{i}ģimene{f};2015;m;child;Krāslava\n"
            ));
        }
        let list = dir.join(format!("b{i}.csv"));
        std::fs::write(&list, csv).unwrap();
        run(dir, &["--db", &db, "import", list.to_str().unwrap()]);
    }
    let mut hub = serve(dir, port);
    let pid = hub.id();

    // Everyone's first sync at once, then a second wave (nothing new: one round each).
    let first = sync_all_at_once(dir);
    assert!(first.iter().all(|s| s["complete"] == true), "{first:?}");
    let second = sync_all_at_once(dir);
    for s in &second {
        assert_eq!(s["complete"], true, "{s}");
        assert_eq!(s["rounds"], 1, "a quiet sync is one round: {s}");
    }
    let peak = peak_rss_mib(pid);
    hub.kill().unwrap();
    hub.wait().unwrap();

    // The hub holds every branch's families, and each branch exactly its own.
    let key = std::fs::read_to_string(dir.join("hub/hub.key")).unwrap();
    let mut at_hub = Registry::open(&dir.join("hub/hub.kopa"), key.trim(), Env::system()).unwrap();
    assert_eq!(at_hub.list_families().unwrap().len(), BRANCHES * FAMILIES);
    let hub_heads = at_hub.heads().unwrap();
    assert!(at_hub.verify_projection().unwrap().is_empty());
    for i in 0..BRANCHES {
        let mut b =
            Registry::open(&dir.join(format!("b{i}.kopa")), common::PASS, Env::system()).unwrap();
        assert_eq!(b.list_families().unwrap().len(), FAMILIES, "branch {i}");
        for (doc, heads) in b.heads().unwrap() {
            let at = hub_heads.iter().find(|(d, _)| *d == doc);
            assert_eq!(at.map(|(_, h)| h), Some(&heads), "branch {i}: {doc}");
        }
    }
    let log = std::fs::read_to_string(dir.join("hub.log")).unwrap();
    let errors = log.lines().filter(|l| l.contains("ERROR")).count();
    assert_eq!(errors, 0, "{log}");
    eprintln!(
        "{BRANCHES} branches synced at once, twice: no errors; hub peak RSS {peak} MiB \
         (bound {HUB_MEMORY_BOUND_MIB} MiB)"
    );
    assert!(peak <= HUB_MEMORY_BOUND_MIB, "hub peak RSS {peak} MiB");
}
