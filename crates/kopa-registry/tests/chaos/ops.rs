//! The operations the chaos test draws, and how often.

use super::*;

#[derive(Clone, Debug)]
pub(crate) enum Op {
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

pub(crate) fn op() -> impl Strategy<Value = Op> {
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

pub(crate) fn env_or(key: &str, default: u64) -> u64 {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub(crate) fn config() -> ProptestConfig {
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
pub(crate) fn skipped_kinds() -> Vec<String> {
    std::env::var("KOPA_CHAOS_SKIP")
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

pub(crate) fn max_ops() -> usize {
    env_or("KOPA_CHAOS_OPS", 120) as usize
}

// ----- the replicas ------------------------------------------------------------------

/// Whether replica `i` trusts replica `j`'s identity card: a replica trusts the
/// other devices of its own branch, every HQ replica and the hub; HQ trusts everyone.
pub(crate) fn trusts(i: usize, j: usize) -> bool {
    i != j && (GROUP[i] == 0 || GROUP[j] == 0 || GROUP[i] == GROUP[j])
}

/// Exchanges identity cards by hand. Kept in one place so that the automatic
/// exchange through the hub can replace it.
pub(crate) fn exchange_cards(regs: &mut [Registry]) {
    let cards: Vec<IdentityCard> = regs.iter().map(|r| r.identity_card().unwrap()).collect();
    for (i, reg) in regs.iter_mut().enumerate() {
        for (j, card) in cards.iter().enumerate() {
            if trusts(i, j) {
                reg.add_peer(card).unwrap();
            }
        }
    }
}

/// Syncs replica `r` with the hub over a function-call transport that carries JSON.
/// With `cut = Some((k, answer_lost))` the transport fails after k rounds: the next
/// request is lost, or its answer is (the hub served it).
pub(crate) fn net_sync(
    regs: &mut [Registry],
    r: usize,
    cut: Option<(u32, bool)>,
) -> Result<SyncSummary> {
    let (hub, rest) = regs.split_first_mut().unwrap();
    let reg = &mut rest[r - 1];
    let key = reg.identity().device_name;
    let cut = cut.map(|(rounds, answer_lost)| Cut {
        rounds,
        answer_lost,
    });
    sync_through(reg, hub, &key, cut).map(|(summary, _)| summary)
}
