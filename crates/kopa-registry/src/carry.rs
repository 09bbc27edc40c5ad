//! Erasing one person moves the household to a new family document; nothing else may
//! be lost on the way. Two things travel with the move:
//!
//! - **pending conflicts**: each concurrent value of a conflicted field is written into
//!   the new document by a change of its own, made from the move's first change and
//!   carrying the note of whoever set that value, so the new document holds the same
//!   conflict (same candidates, same authors) for `resolve_conflict` to settle;
//! - **edits made elsewhere** to a replaced document that the move did not see: the
//!   new document records the heads of every document it replaces
//!   (`Family::replaced_heads`); a replica that holds a replaced document with
//!   changes beyond them replays those changes onto the household's shown document
//!   (never an operation on an erased member) before the old document is dropped.
//!
//! A carried change is a function of the original change and of the target document
//! alone: its actor is derived from the original's hash, its time and note are the
//! original's, and its dependencies are the move's changes (or the carried copies of
//! the original's own dependencies). Two replicas carrying the same edit therefore make
//! the identical change and Automerge keeps one. Edits made to the new document after
//! the move are concurrent with a carried one, so the same field edited on both sides
//! shows as a conflict.

use crate::conflicts;
use crate::docs::{self, DocId};
use crate::error::Result;
use crate::projection::{self, map_at, Scope};
use automerge::legacy::{Key, ObjectId, OpType};
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, Change, ChangeHash, ObjType, Prop, ReadDoc, ROOT};
use autosurgeon::hydrate_prop;
use kopa_domain::{ChangeNote, TagSet};
use rusqlite::{Connection, OptionalExtension};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Actors of the changes that write a moved conflict's candidates.
pub const MOVE_ACTOR: &[u8] = b"kopa-move:";
/// Actors of carried changes: this prefix, then the original change's hash.
pub const CARRY_ACTOR: &[u8] = b"kopa-carry:";
/// Actors of the changes that keep, beside a carried write, the value it did not know
/// of: this prefix, then the original change's hash.
pub const KEEP_ACTOR: &[u8] = b"kopa-keep:";

/// Family fields only a move writes; a carried edit never touches them.
const BOOKKEEPING: &[&str] = &["replaces", "household", "erased_members", "replaced_heads"];

/// The hash of the change a carried change was carried from, if it is one.
pub fn carried_from(actor: &ActorId) -> Option<ChangeHash> {
    let bytes = actor.to_bytes();
    bytes
        .strip_prefix(CARRY_ACTOR)
        .and_then(|h| ChangeHash::try_from(h).ok())
}

/// The changes of a document carried into it (their originals' hashes).
pub fn carried_into(doc: &Automerge) -> Vec<ChangeHash> {
    doc.get_changes_meta(&[])
        .iter()
        .filter_map(|c| carried_from(&c.actor))
        .collect()
}

/// The move's changes in a family document made by a move: its first change and the
/// candidates of moved conflicts. Carried changes start from here.
fn move_heads(doc: &Automerge) -> Vec<ChangeHash> {
    let metas = doc.get_changes_meta(&[]);
    let candidates: Vec<ChangeHash> = metas
        .iter()
        .filter(|c| c.actor.to_bytes().starts_with(MOVE_ACTOR))
        .map(|c| c.hash)
        .collect();
    if !candidates.is_empty() {
        return candidates;
    }
    metas
        .iter()
        .filter(|c| c.deps.is_empty())
        .map(|c| c.hash)
        .take(1)
        .collect()
}

/// Every change of `doc` that is one of `seen` or an ancestor of one.
fn ancestry(doc: &Automerge, seen: &[ChangeHash]) -> HashSet<ChangeHash> {
    let mut out = HashSet::new();
    let mut todo: Vec<ChangeHash> = seen.to_vec();
    while let Some(h) = todo.pop() {
        if out.contains(&h) {
            continue;
        }
        let Some(c) = doc.get_change_by_hash(&h) else {
            continue; // not held here: neither are its descendants
        };
        out.insert(h);
        todo.extend(c.deps().iter().copied());
    }
    out
}

