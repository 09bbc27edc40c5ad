//! Writes the fuzzers' starting corpus into `fuzz/corpus/`: real request bodies,
//! sync files and participant lists, so the fuzzers start from valid input.
//!
//! `cargo run -p kopa-fuzz --example seeds`

use automerge::sync::SyncDoc;
use automerge::transaction::Transactable;
use kopa_registry::{DocMessage, SyncRequest};
use std::path::{Path, PathBuf};

fn put(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");

    // Hub requests: a real Automerge sync message, alone and inside a request.
    let mut doc = automerge::Automerge::new();
    let mut tx = doc.transaction();
    let families = tx
        .put_object(automerge::ROOT, "families", automerge::ObjType::Map)
        .unwrap();
    tx.put(&families, "name", "Ozols").unwrap();
    tx.commit();
    let message = doc
        .generate_sync_message(&mut automerge::sync::State::new())
        .unwrap()
        .encode();
    let hub = root.join("hub_message");
    put(&hub, "message", &[[1u8].as_slice(), &message].concat());
    put(&hub, "message-full", &[[3u8].as_slice(), &message].concat());
    let request = SyncRequest {
        digest: "0".repeat(64),
        full: false,
        messages: vec![DocMessage {
            doc: "branch:0190a1b2-0000-7000-8000-000000000000".into(),
            owner: "0190a1b2-0000-7000-8000-000000000000".into(),
            message,
        }],
        ..Default::default()
    };
    let mut cbor = vec![0u8];
    ciborium::into_writer(&request, &mut cbor).unwrap();
    put(&hub, "request", &cbor);
    let mut empty = vec![0u8];
    ciborium::into_writer(&SyncRequest::default(), &mut empty).unwrap();
    put(&hub, "request-empty", &empty);

    // Sync files: the target's own valid file (mode 1 with no damage), damaged at
    // a few places, cut short, and bytes that are not a sync file at all.
    let files = root.join("sync_file");
    put(&files, "valid", &[1]);
    put(&files, "flip-header", &[1, 10, 0, 0x20]);
    put(
        &files,
        "flip-body",
        &[1, 0x00, 0x01, 0x01, 0x90, 0x01, 0x80],
    );
    put(&files, "truncated", &[1, 0x40, 0x00, 0x00]);
    put(&files, "not-age", &[0, b'n', b'o', b't']);

    // Participant lists: a CSV with Latvian headers and a bad row, and an XLSX.
    let lists = root.join("import_list");
    let csv = "Ģimene;Vārds;Uzvārds;Dzimšanas gads;Dzimums;Loma;Pašvaldība\n\
               1;Anna;Ozola;1988;f;parent;Krāslava\n\
               1;Jānis;Ozols;2016;m;child;Krāslava\n\
               2;Сергей;Иванов;1960;m;grandparent;Dagda\n\
               3;Līga;Liepa;2090;x;parent;Atlantīda\n";
    put(
        &lists,
        "latvian.csv",
        &[b"\0".as_slice(), csv.as_bytes()].concat(),
    );
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in [
        "Семья",
        "Имя",
        "Фамилия",
        "Год рождения",
        "Пол",
        "Роль",
        "Самоуправление",
    ]
    .iter()
    .enumerate()
    {
        ws.write(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["1", "Мария", "Иванова", "2015", "f", "child", "Krāslava"]
        .iter()
        .enumerate()
    {
        ws.write(1, c as u16, *v).unwrap();
    }
    let xlsx = wb.save_to_buffer().unwrap();
    put(&lists, "russian.xlsx", &[[1u8].as_slice(), &xlsx].concat());
    eprintln!("corpus written to {}", root.display());
}
