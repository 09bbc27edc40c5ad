//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/`) and every input that
//! ever crashed a fuzzer (`fuzz/regressions/<target>/`, each kept as a file) through
//! the same functions the fuzzers call: nothing may panic, and what is refused must
//! leave the store as it was.

use kopa_fuzz::{FileTarget, HubTarget, ListTarget};
use std::path::PathBuf;

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut all = vec![];
    for kind in ["corpus", "regressions"] {
        let Ok(dir) = std::fs::read_dir(root.join(kind).join(target)) else {
            continue;
        };
        for entry in dir {
            let path = entry.unwrap().path();
            if path.is_file() {
                let bytes = std::fs::read(&path).unwrap();
                all.push((path, bytes));
            }
        }
    }
    all.sort();
    all
}

#[test]
fn sync_files_from_the_corpus_are_answered_and_refusals_change_nothing() {
    let all = inputs("sync_file");
    assert!(all.len() >= 3, "the corpus is committed: {}", all.len());
    let mut t = FileTarget::new();
    let mut accepted = 0;
    for (path, bytes) in &all {
        let before = t.heads();
        if t.import(bytes) {
            accepted += 1;
        } else {
            assert_eq!(t.heads(), before, "{} changed the store", path.display());
        }
    }
    // The corpus holds an undamaged file from the trusted branch, too.
    assert!(accepted >= 1, "no input was accepted");
}

#[test]
fn hub_requests_from_the_corpus_are_answered_and_refusals_change_nothing() {
    let all = inputs("hub_message");
    assert!(all.len() >= 3, "the corpus is committed: {}", all.len());
    let mut t = HubTarget::new();
    for (path, bytes) in &all {
        let before = t.heads();
        if !t.message(bytes) {
            assert_eq!(t.heads(), before, "{} changed the hub", path.display());
        }
        t.wire(bytes);
    }
}

#[test]
fn participant_lists_from_the_corpus_are_answered() {
    let all = inputs("import_list");
    assert!(all.len() >= 2, "the corpus is committed: {}", all.len());
    let mut t = ListTarget::new();
    for (_, bytes) in &all {
        t.import(bytes);
    }
}