/// Writes the conflicts pending in `old`'s family into `new` (just made by a move,
/// one change): per candidate, a change from the move's change by a derived actor,
/// with the note of whoever set that value. Conflicts on erased members stay behind.
pub fn move_conflicts(old: &Automerge, new: &mut Automerge, erased: &TagSet) -> Result<()> {
    let Some(fam) = map_at(old, &ROOT, "family")? else {
        return Ok(());
    };
    let found = conflicts::conflicted(old, &fam)?;
    let base = new.get_heads();
    let Some(first) = base.first().copied() else {
        return Ok(());
    };
    let mut authors = conflicts::Authors::new(old);
    let mut n: u32 = 0;
    for (field, candidates) in found {
        let path: Vec<&str> = field.split('.').collect();
        if BOOKKEEPING.contains(&path[0])
            || (path[0] == "members" && path.get(1).is_some_and(|p| erased.contains(p)))
        {
            continue;
        }
        let Some((key, parents)) = path.split_last() else {
            continue;
        };
        for (value, id) in candidates {
            let note = match &id {
                automerge::ObjId::Id(counter, actor, _) => authors.of(actor, *counter),
                automerge::ObjId::Root => None,
            }
            .unwrap_or_else(|| crate::history::note_of(None, 0));
            let mut actor = MOVE_ACTOR.to_vec();
            actor.extend_from_slice(&first.as_ref()[..8]);
            actor.extend_from_slice(&n.to_be_bytes());
            n += 1;
            let mut fork = new.fork_at(&base)?.with_actor(ActorId::from(actor));
            let mut tx = fork.transaction();
            let mut obj = map_at(&tx, &ROOT, "family")?;
            for p in parents {
                obj = match obj {
                    Some(o) => map_at(&tx, &o, p)?,
                    None => None,
                };
            }
            let Some(obj) = obj else {
                tx.rollback();
                continue;
            };
            // Deleted first, then put: a put of the value already there is no change
            // at all, and each candidate has to be a value of its own.
            tx.delete(&obj, *key)?;
            tx.put(&obj, *key, value)?;
            tx.commit_with(
                CommitOptions::default()
                    .with_message(serde_json::to_string(&note).unwrap_or_default())
                    .with_time(note.at.0),
            );
            new.merge(&mut fork)?;
        }
    }
    Ok(())
}

/// Replays onto `target` the changes of `old` (a document of the same household that
/// is not shown: one `target` replaces, or one made by a concurrent move) beyond the
/// heads `target` recorded for it (or beyond `old`'s own move). Returns whether
/// `target` changed.
pub fn carry(
    old: &Automerge,
    old_key: &str,
    target: &mut Automerge,
    target_key: &str,
) -> Result<bool> {
    let Some(fam) = map_at(target, &ROOT, "family")? else {
        return Ok(false);
    };
    let recorded: BTreeMap<String, TagSet> =
        hydrate_prop(target, &fam, "replaced_heads").unwrap_or_default();
    let recorded: Vec<ChangeHash> = match recorded.get(old_key) {
        Some(r) => r.iter().filter_map(|h| h.parse().ok()).collect(),
        // A document of the same household that `target` does not replace: made by
        // a move at the same time as `target` (two devices erased a member before
        // hearing of each other). What that move copied, `target`'s own move copied
        // too; what was written to it since (on a device where it was shown) is
        // carried.
        None => move_heads(old),
    };
    let seen = ancestry(old, &recorded);
    // In causal order, so a change's dependencies are carried before it.
    let beyond: Vec<Change> = old
        .get_changes(&[])
        .into_iter()
        .filter(|c| !seen.contains(&c.hash()))
        .collect();
    if beyond.is_empty() {
        return Ok(false);
    }
    let erased: TagSet = hydrate_prop(target, &fam, "erased_members").unwrap_or_default();
    let base = move_heads(target);
    let before = target.get_heads();
    // What each carried original became in `target`: its carried change, or (when
    // nothing of it was carried) what its dependencies became.
    let mut became: HashMap<ChangeHash, Vec<ChangeHash>> = HashMap::new();
    for c in &beyond {
        let mut deps: Vec<ChangeHash> = vec![];
        for d in c.deps() {
            for h in became.get(d).into_iter().flatten() {
                if !deps.contains(h) {
                    deps.push(*h);
                }
            }
        }
        if deps.is_empty() {
            deps = base.clone();
        }
        let mut actor = CARRY_ACTOR.to_vec();
        actor.extend_from_slice(c.hash().as_ref());
        let mut fork = target.fork_at(&deps)?.with_actor(ActorId::from(actor));
        let (made, keeps) = replay(old, c, &mut fork, &erased, old_key, target_key)?;
        match made {
            Some(hash) => {
                let change = fork
                    .get_change_by_hash(&hash)
                    .expect("the change was just made");
                let kept = if keeps.is_empty() {
                    None
                } else {
                    keep_concurrent(target, &deps, c, &keeps)?
                };
                target.apply_changes([change])?;
                let mut now = vec![hash];
                if let Some(k) = kept {
                    now.push(k.hash());
                    target.apply_changes([k])?;
                }
                became.insert(c.hash(), now);
            }
            None => {
                became.insert(c.hash(), deps);
            }
        }
    }
    Ok(target.get_heads() != before)
}

