//! The places where bytes from outside reach Kopā, as functions of those bytes: a
//! sync file brought on a USB stick, a request body a (possibly compromised) branch
//! sends the hub, and a participant list to import. The fuzzers in `fuzz/` call them
//! with generated input, and `tests/regressions.rs` replays the committed corpus and
//! every input that ever crashed. Each must return an answer — accepted or a clear
//! refusal — and never panic; what it refuses must change nothing.

use kopa_domain::Role;
use kopa_registry::{DocMessage, Env, FamilyDraft, InitOptions, Registry, SyncPeer, SyncRequest};
use std::path::Path;

fn replica(dir: &Path, name: &str, role: Role) -> Registry {
    Registry::create(
        &dir.join(format!("{name}.kopa")),
        "fuzz",
        InitOptions {
            branch_name: name.into(),
            municipality: "Krāslava".into(),
            role,
            device_name: "fuzz".into(),
            user: "fuzz".into(),
        },
        Env::system(),
    )
    .expect("a replica in a temporary folder")
}

/// HQ's hub store with one registered branch, answering as the hub does.
pub struct HubTarget {
    _dir: tempfile::TempDir,
    hub: Registry,
    peer: SyncPeer,
    branch: String,
}

impl Default for HubTarget {
    fn default() -> Self {
        Self::new()
    }
}

impl HubTarget {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut hub = replica(dir.path(), "hub", Role::Hq);
        let branch = hub
            .register_branch("Krāslava", "Krāslava")
            .expect("register a branch")
            .key();
        HubTarget {
            _dir: dir,
            hub,
            peer: SyncPeer {
                state_key: "fuzz-credential".into(),
                peer: branch.clone(),
                role: Role::Branch,
            },
            branch,
        }
    }

    /// A request body as the hub receives it after the credential check. The first
    /// byte chooses the form: even, the rest is the whole request (CBOR, as inside
    /// the zstd of the wire); odd, the rest is one Automerge sync message about the
    /// branch's own document (what a compromised branch controls most directly).
    /// Returns whether the hub answered (rather than refused).
    pub fn message(&mut self, data: &[u8]) -> bool {
        let Some((&mode, rest)) = data.split_first() else {
            return false;
        };
        let request = if mode % 2 == 0 {
            match ciborium::from_reader::<SyncRequest, _>(rest) {
                Ok(r) => r,
                Err(_) => return false,
            }
        } else {
            SyncRequest {
                digest: String::new(),
                full: mode & 2 != 0,
                messages: vec![DocMessage {
                    doc: format!("branch:{}", self.branch),
                    owner: self.branch.clone(),
                    message: rest.to_vec(),
                }],
                ..Default::default()
            }
        };
        self.hub.serve_sync(self.peer.clone(), request).is_ok()
    }

    /// The same body through the wire format's own decoding (zstd, then CBOR).
    pub fn wire(&mut self, body: &[u8]) {
        if let Some(request) = kopa_net::unpack::<SyncRequest>(body) {
            let _ = self.hub.serve_sync(self.peer.clone(), request);
        }
    }

    pub fn heads(&mut self) -> Vec<(String, Vec<String>)> {
        self.hub.heads().expect("heads")
    }
}

/// An HQ replica that trusts one branch's sync files, and a valid file from it.
pub struct FileTarget {
    _dir: tempfile::TempDir,
    hq: Registry,
    valid: Vec<u8>,
}

impl Default for FileTarget {
    fn default() -> Self {
        Self::new()
    }
}

impl FileTarget {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut hq = replica(dir.path(), "hq", Role::Hq);
        let mut branch = replica(dir.path(), "branch", Role::Branch);
        let (hq_card, branch_card) = (
            hq.identity_card().expect("card"),
            branch.identity_card().expect("card"),
        );
        hq.add_peer(&branch_card).expect("peer");
        branch.add_peer(&hq_card).expect("peer");
        branch
            .add_family(&FamilyDraft {
                name: Some("Ozols".into()),
                municipality: Some("Krāslava".into()),
                ..Default::default()
            })
            .expect("a family");
        let (valid, _) = branch.export_sync_file("hq").expect("a sync file");
        FileTarget {
            _dir: dir,
            hq,
            valid,
        }
    }

    /// The first byte chooses the form: even, the rest is the file; odd, the rest
    /// damages a valid file from the trusted branch, three bytes at a time (two for
    /// a position, one to XOR there; XOR with 0 cuts the file at that position).
    /// Returns whether the file was accepted.
    pub fn import(&mut self, data: &[u8]) -> bool {
        let Some((&mode, rest)) = data.split_first() else {
            return false;
        };
        let file = if mode % 2 == 0 {
            rest.to_vec()
        } else {
            let mut file = self.valid.clone();
            for edit in rest.chunks_exact(3) {
                if file.is_empty() {
                    break;
                }
                let at = usize::from(u16::from_le_bytes([edit[0], edit[1]])) % file.len();
                if edit[2] == 0 {
                    file.truncate(at);
                } else {
                    file[at] ^= edit[2];
                }
            }
            file
        };
        self.hq.import_sync_file(&file).is_ok()
    }

    pub fn heads(&mut self) -> Vec<(String, Vec<String>)> {
        self.hq.heads().expect("heads")
    }
}

/// A branch replica importing participant lists (a dry run: the check is the
/// surface; writing what passes the check is the registry's ordinary path).
pub struct ListTarget {
    dir: tempfile::TempDir,
    branch: Registry,
}

impl Default for ListTarget {
    fn default() -> Self {
        Self::new()
    }
}

impl ListTarget {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let branch = replica(dir.path(), "branch", Role::Branch);
        ListTarget { dir, branch }
    }

    /// The first byte chooses CSV (even) or XLSX (odd); the rest is the file.
    pub fn import(&mut self, data: &[u8]) {
        let Some((&mode, rest)) = data.split_first() else {
            return;
        };
        let path = self.dir.path().join(if mode % 2 == 0 {
            "list.csv"
        } else {
            "list.xlsx"
        });
        if std::fs::write(&path, rest).is_err() {
            return;
        }
        let _ = kopa_import::import_families(
            &mut self.branch,
            &path,
            None,
            kopa_import::Options {
                dry_run: true,
                skip_bad_rows: false,
            },
        );
    }
}
