//! Chaos property test of sync. A hub (an HQ replica, device `hub`), two HQ desktops
//! and three branches with 1, 2 and 3 laptops, all joined from the hub's starter
//! documents, take random writes on random replicas and random deliveries: network
//! syncs with the hub (some cut off after k rounds), sync files left in a mailbox and
//! delivered to any replica of their destination, duplicated, out of order, late, or
//! truncated. At quiescence (every file delivered, then network syncs until nothing
//! changes) it checks that:
//!
//! 1. replicas of a branch hold the same documents with the same heads, HQ's replicas
//!    and the hub the same heads for every document, and a branch the hub's heads for
//!    what it may see (its own documents and `reference`);
//! 2. every projection equals its rebuild, and replicas of a group dump the same one;
//! 3. every acknowledged write (a call that returned `Ok`) is there on every replica
//!    that may see it, unless its household (or person) was erased: a field value is
//!    shown, or one candidate of a listed conflict, or superseded by a later write
//!    made by a replica that already held it (checked by change hash);
//! 4. no conflict disappeared without a write that settles it: a conflict ever listed
//!    is still listed at the end with the candidates no later write superseded.
//!
//! Operations shrink (`Vec<Op>`), and the seed is fixed, so a failure reproduces.
//!
//! CI scale: `cargo test -p kopa-registry --test chaos` (8 cases of up to 120
//! operations, seed 2026; shrinking a failure stops after 20 s, so the case printed
//! may not be minimal).
//!
//! A long run, with the counts of each case:
//! `KOPA_CHAOS_CASES=200 KOPA_CHAOS_OPS=200 KOPA_CHAOS_SEED=7 KOPA_CHAOS_SHRINK_SECS=600
//! cargo test -p kopa-registry --test chaos -- --nocapture`. Also `KOPA_CHAOS_SHRINK`
//! (shrink iterations, default 1024) and `KOPA_CHAOS_SKIP` (operation kinds to leave
//! out, e.g. `ErasePerson,Resolve,Export`, to look past a known failure for the next).

use automerge::{Automerge, ChangeHash};
use kopa_domain::{Role, Timestamp};
use kopa_registry::projection;
use kopa_registry::*;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::str::FromStr;

const PASS: &str = "pass";
const T0: i64 = 1_795_424_400_000;

/// The replicas: the hub, two HQ desktops, then laptops of three branches.
const DEVICES: [&str; 9] = ["hub", "hq1", "hq2", "a1", "b1", "b2", "c1", "c2", "c3"];
/// Each replica's group: 0 is HQ (the hub included), 1..=3 the branches.
const GROUP: [usize; 9] = [0, 0, 0, 1, 2, 2, 3, 3, 3];
const BRANCHES: [&str; 3] = ["Krāslava", "Preiļi", "Daugavpils"];
const HUB: usize = 0;
const N: usize = DEVICES.len();
/// Network passes at quiescence before giving up on it settling.
const MAX_PASSES: usize = 6;

const FAMILY_NAMES: &[&str] = &[
    "Bērziņi",
    "Иванов",
    "Ozoliņi",
    "Петрова",
    "Kalniņi",
    "Кузнецовы",
    "Zvaigznītes",
    "Šmiti",
];
const GIVEN: &[(&str, &str)] = &[
    ("Anna", "f"),
    ("Сергей", "m"),
    ("Jānis", "m"),
    ("Ольга", "f"),
    ("Līga", "f"),
    ("Пётр", "m"),
];
const DAY: &str = "2026-11-20";

