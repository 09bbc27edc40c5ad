//! Family and person search that forgives case, Latvian diacritics, Cyrillic vs Latin
//! spelling and one typo, through an index (`p_search`), never a table scan.
//!
//! Each name token is stored under its folded stem and under every string made by
//! deleting one letter (symmetric-delete). A query token looks up its own stem, its
//! deletions, and the stem as a prefix (search as you type); candidates are then
//! checked with a true edit distance and ranked: exact spelling, same folded stem,
//! prefix, one typo. A word found in the index as typed is taken as meant: only the
//! last word is widened to prefixes, and only unknown words to one-typo neighbours.

use crate::error::Result;
use kopa_domain::text::{deletions, edit_distance, words};
use kopa_domain::Family;
use rusqlite::{params, Connection};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Tokens shorter than this get no typo variants (too many false friends).
const MIN_TYPO_LEN: usize = 4;

pub fn index_family(conn: &Connection, family_id: &str, f: &Family) -> Result<()> {
    let mut ins = conn.prepare_cached(
        "INSERT INTO p_search(key, token, word, is_token, family_id, person_id, field) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut add = |text: &str, person: Option<&str>, field: &str| -> Result<()> {
        let mut seen = vec![];
        for (word, tok) in words(text) {
            if seen.contains(&tok) {
                continue;
            }
            ins.execute(params![tok, tok, word, 1, family_id, person, field])?;
            if tok.chars().count() >= MIN_TYPO_LEN {
                for d in deletions(&tok) {
                    ins.execute(params![d, tok, word, 0, family_id, person, field])?;
                }
            }
            seen.push(tok);
        }
        Ok(())
    };
    add(&f.name, None, "family")?;
    add(&f.municipality, None, "municipality")?;
    for (pid, m) in &f.members {
        add(
            &format!("{} {}", m.given_name, m.family_name),
            Some(pid),
            "person",
        )?;
    }
    Ok(())
}

/// How well a hit matched; lower is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rank {
    Exact,
    Folded,
    Prefix,
    Typo,
}

/// A family found by a query, with the persons in it that matched.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FamilyHit {
    pub family_id: String,
    pub score: u32,
    pub persons: Vec<String>,
}

/// Best rank of each query token per (family, person-or-family-level) match.
///
/// Lookups widen in tiers — same stem, then prefixes, then one typo — and stop as soon
/// as `limit` families are found whose scores no wider lookup could beat (a prefix
/// costs at least 2, a typo 3), so a common name does not pay for typo expansion.
pub fn query(conn: &Connection, q: &str, limit: usize) -> Result<Vec<FamilyHit>> {
    let (q_words, q_tokens): (Vec<String>, Vec<String>) = words(q).into_iter().unzip();
    if q_tokens.is_empty() {
        return Ok(vec![]);
    }
    for (tier, floor) in [
        (Rank::Folded, Rank::Prefix as u32),
        (Rank::Prefix, Rank::Typo as u32),
    ] {
        let hits = query_tier(conn, &q_words, &q_tokens, limit, tier)?;
        if hits.len() >= limit && hits[limit - 1].score <= floor {
            return Ok(hits);
        }
    }
    query_tier(conn, &q_words, &q_tokens, limit, Rank::Typo)
}

fn query_tier(
    conn: &Connection,
    q_words: &[String],
    q_tokens: &[String],
    limit: usize,
    tier: Rank,
) -> Result<Vec<FamilyHit>> {
    // (family, person) -> per query token best rank
    let mut scores: HashMap<(String, Option<String>), Vec<Option<Rank>>> = HashMap::new();
    let n = q_tokens.len();
    let mut exact = conn.prepare_cached(
        "SELECT word, family_id, person_id FROM p_search WHERE key = ?1 AND is_token = 1",
    )?;
    let mut prefix = conn.prepare_cached(
        "SELECT word, family_id, person_id FROM p_search
         WHERE key >= ?1 AND key < ?2 AND is_token = 1 LIMIT 2000",
    )?;
    let mut typo = conn.prepare_cached(
        "SELECT token, family_id, person_id, word FROM p_search WHERE key = ?1 LIMIT 2000",
    )?;
    for (i, qt) in q_tokens.iter().enumerate() {
        let mut distance: HashMap<String, bool> = HashMap::new();
        let mut record = |word: String, fam: String, person: Option<String>, rank: Rank| {
            let entry = scores.entry((fam, person)).or_insert_with(|| vec![None; n]);
            let rank = if rank == Rank::Folded && q_words.get(i) == Some(&word) {
                Rank::Exact
            } else {
                rank
            };
            if entry[i].is_none_or(|r| rank < r) {
                entry[i] = Some(rank);
            }
        };
        let rows = exact.query_map([qt], |r| r.try_into())?;
        let mut known = false;
        for row in rows {
            let (tok, fam, person): (String, String, Option<String>) = row?;
            record(tok, fam, person, Rank::Folded);
            known = true;
        }
        // A word that is in the index as typed is taken as meant: only the last word
        // (still being typed) is widened to prefixes, and only unknown words to typos.
        let last = i + 1 == q_tokens.len();
        if tier == Rank::Folded || (known && !last) {
            continue;
        }
        let upper = format!("{qt}\u{10FFFF}");
        let rows = prefix.query_map([qt, &upper], |r| r.try_into())?;
        for row in rows {
            let (tok, fam, person): (String, String, Option<String>) = row?;
            record(tok, fam, person, Rank::Prefix);
        }
        if tier == Rank::Typo && !known && qt.chars().count() >= MIN_TYPO_LEN {
            let mut keys = deletions(qt);
            keys.push(qt.clone());
            for key in keys {
                let rows = typo.query_map([&key], |r| r.try_into())?;
                for row in rows {
                    let (tok, fam, person, word): (String, String, Option<String>, String) = row?;
                    let close = *distance
                        .entry(tok.clone())
                        .or_insert_with(|| edit_distance(qt, &tok, 1) <= 1);
                    if close {
                        record(word, fam, person, Rank::Typo);
                    }
                }
            }
        }
    }
    // A family-level token (family name, municipality) counts for each of its persons.
    let mut families: BTreeMap<String, (u32, Vec<(u32, String)>)> = BTreeMap::new();
    let family_level: HashMap<String, Vec<Option<Rank>>> = scores
        .iter()
        .filter(|((_, p), _)| p.is_none())
        .map(|((f, _), r)| (f.clone(), r.clone()))
        .collect();
    for ((fam, person), ranks) in &scores {
        let fam_ranks = family_level.get(fam);
        let combined: Vec<Option<Rank>> = (0..n)
            .map(|i| match (ranks[i], fam_ranks.and_then(|f| f[i])) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            })
            .collect();
        if combined.iter().any(Option::is_none) {
            continue;
        }
        let score: u32 = combined.iter().flatten().map(|r| *r as u32).sum();
        let e = families.entry(fam.clone()).or_insert((u32::MAX, vec![]));
        if let Some(p) = person {
            e.1.push((score, p.clone()));
        }
        e.0 = e.0.min(score);
    }
    let mut hits: Vec<FamilyHit> = families
        .into_iter()
        .map(|(family_id, (score, mut persons))| {
            persons.sort();
            FamilyHit {
                family_id,
                score,
                persons: persons.into_iter().map(|(_, p)| p).collect(),
            }
        })
        .collect();
    hits.sort_by(|a, b| {
        a.score
            .cmp(&b.score)
            .then_with(|| a.family_id.cmp(&b.family_id))
    });
    hits.truncate(limit);
    Ok(hits)
}