/// Replays one change's operations on `fork`, each at the same place under `family`,
/// leaving out erased members and the move's own fields. Returns the new change.
fn replay(
    old: &Automerge,
    c: &Change,
    fork: &mut Automerge,
    erased: &TagSet,
    old_key: &str,
    target_key: &str,
) -> Result<(Option<ChangeHash>, Vec<Keep>)> {
    let mut keeps: Vec<Keep> = vec![];
    let expanded = c.decode();
    let start = c.start_op().get();
    let actor = c.actor_id().clone();
    let at = [c.hash()];
    // Objects this change made: its op id → (the copy's object, its path).
    let mut made: HashMap<String, (automerge::ObjId, Vec<String>)> = HashMap::new();
    let mut tx = fork.transaction();
    let mut wrote = false;
    for (i, op) in expanded.operations.iter().enumerate() {
        let Key::Map(key) = &op.key else {
            continue;
        };
        let key = key.to_string();
        let ObjectId::Id(id) = &op.obj else {
            continue; // the root holds only the family map, made once by the move
        };
        let obj_id = format!("{}@{}", id.0, id.1);
        let (obj, mut path) = match made.get(&obj_id) {
            Some((o, p)) => (o.clone(), p.clone()),
            None => {
                let Ok(in_old) = old.import_obj(&obj_id) else {
                    continue;
                };
                let Ok(parents) = old.parents_at(&in_old, &at) else {
                    continue;
                };
                let mut props: Vec<Prop> = parents.map(|p| p.prop).collect();
                props.reverse();
                let mut path = vec![];
                let mut obj = Some(ROOT);
                for p in props {
                    let Prop::Map(k) = p else {
                        obj = None;
                        break;
                    };
                    obj = match obj {
                        Some(o) => map_at(&tx, &o, &k).ok().flatten(),
                        None => None,
                    };
                    path.push(k);
                }
                let Some(obj) = obj else {
                    continue;
                };
                (obj, path)
            }
        };
        path.push(key.clone());
        let skip = path.first().map(String::as_str) != Some("family")
            || (path.len() == 2 && BOOKKEEPING.contains(&path[1].as_str()))
            || (path.len() >= 3 && path[1] == "members" && erased.contains(&path[2]));
        if skip {
            continue;
        }
        match &op.action {
            OpType::Make(ObjType::Map) => {
                let made_obj = tx.put_object(&obj, key.as_str(), ObjType::Map)?;
                made.insert(format!("{}@{}", start + i as u64, actor), (made_obj, path));
            }
            OpType::Put(v) => {
                // The value the target holds here came from a write the original
                // did not know of (it overwrote something else): the two were made
                // at the same time, so both are kept, as a conflict.
                let before = old
                    .import_obj(&obj_id)
                    .ok()
                    .and_then(|o| old.get_at(&o, key.as_str(), c.deps()).ok().flatten())
                    .map(|(v, _)| v.into_owned());
                if let Some((automerge::Value::Scalar(held), held_id)) =
                    tx.get(&obj, key.as_str())?
                {
                    let differs = match &before {
                        Some(automerge::Value::Scalar(b)) => b.as_ref() != held.as_ref(),
                        _ => true,
                    };
                    if differs && held.as_ref() != v {
                        keeps.push(Keep {
                            obj: obj.clone(),
                            key: key.clone(),
                            value: held.into_owned(),
                            set_by: held_id,
                        });
                    }
                }
                put_new(&mut tx, &obj, &key, v.clone())?;
            }
            OpType::Delete => {
                // Settling a conflict on the value shown is a delete of the others:
                // where the original left a value, the copy settles on that value.
                let left = old
                    .import_obj(&obj_id)
                    .ok()
                    .and_then(|o| old.get_at(&o, key.as_str(), &at).ok().flatten());
                match left {
                    Some((automerge::Value::Scalar(v), _)) => {
                        put_new(&mut tx, &obj, &key, v.into_owned())?;
                    }
                    Some(_) => continue,
                    None => {
                        if tx.get(&obj, key.as_str())?.is_none() {
                            continue;
                        }
                        tx.delete(&obj, key.as_str())?;
                    }
                }
            }
            _ => continue, // family documents hold no lists, text or counters
        }
        wrote = true;
    }
    if !wrote {
        tx.rollback();
        return Ok((None, keeps));
    }
    // The original's note, naming the household's document it now lives in.
    let message = c
        .message()
        .map(|m| match serde_json::from_str::<ChangeNote>(m) {
            Ok(mut note) => {
                for r in note.records.iter_mut() {
                    if r == old_key {
                        *r = target_key.to_string();
                    }
                }
                serde_json::to_string(&note).unwrap_or_else(|_| m.clone())
            }
            Err(_) => m.clone(),
        });
    let mut opts = CommitOptions::default().with_time(c.timestamp());
    if let Some(m) = message {
        opts = opts.with_message(m);
    }
    let (hash, _) = tx.commit_with(opts);
    Ok((hash, keeps))
}

