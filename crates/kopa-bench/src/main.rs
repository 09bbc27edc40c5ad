//! Kopā's benchmark suite. The full run, which writes BENCHMARKS.md:
//!
//! ```text
//! cargo run --release -p kopa-bench -- --out BENCHMARKS.md
//! ```
//!
//! `--scale small` is what CI runs to prove the suite still works; it asserts nothing
//! about time. Each row is measured next to its baseline in the same run, so noise on
//! a shared machine shows in both.

mod suite;

use clap::Parser;
use std::path::{Path, PathBuf};

#[derive(Parser)]
#[command(name = "kopa-bench", about = "Kopā's benchmark suite")]
struct Args {
    /// How much data: full (the documented run), small (CI) or tiny (the test).
    #[arg(long, default_value = "full")]
    scale: String,
    /// Writes the table into this Markdown file between its benchmark markers.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Where the data is built (a temporary folder when not given).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Runs only one part: `hq` (everything but search), `search` or `unlock`.
    #[arg(long)]
    only: Option<String>,
    /// Internal: the cold-open measurement's child process.
    #[arg(long, hide = true)]
    cold_open: Option<PathBuf>,
}

const START: &str = "<!-- kopa-bench:start -->";
const END: &str = "<!-- kopa-bench:end -->";

fn main() {
    let args = Args::parse();
    if let Some(path) = args.cold_open {
        suite::cold_open(&path);
        return;
    }
    let Some(scale) = suite::Scale::named(&args.scale) else {
        eprintln!("unknown scale {:?}: full, small or tiny", args.scale);
        std::process::exit(2);
    };
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dir = args.dir.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir).expect("the data folder");
    let exe = std::env::current_exe().expect("this program's path");
    let started = std::time::Instant::now();
    let rows = suite::run(scale, &dir, &exe, args.only.as_deref());
    let table = table(&rows);
    println!("{table}");
    let met = rows.iter().filter(|r| r.met == Some(true)).count();
    let missed = rows.iter().filter(|r| r.met == Some(false)).count();
    println!(
        "{met} targets met, {missed} missed; {:.0} s",
        started.elapsed().as_secs_f64()
    );
    if let Some(out) = args.out {
        let section = format!(
            "{START}\n{}\n\n{table}\n{END}",
            header(&scale, started.elapsed().as_secs_f64())
        );
        write_section(&out, &section).expect("write the Markdown file");
        eprintln!("[bench] wrote {}", out.display());
    }
}

fn table(rows: &[suite::Row]) -> String {
    let mut s = String::from(
        "| what | baseline in the same run | measured | ratio | target | |\n|---|---|---|---|---|---|\n",
    );
    for r in rows {
        let mark = match r.met {
            Some(true) => "met",
            Some(false) => "**missed**",
            None => "",
        };
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {mark} |\n",
            r.what, r.baseline, r.measured, r.ratio, r.target
        ));
    }
    s
}

fn header(scale: &suite::Scale, seconds: f64) -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map(|kib| format!("{:.0} GiB", kib / 1024.0 / 1024.0))
        .unwrap_or_default();
    let profile = if cfg!(debug_assertions) {
        "debug build (numbers not comparable)"
    } else {
        "release build"
    };
    format!(
        "Scale **{}**: {} branches × {} families × {} weeks; search over {} persons.  \n\
         Machine: {cpu}, {cores} cores, {mem}; {profile}; whole run {seconds:.0} s.  \n\
         Command: `cargo run --release -p kopa-bench -- --scale {} --out BENCHMARKS.md`",
        scale.name, scale.branches, scale.families, scale.weeks, scale.persons, scale.name
    )
}

/// Replaces the text between the markers in `path` (or appends it), keeping the
/// hand-written analysis around it.
fn write_section(path: &Path, section: &str) -> std::io::Result<()> {
    let old = std::fs::read_to_string(path).unwrap_or_default();
    let new = match (old.find(START), old.find(END)) {
        (Some(a), Some(b)) if a < b => format!("{}{section}{}", &old[..a], &old[b + END.len()..]),
        _ => format!("{old}{}{section}\n", if old.is_empty() { "" } else { "\n" }),
    };
    std::fs::write(path, new)
}
