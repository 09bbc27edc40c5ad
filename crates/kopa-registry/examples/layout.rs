//! Measures the document layout choice on a demo branch-year:
//! `cargo run --release -p kopa-registry --example layout`.
//!
//! Compares, for the same records: one document per record, the chosen layout (one
//! activity document per branch + one document per family), and one document for the
//! whole branch. Prints bytes saved, documents to sync, and time and memory to load.

use automerge::{transaction::Transactable, Automerge, ObjType, ReadDoc, ROOT};
use autosurgeon::{hydrate_prop, reconcile_prop};
use kopa_registry::demo::{self, DemoOptions};
use std::time::Instant;

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).map(|v| v.parse().unwrap_or(0)))
        })
        .unwrap_or(0)
}

/// Copies record `key` of `coll` from `src` into `dst` (same collection name).
fn copy(src: &Automerge, dst: &mut Automerge, coll: &str, key: &str, value_kind: &str) {
    let obj = match src.get(ROOT, coll).unwrap() {
        Some((_, o)) => o,
        None => return,
    };
    let mut tx = dst.transaction();
    let target = match tx.get(ROOT, coll).unwrap() {
        Some((_, o)) => o,
        None => tx.put_object(ROOT, coll, ObjType::Map).unwrap(),
    };
    macro_rules! mv {
        ($t:ty) => {{
            let v: $t = hydrate_prop(src, &obj, key).unwrap();
            reconcile_prop(&mut tx, &target, key, &v).unwrap();
        }};
    }
    match value_kind {
        "groups" => mv!(kopa_domain::Group),
        "sessions" => mv!(kopa_domain::Session),
        "volunteers" => mv!(kopa_domain::Volunteer),
        "trainings" => mv!(kopa_domain::Training),
        "events" => mv!(kopa_domain::Event),
        _ => {}
    }
    tx.commit();
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let opts = DemoOptions {
        today: kopa_domain::Date::from_ymd(2026, 11, 23),
        ..Default::default()
    };
    let t = Instant::now();
    let mut reg = demo::create(&dir.path().join("demo.kopa"), "x", &opts).unwrap();
    let built = t.elapsed();
    let docs = reg.export_docs().unwrap();
    let stored = kopa_registry::docs::stored_bytes(reg.connection()).unwrap();
    let records: usize = reg.connection().query_row(
        "SELECT (SELECT count(*) FROM p_families)+(SELECT count(*) FROM p_groups)+(SELECT count(*) FROM p_sessions)
               +(SELECT count(*) FROM p_volunteers)+(SELECT count(*) FROM p_trainings)+(SELECT count(*) FROM p_events)",
        [], |r| r.get::<_, i64>(0)).unwrap() as usize;

    // Chosen layout, with full history, as stored and as synced.
    let chosen_bytes: usize = docs.iter().map(|(_, d)| d.save().len()).sum();

    // Rebuild the same records fresh (no edit history) in three layouts.
    let mut per_record: Vec<Automerge> = vec![];
    let mut branch_doc = Automerge::new();
    let mut whole = Automerge::new();
    let mut family_docs: Vec<Automerge> = vec![];
    for (row, doc) in &docs {
        match row.id {
            kopa_registry::docs::DocId::Branch(_) => {
                for coll in ["groups", "sessions", "volunteers", "trainings", "events"] {
                    let Some((_, obj)) = doc.get(ROOT, coll).unwrap() else {
                        continue;
                    };
                    for key in doc.keys(&obj).collect::<Vec<_>>() {
                        let mut single = Automerge::new();
                        copy(doc, &mut single, coll, &key, coll);
                        per_record.push(single);
                        copy(doc, &mut branch_doc, coll, &key, coll);
                        copy(doc, &mut whole, coll, &key, coll);
                    }
                }
            }
            kopa_registry::docs::DocId::Family(f) => {
                let fam: kopa_domain::Family = hydrate_prop(doc, ROOT, "family").unwrap();
                let mut single = Automerge::new();
                let mut tx = single.transaction();
                reconcile_prop(&mut tx, ROOT, "family", &fam).unwrap();
                tx.commit();
                per_record.push(single.clone());
                family_docs.push(single);
                let mut tx = whole.transaction();
                let fams = match tx.get(ROOT, "families").unwrap() {
                    Some((_, o)) => o,
                    None => tx.put_object(ROOT, "families", ObjType::Map).unwrap(),
                };
                reconcile_prop(&mut tx, &fams, f.key().as_str(), &fam).unwrap();
                tx.commit();
            }
            kopa_registry::docs::DocId::Reference => {}
        }
    }
    let size = |ds: &[&Automerge]| -> usize { ds.iter().map(|d| d.save().len()).sum() };
    let per_record_bytes = size(&per_record.iter().collect::<Vec<_>>());
    let mut chosen_fresh: Vec<&Automerge> = family_docs.iter().collect();
    chosen_fresh.push(&branch_doc);
    let chosen_fresh_bytes = size(&chosen_fresh);
    let whole_bytes = whole.save().len();

    // Memory and time to load each layout (30 copies, as HQ would hold 30 branches).
    let measure = |blobs: Vec<Vec<u8>>| -> (f64, u64) {
        let before = rss_kib();
        let t = Instant::now();
        let mut held = vec![];
        for _ in 0..30 {
            for b in &blobs {
                held.push(Automerge::load(b).unwrap());
            }
        }
        let ms = t.elapsed().as_secs_f64() * 1000.0 / 30.0;
        let kib = rss_kib().saturating_sub(before) / 30;
        drop(held);
        (ms, kib)
    };
    // Smallest first: memory the allocator got back is reused by the next run.
    let (whole_ms, whole_kib) = measure(vec![whole.save()]);
    let (chosen_ms, chosen_kib) = measure(chosen_fresh.iter().map(|d| d.save()).collect());
    let (rec_ms, rec_kib) = measure(per_record.iter().map(|d| d.save()).collect());

    println!(
        "demo branch-year: {records} records, {} documents, built in {:.1} s",
        docs.len(),
        built.as_secs_f64()
    );
    println!("stored in replica (snapshots + chunks, with history): {stored} B; saved documents: {chosen_bytes} B");
    println!();
    println!("| layout (fresh, no history) | documents | bytes | × chosen | load ms | RSS KiB |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| one document per record | {} | {per_record_bytes} | {:.2} | {rec_ms:.1} | {rec_kib} |",
        per_record.len(),
        per_record_bytes as f64 / chosen_fresh_bytes as f64
    );
    println!("| branch activity + one per family (chosen) | {} | {chosen_fresh_bytes} | 1.00 | {chosen_ms:.1} | {chosen_kib} |", chosen_fresh.len());
    println!("| one document for the whole branch | 1 | {whole_bytes} | {:.2} | {whole_ms:.1} | {whole_kib} |", whole_bytes as f64 / chosen_fresh_bytes as f64);
}