/// Puts `value` as a new operation that overwrites every value held there. A plain
/// put of the value already shown is no operation at all, or only a delete of the
/// other values, so the copy would not overwrite what the original overwrote, and a
/// write carried at the same time from elsewhere would then win silently (found by
/// the chaos test: two resolutions of one conflict, picking different values, carried
/// onto the new household document, showed one of them without a conflict).
fn put_new(
    tx: &mut automerge::transaction::Transaction<'_>,
    obj: &automerge::ObjId,
    key: &str,
    value: automerge::ScalarValue,
) -> Result<()> {
    if tx.get(obj, key)?.is_some() {
        tx.delete(obj, key)?;
    }
    tx.put(obj, key, value)?;
    Ok(())
}

/// A value the target held that a carried write did not know of.
struct Keep {
    obj: automerge::ObjId,
    key: String,
    value: automerge::ScalarValue,
    /// The operation that set it (whose change's note names who set it).
    set_by: automerge::ObjId,
}

/// Writes each kept value again from `deps`, by an actor derived from the carried
/// original, concurrently with the carried change: the field then holds both values,
/// a conflict for a person to settle. Deleting first makes the put a new operation
/// (Automerge skips a put of the value already there). Returns the change.
fn keep_concurrent(
    target: &Automerge,
    deps: &[ChangeHash],
    original: &Change,
    keeps: &[Keep],
) -> Result<Option<Change>> {
    let mut actor = KEEP_ACTOR.to_vec();
    actor.extend_from_slice(original.hash().as_ref());
    let mut fork = target.fork_at(deps)?.with_actor(ActorId::from(actor));
    let mut authors = conflicts::Authors::new(target);
    let note = keeps.first().and_then(|k| match &k.set_by {
        automerge::ObjId::Id(counter, actor, _) => authors.of(actor, *counter),
        automerge::ObjId::Root => None,
    });
    let mut tx = fork.transaction();
    for k in keeps {
        tx.delete(&k.obj, k.key.as_str())?;
        tx.put(&k.obj, k.key.as_str(), k.value.clone())?;
    }
    let mut opts = CommitOptions::default().with_time(original.timestamp());
    if let Some(n) = note {
        opts = opts.with_message(serde_json::to_string(&n).unwrap_or_default());
    }
    let (hash, _) = tx.commit_with(opts);
    Ok(hash.and_then(|h| fork.get_change_by_hash(&h)))
}

/// Before replaced family documents are dropped (`projection::drop_erased`), carries
/// the edits they hold that the move did not see onto their household's shown
/// document, and stores and re-projects that document. Edits to a household's other
/// documents that nothing replaces (made by two moves at the same time: only one is
/// shown) are carried onto the shown one the same way. A household erased whole, or
/// whose new document has not arrived here, has nowhere to carry them to.
pub fn carry_replaced(
    conn: &Connection,
    cache: &mut HashMap<DocId, Automerge>,
    actor: &ActorId,
) -> Result<()> {
    // Replaced documents, and documents of a household that another one outranks
    // without replacing them (moves made at the same time on two devices).
    let rows: Vec<(String, String)> = conn
        .prepare_cached(
            "SELECT l.family_id, l.household FROM p_lineage l
             JOIN docs d ON d.doc_id = 'family:' || l.family_id
             WHERE l.family_id IN (SELECT family_id FROM p_replaced)
                OR EXISTS (SELECT 1 FROM p_lineage g WHERE g.household = l.household
                           AND (g.depth > l.depth
                                OR (g.depth = l.depth AND g.family_id > l.family_id)))
             ORDER BY l.family_id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (old_key, household) in rows {
        let target: Option<String> = conn
            .prepare_cached(&format!(
                "SELECT family_id FROM p_lineage WHERE household = ?1 AND family_id <> ?2
                   AND family_id NOT IN ({})
                 ORDER BY depth DESC, family_id DESC LIMIT 1",
                projection::GONE
            ))?
            .query_row([&household, &old_key], |r| r.get(0))
            .optional()?;
        let Some(target_key) = target else {
            continue;
        };
        let old_id: DocId = format!("family:{old_key}").parse()?;
        let target_id: DocId = format!("family:{target_key}").parse()?;
        let old = match cache.get(&old_id) {
            Some(d) => d.clone(),
            None => match docs::load(conn, old_id, actor)? {
                Some(d) => d,
                None => continue,
            },
        };
        let doc = match cache.entry(target_id) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                match docs::load(conn, target_id, actor)? {
                    Some(d) => v.insert(d),
                    None => continue,
                }
            }
        };
        let before = doc.get_heads();
        if carry(&old, &old_key, doc, &target_key)? {
            docs::append(conn, target_id, doc, &before)?;
            projection::project(conn, target_id, doc, &Scope::All)?;
        }
    }
    Ok(())
}
