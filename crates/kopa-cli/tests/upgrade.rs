//! A replica written by the first released Kopā (schema version 5, committed as
//! `fixtures/first-release.kopa`; `fixtures/make-first-release.sh` says how it was
//! made) opens in this version, migrates, and keeps everything: families in both
//! scripts, notes, follow-ups, a group, a session with attendance and guests, an
//! event, a volunteer's training, a conflict, an erased family's anonymous attendance.

mod common;

use kopa_registry::{store, Env, Registry};
use serde_json::Value;
use std::path::Path;

const PASS: &str = "fixture-2026";

fn json(db: &Path, args: &[&str]) -> Value {
    let dir = db.parent().unwrap();
    let out = common::kopa(dir)
        .arg("--db")
        .arg(db)
        .arg("--json")
        .args(args)
        .env("KOPA_PASSPHRASE", PASS)
        .output()
        .unwrap();
    serde_json::from_slice(&common::succeeded(out, args)).unwrap_or(Value::Null)
}

#[test]
fn a_store_from_the_first_release_opens_and_migrates() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("old.kopa");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/first-release.kopa");
    std::fs::copy(&fixture, &db).unwrap();

    let info = json(&db, &["info"]);
    let o = &info["overview"];
    assert_eq!(
        (
            &o["families"],
            &o["persons"],
            &o["groups"],
            &o["sessions"],
            &o["attendances"],
            &o["volunteers"],
            &o["conflicts"]
        ),
        (
            &Value::from(2),
            &Value::from(4),
            &Value::from(1),
            &Value::from(1),
            &Value::from(4),
            &Value::from(1),
            &Value::from(1)
        ),
        "{info}"
    );
    assert_eq!(info["identity"]["branch_name"], "Krāslava");

    // The file is now at the current schema, under its own key with the old
    // passphrase as its first lead's (personal unlock), and its projection equals a
    // rebuild.
    let mut reg = Registry::open(&db, PASS, Env::system()).unwrap();
    let latest = store::schema_version(reg.connection()).unwrap();
    assert!(latest > 5, "migrated from 5 to {latest}");
    assert!(kopa_registry::keyring::path_of(&db).exists());
    assert!(reg.verify_projection().unwrap().is_empty());
    drop(reg);

    // Search works across scripts on the migrated index.
    let hits = json(&db, &["family", "search", "Ivanovs"]);
    assert_eq!(hits[0]["family"]["name"], "Иванов", "{hits}");
    let families = json(&db, &["family", "list"]);
    let ozols = families
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Ozols")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let detail = json(&db, &["family", "show", &ozols]);
    assert_eq!(detail["notes"][0]["text"], "Talked about school start");
    assert_eq!(detail["follow_ups"][0]["text"], "Call about winter clothes");
    let history = json(&db, &["history", &ozols]);
    assert_eq!(history[0]["action"], "family.add", "{history}");

    // The conflict made on two devices is still there with both values, and can be
    // resolved in the new version.
    let conflicts = json(&db, &["conflicts", "list"]);
    assert_eq!(conflicts[0]["candidates"].as_array().unwrap().len(), 2);
    let cid = conflicts[0]["id"].as_str().unwrap().to_string();
    json(&db, &["conflicts", "resolve", &cid, "--pick", "1"]);
    assert_eq!(json(&db, &["info"])["overview"]["conflicts"], 0);

    // New writes and the features added since (sync files) work on it.
    json(
        &db,
        &common::words("family add --name Bērziņš --municipality Dagda"),
    );
    assert_eq!(json(&db, &["info"])["overview"]["families"], 3);
    let card = tmp.path().join("card.json");
    json(&db, &["sync", "identity", "--out", card.to_str().unwrap()]);
    assert!(card.exists());
}
