//! The built `kopa` binary against real encrypted files in a temporary directory:
//! families, sessions, exit codes, conflicts between devices, erasure. Files in and out
//! (demo, reports, sync files, imports, backups) are in `files.rs`.

mod common;

use common::{init, words, Kopa};
use serde_json::Value;

#[test]
fn family_lifecycle_with_json_output() {
    let k = Kopa::new();
    init(&k, "a.kopa");
    let fid = k.id(
        "a.kopa",
        &words("family add --name Ivanovs --municipality Kraslava --language ru --language lv --target-group young-family --member Sergejs;Ivanovs;1988;m;parent --member Мария;Иванова;2021;f;child --consent 2026-01-15"),
    );
    let list = k.json("a.kopa", &["family", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["name"], "Ivanovs");
    assert_eq!(
        list[0]["municipality"], "Krāslava",
        "municipality stored with its diacritics"
    );
    assert_eq!(list[0]["members"], 2);

    // Edit changes only the field given.
    k.ok(
        "a.kopa",
        &["family", "edit", &fid, "--contact", "+371 26000000"],
    );
    let show = k.json("a.kopa", &["family", "show", &fid]);
    assert_eq!(show["contact"], "+371 26000000");
    assert_eq!(show["name"], "Ivanovs");
    assert_eq!(show["languages"], serde_json::json!(["lv", "ru"]));
    assert_eq!(show["consent"]["date"], "2026-01-15");
    assert_eq!(show["persons"].as_array().unwrap().len(), 2);

    // Cross-script search, both ways.
    let hits = k.json("a.kopa", &["family", "search", "Иванов"]);
    assert_eq!(hits[0]["family"]["id"], fid.as_str());
    let hits = k.json("a.kopa", &["family", "search", "Marija"]);
    assert_eq!(hits[0]["persons"][0]["given_name"], "Мария");
    let hits = k.json("a.kopa", &["family", "search", "Petrovs"]);
    assert_eq!(hits.as_array().unwrap().len(), 0);

    // Retention: an active family is not due; a closed one with no activity is.
    let due = k.json(
        "a.kopa",
        &["family", "retention-due", "--before", "2100-01-01"],
    );
    assert_eq!(due.as_array().unwrap().len(), 0);
    k.ok("a.kopa", &["family", "edit", &fid, "--status", "closed"]);
    let due = k.json(
        "a.kopa",
        &["family", "retention-due", "--before", "2100-01-01"],
    );
    assert_eq!(due[0]["id"], fid.as_str());

    // History names who did what.
    let h = k.json("a.kopa", &["history", &fid]);
    let actions: Vec<&str> = h
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["family.add", "family.edit", "family.edit"]);
    assert_eq!(h[1]["person"], "Inese");
    assert_eq!(h[1]["device"], "laptop-1");
    assert_eq!(h[1]["fields"], serde_json::json!(["contact"]));
}

