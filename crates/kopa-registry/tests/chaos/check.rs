//! What must hold at quiescence.

use super::*;

impl World {
    pub(crate) fn check(&mut self) -> Vec<String> {
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
