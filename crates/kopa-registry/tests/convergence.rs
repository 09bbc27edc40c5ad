//! Property: after random operations on several replicas, merged in random orders,
//! every replica holds the same documents and the same projection, and each
//! replica's incrementally maintained projection equals a rebuild from its documents.

use kopa_domain::{Role, Timestamp};
use kopa_registry::testkit::member;
use kopa_registry::*;
use proptest::prelude::*;
use std::path::Path;

const PASS: &str = "pass";
const T0: i64 = 1_795_424_400_000;
const NAMES: &[&str] = &[
    "Ivanovs",
    "Иванова",
    "Ozoliņa",
    "Bērziņš",
    "Petrovs",
    "Kalniņa",
];
const REPLICAS: usize = 3;

#[derive(Clone, Debug)]
enum Op {
    AddFamily {
        r: usize,
        name: usize,
    },
    RenameFamily {
        r: usize,
        family: usize,
        name: usize,
    },
    SetContact {
        r: usize,
        family: usize,
        n: u8,
    },
    AddMember {
        r: usize,
        family: usize,
        name: usize,
    },
    AddGroup {
        r: usize,
        name: usize,
    },
    Enrol {
        r: usize,
        group: usize,
        person: usize,
    },
    RecordSession {
        r: usize,
        group: usize,
        attended: Vec<usize>,
    },
    Mark {
        r: usize,
        session: usize,
        person: usize,
        present: bool,
    },
    SessionNote {
        r: usize,
        session: usize,
        n: u8,
    },
    Resolve {
        r: usize,
        pick: usize,
    },
    /// Erase one member: the household moves to a new document.
    ErasePerson {
        r: usize,
        person: usize,
    },
    /// Merge the documents of one replica into another; `reversed` hands them over
    /// in the opposite order (a replaced family before its tombstone, say), and a
    /// `cut` of n > 0 leaves out every n-th one, as a sync cut short would.
    Merge {
        from: usize,
        to: usize,
        reversed: bool,
        cut: usize,
    },
    /// Two replicas share what they have, then edit the same fields apart.
    Diverge {
        a: usize,
        b: usize,
        family: usize,
        session: usize,
        n: u8,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let r = 0..REPLICAS;
    prop_oneof![
        (r.clone(), 0..NAMES.len()).prop_map(|(r, name)| Op::AddFamily { r, name }),
        (r.clone(), any::<usize>(), 0..NAMES.len())
            .prop_map(|(r, family, name)| Op::RenameFamily { r, family, name }),
        (r.clone(), any::<usize>(), 0u8..4).prop_map(|(r, family, n)| Op::SetContact {
            r,
            family,
            n
        }),
        (r.clone(), any::<usize>(), 0..NAMES.len()).prop_map(|(r, family, name)| Op::AddMember {
            r,
            family,
            name
        }),
        (r.clone(), 0..NAMES.len()).prop_map(|(r, name)| Op::AddGroup { r, name }),
        (r.clone(), any::<usize>(), any::<usize>()).prop_map(|(r, group, person)| Op::Enrol {
            r,
            group,
            person
        }),
        (
            r.clone(),
            any::<usize>(),
            prop::collection::vec(any::<usize>(), 0..4)
        )
            .prop_map(|(r, group, attended)| Op::RecordSession { r, group, attended }),
        (r.clone(), any::<usize>(), any::<usize>(), any::<bool>()).prop_map(
            |(r, session, person, present)| Op::Mark {
                r,
                session,
                person,
                present
            }
        ),
        (r.clone(), any::<usize>(), 0u8..3).prop_map(|(r, session, n)| Op::SessionNote {
            r,
            session,
            n
        }),
        (r.clone(), 1usize..3).prop_map(|(r, pick)| Op::Resolve { r, pick }),
        (r.clone(), any::<usize>()).prop_map(|(r, person)| Op::ErasePerson { r, person }),
        (r.clone(), 0..REPLICAS, any::<bool>(), 0usize..4).prop_map(|(from, to, reversed, cut)| {
            Op::Merge {
                from,
                to,
                reversed,
                cut,
            }
        }),
        (
            r.clone(),
            0..REPLICAS,
            any::<usize>(),
            any::<usize>(),
            0u8..3
        )
            .prop_map(|(a, b, family, session, n)| Op::Diverge {
                a,
                b,
                family,
                session,
                n
            }),
    ]
}

fn replicas(dir: &Path, clock: &ManualClock) -> Vec<Registry> {
    let first = dir.join("r0.kopa");
    let mut out = vec![Registry::create(
        &first,
        PASS,
        InitOptions {
            branch_name: "Krāslava".into(),
            municipality: "Krāslava".into(),
            role: Role::Branch,
            device_name: "r0".into(),
            user: "u0".into(),
        },
        Env::manual(clock.clone(), 0),
    )
    .unwrap()];
    for i in 1..REPLICAS {
        out.push(
            Registry::create_device_of(
                &dir.join(format!("r{i}.kopa")),
                PASS,
                &first,
                PASS,
                &format!("r{i}"),
                &format!("u{i}"),
                Env::manual(clock.clone(), i as u64),
            )
            .unwrap(),
        );
    }
    out
}

fn nth<T: Clone>(list: &[T], i: usize) -> Option<T> {
    (!list.is_empty()).then(|| list[i % list.len()].clone())
}

fn persons(reg: &Registry) -> Vec<String> {
    let mut out = vec![];
    for f in reg.list_families().unwrap() {
        out.extend(
            reg.family(f.id.parse().unwrap())
                .unwrap()
                .persons
                .into_iter()
                .map(|p| p.id),
        );
    }
    out
}

fn merge(regs: &mut [Registry], from: usize, to: usize, reversed: bool) {
    merge_part(regs, from, to, reversed, 0)
}

fn merge_part(regs: &mut [Registry], from: usize, to: usize, reversed: bool, cut: usize) {
    if from == to {
        return;
    }
    let mut docs = regs[from].export_docs().unwrap();
    if reversed {
        docs.reverse();
    }
    if cut > 0 {
        docs = docs
            .into_iter()
            .enumerate()
            .filter(|(i, _)| (i + 1) % (cut + 1) != 0)
            .map(|(_, d)| d)
            .collect();
    }
    regs[to].merge_docs(docs).unwrap();
}

fn apply(regs: &mut [Registry], op: &Op) {
    let ok = |r: Result<()>| match r {
        Ok(()) | Err(Error::NotFound { .. }) => {}
        Err(e) => panic!("{op:?}: {e:?}"),
    };
    match op.clone() {
        Op::AddFamily { r, name } => {
            let draft = FamilyDraft {
                name: Some(NAMES[name].into()),
                municipality: Some("Preiļi".into()),
                members: vec![member(&format!("Anna;{};1990;f;parent", NAMES[name]))],
                ..Default::default()
            };
            regs[r].add_family(&draft).unwrap();
        }
        Op::RenameFamily { r, family, name } => {
            if let Some(f) = nth(&regs[r].list_families().unwrap(), family) {
                let d = FamilyDraft {
                    name: Some(NAMES[name].into()),
                    ..Default::default()
                };
                ok(regs[r].edit_family(f.id.parse().unwrap(), &d).map(drop));
            }
        }
        Op::SetContact { r, family, n } => {
            if let Some(f) = nth(&regs[r].list_families().unwrap(), family) {
                let d = FamilyDraft {
                    contact: Some(format!("+371 2000000{n}")),
                    ..Default::default()
                };
                ok(regs[r].edit_family(f.id.parse().unwrap(), &d).map(drop));
            }
        }
        Op::AddMember { r, family, name } => {
            if let Some(f) = nth(&regs[r].list_families().unwrap(), family) {
                let d = FamilyDraft {
                    members: vec![member(&format!("Toms;{};2015;m;child", NAMES[name]))],
                    ..Default::default()
                };
                ok(regs[r].edit_family(f.id.parse().unwrap(), &d).map(drop));
            }
        }
        Op::AddGroup { r, name } => {
            let d = GroupDraft {
                name: format!("Grupa {}", NAMES[name]),
                activity: "family-support".into(),
                ..Default::default()
            };
            regs[r].add_group(&d).unwrap();
        }
        Op::Enrol { r, group, person } => {
            let groups = regs[r].list_groups().unwrap();
            if let (Some(g), Some(p)) = (nth(&groups, group), nth(&persons(&regs[r]), person)) {
                ok(regs[r].enrol(g.id.parse().unwrap(), &[p]).map(drop));
            }
        }
        Op::RecordSession { r, group, attended } => {
            let all = persons(&regs[r]);
            if let Some(g) = nth(&regs[r].list_groups().unwrap(), group) {
                let attended: Vec<String> = attended.iter().filter_map(|i| nth(&all, *i)).collect();
                let d = SessionDraft {
                    group: g.id,
                    date: "2026-11-20".into(),
                    attended,
                    // Replicas record the group's sessions independently, several a day.
                    another: true,
                    ..Default::default()
                };
                ok(regs[r].record_session(&d).map(drop));
            }
        }
        Op::Mark {
            r,
            session,
            person,
            present,
        } => {
            let day = kopa_domain::Date::from_ymd(2026, 11, 20).unwrap();
            let sessions = regs[r].list_sessions(day, day).unwrap();
            if let (Some(s), Some(p)) = (nth(&sessions, session), nth(&persons(&regs[r]), person)) {
                ok(regs[r]
                    .mark_attendance(s.id.parse().unwrap(), &[p], present)
                    .map(drop));
            }
        }
        Op::SessionNote { r, session, n } => {
            let day = kopa_domain::Date::from_ymd(2026, 11, 20).unwrap();
            if let Some(s) = nth(&regs[r].list_sessions(day, day).unwrap(), session) {
                ok(regs[r]
                    .edit_session_note(s.id.parse().unwrap(), &format!("piezīme {n}"))
                    .map(drop));
            }
        }
        Op::Resolve { r, pick } => {
            if let Some(c) = regs[r].conflicts().unwrap().first() {
                let pick = 1 + (pick - 1) % c.candidates.len();
                regs[r].resolve_conflict(&c.id, pick).unwrap();
            }
        }
        Op::ErasePerson { r, person } => {
            if let Some(p) = nth(&persons(&regs[r]), person) {
                ok(regs[r].erase_person(p.parse().unwrap()).map(drop));
            }
        }
        Op::Merge {
            from,
            to,
            reversed,
            cut,
        } => merge_part(regs, from, to, reversed, cut),
        Op::Diverge {
            a,
            b,
            family,
            session,
            n,
        } => {
            merge(regs, a, b, false);
            merge(regs, b, a, true);
            for (r, v) in [(a, n), (b, n + 1)] {
                apply(regs, &Op::SetContact { r, family, n: v });
                apply(regs, &Op::SessionNote { r, session, n: v });
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn replicas_converge_and_projection_equals_rebuild(
        ops in prop::collection::vec(op(), 1..40),
        order in Just((0..REPLICAS).collect::<Vec<_>>()).prop_shuffle(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::new(Timestamp(T0));
        let mut regs = replicas(dir.path(), &clock);
        for op in &ops {
            clock.advance_ms(1_000);
            apply(&mut regs, op);
        }
        // Every replica's projection equals its own rebuild, before and after merging.
        for r in regs.iter_mut() {
            prop_assert!(r.verify_projection().unwrap().is_empty());
        }
        // Merge everything, in a random order: a ring twice reaches everyone.
        for _ in 0..2 {
            for w in 0..REPLICAS {
                let (from, to) = (order[w], order[(w + 1) % REPLICAS]);
                merge(&mut regs, from, to, w % 2 == 1);
            }
        }
        let heads0 = regs[0].heads().unwrap();
        let dump0 = regs[0].projection_dump().unwrap();
        for r in regs.iter_mut() {
            prop_assert_eq!(&r.heads().unwrap(), &heads0);
            prop_assert_eq!(&r.projection_dump().unwrap(), &dump0);
            prop_assert!(r.verify_projection().unwrap().is_empty());
        }
    }
}
