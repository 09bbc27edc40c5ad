//! The built `kopa` binary and the files that go in and out of a replica: the demo
//! branch, donor reports in every format, sync files, participant lists, backups.

mod common;

use common::{init, words, Kopa};

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
    // The demo carries HQ's fields and the disability questions, and every figure of
    // persons is broken down by them.
    let fields = k.json("d.kopa", &["field", "list"]);
    assert_eq!(fields["housing"]["labels"]["lv"], "Mājokļa situācija");
    assert_eq!(fields["wg-walking"]["set"], "washington-group");
    let period = words("report --from 2000-01-01 --to 2100-12-31 --project");
    let r = k.json("d.kopa", &[period, vec![&p]].concat());
    let persons = r["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["unit"] == "persons")
        .unwrap();
    assert!(
        persons["breakdown"]["disability"]["yes"].as_i64().unwrap() > 0,
        "{persons}"
    );
    assert!(
        persons["breakdown"]["field.housing"]["rented"]
            .as_i64()
            .unwrap()
            > 0
    );
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
        &words("--user Coordinator init --branch HQ --municipality Rīga --role hq"),
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
        &words("family add --name Ivanovs --municipality Krāslava"),
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
        &words("project add --name Kopā --donor SIF --start 2026-01-01 --end 2026-12-31"),
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
    // Each backup has a copy of the keyring beside it (what opens it on a new laptop);
    // the pruned ones' went with them.
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files.len(), 4, "{files:?}");
    assert_eq!(format!("{}.keys", files[0]), files[1]);
    assert_eq!(format!("{}.keys", files[2]), files[3]);
    // An hourly timer's run makes nothing while the newest backup is under a day old.
    let quiet = k.run(
        "a.kopa",
        &["backup", "--dir", dir.to_str().unwrap(), "--if-due"],
    );
    assert!(quiet.status.success());
    assert_eq!(String::from_utf8_lossy(&quiet.stdout), "");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 4);
    let one = dir.join(&files[0]);
    k.ok(
        "a.kopa",
        &words("family add --name Liepa --municipality Preiļi"),
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
