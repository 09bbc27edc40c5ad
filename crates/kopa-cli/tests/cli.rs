//! The built `kopa` binary against real encrypted files in a temporary directory.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Kopa {
    dir: tempfile::TempDir,
}

impl Kopa {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn db(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn run_with(&self, db: &Path, pass: &str, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_kopa"))
            .arg("--db")
            .arg(db)
            .args(args)
            .env("KOPA_PASSPHRASE", pass)
            .env("KOPA_LANG", "en")
            .env_remove("KOPA_DB")
            .env_remove("KOPA_USER")
            .env_remove("KOPA_OTHER_PASSPHRASE")
            .output()
            .unwrap()
    }
    fn run(&self, db: &str, args: &[&str]) -> Output {
        self.run_with(&self.db(db), "s3cret", args)
    }
    /// Runs and expects success; returns stdout.
    fn ok(&self, db: &str, args: &[&str]) -> String {
        let out = self.run(db, args);
        assert!(
            out.status.success(),
            "kopa {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
    fn json(&self, db: &str, args: &[&str]) -> Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        serde_json::from_str(&self.ok(db, &a)).unwrap()
    }
    fn id(&self, db: &str, args: &[&str]) -> String {
        self.json(db, args)["id"].as_str().unwrap().to_string()
    }
}

fn init(k: &Kopa, db: &str) {
    k.ok(
        db,
        &[
            "--user",
            "Inese",
            "init",
            "--branch",
            "Krāslava",
            "--municipality",
            "Kraslava",
            "--device",
            "laptop-1",
        ],
    );
}

#[test]
fn family_lifecycle_with_json_output() {
    let k = Kopa::new();
    init(&k, "a.kopa");
    let fid = k.id(
        "a.kopa",
        &[
            "family",
            "add",
            "--name",
            "Ivanovs",
            "--municipality",
            "Kraslava",
            "--language",
            "ru",
            "--language",
            "lv",
            "--target-group",
            "young-family",
            "--member",
            "Sergejs;Ivanovs;1988;m;parent",
            "--member",
            "Мария;Иванова;2021;f;child",
            "--consent",
            "2026-01-15",
        ],
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
        &[
            "family",
            "add",
            "--name",
            "Bērziņi",
            "--municipality",
            "Preiļi",
            "--member",
            "Līga;Bērziņa;1990;f;parent",
            "--member",
            "Toms;Bērziņš;2018;m;child",
        ],
    );
    let persons: Vec<String> = k.json("a.kopa", &["family", "show", &fid])["persons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    let vid = k.id(
        "a.kopa",
        &[
            "volunteer",
            "add",
            "--given-name",
            "Anna",
            "--family-name",
            "Liepa",
            "--role",
            "volunteer",
        ],
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
        &[
            "--json",
            "family",
            "add",
            "--name",
            "X",
            "--municipality",
            "Atlantis",
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["code"], "unknown-municipality");
    assert_eq!(err["error"]["field"], "municipality");
    let out = k.run(
        "a.kopa",
        &[
            "--lang",
            "ru",
            "family",
            "add",
            "--name",
            "X",
            "--municipality",
            "Kraslava",
            "--member",
            "A;B;1850",
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(
        msg.contains("Ошибка") && msg.contains("Год рождения"),
        "{msg}"
    );
    let out = k.run(
        "a.kopa",
        &[
            "--lang",
            "lv",
            "session",
            "record",
            "--group",
            "nonsense",
            "--date",
            "2026-02-30",
        ],
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
    // init refuses to overwrite.
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
        &[
            "family",
            "add",
            "--name",
            "Petrovs",
            "--municipality",
            "Daugavpils",
            "--member",
            "Pēteris;Petrovs;1970;m;parent",
        ],
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
fn demo_branch_is_complete_and_deterministic() {
    let k = Kopa::new();
    let a = k.json(
        "d1.kopa",
        &["demo", "--seed", "7", "--families", "30", "--weeks", "8"],
    );
    let b = k.json(
        "d2.kopa",
        &["demo", "--seed", "7", "--families", "30", "--weeks", "8"],
    );
    assert_eq!(a["result"], b["result"], "same seed, same branch");
    assert_eq!(a["result"]["families"], 30);
    assert!(a["result"]["sessions"].as_i64().unwrap() > 50);
    assert!(a["result"]["attendances"].as_i64().unwrap() > 200);
    let groups = k.json("d1.kopa", &["group", "list"]);
    assert_eq!(
        groups.as_array().unwrap().len(),
        11,
        "a group of every activity type"
    );
    let mut tgs = std::collections::BTreeSet::new();
    for f in k.json("d1.kopa", &["family", "list"]).as_array().unwrap() {
        for t in k.json("d1.kopa", &["family", "show", f["id"].as_str().unwrap()])["target_groups"]
            .as_array()
            .unwrap()
        {
            tgs.insert(t.as_str().unwrap().to_string());
        }
    }
    assert_eq!(tgs.len(), 9, "every target group: {tgs:?}");
    assert_eq!(
        k.json("d1.kopa", &["projection", "rebuild", "--verify"])["equal"],
        true
    );
    assert_eq!(
        k.run("d1.kopa", &["demo"]).status.code(),
        Some(6),
        "refuses to overwrite"
    );
}

#[test]
fn demo_project_report_in_every_format() {
    use calamine::Reader;
    let k = Kopa::new();
    k.ok(
        "d.kopa",
        &["demo", "--seed", "3", "--families", "40", "--weeks", "10"],
    );
    let projects = k.json("d.kopa", &["project", "list"]);
    let p = projects[0]["id"].as_str().unwrap().to_string();
    let rules: std::collections::BTreeSet<&str> = projects[0]["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules.len(), 7, "an indicator of every rule type: {rules:?}");
    // A branch may not define indicators: HQ alone writes reference data.
    let out = k.run(
        "d.kopa",
        &[
            "indicator",
            "add",
            "--project",
            &p,
            "--name",
            "x",
            "--rule",
            "attendances",
            "--target",
            "1",
        ],
    );
    assert_eq!(out.status.code(), Some(6));

    let r = k.json(
        "d.kopa",
        &[
            "report",
            "--project",
            &p,
            "--from",
            "2000-01-01",
            "--to",
            "2100-12-31",
        ],
    );
    let inds = r["indicators"].as_array().unwrap();
    let att = inds.iter().find(|i| i["rule"] == "attendances").unwrap();
    let info = k.json("d.kopa", &["info"]);
    assert_eq!(
        att["value"], info["overview"]["attendances"],
        "every attendance in the period counted"
    );
    assert_eq!(att["unit"], "attendances");
    assert!(!r["computed_from"].as_array().unwrap().is_empty());

    let xlsx = k.db("r.xlsx");
    k.ok(
        "d.kopa",
        &[
            "--lang",
            "ru",
            "report",
            "--project",
            &p,
            "--from",
            "2000-01-01",
            "--to",
            "2100-12-31",
            "--format",
            "xlsx",
            "--out",
            xlsx.to_str().unwrap(),
        ],
    );
    let wb: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    assert!(
        wb.sheet_names().contains(&"Сводка".to_string()),
        "{:?}",
        wb.sheet_names()
    );
    let csv = k.db("r.csv");
    k.ok(
        "d.kopa",
        &[
            "report",
            "--project",
            &p,
            "--from",
            "2000-01-01",
            "--to",
            "2100-12-31",
            "--format",
            "csv",
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    assert!(std::fs::read_to_string(&csv)
        .unwrap()
        .starts_with("Indicator,Unit,Breakdown"));
}

#[test]
fn sync_files_from_the_command_line() {
    let k = Kopa::new();
    init(&k, "branch.kopa");
    k.ok(
        "hq.kopa",
        &[
            "--user",
            "Coordinator",
            "init",
            "--branch",
            "HQ",
            "--municipality",
            "Rīga",
            "--role",
            "hq",
        ],
    );
    let card = |db: &str| {
        let p = k.db(&format!("{db}.card"));
        k.ok(db, &["sync", "identity", "--out", p.to_str().unwrap()]);
        p
    };
    let (bc, hc) = (card("branch.kopa"), card("hq.kopa"));
    k.ok(
        "branch.kopa",
        &["sync", "peer", "add", hc.to_str().unwrap()],
    );
    k.ok("hq.kopa", &["sync", "peer", "add", bc.to_str().unwrap()]);
    let fid = k.id(
        "branch.kopa",
        &[
            "family",
            "add",
            "--name",
            "Ivanovs",
            "--municipality",
            "Krāslava",
        ],
    );
    let st = k.json("branch.kopa", &["sync", "status"]);
    assert!(st["peers"][0]["unsent_changes"].as_i64().unwrap() >= 2);
    let file = k.db("to-hq.kopasync");
    k.ok(
        "branch.kopa",
        &[
            "sync",
            "export",
            "--to",
            "hq",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    let imp = k.json("hq.kopa", &["sync", "import", file.to_str().unwrap()]);
    assert_eq!(imp["already_imported"], false);
    assert_eq!(
        k.json("hq.kopa", &["family", "show", &fid])["name"],
        "Ivanovs"
    );
    let again = k.json("hq.kopa", &["sync", "import", file.to_str().unwrap()]);
    assert_eq!(again["already_imported"], true);
    let st = k.json("hq.kopa", &["sync", "status"]);
    assert_eq!(st["peers"][0]["name"], "Krāslava");
    assert!(
        st["peers"][0]["last_heard"].is_string(),
        "HQ knows when the branch last synced"
    );
    let p = k.id(
        "hq.kopa",
        &[
            "project",
            "add",
            "--name",
            "Kopā",
            "--donor",
            "SIF",
            "--start",
            "2026-01-01",
            "--end",
            "2026-12-31",
        ],
    );
    let r = k.json(
        "hq.kopa",
        &[
            "report",
            "--project",
            &p,
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
        ],
    );
    assert_eq!(
        r["last_heard"][0][0], "Krāslava",
        "the report says when each branch last synced"
    );
    assert!(r["last_heard"][0][1].is_string());

    // A truncated file: refused, translated, exit code 7.
    let bytes = std::fs::read(&file).unwrap();
    let cut = k.db("cut.kopasync");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let out = k.run(
        "hq.kopa",
        &["--lang", "lv", "sync", "import", cut.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(7));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("bojāta"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Unknown destination.
    let out = k.run(
        "branch.kopa",
        &["sync", "export", "--to", "Atlantis", "--out", "/dev/null"],
    );
    assert_eq!(out.status.code(), Some(7));
}

#[test]
fn erasing_a_family_from_the_command_line() {
    let k = Kopa::new();
    init(&k, "a.kopa");
    let fid = k.id(
        "a.kopa",
        &[
            "family",
            "add",
            "--name",
            "Zvaigznīte",
            "--municipality",
            "Preiļi",
        ],
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
        &[
            "family",
            "add",
            "--name",
            "Kalniņi",
            "--municipality",
            "Preiļi",
            "--member",
            "Zaiga;Kalniņa;1990;f;parent",
            "--member",
            "Pēteris;Kalniņš;1988;m;parent",
        ],
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

#[test]
fn importing_a_list_with_a_bad_row() {
    let k = Kopa::new();
    init(&k, "a.kopa");
    let csv = k.db("list.csv");
    std::fs::write(&csv, "Vārds,Uzvārds,Dzimšanas gads,Pašvaldība\nAnna,Ozola,1985,Preiļi\nJānis,Ozols,1880,Preiļi\n").unwrap();
    let out = k.run("a.kopa", &["--lang", "lv", "import", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("3. rinda") && text.contains("Dzimšanas gads"),
        "{text}"
    );
    assert_eq!(
        k.json("a.kopa", &["family", "list"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let p = k.json(
        "a.kopa",
        &["import", csv.to_str().unwrap(), "--skip-bad-rows"],
    );
    assert_eq!(p["imported"].as_array().unwrap().len(), 1);
}

#[test]
fn scheduled_backups_keep_the_newest() {
    let k = Kopa::new();
    init(&k, "a.kopa");
    let dir = k.db("backups");
    for _ in 0..3 {
        k.ok(
            "a.kopa",
            &["backup", "--dir", dir.to_str().unwrap(), "--keep", "2"],
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(files.len(), 2);
    // An hourly timer's run makes nothing while the newest backup is under a day old.
    let quiet = k.run(
        "a.kopa",
        &["backup", "--dir", dir.to_str().unwrap(), "--if-due"],
    );
    assert!(quiet.status.success());
    assert_eq!(String::from_utf8_lossy(&quiet.stdout), "");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
    let one = files[0].as_ref().unwrap().path();
    k.ok(
        "a.kopa",
        &[
            "family",
            "add",
            "--name",
            "Liepa",
            "--municipality",
            "Preiļi",
        ],
    );
    k.ok("a.kopa", &["restore", one.to_str().unwrap()]);
    assert_eq!(
        k.json("a.kopa", &["family", "list"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
}