#[test]
fn sessions_attendance_volunteers_and_trainings() {
    let k = Kopa::new();
    init(&k, "a.kopa");
    let fid = k.id(
        "a.kopa",
        &words("family add --name Bērziņi --municipality Preiļi --member Līga;Bērziņa;1990;f;parent --member Toms;Bērziņš;2018;m;child"),
    );
    let persons: Vec<String> = k.json("a.kopa", &["family", "show", &fid])["persons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    let vid = k.id(
        "a.kopa",
        &words("volunteer add --given-name Anna --family-name Liepa --role volunteer"),
    );
    k.ok(
        "a.kopa",
        &[
            "training",
            "record",
            "--volunteer",
            &vid,
            "--date",
            "2026-03-02",
            "--topic",
            "Pirmā palīdzība",
            "--hours",
            "1,5",
        ],
    );
    let vols = k.json("a.kopa", &["volunteer", "list"]);
    assert_eq!(vols[0]["hours"], 1.5);
    let gid = k.id(
        "a.kopa",
        &[
            "group",
            "add",
            "--name",
            "Ģimeņu grupa",
            "--activity",
            "family-support",
            "--facilitator",
            &vid,
            "--weekday",
            "2",
        ],
    );
    k.ok("a.kopa", &["group", "enrol", &gid, &persons[0]]);
    let sid = k.id(
        "a.kopa",
        &[
            "session",
            "record",
            "--group",
            &gid,
            "--date",
            "2026-03-03",
            "--minutes",
            "90",
            "--attended",
            &persons[0],
            "--attended",
            &persons[1],
            "--guests",
            "child=2",
            "--guests",
            "adult=1",
            "--note",
            "Labi",
        ],
    );
    let s = k.json("a.kopa", &["session", "show", &sid]);
    assert_eq!(s["attended"], 2);
    assert_eq!(s["guests"], 3);
    let g = k.json("a.kopa", &["group", "show", &gid]);
    assert_eq!(
        g["members"].as_array().unwrap().len(),
        2,
        "a newcomer who attended is enrolled"
    );
    assert_eq!(g["facilitators"][0]["id"], vid.as_str());
    let f = k.json("a.kopa", &["family", "show", &fid]);
    assert_eq!(f["attendance"].as_array().unwrap().len(), 2);
    let v = k.json("a.kopa", &["projection", "rebuild", "--verify"]);
    assert_eq!(v["equal"], true);
}

#[test]
fn exit_codes_and_translated_errors() {
    let k = Kopa::new();
    init(&k, "a.kopa");
    // Usage error.
    assert_eq!(
        k.run("a.kopa", &["family", "add", "--bogus"]).status.code(),
        Some(2)
    );
    // Validation error names the field, in JSON and in the chosen language.
    let out = k.run(
        "a.kopa",
        &words("--json family add --name X --municipality Atlantis"),
    );
    assert_eq!(out.status.code(), Some(3));
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["code"], "unknown-municipality");
    assert_eq!(err["error"]["field"], "municipality");
    let out = k.run(
        "a.kopa",
        &words("--lang ru family add --name X --municipality Kraslava --member A;B;1850"),
    );
    assert_eq!(out.status.code(), Some(3));
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(
        msg.contains("Ошибка") && msg.contains("Год рождения"),
        "{msg}"
    );
    let out = k.run(
        "a.kopa",
        &words("--lang lv session record --group nonsense --date 2026-02-30"),
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Kļūda"));
    // Wrong passphrase: refused, file untouched.
    let before = std::fs::read(k.db("a.kopa")).unwrap();
    let out = k.run_with(&k.db("a.kopa"), "wrong", &["family", "list"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Wrong passphrase"));
    assert_eq!(std::fs::read(k.db("a.kopa")).unwrap(), before);
    // Not found.
    let out = k.run(
        "a.kopa",
        &["family", "show", "01234567-89ab-7def-8123-456789abcdef"],
    );
    assert_eq!(out.status.code(), Some(5));
    // init refuses to overwrite. (The unlock just made wrote the wrong try to the
    // audit: the file is compared from here.)
    let before = std::fs::read(k.db("a.kopa")).unwrap();
    let out = k.run(
        "a.kopa",
        &["init", "--branch", "B", "--municipality", "Rēzekne"],
    );
    assert_eq!(out.status.code(), Some(6));
    assert_eq!(std::fs::read(k.db("a.kopa")).unwrap(), before);
}

#[test]
fn two_devices_conflict_resolve_and_converge() {
    let k = Kopa::new();
    init(&k, "a.kopa");
    let fid = k.id(
        "a.kopa",
        &words("family add --name Petrovs --municipality Daugavpils --member Pēteris;Petrovs;1970;m;parent"),
    );
    k.ok(
        "b.kopa",
        &[
            "--user",
            "Boris",
            "init",
            "--device-of",
            k.db("a.kopa").to_str().unwrap(),
            "--device",
            "laptop-2",
        ],
    );
    assert_eq!(
        k.json("b.kopa", &["family", "show", &fid])["name"],
        "Petrovs"
    );

    k.ok(
        "a.kopa",
        &["family", "edit", &fid, "--contact", "+371 20000001"],
    );
    k.ok(
        "b.kopa",
        &["family", "edit", &fid, "--contact", "+371 29999999"],
    );
    k.ok("a.kopa", &["merge", k.db("b.kopa").to_str().unwrap()]);
    let merged = k.json("b.kopa", &["merge", k.db("a.kopa").to_str().unwrap()]);
    assert_eq!(merged["conflicts"], 1);

    let c = k.json("a.kopa", &["conflicts", "list"]);
    assert_eq!(c.as_array().unwrap().len(), 1);
    let cands = c[0]["candidates"].as_array().unwrap();
    let devices: Vec<&str> = cands
        .iter()
        .map(|x| x["device"].as_str().unwrap())
        .collect();
    assert!(
        devices.contains(&"laptop-1") && devices.contains(&"laptop-2"),
        "{devices:?}"
    );
    let pick = cands
        .iter()
        .position(|x| x["value"] == "+371 20000001")
        .unwrap()
        + 1;
    let cid = c[0]["id"].as_str().unwrap().to_string();
    let human = k.ok("a.kopa", &["conflicts", "list"]);
    assert!(human.contains("changed on two devices"), "{human}");
    k.ok(
        "a.kopa",
        &["conflicts", "resolve", &cid, "--pick", &pick.to_string()],
    );
    k.ok("b.kopa", &["merge", k.db("a.kopa").to_str().unwrap()]);
    for db in ["a.kopa", "b.kopa"] {
        assert_eq!(
            k.json(db, &["conflicts", "list"]).as_array().unwrap().len(),
            0
        );
        assert_eq!(
            k.json(db, &["family", "show", &fid])["contact"],
            "+371 20000001"
        );
    }
    let h = k.json("b.kopa", &["history", &fid]);
    let who: Vec<(&str, &str)> = h
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["person"].as_str().unwrap(), e["action"].as_str().unwrap()))
        .collect();
    assert!(
        who.contains(&("Boris", "family.edit")) && who.contains(&("Inese", "conflict.resolve")),
        "{who:?}"
    );
}

