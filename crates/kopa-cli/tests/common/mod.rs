//! What the process-level tests share: running the built `kopa` in a folder, and a
//! `kopa hub serve` on a free port of 127.0.0.1.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
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

/// Makes the replica `db` from `invite`, without reaching the hub.
pub fn join(dir: &Path, db: &str, invite: &str) {
    run(dir, &["--db", db, "join", invite, "--offline"]);
}

/// The header of a participant list in Latvian, as volunteers keep them.
pub const LIST_HEADER: &str = "Ģimene;Vārds;Uzvārds;Dzimšanas gads;Dzimums;Loma;Pašvaldība\n";
