//! The benchmark suite still runs end to end (at its smallest size) and writes every
//! row of the table into its section of a Markdown file, keeping the text around it.
//! No timing is asserted here: the numbers belong in BENCHMARKS.md.

use std::process::Command;

#[test]
fn the_suite_runs_and_writes_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("BENCHMARKS.md");
    std::fs::write(
        &md,
        "# Benchmarks\n\nAnalysis above.\n\n<!-- kopa-bench:start -->\nold table\n<!-- kopa-bench:end -->\n\nAnalysis below.\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kopa-bench"))
        .args(["--scale", "tiny", "--out"])
        .arg(&md)
        .arg("--dir")
        .arg(dir.path().join("data"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.starts_with("# Benchmarks\n\nAnalysis above.\n"));
    assert!(text.trim_end().ends_with("Analysis below."));
    assert!(!text.contains("old table"));
    for row in [
        "weekly sync bytes, one branch",
        "(a) copying the database file",
        "(b) zstd-3 JSON of the week's changed records",
        "sync with no changes",
        "HQ ingest of 2 branch-weeks",
        "HQ cold open",
        "person search, p95 per query",
        "national indicator report",
        "storage per branch-year",
        "full projection rebuild",
    ] {
        assert!(text.contains(row), "{row} missing from:\n{text}");
        assert!(stdout.contains(row), "{row} missing from stdout");
    }
    // The quiet sync's bytes are a real count, and the cold open ran in its own process.
    let quiet = text
        .lines()
        .find(|l| l.contains("sync with no changes"))
        .unwrap();
    let bytes: u64 = quiet
        .split('|')
        .nth(3)
        .and_then(|m| m.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no byte count in {quiet}"));
    assert!(bytes > 0);
    let open = text.lines().find(|l| l.contains("HQ cold open")).unwrap();
    assert!(open.contains("MiB"), "{open}");
}
