//! Power failure, simulated: the `kopa` process is killed with SIGKILL at random
//! moments while it writes, imports a participant list, imports a sync file or syncs
//! with a hub, at least 200 times. After every kill the replica must open, pass
//! SQLite's `integrity_check`, have a projection equal to its rebuild, and hold every
//! write that was acknowledged (the process printed its result) before the kill.
//! An import or a sync file is all or nothing: never half a list.
//!
//! `KOPA_CRASH_KILLS` raises the number of kills (default 200).

mod common;

use common::{
    enrol_branch, enrol_hq, free_port, hub_init, join, kopa, run, serve, LIST_HEADER, PASS,
};
use kopa_registry::{Env, Registry};
use rand::{Rng, SeedableRng};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
const LIST_ROWS: usize = 25;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Work {
    Add,
    List,
    File,
    Sync,
}

/// What the victim was told was done, and what must be all-or-nothing.
#[derive(Default)]
struct Expect {
    /// Family names whose `family add` printed an id.
    acked: BTreeSet<String>,
    /// Tags of participant lists: each list's families are all there or none.
    lists: Vec<(String, bool)>,
    /// Families of the other laptop that reached a sync file, with whether its
    /// import was acknowledged.
    files: Vec<(String, bool)>,
}

#[derive(Default, Debug)]
struct Counts {
    kills: usize,
    finished: usize,
    by_kind: std::collections::BTreeMap<String, (usize, usize)>,
}

/// Opens the replica as the app would after a power cut and checks it whole.
fn check(db: &Path, expect: &Expect, round: usize) {
    let mut reg = Registry::open(db, PASS, Env::system())
        .unwrap_or_else(|e| panic!("round {round}: the replica does not open: {e}"));
    let integrity: String = reg
        .connection()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok", "round {round}");
    let diff = reg.verify_projection().unwrap();
    assert!(
        diff.is_empty(),
        "round {round}: projection differs from rebuild: {diff:?}"
    );
    let names: Vec<String> = reg
        .list_families()
        .unwrap()
        .into_iter()
        .map(|f| f.name)
        .collect();
    let have: BTreeSet<&str> = names.iter().map(String::as_str).collect();
    for name in &expect.acked {
        assert!(
            have.contains(name.as_str()),
            "round {round}: acknowledged family {name} lost"
        );
    }
    for (tag, acked) in &expect.lists {
        let n = names.iter().filter(|n| n.starts_with(tag.as_str())).count();
        assert!(
            n == 0 || n == LIST_ROWS,
            "round {round}: list {tag} half imported: {n} of {LIST_ROWS}"
        );
        assert!(!acked || n == LIST_ROWS, "round {round}: list {tag} lost");
    }
    for (name, acked) in &expect.files {
        assert!(
            !acked || have.contains(name.as_str()),
            "round {round}: {name} from an acknowledged sync file lost"
        );
    }
    let doubled = names.len() - have.len();
    assert_eq!(doubled, 0, "round {round}: a family doubled");
}

/// Starts `args` on the victim, kills it after `delay` unless it finished, and
/// returns (killed, stdout when it finished successfully).
fn run_and_kill(dir: &Path, args: &[String], delay: Duration) -> (bool, Option<String>, Duration) {
    let started = Instant::now();
    let mut child = kopa(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = started + delay;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let elapsed = started.elapsed();
            let mut out = String::new();
            std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut out).unwrap();
            return (false, status.success().then_some(out), elapsed);
        }
        if Instant::now() >= deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            return (true, None, started.elapsed());
        }
        std::thread::sleep(Duration::from_micros(500));
    }
}