#[derive(Clone, Debug)]
enum Op {
    AddFamily {
        r: usize,
        name: u8,
        members: u8,
    },
    EditContact {
        r: usize,
        family: u8,
    },
    /// The same field of the same family on two replicas, with no sync between.
    SameContact {
        r: usize,
        other: u8,
        family: u8,
    },
    AddNote {
        r: usize,
        family: u8,
    },
    EditBirthYear {
        r: usize,
        person: u8,
    },
    /// On a branch laptop: a session of a group (made first if there is none).
    RecordSession {
        r: usize,
        group: u8,
        person: u8,
    },
    /// Attendance marked on one session from two laptops of a branch.
    MarkFromTwo {
        r: usize,
        other: u8,
        session: u8,
        person: u8,
    },
    /// Settles a listed conflict with the value shown (candidate 1) or a hidden one.
    Resolve {
        r: usize,
        conflict: u8,
        hidden: bool,
    },
    EraseFamily {
        r: usize,
        family: u8,
    },
    ErasePerson {
        r: usize,
        person: u8,
    },
    Sync {
        r: usize,
    },
    /// The transport fails after `after` rounds; the hub may have served the last one.
    CutSync {
        r: usize,
        after: u8,
        answer_lost: bool,
    },
    Export {
        r: usize,
        to: u8,
    },
    /// A mailbox file (any index: duplicates, out of order, late) to any replica of
    /// its destination.
    Deliver {
        file: u8,
        to: u8,
    },
    Truncated {
        file: u8,
        to: u8,
        keep: u8,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let w = 1..N;
    prop_oneof![
        3 => (w.clone(), any::<u8>(), 1u8..4)
            .prop_map(|(r, name, members)| Op::AddFamily { r, name, members }),
        2 => (w.clone(), any::<u8>()).prop_map(|(r, family)| Op::EditContact { r, family }),
        4 => (w.clone(), any::<u8>(), any::<u8>())
            .prop_map(|(r, other, family)| Op::SameContact { r, other, family }),
        2 => (w.clone(), any::<u8>()).prop_map(|(r, family)| Op::AddNote { r, family }),
        2 => (w.clone(), any::<u8>()).prop_map(|(r, person)| Op::EditBirthYear { r, person }),
        1 => (w.clone(), any::<u8>(), any::<u8>())
            .prop_map(|(r, group, person)| Op::RecordSession { r, group, person }),
        1 => (w.clone(), any::<u8>(), any::<u8>(), any::<u8>()).prop_map(
            |(r, other, session, person)| Op::MarkFromTwo { r, other, session, person }
        ),
        3 => (w.clone(), any::<u8>(), any::<bool>())
            .prop_map(|(r, conflict, hidden)| Op::Resolve { r, conflict, hidden }),
        1 => (w.clone(), any::<u8>()).prop_map(|(r, family)| Op::EraseFamily { r, family }),
        1 => (w.clone(), any::<u8>()).prop_map(|(r, person)| Op::ErasePerson { r, person }),
        4 => w.clone().prop_map(|r| Op::Sync { r }),
        1 => (w.clone(), 0u8..3, any::<bool>())
            .prop_map(|(r, after, answer_lost)| Op::CutSync { r, after, answer_lost }),
        4 => (w.clone(), any::<u8>()).prop_map(|(r, to)| Op::Export { r, to }),
        4 => (any::<u8>(), any::<u8>()).prop_map(|(file, to)| Op::Deliver { file, to }),
        1 => (any::<u8>(), any::<u8>(), 0u8..100)
            .prop_map(|(file, to, keep)| Op::Truncated { file, to, keep }),
    ]
}

fn env_or(key: &str, default: u64) -> u64 {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: env_or("KOPA_CHAOS_CASES", 8) as u32,
        rng_seed: RngSeed::Fixed(env_or("KOPA_CHAOS_SEED", 2026)),
        max_shrink_iters: env_or("KOPA_CHAOS_SHRINK", 1024) as u32,
        max_shrink_time: 1000 * env_or("KOPA_CHAOS_SHRINK_SECS", 20) as u32,
        // The seed is fixed: a failure is found again by running again.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Operation kinds left out (`KOPA_CHAOS_SKIP=ErasePerson,Resolve`), to look past a
/// known failure for the next one.
fn skipped_kinds() -> Vec<String> {
    std::env::var("KOPA_CHAOS_SKIP")
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn max_ops() -> usize {
    env_or("KOPA_CHAOS_OPS", 120) as usize
}

// ----- the replicas ------------------------------------------------------------------

/// A new device of a group, made from what an invite carries.
fn join(
    hub: &mut Registry,
    dir: &Path,
    device: &str,
    branch_id: &str,
    hq: bool,
    env: Env,
) -> Registry {
    let role = if hq { Role::Hq } else { Role::Branch };
    let (_, bname, municipality) = hub.find_branch(branch_id).unwrap().unwrap();
    let who = JoinIdentity {
        branch_id: branch_id.to_string(),
        branch_name: bname,
        municipality,
        role: role.as_str().into(),
    };
    let docs = hub.starter_docs(branch_id).unwrap();
    Registry::create_joined(
        &dir.join(format!("{device}.kopa")),
        PASS,
        &who,
        docs,
        device,
        device,
        env,
    )
    .unwrap()
}

/// Whether replica `i` trusts replica `j`'s identity card: a replica trusts the
/// other devices of its own branch, every HQ replica and the hub; HQ trusts everyone.
fn trusts(i: usize, j: usize) -> bool {
    i != j && (GROUP[i] == 0 || GROUP[j] == 0 || GROUP[i] == GROUP[j])
}

/// Exchanges identity cards by hand. Kept in one place so that the automatic
/// exchange through the hub can replace it.
fn exchange_cards(regs: &mut [Registry]) {
    let cards: Vec<IdentityCard> = regs.iter().map(|r| r.identity_card().unwrap()).collect();
    for (i, reg) in regs.iter_mut().enumerate() {
        for (j, card) in cards.iter().enumerate() {
            if trusts(i, j) {
                reg.add_peer(card).unwrap();
            }
        }
    }
}

fn peer_of(r: &Registry) -> SyncPeer {
    let id = r.identity();
    let hq = id.role == "hq";
    SyncPeer {
        state_key: id.device_name,
        peer: if hq { "hq".into() } else { id.branch_id },
        role: if hq { Role::Hq } else { Role::Branch },
    }
}

/// Syncs replica `r` with the hub over a function-call transport that carries JSON.
/// With `cut = Some((k, answer_lost))` the transport fails after k rounds: the next
/// request is lost, or its answer is (the hub served it).
fn net_sync(regs: &mut [Registry], r: usize, cut: Option<(u32, bool)>) -> Result<SyncSummary> {
    let (hub, rest) = regs.split_first_mut().unwrap();
    let reg = &mut rest[r - 1];
    let peer = peer_of(reg);
    let mut round = 0;
    reg.sync_with(
        SyncPeer::hub(),
        |req| {
            round += 1;
            let cut_here = matches!(cut, Some((k, _)) if round > k);
            if cut_here && matches!(cut, Some((_, false))) {
                return Err(Error::Io(std::io::Error::other("request lost")));
            }
            let wire = serde_json::to_vec(req).unwrap();
            let resp = hub.serve_sync(peer.clone(), serde_json::from_slice(&wire).unwrap())?;
            if cut_here {
                return Err(Error::Io(std::io::Error::other("answer lost")));
            }
            let wire = serde_json::to_vec(&resp).unwrap();
            Ok(serde_json::from_slice(&wire).unwrap())
        },
        |_| {},
    )
}

type Listing = Vec<(String, Vec<String>)>;

fn state(r: &mut Registry) -> (Listing, Listing) {
    (r.heads().unwrap(), r.projection_dump().unwrap())
}

fn nth<T: Clone>(list: &[T], i: u8) -> Option<T> {
    (!list.is_empty()).then(|| list[usize::from(i) % list.len()].clone())
}

fn household(r: &Registry, family: &str) -> String {
    projection::household(r.connection(), family).unwrap()
}

/// The live family documents of each household on `r`.
fn households(r: &Registry) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in r.list_families().unwrap() {
        out.entry(household(r, &f.id)).or_default().push(f.id);
    }
    out
}

/// Every person shown on `r`, with its family document.
fn persons(r: &Registry) -> Vec<(String, String)> {
    let mut out = vec![];
    for f in r.list_families().unwrap() {
        for p in r.family(f.id.parse().unwrap()).unwrap().persons {
            out.push((p.id, f.id.clone()));
        }
    }
    out
}

/// Whether the changes of a family document name a household erased on `r`.
fn household_erased(r: &Registry, changes: &[automerge::Change]) -> bool {
    use automerge::ReadDoc;
    let mut doc = Automerge::new();
    if doc.apply_changes(changes.iter().cloned()).is_err() {
        return false;
    }
    let household = doc
        .get(automerge::ROOT, "family")
        .ok()
        .flatten()
        .and_then(|(_, fam)| doc.get(&fam, "household").ok().flatten())
        .and_then(|(v, _)| v.into_string().ok());
    household.is_some_and(|h| {
        r.connection()
            .query_row(
                "SELECT EXISTS(SELECT 1 FROM p_erased WHERE family_id = ?1)",
                [&h],
                |row| row.get(0),
            )
            .unwrap()
    })
}

/// A head of a family document right after a local write to it: an edit leaves one;
/// a person erasure's new document may have several (each pending conflict's values
/// are written as concurrent changes), all stored together, so any one tells whether a
/// replica holds the write.
fn head_of(r: &mut Registry, family: &str) -> ChangeHash {
    let id = format!("family:{family}");
    let heads = r.heads().unwrap();
    let (_, h) = heads.iter().find(|(d, _)| *d == id).expect("document held");
    ChangeHash::from_str(h.iter().max().expect("a written document has a head")).unwrap()
}

fn docs_of(r: &mut Registry) -> BTreeMap<String, Automerge> {
    r.export_docs()
        .unwrap()
        .into_iter()
        .map(|(row, d)| (row.id.to_string(), d))
        .collect()
}

fn value_str(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn birth_field(person: &str) -> String {
    format!("members.{person}.birth_year")
}

/// The value a conflicted family field shows (the record's own field).
fn shown_value(r: &Registry, c: &kopa_registry::views::ConflictView) -> Option<String> {
    if c.record_kind != "family" {
        return None;
    }
    if c.field == "contact" {
        return r.family(c.record_id.parse().ok()?).ok()?.contact;
    }
    let p = c
        .field
        .strip_prefix("members.")?
        .strip_suffix(".birth_year")?;
    Some(r.person(p.parse().ok()?).ok()?.birth_year?.to_string())
}

/// Whether a write call was refused for a reason the chaos makes legitimate (its
/// target went away here in the meantime); anything else fails the test.
fn skipped<T>(what: &str, r: Result<T>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(Error::NotFound { .. }) => None,
        Err(e) => panic!("{what}: {e:?}"),
    }
}

// ----- the model of acknowledged writes ---------------------------------------------

/// A field value written by a call that returned `Ok`: an edit, a resolution, or the
/// values a household carried to its new document when a member was erased.
#[derive(Debug)]
struct FieldWrite {
    household: String,
    field: String,
    value: String,
    doc: String,
    hash: ChangeHash,
    /// Earlier writes of the same household the writing replica held: this one
    /// causally follows them.
    knew: BTreeSet<usize>,
    what: String,
}

#[derive(Debug)]
struct NoteWrite {
    household: String,
    doc: String,
    text: String,
    hash: ChangeHash,
    what: String,
}

#[derive(Default)]
struct Model {
    /// Household → the group that owns it.
    owner: BTreeMap<String, usize>,
    /// Household → every person it had.
    members: BTreeMap<String, BTreeSet<String>>,
    erased_households: BTreeSet<String>,
    erased_persons: BTreeSet<String>,
    /// Writes a new household document carried over (by the erasure that made it).
    carried: BTreeMap<String, BTreeSet<usize>>,
    writes: Vec<FieldWrite>,
    notes: Vec<NoteWrite>,
    /// (group, group id), (group, session id), (group, session, person).
    groups: Vec<(usize, String)>,
    sessions: Vec<(usize, String)>,
    marks: Vec<(usize, String, String)>,
    /// (household, field, candidate values) → where it was first listed.
    conflicts: BTreeMap<(String, String, Vec<String>), String>,
    years: BTreeMap<String, BTreeSet<i64>>,
    counter: u64,
}

impl Model {
    fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    fn household_erased(&self, h: &str) -> bool {
        self.erased_households.contains(h)
            || self
                .members
                .get(h)
                .is_some_and(|m| !m.is_empty() && m.is_subset(&self.erased_persons))
    }

    /// Whether a field's record is gone by an acknowledged erasure.
    fn field_erased(&self, h: &str, field: &str) -> bool {
        self.household_erased(h)
            || self
                .erased_persons
                .iter()
                .any(|p| field.starts_with(&format!("members.{p}.")))
    }

    fn may_see(&self, r: usize, h: &str) -> bool {
        GROUP[r] == 0 || self.owner.get(h) == Some(&GROUP[r])
    }

    fn superseded(&self, i: usize) -> bool {
        let w = &self.writes[i];
        let by_knowing = |i: usize| {
            self.writes
                .iter()
                .any(|o| o.household == w.household && o.field == w.field && o.knew.contains(&i))
        };
        // A person erasure copies the values it held into the new document: a write
        // that knew the original write of a copied value supersedes the copy too (its
        // edit, carried over, settles on its value).
        by_knowing(i)
            || (w.what.starts_with("person erasure")
                && w.knew.iter().any(|&j| {
                    let orig = &self.writes[j];
                    j != i && orig.field == w.field && orig.value == w.value && by_knowing(j)
                }))
    }

    /// The writes of household `h` replica `r` holds: their change is in its copy of
    /// their document, or a document it holds carried them over.
    fn knowledge(&self, r: &mut Registry, h: &str) -> BTreeSet<usize> {
        let docs = docs_of(r);
        let live = households(r).remove(h).unwrap_or_default();
        let carried: BTreeSet<usize> = live
            .iter()
            .filter_map(|d| self.carried.get(d))
            .flatten()
            .copied()
            .collect();
        // A document made by an erasure the model did not see (two devices erasing
        // members of one household at once): assume it carried what is gone here.
        let unseen = live.iter().any(|d| {
            !self.carried.contains_key(d) && !self.writes.iter().any(|w| w.doc == *d) && *d != h
        });
        // Edits made elsewhere to a replaced document, carried onto a live one (a
        // carried change's actor names the original change).
        let copies: BTreeSet<ChangeHash> = live
            .iter()
            .filter_map(|d| docs.get(&format!("family:{d}")))
            .flat_map(|doc| {
                doc.get_changes_meta(&[])
                    .into_iter()
                    .filter_map(|c| {
                        c.actor
                            .to_bytes()
                            .strip_prefix(b"kopa-carry:".as_slice())
                            .and_then(|h| ChangeHash::try_from(h).ok())
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut out = BTreeSet::new();
        for (i, w) in self.writes.iter().enumerate() {
            if w.household != h {
                continue;
            }
            let known = match docs.get(&format!("family:{}", w.doc)) {
                Some(d) => d.get_change_meta_by_hash(&w.hash).is_some(),
                None => {
                    carried.contains(&i)
                        || copies.contains(&w.hash)
                        || (unseen && projection::is_gone(r.connection(), &w.doc).unwrap())
                }
            };
            if known {
                out.insert(i);
            }
        }
        out
    }
}

#[derive(Debug, Default)]
struct Counts {
    ops: usize,
    writes_ok: usize,
    writes_skipped: usize,
    syncs: usize,
    cut_syncs: usize,
    cut_syncs_finished_first: usize,
    exports: usize,
    delivered: usize,
    duplicates: usize,
    out_of_order: usize,
    truncated_refused: usize,
    resolves_shown: usize,
    resolves_hidden: usize,
    conflicts_seen: usize,
    final_files: usize,
    final_passes: usize,
    /// Imports that left changes waiting for earlier ones (kept, reported).
    waiting: usize,
}

struct Mail {
    from: usize,
    group: usize,
    bytes: Vec<u8>,
}

struct World {
    _dir: tempfile::TempDir,
    clock: ManualClock,
    regs: Vec<Registry>,
    /// Group → branch id (0: HQ's own branch).
    branch_ids: Vec<String>,
    mailbox: Vec<Mail>,
    /// Replica → the highest mailbox index it imported.
    latest: BTreeMap<usize, usize>,
    model: Model,
    counts: Counts,
    step: usize,
    skip: Vec<String>,
}

type Check = std::result::Result<(), String>;

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::new(Timestamp(T0));
        let env = |seed: u64| Env::manual(clock.clone(), seed);
        let mut hub = Registry::create(
            &dir.path().join("hub.kopa"),
            PASS,
            InitOptions {
                branch_name: "Latvijas Sarkanais Krusts".into(),
                municipality: "Rīga".into(),
                role: Role::Hq,
                device_name: "hub".into(),
                user: "hub".into(),
            },
            env(1),
        )
        .unwrap();
        let mut branch_ids = vec![hub.identity().branch_id];
        for b in BRANCHES {
            branch_ids.push(hub.register_branch(b, b).unwrap().key());
        }
        let mut regs = vec![];
        for i in 1..N {
            let g = GROUP[i];
            let reg = join(
                &mut hub,
                dir.path(),
                DEVICES[i],
                &branch_ids[g],
                g == 0,
                env(i as u64 + 1),
            );
            regs.push(reg);
        }
        regs.insert(HUB, hub);
        exchange_cards(&mut regs);
        World {
            _dir: dir,
            clock,
            regs,
            branch_ids,
            mailbox: vec![],
            latest: BTreeMap::new(),
            model: Model::default(),
            counts: Counts::default(),
            step: 0,
            skip: skipped_kinds(),
        }
    }

    fn what(&self, r: usize, action: &str) -> String {
        format!("{action} on {} at op {}", DEVICES[r], self.step)
    }

    /// `r`, or the next replica (the hub left out) that holds a family.
    fn holder(&self, r: usize) -> usize {
        (0..N - 1)
            .map(|i| 1 + (r - 1 + i) % (N - 1))
            .find(|&j| !self.regs[j].list_families().unwrap().is_empty())
            .unwrap_or(r)
    }

    fn family_on(&self, r: usize, i: u8) -> Option<String> {
        nth(&self.regs[r].list_families().unwrap(), i).map(|f| f.id)
    }

    #[allow(clippy::too_many_arguments)]
    fn record_write(
        &mut self,
        r: usize,
        h: &str,
        field: String,
        value: String,
        doc: &str,
        knew: BTreeSet<usize>,
        action: &str,
    ) {
        let hash = head_of(&mut self.regs[r], doc);
        let what = self.what(r, action);
        self.model.writes.push(FieldWrite {
            household: h.to_string(),
            field,
            value,
            doc: doc.to_string(),
            hash,
            knew,
            what,
        });
    }

    fn edit_contact(&mut self, r: usize, fid: &str) {
        let h = household(&self.regs[r], fid);
        let knew = self.model.knowledge(&mut self.regs[r], &h);
        let value = format!("+371 2{:07}", self.model.next());
        let draft = FamilyDraft {
            contact: Some(value.clone()),
            ..Default::default()
        };
        let done = self.regs[r].edit_family(fid.parse().unwrap(), &draft);
        if skipped("edit contact", done) == Some(true) {
            self.counts.writes_ok += 1;
            self.record_write(r, &h, "contact".into(), value, fid, knew, "contact edit");
        } else {
            self.counts.writes_skipped += 1;
        }
    }

    /// A laptop of the branch (the hub and HQ desktops map onto one).
    fn laptop(r: usize) -> usize {
        if GROUP[r] == 0 {
            3 + r % 6
        } else {
            r
        }
    }

    fn apply(&mut self, op: &Op) -> Check {
        let kind = format!("{op:?}");
        if self.skip.iter().any(|k| kind.starts_with(&format!("{k} "))) {
            return Ok(());
        }
        self.step += 1;
        self.counts.ops += 1;
        self.clock.advance_ms(1_000);
        match op.clone() {
            Op::AddFamily { r, name, members } => {
                let fname = FAMILY_NAMES[usize::from(name) % FAMILY_NAMES.len()];
                let mut drafts = vec![];
                for i in 0..usize::from(members) {
                    let (given, gender) = GIVEN[(usize::from(name) + i) % GIVEN.len()];
                    let year = 1950 + (self.model.next() % 60);
                    let role = if i == 0 { "parent" } else { "child" };
                    let spec = format!("{given};{fname};{year};{gender};{role}");
                    drafts.push(MemberDraft::parse_spec("m", &spec).unwrap());
                }
                let fid = self.regs[r]
                    .add_family(&FamilyDraft {
                        name: Some(fname.into()),
                        municipality: Some("Krāslava".into()),
                        members: drafts,
                        ..Default::default()
                    })
                    .unwrap()
                    .key();
                self.counts.writes_ok += 1;
                self.model.owner.insert(fid.clone(), GROUP[r]);
                let detail = self.regs[r].family(fid.parse().unwrap()).unwrap();
                for p in detail.persons {
                    self.model
                        .members
                        .entry(fid.clone())
                        .or_default()
                        .insert(p.id.clone());
                    let year = p.birth_year.unwrap();
                    self.model
                        .years
                        .entry(p.id.clone())
                        .or_default()
                        .insert(year);
                    self.record_write(
                        r,
                        &fid,
                        birth_field(&p.id),
                        year.to_string(),
                        &fid,
                        BTreeSet::new(),
                        "family add",
                    );
                }
            }
            Op::EditContact { r, family } => {
                let r = self.holder(r);
                if let Some(fid) = self.family_on(r, family) {
                    self.edit_contact(r, &fid);
                }
            }
            Op::SameContact { r, other, family } => {
                let r = self.holder(r);
                // Both replicas first hear from the hub (so the second one holds the
                // family), then edit the contact with no sync between: a conflict.
                net_sync(&mut self.regs, r, None)
                    .map_err(|e| format!("{}: {e:?}", self.what(r, "network sync")))?;
                if let Some(fid) = self.family_on(r, family) {
                    let h = household(&self.regs[r], &fid);
                    let others: Vec<usize> = (1..N)
                        .filter(|&j| j != r && self.model.may_see(j, &h))
                        .collect();
                    let j = nth(&others, other);
                    if let Some(j) = j {
                        net_sync(&mut self.regs, j, None)
                            .map_err(|e| format!("{}: {e:?}", self.what(j, "network sync")))?;
                    }
                    self.edit_contact(r, &fid);
                    let key: kopa_domain::FamilyId = fid.parse().unwrap();
                    if let Some(j) = j.filter(|&j| self.regs[j].family(key).is_ok()) {
                        self.edit_contact(j, &fid);
                    }
                }
            }
            Op::AddNote { r, family } => {
                let r = self.holder(r);
                if let Some(fid) = self.family_on(r, family) {
                    let h = household(&self.regs[r], &fid);
                    let n = self.model.next();
                    let text = format!("Piezīme {n}: ģimene lūdz palīdzību, семья просит помощи");
                    match skipped(
                        "add note",
                        self.regs[r].add_note(fid.parse().unwrap(), "", &text),
                    ) {
                        Some(_) => {
                            self.counts.writes_ok += 1;
                            let hash = head_of(&mut self.regs[r], &fid);
                            let what = self.what(r, "note");
                            self.model.notes.push(NoteWrite {
                                household: h,
                                doc: fid,
                                text,
                                hash,
                                what,
                            });
                        }
                        None => self.counts.writes_skipped += 1,
                    }
                }
            }
            Op::EditBirthYear { r, person } => {
                let r = self.holder(r);
                if let Some((pid, fid)) = nth(&persons(&self.regs[r]), person) {
                    let used = self.model.years.entry(pid.clone()).or_default();
                    let Some(year) =
                        (1940..2020).find(|y| !used.contains(y) && y % 7 == (person % 7) as i64)
                    else {
                        return Ok(());
                    };
                    used.insert(year);
                    let h = household(&self.regs[r], &fid);
                    let knew = self.model.knowledge(&mut self.regs[r], &h);
                    let draft = MemberDraft {
                        birth_year: year.to_string(),
                        ..Default::default()
                    };
                    let done = self.regs[r].edit_person(pid.parse().unwrap(), &draft);
                    if skipped("edit birth year", done) == Some(true) {
                        self.counts.writes_ok += 1;
                        self.record_write(
                            r,
                            &h,
                            birth_field(&pid),
                            year.to_string(),
                            &fid,
                            knew,
                            "birth year edit",
                        );
                    } else {
                        self.counts.writes_skipped += 1;
                    }
                }
            }
            Op::RecordSession { r, group, person } => {
                let r = Self::laptop(r);
                let g = GROUP[r];
                let gid = match nth(&self.regs[r].list_groups().unwrap(), group) {
                    Some(gr) => gr.id,
                    None => {
                        let n = self.model.next();
                        let id = self.regs[r]
                            .add_group(&GroupDraft {
                                name: format!("Ģimeņu grupa {n}"),
                                activity: "family-support".into(),
                                ..Default::default()
                            })
                            .unwrap()
                            .key();
                        self.model.groups.push((g, id.clone()));
                        id
                    }
                };
                let attended: Vec<String> = nth(&persons(&self.regs[r]), person)
                    .map(|(p, _)| p)
                    .into_iter()
                    .collect();
                let draft = SessionDraft {
                    group: gid,
                    date: DAY.into(),
                    attended: attended.clone(),
                    ..Default::default()
                };
                match skipped("record session", self.regs[r].record_session(&draft)) {
                    Some(sid) => {
                        self.counts.writes_ok += 1;
                        let sid = sid.key();
                        self.model.sessions.push((g, sid.clone()));
                        for p in attended {
                            self.model.marks.push((g, sid.clone(), p));
                        }
                    }
                    None => self.counts.writes_skipped += 1,
                }
            }
            Op::MarkFromTwo {
                r,
                other,
                session,
                person,
            } => {
                let r = Self::laptop(r);
                let g = GROUP[r];
                let day = kopa_domain::Date::from_ymd(2026, 11, 20).unwrap();
                let Some(s) = nth(&self.regs[r].list_sessions(day, day).unwrap(), session) else {
                    return Ok(());
                };
                let mates: Vec<usize> = (1..N).filter(|&j| j != r && GROUP[j] == g).collect();
                let mut markers = vec![(r, person)];
                if let Some(j) = nth(&mates, other) {
                    markers.push((j, person.wrapping_add(1)));
                }
                for (m, p) in markers {
                    let Some((pid, _)) = nth(&persons(&self.regs[m]), p) else {
                        continue;
                    };
                    let done = self.regs[m].mark_attendance(
                        s.id.parse().unwrap(),
                        std::slice::from_ref(&pid),
                        true,
                    );
                    match skipped("mark attendance", done) {
                        Some(_) => {
                            self.counts.writes_ok += 1;
                            self.model.marks.push((g, s.id.clone(), pid));
                        }
                        None => self.counts.writes_skipped += 1,
                    }
                }
            }
            Op::Resolve {
                r,
                conflict,
                hidden,
            } => {
                // On `r`, or the next replica that lists a conflict.
                let Some((r, c)) = (0..N - 1).map(|i| 1 + (r - 1 + i) % (N - 1)).find_map(|j| {
                    nth(&self.regs[j].conflicts().unwrap(), conflict).map(|c| (j, c))
                }) else {
                    return Ok(());
                };
                // The value shown for the field (Automerge's winner, which need not
                // be candidate 1), or one of the hidden ones.
                let shown = shown_value(&self.regs[r], &c);
                let shown_at = c
                    .candidates
                    .iter()
                    .position(|x| Some(value_str(&x.value)) == shown)
                    .unwrap_or(0);
                let hidden_ones: Vec<usize> =
                    (0..c.candidates.len()).filter(|&i| i != shown_at).collect();
                let pick = 1 + match nth(&hidden_ones, conflict) {
                    Some(i) if hidden => i,
                    _ => shown_at,
                };
                let family = c.record_kind == "family";
                let h = if family {
                    household(&self.regs[r], &c.record_id)
                } else {
                    c.record_id.clone()
                };
                let knew = if family {
                    self.model.knowledge(&mut self.regs[r], &h)
                } else {
                    BTreeSet::new()
                };
                self.regs[r].resolve_conflict(&c.id, pick).unwrap();
                if pick == shown_at + 1 {
                    self.counts.resolves_shown += 1;
                } else {
                    self.counts.resolves_hidden += 1;
                }
                self.counts.writes_ok += 1;
                if family {
                    let value = value_str(&c.candidates[pick - 1].value);
                    let action = format!("resolve {} with candidate {pick}", c.id);
                    self.record_write(r, &h, c.field.clone(), value, &c.record_id, knew, &action);
                }
                if self.regs[r]
                    .conflicts()
                    .unwrap()
                    .iter()
                    .any(|x| x.id == c.id)
                {
                    return Err(format!(
                        "{}: returned Ok, but the conflict is still listed there",
                        self.what(r, &format!("resolve {} with candidate {pick}", c.id))
                    ));
                }
            }
            Op::EraseFamily { r, family } => {
                let r = self.holder(r);
                if let Some(fid) = self.family_on(r, family) {
                    let h = household(&self.regs[r], &fid);
                    match skipped(
                        "erase family",
                        self.regs[r].erase_family(fid.parse().unwrap()),
                    ) {
                        Some(()) => {
                            self.counts.writes_ok += 1;
                            self.model.erased_households.insert(h);
                        }
                        None => self.counts.writes_skipped += 1,
                    }
                }
            }
            Op::ErasePerson { r, person } => {
                let r = self.holder(r);
                if let Some((pid, fid)) = nth(&persons(&self.regs[r]), person) {
                    let h = household(&self.regs[r], &fid);
                    let knew = self.model.knowledge(&mut self.regs[r], &h);
                    match skipped(
                        "erase person",
                        self.regs[r].erase_person(pid.parse().unwrap()),
                    ) {
                        Some(new) => {
                            self.counts.writes_ok += 1;
                            self.model.erased_persons.insert(pid);
                            match new {
                                None => {
                                    self.model.erased_households.insert(h);
                                }
                                Some(new) => {
                                    // The household's values now live in a new document
                                    // without history: they are written anew there.
                                    let new = new.key();
                                    self.model.carried.insert(new.clone(), knew.clone());
                                    let detail = self.regs[r].family(new.parse().unwrap()).unwrap();
                                    if let Some(c) = detail.contact {
                                        self.record_write(
                                            r,
                                            &h,
                                            "contact".into(),
                                            c,
                                            &new,
                                            knew.clone(),
                                            "person erasure",
                                        );
                                    }
                                    for p in detail.persons {
                                        if let Some(y) = p.birth_year {
                                            self.record_write(
                                                r,
                                                &h,
                                                birth_field(&p.id),
                                                y.to_string(),
                                                &new,
                                                knew.clone(),
                                                "person erasure",
                                            );
                                        }
                                    }
                                }
                            }
                        }
                        None => self.counts.writes_skipped += 1,
                    }
                }
            }
            Op::Sync { r } => {
                self.counts.syncs += 1;
                net_sync(&mut self.regs, r, None)
                    .map_err(|e| format!("{}: {e:?}", self.what(r, "network sync")))?;
            }
            Op::CutSync {
                r,
                after,
                answer_lost,
            } => {
                self.counts.cut_syncs += 1;
                match net_sync(&mut self.regs, r, Some((u32::from(after), answer_lost))) {
                    Ok(_) => self.counts.cut_syncs_finished_first += 1,
                    Err(Error::Io(_)) => {}
                    Err(e) => return Err(format!("{}: {e:?}", self.what(r, "cut sync"))),
                }
            }
            Op::Export { r, to } => {
                let groups: Vec<usize> = (0..4)
                    .filter(|&g| (0..N).any(|j| GROUP[j] == g && trusts(r, j)))
                    .collect();
                let g = nth(&groups, to).unwrap();
                let dest = if g == 0 {
                    "hq".to_string()
                } else {
                    self.branch_ids[g].clone()
                };
                let (bytes, _) = self.regs[r]
                    .export_sync_file(&dest)
                    .map_err(|e| format!("{}: {e:?}", self.what(r, "export")))?;
                self.counts.exports += 1;
                self.mailbox.push(Mail {
                    from: r,
                    group: g,
                    bytes,
                });
            }
            Op::Deliver { file, to } => {
                if self.mailbox.is_empty() {
                    return Ok(());
                }
                let i = usize::from(file) % self.mailbox.len();
                if let Some(t) = nth(&self.targets(i), to) {
                    self.deliver(i, t)?;
                }
            }
            Op::Truncated { file, to, keep } => {
                if self.mailbox.is_empty() {
                    return Ok(());
                }
                let i = usize::from(file) % self.mailbox.len();
                if let Some(t) = nth(&self.targets(i), to) {
                    let bytes = &self.mailbox[i].bytes;
                    let cut = bytes[..bytes.len() * usize::from(keep) / 100].to_vec();
                    let before = state(&mut self.regs[t]);
                    let result = self.regs[t].import_sync_file(&cut);
                    let after = state(&mut self.regs[t]);
                    let what = self.what(
                        t,
                        &format!(
                            "truncated file {i} ({} of {} bytes)",
                            cut.len(),
                            self.mailbox[i].bytes.len()
                        ),
                    );
                    if result.is_ok() {
                        return Err(format!("{what}: accepted"));
                    }
                    if before != after {
                        return Err(format!("{what}: refused, but changed the replica"));
                    }
                    self.counts.truncated_refused += 1;
                }
            }
        }
        self.scan_conflicts();
        Ok(())
    }

    /// The replicas a mailbox file may be carried to: its destination's, not its sender.
    fn targets(&self, i: usize) -> Vec<usize> {
        let m = &self.mailbox[i];
        (0..N)
            .filter(|&j| GROUP[j] == m.group && j != m.from)
            .collect()
    }

    fn deliver(&mut self, i: usize, t: usize) -> Check {
        let what = self.what(
            t,
            &format!("file {i} from {}", DEVICES[self.mailbox[i].from]),
        );
        let reg = &mut self.regs[t];
        let bytes = &self.mailbox[i].bytes;
        let contents = reg
            .inspect_sync_file(bytes)
            .map_err(|e| format!("{what}: unreadable: {e:?}"))?;
        let summary = reg
            .import_sync_file(bytes)
            .map_err(|e| format!("{what}: refused: {e:?}"))?;
        self.counts.delivered += 1;
        if summary.already_imported {
            self.counts.duplicates += 1;
        } else {
            // An accepted file is applied whole: every change it carried is now in
            // the document here (unless the family is erased here).
            let docs = docs_of(reg);
            for (id, changes) in contents.docs {
                let Some(changes) = changes else { continue };
                let gone = id
                    .strip_prefix("family:")
                    .is_some_and(|f| projection::is_gone(reg.connection(), f).unwrap());
                if gone {
                    continue;
                }
                let parsed = kopa_registry::pending::split_changes(&changes).unwrap();
                // A household erased here takes every document of it, including one
                // made by a person erasure elsewhere that arrives only now.
                if !docs.contains_key(&id) && household_erased(reg, &parsed) {
                    continue;
                }
                // Changes waiting for earlier ones are kept, and reported: not lost.
                let waiting = reg
                    .waiting_changes()
                    .unwrap()
                    .iter()
                    .any(|w| w.document == id);
                if waiting {
                    self.counts.waiting += 1;
                    continue;
                }
                let hashes: Vec<ChangeHash> = parsed.iter().map(|c| c.hash()).collect();
                let missing = hashes
                    .iter()
                    .filter(|h| {
                        docs.get(&id)
                            .is_none_or(|d| d.get_change_meta_by_hash(h).is_none())
                    })
                    .count();
                if missing > 0 {
                    return Err(format!(
                        "{what}: accepted, but {missing} of the {} changes it carried for {id} are not in the document there",
                        hashes.len()
                    ));
                }
            }
        }
        let latest = self.latest.entry(t).or_insert(i);
        if i < *latest {
            self.counts.out_of_order += 1;
        }
        *latest = (*latest).max(i);
        Ok(())
    }

    /// Remembers every conflict listed anywhere.
    fn scan_conflicts(&mut self) {
        for (r, reg) in self.regs.iter().enumerate() {
            for c in reg.conflicts().unwrap() {
                if c.record_kind != "family" {
                    continue;
                }
                let h = household(reg, &c.record_id);
                let mut values: Vec<String> =
                    c.candidates.iter().map(|c| value_str(&c.value)).collect();
                values.sort();
                let key = (h, c.field.clone(), values);
                if !self.model.conflicts.contains_key(&key) {
                    self.counts.conflicts_seen += 1;
                    let at = format!("{} listed on {} after op {}", c.id, DEVICES[r], self.step);
                    self.model.conflicts.insert(key, at);
                }
            }
        }
    }

    /// Delivers every file to every replica of its destination, then syncs every
    /// replica with the hub until a pass changes nothing.
    fn quiesce(&mut self) -> Check {
        self.step += 1;
        for i in 0..self.mailbox.len() {
            for t in self.targets(i) {
                self.deliver(i, t)?;
                self.counts.final_files += 1;
            }
        }
        for pass in 1..=MAX_PASSES {
            let before: Vec<_> = self.regs.iter_mut().map(|r| r.heads().unwrap()).collect();
            for r in 1..N {
                net_sync(&mut self.regs, r, None)
                    .map_err(|e| format!("{}: {e:?}", self.what(r, "final network sync")))?;
            }
            self.counts.final_passes = pass;
            let after: Vec<_> = self.regs.iter_mut().map(|r| r.heads().unwrap()).collect();
            if before == after {
                self.scan_conflicts();
                return Ok(());
            }
        }
        Err(format!(
            "network syncs did not settle after {MAX_PASSES} passes"
        ))
    }

    fn check(&mut self) -> Vec<String> {
        let mut fail = vec![];
        let m = &self.model;
        let heads: Vec<Listing> = self.regs.iter_mut().map(|r| r.heads().unwrap()).collect();
        let dumps: Vec<Listing> = self
            .regs
            .iter()
            .map(|r| r.projection_dump().unwrap())
            .collect();
        // 1. Heads.
        let owners: BTreeMap<String, String> = {
            let conn = self.regs[HUB].connection();
            let mut s = conn.prepare("SELECT doc_id, owner FROM docs").unwrap();
            let rows = s
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            rows
        };
        for r in 1..N {
            let g = GROUP[r];
            let expected: Listing = if g == 0 {
                heads[HUB].clone()
            } else {
                heads[HUB]
                    .iter()
                    .filter(|(d, _)| d == "reference" || owners.get(d) == Some(&self.branch_ids[g]))
                    .cloned()
                    .collect()
            };
            if heads[r] != expected {
                fail.push(format!(
                    "heads: {} differs from the hub: {}",
                    DEVICES[r],
                    diff(&heads[r], &expected)
                ));
            }
        }
        // 2. Projections.
        for r in 0..N {
            let bad = self.regs[r].verify_projection().unwrap();
            if !bad.is_empty() {
                fail.push(format!(
                    "projection: {} differs from its rebuild in {bad:?}",
                    DEVICES[r]
                ));
            }
            let first = (0..N).find(|&j| GROUP[j] == GROUP[r]).unwrap();
            if dumps[r] != dumps[first] {
                fail.push(format!(
                    "projection: {} and {} dump differently: {}",
                    DEVICES[r],
                    DEVICES[first],
                    diff(&dumps[r], &dumps[first])
                ));
            }
        }
        // 3. Acknowledged writes.
        for r in 0..N {
            let reg = &mut self.regs[r];
            let docs = docs_of(reg);
            let live = households(reg);
            let conflicts = reg.conflicts().unwrap();
            let dev = DEVICES[r];
            // Values shown for (household, field): the field, or a listed candidate.
            let shown = |reg: &Registry, h: &str, field: &str| -> BTreeSet<String> {
                let mut out = BTreeSet::new();
                for fid in live.get(h).into_iter().flatten() {
                    if field == "contact" {
                        out.extend(reg.family(fid.parse().unwrap()).unwrap().contact);
                    } else if let Some(p) = field
                        .strip_prefix("members.")
                        .and_then(|f| f.strip_suffix(".birth_year"))
                    {
                        if let Ok(p) = reg.person(p.parse().unwrap()) {
                            out.extend(p.birth_year.map(|y| y.to_string()));
                        }
                    }
                    for c in conflicts
                        .iter()
                        .filter(|c| c.record_id == *fid && c.field == field)
                    {
                        out.extend(c.candidates.iter().map(|c| value_str(&c.value)));
                    }
                }
                out
            };
            for h in m.owner.keys() {
                if m.may_see(r, h) && !m.household_erased(h) && !live.contains_key(h) {
                    fail.push(format!(
                        "family {h} (added, never erased) is missing on {dev}"
                    ));
                }
            }
            for (i, w) in m.writes.iter().enumerate() {
                if !m.may_see(r, &w.household) || m.field_erased(&w.household, &w.field) {
                    continue;
                }
                if let Some(d) = docs.get(&format!("family:{}", w.doc)) {
                    if d.get_change_meta_by_hash(&w.hash).is_none() {
                        fail.push(format!("write lost: {} ({} = {}): its change is not in {dev}'s copy of family:{}", w.what, w.field, w.value, w.doc));
                        continue;
                    }
                }
                if !m.superseded(i) {
                    let values = shown(reg, &w.household, &w.field);
                    if !values.contains(&w.value) {
                        fail.push(format!(
                            "write lost: {} ({} = {}) is not shown on {dev} (shown {values:?}) and no later write followed it",
                            w.what, w.field, w.value
                        ));
                    }
                }
            }
            for n in &m.notes {
                if !m.may_see(r, &n.household) || m.household_erased(&n.household) {
                    continue;
                }
                if let Some(d) = docs.get(&format!("family:{}", n.doc)) {
                    if d.get_change_meta_by_hash(&n.hash).is_none() {
                        fail.push(format!(
                            "note lost: {}: its change is not in {dev}'s copy of family:{}",
                            n.what, n.doc
                        ));
                        continue;
                    }
                }
                let there = live.get(&n.household).into_iter().flatten().any(|fid| {
                    reg.family(fid.parse().unwrap())
                        .unwrap()
                        .notes
                        .iter()
                        .any(|x| x.text == n.text)
                });
                if !there {
                    fail.push(format!("note lost: {} is not on {dev}", n.what));
                }
            }
            let sees = |g: &usize| GROUP[r] == 0 || GROUP[r] == *g;
            let groups: BTreeSet<String> = reg
                .list_groups()
                .unwrap()
                .into_iter()
                .map(|g| g.id)
                .collect();
            for (g, id) in m.groups.iter().filter(|(g, _)| sees(g)) {
                if !groups.contains(id) {
                    fail.push(format!("group {id} of group {g} is missing on {dev}"));
                }
            }
            for (g, id) in m.sessions.iter().filter(|(g, _)| sees(g)) {
                if reg.session(id.parse().unwrap()).is_err() {
                    fail.push(format!("session {id} of group {g} is missing on {dev}"));
                }
            }
            for (g, s, p) in m.marks.iter().filter(|(g, _, _)| sees(g)) {
                let n: i64 = reg
                    .connection()
                    .query_row(
                        "SELECT count(*) FROM p_attendance WHERE session_id = ?1 AND person_id = ?2",
                        [s, p],
                        |r| r.get(0),
                    )
                    .unwrap();
                if n == 0 {
                    fail.push(format!(
                        "attendance of {p} at session {s} (group {g}) is missing on {dev}"
                    ));
                }
            }
            // 4. Conflicts: the candidates no later write superseded are still listed.
            for ((h, field, values), at) in &m.conflicts {
                if !m.may_see(r, h) || m.field_erased(h, field) {
                    continue;
                }
                let open: Vec<&String> = values
                    .iter()
                    .filter(|v| {
                        let ws: Vec<usize> = (0..m.writes.len())
                            .filter(|&i| {
                                m.writes[i].household == *h
                                    && m.writes[i].field == *field
                                    && m.writes[i].value == **v
                            })
                            .collect();
                        ws.is_empty() || !ws.iter().all(|&i| m.superseded(i))
                    })
                    .collect();
                if open.len() < 2 {
                    continue;
                }
                let listed = conflicts.iter().any(|c| {
                    c.field == *field
                        && live.get(h).is_some_and(|l| l.contains(&c.record_id))
                        && open
                            .iter()
                            .all(|v| c.candidates.iter().any(|x| value_str(&x.value) == **v))
                });
                if !listed {
                    fail.push(format!(
                        "conflict gone: {at} ({field}: {values:?}, open {open:?}) is not listed on {dev}, and nothing resolved it"
                    ));
                }
            }
        }
        fail
    }
}

/// The documents two listings disagree on.
fn diff(a: &Listing, b: &Listing) -> String {
    let a: BTreeMap<_, _> = a.iter().cloned().collect();
    let b: BTreeMap<_, _> = b.iter().cloned().collect();
    let keys: BTreeSet<_> = a.keys().chain(b.keys()).collect();
    let out: Vec<String> = keys
        .into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| {
            format!(
                "{k}: {:?} vs {:?}",
                a.get(k).map(Vec::len),
                b.get(k).map(Vec::len)
            )
        })
        .collect();
    out.join("; ")
}

fn run(ops: &[Op]) -> Check {
    let mut w = World::new();
    let mut result = Ok(());
    for op in ops {
        if let Err(e) = w.apply(op) {
            result = Err(e);
            break;
        }
    }
    if result.is_ok() {
        result = w.quiesce();
    }
    let result = result.and_then(|()| {
        let fail = w.check();
        if fail.is_empty() {
            Ok(())
        } else {
            Err(fail.join("\n"))
        }
    });
    eprintln!("chaos case: {:?}", w.counts);
    result
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn sync_loses_nothing_under_chaos(ops in prop::collection::vec(op(), 1..=max_ops())) {
        if let Err(e) = run(&ops) {
            prop_assert!(false, "{}", e);
        }
    }
}
