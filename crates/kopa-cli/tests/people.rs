//! Personal unlock, roles and the audit from the command line: a shared branch
//! laptop with a lead and a volunteer, a recovery code, and a replica of the release
//! before personal unlock upgraded in place.

mod common;

use common::*;
use std::path::Path;
use std::process::Output;

fn as_person(k: &Kopa, pass: &str, args: &[&str]) -> Output {
    k.run_with(&k.db("a.kopa"), pass, args)
}

fn with_env(k: &Kopa, vars: &[(&str, &str)], args: &[&str]) -> Output {
    let mut c = kopa(k.dir.path());
    c.arg("--db").arg(k.db("a.kopa")).args(args);
    for (n, v) in vars {
        c.env(n, v);
    }
    c.output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_volunteer_is_refused_what_a_lead_does_and_the_audit_keeps_who_did_it() {
    let k = Kopa::new();
    // The creator is the branch's first lead; the recovery code goes to the terminal
    // only, never to standard output.
    let made = k.run(
        "a.kopa",
        &words("--user Inese init --branch Krāslava --municipality Kraslava"),
    );
    assert!(made.status.success());
    assert!(!String::from_utf8_lossy(&made.stdout).contains("Recovery"));
    let code = stderr(&made)
        .split_whitespace()
        .find(|w| w.len() == 35 && w.matches('-').count() == 5)
        .expect("a recovery code on stderr")
        .to_string();
    let add = with_env(
        &k,
        &[("KOPA_NEW_PASSPHRASE", "jāņa frāze")],
        &words("people add Jānis --role volunteer"),
    );
    assert!(add.status.success(), "{}", stderr(&add));
    let fid = k.id("a.kopa", &words("family add --name Ivanovs --municipality Krāslava --member Sergejs;Ivanovs;1960;m;parent"));

    // Jānis registers a family, and is refused erasure, export, retention and people.
    let out = as_person(
        &k,
        "jāņa frāze",
        &words("family add --name Ozola --municipality Krāslava"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    for args in [
        vec!["family", "erase", fid.as_str()],
        vec!["family", "export", fid.as_str(), "--out", "x.json"],
        vec!["family", "retention-due", "--set-years", "3"],
        vec!["people", "remove", "Inese"],
    ] {
        let out = as_person(&k, "jāņa frāze", &args);
        assert_eq!(out.status.code(), Some(6), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("Your role does not allow this"),
            "{}",
            stderr(&out)
        );
    }
    // Russian, for the volunteer who reads it.
    let mut c = kopa(k.dir.path());
    let out = c
        .args([
            "--db",
            k.db("a.kopa").to_str().unwrap(),
            "--lang",
            "ru",
            "family",
            "erase",
            &fid,
        ])
        .env("KOPA_PASSPHRASE", "jāņa frāze")
        .output()
        .unwrap();
    assert!(
        stderr(&out).contains("Ваша роль этого не позволяет"),
        "{}",
        stderr(&out)
    );

    // Inese erases; the audit names her, the action and the family's id only.
    k.ok("a.kopa", &["family", "erase", &fid]);
    let audit = k.json("a.kopa", &["audit"]);
    let e = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "erase-family")
        .expect("erasure audited");
    assert_eq!(e["who"], "Inese");
    assert_eq!(e["records"], serde_json::json!([fid]));
    assert!(!audit.to_string().contains("Ivanovs"));

    // Jānis leaves: he can no longer unlock; Inese still can.
    k.ok("a.kopa", &words("people remove Jānis"));
    assert_eq!(
        as_person(&k, "jāņa frāze", &["info"]).status.code(),
        Some(4)
    );
    k.ok("a.kopa", &["info"]);
    let people = k.json("a.kopa", &words("people list"));
    assert_eq!(people.as_array().unwrap().len(), 2);

    // Inese forgets her passphrase: the recovery code opens the replica to reset it.
    let out = with_env(
        &k,
        &[
            ("KOPA_RECOVERY_CODE", &code),
            ("KOPA_NEW_PASSPHRASE", "jauna frāze"),
        ],
        &words("--recovery people reset Inese"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(as_person(&k, PASS, &["info"]).status.code(), Some(4));
    let info = as_person(&k, "jauna frāze", &["--json", "info"]);
    assert!(info.status.success());
    let wrong = with_env(
        &k,
        &[("KOPA_RECOVERY_CODE", "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA")],
        &words("--recovery info"),
    );
    assert_eq!(wrong.status.code(), Some(4));
}

/// The replica the first release wrote (`fixtures/make-first-release.sh`): one
/// passphrase, no keyring, schema 5.
fn first_release_replica(to: &Path) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/first-release.kopa");
    std::fs::copy(fixture, to).unwrap();
}

const OLD_PASS: &str = "fixture-2026";

#[test]
fn a_replica_of_the_first_release_keeps_its_data_and_unlocks_with_its_old_passphrase() {
    let k = Kopa::new();
    first_release_replica(&k.db("a.kopa"));
    let before = std::fs::read(k.db("a.kopa")).unwrap();
    // A wrong passphrase upgrades nothing.
    assert_eq!(as_person(&k, "wrong", &["info"]).status.code(), Some(4));
    assert_eq!(std::fs::read(k.db("a.kopa")).unwrap(), before);
    assert!(!k.db("a.kopa.keys").exists());

    let old = |args: &[&str]| -> serde_json::Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        serde_json::from_slice(&succeeded(as_person(&k, OLD_PASS, &a), &a)).unwrap()
    };
    let mut names: Vec<String> = old(&["family", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["Ozols", "Иванов"]);
    assert!(k.db("a.kopa.keys").exists(), "upgraded in place");
    // The old passphrase is now the first lead's (the replica's user then): a lead's
    // task works, and nothing was lost.
    let people = old(&["people", "list"]);
    assert_eq!(people[0]["name"], "Inese");
    assert_eq!(people[0]["access"], "lead");
    assert_eq!(old(&["info"])["overview"]["attendances"], 4);
    assert_eq!(old(&["audit"]).as_array().unwrap().len(), 0);
    // The file is under the new random key: without its keyring, the old passphrase
    // alone no longer opens it.
    std::fs::rename(k.db("a.kopa.keys"), k.db("aside.keys")).unwrap();
    assert_eq!(as_person(&k, OLD_PASS, &["info"]).status.code(), Some(4));
    std::fs::rename(k.db("aside.keys"), k.db("a.kopa.keys")).unwrap();
    old(&["info"]);
}
