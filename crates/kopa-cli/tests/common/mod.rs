//! What the process-level tests share: running the built `kopa` in a folder, a
//! `kopa hub serve` on a free port of 127.0.0.1, and [`Kopa`], replicas in a temporary
//! directory named by file.
#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

pub const PASS: &str = "s3cret";

pub fn kopa(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kopa"));
    c.current_dir(dir)
        .env("KOPA_PASSPHRASE", PASS)
        .env("KOPA_LANG", "en")
        .env_remove("KOPA_DB")
        .env_remove("KOPA_USER");
    c
}

pub fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The standard output of `kopa args`, which must have succeeded.
pub fn succeeded(out: Output, args: &[&str]) -> Vec<u8> {
    assert!(
        out.status.success(),
        "kopa {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

pub fn run(dir: &Path, args: &[&str]) -> String {
    ok(kopa(dir).args(args).output().unwrap())
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `kopa hub serve` on `port` (logging to `hub.log`) and waits until it listens.
pub fn serve(dir: &Path, port: u16) -> Child {
    let mut child = kopa(dir)
        .args(["hub", "serve", "--data", "hub", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .stderr(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(dir.join("hub.log"))
                .unwrap(),
        )
        .env("KOPA_LOG", "debug")
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.contains(&format!("127.0.0.1:{port}")), "{line}");
    child
}

/// A hub in `dir/hub` answering at `https://127.0.0.1:port`.
pub fn hub_init(dir: &Path, port: u16) {
    let address = format!("https://127.0.0.1:{port}");
    run(
        dir,
        &["hub", "init", "--data", "hub", "--address", &address],
    );
}

/// Registers `branch` at the hub in `dir/hub` (if new) and writes a device invite.
pub fn enrol_branch(dir: &Path, branch: &str, invite: &str) {
    run(
        dir,
        &[
            "hub",
            "enrol",
            "--data",
            "hub",
            "--branch",
            branch,
            "--municipality",
            "Krāslava",
            "--out",
            invite,
        ],
    );
}

/// Writes an invite for an HQ device of the hub in `dir/hub`.
pub fn enrol_hq(dir: &Path, invite: &str) {
    run(
        dir,
        &[
            "hub", "enrol", "--data", "hub", "--role", "hq", "--out", invite,
        ],
    );
}

/// Makes the replica `db` from `invite`, without reaching the hub.
pub fn join(dir: &Path, db: &str, invite: &str) {
    run(dir, &["--db", db, "join", invite, "--offline"]);
}

/// The header of a participant list in Latvian, as volunteers keep them.
pub const LIST_HEADER: &str = "Ģimene;Vārds;Uzvārds;Dzimšanas gads;Dzimums;Loma;Pašvaldība\n";

/// Replicas in a temporary directory, each named by its file.
pub struct Kopa {
    pub dir: tempfile::TempDir,
}

impl Kopa {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    pub fn db(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    pub fn run_with(&self, db: &Path, pass: &str, args: &[&str]) -> Output {
        kopa(self.dir.path())
            .arg("--db")
            .arg(db)
            .args(args)
            .env("KOPA_PASSPHRASE", pass)
            .env_remove("KOPA_OTHER_PASSPHRASE")
            .output()
            .unwrap()
    }
    pub fn run(&self, db: &str, args: &[&str]) -> Output {
        self.run_with(&self.db(db), PASS, args)
    }
    /// Runs and expects success; returns stdout.
    pub fn ok(&self, db: &str, args: &[&str]) -> String {
        String::from_utf8(succeeded(self.run(db, args), args)).unwrap()
    }
    pub fn json(&self, db: &str, args: &[&str]) -> Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        serde_json::from_str(&self.ok(db, &a)).unwrap()
    }
    /// Runs and expects the exit code `code`; returns what went to stderr.
    pub fn fails(&self, db: &str, args: &[&str], code: i32) -> String {
        let out = self.run(db, args);
        assert_eq!(out.status.code(), Some(code), "{args:?}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    }
    pub fn id(&self, db: &str, args: &[&str]) -> String {
        self.json(db, args)["id"].as_str().unwrap().to_string()
    }
}

/// A branch replica `db` of Krāslava on device `laptop-1`, user Inese.
pub fn init(k: &Kopa, db: &str) {
    k.ok(
        db,
        &words("--user Inese init --branch Krāslava --municipality Kraslava --device laptop-1"),
    );
}

/// A command line's arguments, written as one line: `words("family add --name X")`.
pub fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}