#[test]
fn erasing_a_family_from_the_command_line() {
    let k = Kopa::new();
    init(&k, "a.kopa");
    let fid = k.id(
        "a.kopa",
        &words("family add --name Zvaigznīte --municipality Preiļi"),
    );
    let sar = k.db("sar.json");
    k.ok(
        "a.kopa",
        &["family", "export", &fid, "--out", sar.to_str().unwrap()],
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&sar).unwrap()).unwrap();
    assert_eq!(v["family"]["name"], "Zvaigznīte");
    assert_eq!(v["history"][0]["action"], "family.add");
    k.ok("a.kopa", &["family", "erase", &fid]);
    assert_eq!(
        k.run("a.kopa", &["family", "show", &fid]).status.code(),
        Some(5)
    );
    assert_eq!(
        k.json("a.kopa", &["family", "search", "Zvaigznite"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        k.json("a.kopa", &["projection", "rebuild", "--verify"])["equal"],
        true
    );

    // One member of a household: the others move to a new family record.
    let fid = k.id(
        "a.kopa",
        &words("family add --name Kalniņi --municipality Preiļi --member Zaiga;Kalniņa;1990;f;parent --member Pēteris;Kalniņš;1988;m;parent"),
    );
    let before = k.json("a.kopa", &["family", "show", &fid]);
    let zaiga = before["persons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["given_name"] == "Zaiga")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let new = k.id("a.kopa", &["family", "erase-person", &zaiga]);
    assert_ne!(new, fid);
    let after = k.json("a.kopa", &["family", "show", &new]);
    let names: Vec<&str> = after["persons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["given_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Pēteris"]);
    assert_eq!(
        k.run("a.kopa", &["family", "erase-person", &zaiga])
            .status
            .code(),
        Some(5),
        "she is not found any more"
    );
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// HQ's fields and lists from the command line: HQ defines them, a family and a
/// session use them (a choice by its Latvian label), a wrong value names the valid
/// ones in Latvian, and the report breaks persons down by the field and filters by it.
#[test]
fn hq_fields_and_lists_from_the_command_line() {
    let k = Kopa::new();
    let hq = |args: &[&str]| k.ok("hq.kopa", args);
    let line = |l: String| l.split_whitespace().map(String::from).collect::<Vec<_>>();
    hq(&words(
        "--user Koordinatore init --role hq --branch LSK --municipality Rīga --device hq",
    ));
    hq(&[
        "field",
        "add",
        "housing",
        "--on",
        "family",
        "--kind",
        "choice",
        "--label",
        "lv=Mājokļa situācija",
        "--label",
        "ru=Жилищная ситуация",
        "--option",
        "rented:lv=īrēts;ru=арендованное",
        "--option",
        "own:lv=savs;ru=собственное",
    ]);
    hq(&words("field enable washington-group"));
    hq(&[
        "list",
        "add",
        "activity",
        "digital-skills",
        "--label",
        "lv=Digitālās prasmes",
    ]);
    hq(&[
        "list",
        "add",
        "municipality",
        "Daugavpils novads",
        "--until",
        "2021-06-30",
        "--becomes",
        "Augšdaugavas novads",
    ]);
    let fid = k.id(
        "hq.kopa",
        &[
            "family",
            "add",
            "--name",
            "Ozoli",
            "--municipality",
            "Daugavpils novads",
            "--member",
            "Jānis;Ozols;1950;m;grandparent",
            "--field",
            "housing=īrēts",
        ],
    );
    let family = k.json("hq.kopa", &["family", "show", &fid]);
    assert_eq!(family["fields"]["housing"], "rented");
    assert_eq!(family["municipality"], "Daugavpils novads");
    let person = family["persons"][0]["id"].as_str().unwrap().to_string();
    hq(&[
        "person",
        "edit",
        &person,
        "--field",
        "wg-walking=nespēj vispār",
    ]);
    let msg = k.fails(
        "hq.kopa",
        &refs(&line(format!(
            "--lang lv family edit {fid} --field housing=pils"
        ))),
        3,
    );
    assert!(
        msg.contains("housing") && msg.contains("Derīgās vērtības: own, rented"),
        "{msg}"
    );
    let group = k.id(
        "hq.kopa",
        &words("group add --name Datori --activity digital-skills"),
    );
    hq(&refs(&line(format!(
        "session record --group {group} --date 2026-11-10 --attended {person}"
    ))));
    let project = k.id(
        "hq.kopa",
        &words("project add --name P --donor D --start 2026-01-01 --end 2026-12-31"),
    );
    let indicator = |name: &str, param: &str| {
        line(format!("indicator add --project {project} --name {name} --rule distinct-persons --param {param} --target 5"))
    };
    for (name, param) in [
        ("renting", "field.housing=rented"),
        ("disability", "disability=yes"),
        ("owning", "field.housing=own"),
    ] {
        hq(&refs(&indicator(name, param)));
    }
    k.fails("hq.kopa", &refs(&indicator("x", "field.housing=pils")), 3);
    let r = k.json(
        "hq.kopa",
        &refs(&line(format!(
            "report --project {project} --from 2026-01-01 --to 2026-12-31"
        ))),
    );
    let value = |n: &str| {
        let ind = r["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == n)
            .unwrap();
        ind["value"].as_i64().unwrap()
    };
    assert_eq!(
        (value("renting"), value("disability"), value("owning")),
        (1, 1, 0)
    );
    assert_eq!(
        r["indicators"][0]["breakdown"]["field.housing"]["rented"],
        1
    );
    assert_eq!(r["indicators"][0]["breakdown"]["disability"]["yes"], 1);
}

/// `kopa … | head`: a reader that goes away early ends the command quietly, not
/// with a panic and a backtrace.
#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    let k = Kopa::new();
    init(&k, "a.kopa");
    let mut child = common::kopa(k.dir.path())
        .arg("--db")
        .arg(k.db("a.kopa"))
        .args(["--json", "info"])
        .env("KOPA_PASSPHRASE", common::PASS)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
}
