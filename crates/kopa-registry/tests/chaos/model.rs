//! What the test knows was written (each acknowledged write, note and erasure), and
//! what a replica may see of it.

use super::*;

pub(crate) type Listing = Vec<(String, Vec<String>)>;

pub(crate) fn state(r: &mut Registry) -> (Listing, Listing) {
    (r.heads().unwrap(), r.projection_dump().unwrap())
}

pub(crate) fn nth<T: Clone>(list: &[T], i: u8) -> Option<T> {
    (!list.is_empty()).then(|| list[usize::from(i) % list.len()].clone())
}

pub(crate) fn household(r: &Registry, family: &str) -> String {
    projection::household(r.connection(), family).unwrap()
}

/// The live family documents of each household on `r`.
pub(crate) fn households(r: &Registry) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in r.list_families().unwrap() {
        out.entry(household(r, &f.id)).or_default().push(f.id);
    }
    out
}

/// Every person shown on `r`, with its family document.
pub(crate) fn persons(r: &Registry) -> Vec<(String, String)> {
    let mut out = vec![];
    for f in r.list_families().unwrap() {
        for p in r.family(f.id.parse().unwrap()).unwrap().persons {
            out.push((p.id, f.id.clone()));
        }
    }
    out
}

/// Whether the changes of a family document name a household erased on `r`.
pub(crate) fn household_erased(r: &Registry, changes: &[automerge::Change]) -> bool {
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
pub(crate) fn head_of(r: &mut Registry, family: &str) -> ChangeHash {
    let id = format!("family:{family}");
    let heads = r.heads().unwrap();
    let (_, h) = heads.iter().find(|(d, _)| *d == id).expect("document held");
    ChangeHash::from_str(h.iter().max().expect("a written document has a head")).unwrap()
}

pub(crate) fn docs_of(r: &mut Registry) -> BTreeMap<String, Automerge> {
    r.export_docs()
        .unwrap()
        .into_iter()
        .map(|(row, d)| (row.id.to_string(), d))
        .collect()
}

pub(crate) fn value_str(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub(crate) fn birth_field(person: &str) -> String {
    format!("members.{person}.birth_year")
}

/// The value a conflicted family field shows (the record's own field).
pub(crate) fn shown_value(r: &Registry, c: &kopa_registry::views::ConflictView) -> Option<String> {
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
pub(crate) fn skipped<T>(what: &str, r: Result<T>) -> Option<T> {
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
pub(crate) struct FieldWrite {
    pub(crate) household: String,
    pub(crate) field: String,
    pub(crate) value: String,
    pub(crate) doc: String,
    pub(crate) hash: ChangeHash,
    /// Earlier writes of the same household the writing replica held: this one
    /// causally follows them.
    pub(crate) knew: BTreeSet<usize>,
    pub(crate) what: String,
}

#[derive(Debug)]
pub(crate) struct NoteWrite {
    pub(crate) household: String,
    pub(crate) doc: String,
    pub(crate) text: String,
    pub(crate) hash: ChangeHash,
    pub(crate) what: String,
}

#[derive(Default)]
pub(crate) struct Model {
    /// Household → the group that owns it.
    pub(crate) owner: BTreeMap<String, usize>,
    /// Household → every person it had.
    pub(crate) members: BTreeMap<String, BTreeSet<String>>,
    pub(crate) erased_households: BTreeSet<String>,
    pub(crate) erased_persons: BTreeSet<String>,
    /// Writes a new household document carried over (by the erasure that made it).
    pub(crate) carried: BTreeMap<String, BTreeSet<usize>>,
    pub(crate) writes: Vec<FieldWrite>,
    pub(crate) notes: Vec<NoteWrite>,
    /// (group, group id), (group, session id), (group, session, person).
    pub(crate) groups: Vec<(usize, String)>,
    pub(crate) sessions: Vec<(usize, String)>,
    pub(crate) marks: Vec<(usize, String, String)>,
    /// (household, field, candidate values) → where it was first listed.
    pub(crate) conflicts: BTreeMap<(String, String, Vec<String>), String>,
    pub(crate) years: BTreeMap<String, BTreeSet<i64>>,
    pub(crate) counter: u64,
}

impl Model {
    pub(crate) fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    pub(crate) fn household_erased(&self, h: &str) -> bool {
        self.erased_households.contains(h)
            || self
                .members
                .get(h)
                .is_some_and(|m| !m.is_empty() && m.is_subset(&self.erased_persons))
    }

    /// Whether a field's record is gone by an acknowledged erasure.
    pub(crate) fn field_erased(&self, h: &str, field: &str) -> bool {
        self.household_erased(h)
            || self
                .erased_persons
                .iter()
                .any(|p| field.starts_with(&format!("members.{p}.")))
    }

    pub(crate) fn may_see(&self, r: usize, h: &str) -> bool {
        GROUP[r] == 0 || self.owner.get(h) == Some(&GROUP[r])
    }

    pub(crate) fn superseded(&self, i: usize) -> bool {
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
    pub(crate) fn knowledge(&self, r: &mut Registry, h: &str) -> BTreeSet<usize> {
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