#[test]
fn two_hundred_kills_during_writes_imports_and_sync_lose_nothing() {
    let kills_wanted: usize = std::env::var("KOPA_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let port = free_port();
    hub_init(dir, port);
    // The victim is HQ's desktop; the other laptop is a branch's, sending it files.
    enrol_hq(dir, "v.invite");
    enrol_branch(dir, "Krāslava", "b.invite");
    join(dir, "v.kopa", "v.invite");
    join(dir, "b.kopa", "b.invite");
    for me in ["v", "b"] {
        let card = format!("{me}.card");
        run(
            dir,
            &[
                "--db",
                &format!("{me}.kopa"),
                "sync",
                "identity",
                "--out",
                &card,
            ],
        );
    }
    run(dir, &["--db", "v.kopa", "sync", "peer", "add", "b.card"]);
    run(dir, &["--db", "b.kopa", "sync", "peer", "add", "v.card"]);
    let mut hub = serve(dir, port);

    let db: PathBuf = dir.join("v.kopa");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(
        std::env::var("KOPA_CRASH_SEED")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(2026),
    );
    let mut expect = Expect::default();
    let mut counts = Counts::default();
    // How long each kind of work takes when left alone; kills land uniformly in it.
    let mut typical = [Duration::from_millis(1500); 4];
    let mut round = 0;
    while counts.kills < kills_wanted {
        round += 1;
        assert!(round < kills_wanted * 4, "too few kills landed: {counts:?}");
        let work = match rng.gen_range(0..10) {
            0..=3 => Work::Add,
            4 | 5 => Work::List,
            6 | 7 => Work::File,
            _ => Work::Sync,
        };
        let args: Vec<String> = match work {
            Work::Add => vec![
                "--db".into(),
                "v.kopa".into(),
                "--json".into(),
                "family".into(),
                "add".into(),
                "--name".into(),
                format!("Ģimene{round}"),
                "--municipality".into(),
                "Rēzekne".into(),
            ],
            Work::List => {
                let mut csv = String::from(LIST_HEADER);
                for i in 0..LIST_ROWS {
                    csv.push_str(&format!(
                        "{i};Anna;Saraksts{round}n{i};1980;f;parent;Rēzekne\n"
                    ));
                }
                let path = dir.join(format!("list{round}.csv"));
                std::fs::write(&path, csv).unwrap();
                vec![
                    "--db".into(),
                    "v.kopa".into(),
                    "--json".into(),
                    "import".into(),
                    path.display().to_string(),
                ]
            }
            Work::File => {
                // The other laptop (never killed) adds a family and writes a file.
                let name = format!("Liepa{round}");
                run(
                    dir,
                    &[
                        "--db",
                        "b.kopa",
                        "family",
                        "add",
                        "--name",
                        &name,
                        "--municipality",
                        "Krāslava",
                    ],
                );
                let file = format!("b{round}.kopa-sync");
                run(
                    dir,
                    &[
                        "--db", "b.kopa", "sync", "export", "--to", "hq", "--out", &file,
                    ],
                );
                expect.files.push((name, false));
                vec![
                    "--db".into(),
                    "v.kopa".into(),
                    "--json".into(),
                    "sync".into(),
                    "import".into(),
                    file,
                ]
            }
            Work::Sync => vec![
                "--db".into(),
                "v.kopa".into(),
                "--json".into(),
                "sync".into(),
            ],
        };
        // Half the kills anywhere in the run, half in its second half, where the
        // writing is (the first part is mostly start-up and key derivation).
        let from = if rng.gen_bool(0.5) { 0.0 } else { 0.6 };
        let delay = typical[work as usize].mul_f64(rng.gen_range(from..1.3));
        let (killed, out, took) = run_and_kill(dir, &args, delay);
        let e = counts.by_kind.entry(format!("{work:?}")).or_default();
        if killed {
            counts.kills += 1;
            e.0 += 1;
        } else {
            counts.finished += 1;
            e.1 += 1;
            typical[work as usize] = took;
            let out = out.unwrap_or_else(|| panic!("round {round}: {work:?} failed on its own"));
            match work {
                Work::Add => {
                    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
                    assert!(v["id"].is_string(), "{out}");
                    expect.acked.insert(format!("Ģimene{round}"));
                }
                Work::List => {
                    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
                    assert_eq!(v["imported"].as_array().unwrap().len(), LIST_ROWS);
                }
                Work::File => expect.files.last_mut().unwrap().1 = true,
                Work::Sync => {}
            }
        }
        if work == Work::List {
            expect.lists.push((format!("Saraksts{round}n"), !killed));
        }
        check(&db, &expect, round);
    }

    // Left alone, the victim syncs to the end and the hub holds all it holds.
    let s: serde_json::Value =
        serde_json::from_str(&run(dir, &["--db", "v.kopa", "--json", "sync"])).unwrap();
    assert_eq!(s["complete"], true, "{s}");
    hub.kill().unwrap();
    hub.wait().unwrap();
    let key = std::fs::read_to_string(dir.join("hub/hub.key")).unwrap();
    let hub_reg = Registry::open(&dir.join("hub/hub.kopa"), key.trim(), Env::system()).unwrap();
    let at_hub: BTreeSet<String> = hub_reg
        .list_families()
        .unwrap()
        .into_iter()
        .map(|f| f.name)
        .collect();
    let v = Registry::open(&db, PASS, Env::system()).unwrap();
    for f in v.list_families().unwrap() {
        assert!(at_hub.contains(&f.name), "{} never reached the hub", f.name);
    }
    eprintln!(
        "kills survived: {}; runs that finished first: {}; by kind (killed, finished): {:?}; \
         families acknowledged: {}; data lost: none",
        counts.kills,
        counts.finished,
        counts.by_kind,
        expect.acked.len()
    );
}
