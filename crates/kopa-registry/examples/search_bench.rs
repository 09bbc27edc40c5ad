//! Person search at scale against a `LIKE '%q%'` scan, in the same run:
//! `cargo run --release -p kopa-registry --example search_bench [PERSONS]` (default 100,000).

use kopa_domain::{Role, Timestamp};
use kopa_registry::*;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::time::Instant;

const GIVEN: &[&str] = &[
    "Jānis",
    "Anna",
    "Sergejs",
    "Сергей",
    "Ольга",
    "Olga",
    "Ilze",
    "Pēteris",
    "Наталья",
    "Natālija",
    "Juris",
    "Marina",
    "Андрей",
    "Andrejs",
    "Līga",
    "Toms",
    "Elīna",
    "Дмитрий",
    "Dmitrijs",
    "Ирина",
];
/// Surnames are built from parts: 10 × 5 × 8 = 400 of them, Latin and Cyrillic.
const STEMS: &[&str] = &[
    "Ber", "Zar", "Kal", "Ozo", "Lie", "Pet", "Ivan", "Smir", "Kuz", "Nov",
];
const MIDDLES: &[&str] = &["", "ol", "an", "ek", "ar"];
const ENDINGS: &[&str] = &["iņš", "ovs", "ova", "ne", "ņa", "ers", "ins", "ко"];

fn surnames() -> Vec<String> {
    let mut out = vec![];
    for s in STEMS {
        for m in MIDDLES {
            for e in ENDINGS {
                out.push(format!("{s}{m}{e}"));
            }
        }
    }
    out
}

fn pct(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let persons: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let mut reg = Registry::create(
        &dir.path().join("bench.kopa"),
        "bench",
        InitOptions {
            branch_name: "Bench".into(),
            municipality: "Daugavpils".into(),
            role: Role::Branch,
            device_name: "b".into(),
            user: "b".into(),
        },
        Env::manual(ManualClock::new(Timestamp(1_795_424_400_000)), 9),
    )
    .unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let family_names = surnames();
    let t = Instant::now();
    let mut made = 0;
    while made < persons {
        let n = rng.gen_range(1..=4).min(persons - made);
        let fam = family_names.choose(&mut rng).unwrap();
        let members = (0..n)
            .map(|_| {
                MemberDraft::parse_spec(
                    "m",
                    &format!(
                        "{};{};{}",
                        GIVEN.choose(&mut rng).unwrap(),
                        fam,
                        rng.gen_range(1940..2020)
                    ),
                )
                .unwrap()
            })
            .collect();
        reg.add_family(&FamilyDraft {
            name: Some(fam.clone()),
            municipality: Some("Daugavpils".into()),
            members,
            ..Default::default()
        })
        .unwrap();
        made += n;
    }
    let build = t.elapsed().as_secs_f64();
    let queries: Vec<String> = (0..200)
        .map(|i| {
            let g = GIVEN.choose(&mut rng).unwrap().to_string();
            let f = family_names.choose(&mut rng).unwrap().to_string();
            match i % 4 {
                0 => f,                           // a family name
                1 => format!("{g} {f}"),          // two words
                2 => f.chars().take(4).collect(), // typing: a prefix
                _ => {
                    let mut c: Vec<char> = f.chars().collect(); // one typo
                    let k = c.len() / 2;
                    c[k] = 'x';
                    c.into_iter().collect()
                }
            }
        })
        .collect();
    let mut ours = vec![];
    for q in &queries {
        let t = Instant::now();
        let hits = reg.search(q, 20).unwrap();
        ours.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(hits);
    }
    let conn = reg.connection();
    // The baseline a naive search would run: every substring match, ordered.
    let mut like = vec![];
    let mut stmt = conn
        .prepare("SELECT id FROM p_persons WHERE given_name || ' ' || family_name LIKE ?1 ORDER BY family_name, given_name")
        .unwrap();
    for q in &queries {
        let t = Instant::now();
        let ids: Vec<String> = stmt
            .query_map([format!("%{q}%")], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        like.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(ids);
    }
    let mut slow: Vec<(f64, &String)> = ours.iter().copied().zip(&queries).collect();
    slow.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("slowest queries: {:?}", &slow[..5.min(slow.len())]);
    let (p50, p95, l50, l95) = (
        pct(ours.clone(), 0.5),
        pct(ours, 0.95),
        pct(like.clone(), 0.5),
        pct(like, 0.95),
    );
    println!("{persons} persons registered through the registry in {build:.1} s");
    println!("| search of {persons} persons | p50 ms | p95 ms |");
    println!("|---|---|---|");
    println!(
        "| Kopā search (folded, cross-script, 1 typo, ranked, top 20) | {p50:.2} | {p95:.2} |"
    );
    println!(
        "| LIKE '%q%' scan (exact substring only, all matches ordered) | {l50:.2} | {l95:.2} |"
    );
    println!("ratio p95 scan / search: {:.1}×", l95 / p95);
}
