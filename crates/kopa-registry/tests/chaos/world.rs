//! The replicas, the mailbox of sync files, and each operation applied to them.

use super::*;

#[derive(Debug, Default)]
pub(crate) struct Counts {
    pub(crate) ops: usize,
    pub(crate) writes_ok: usize,
    pub(crate) writes_skipped: usize,
    pub(crate) syncs: usize,
    pub(crate) cut_syncs: usize,
    pub(crate) cut_syncs_finished_first: usize,
    pub(crate) exports: usize,
    pub(crate) delivered: usize,
    pub(crate) duplicates: usize,
    pub(crate) out_of_order: usize,
    pub(crate) truncated_refused: usize,
    pub(crate) resolves_shown: usize,
    pub(crate) resolves_hidden: usize,
    pub(crate) conflicts_seen: usize,
    pub(crate) final_files: usize,
    pub(crate) final_passes: usize,
    /// Imports that left changes waiting for earlier ones (kept, reported).
    pub(crate) waiting: usize,
}

pub(crate) struct Mail {
    pub(crate) from: usize,
    pub(crate) group: usize,
    pub(crate) bytes: Vec<u8>,
}

pub(crate) struct World {
    pub(crate) _dir: tempfile::TempDir,
    pub(crate) clock: ManualClock,
    pub(crate) regs: Vec<Registry>,
    /// Group → branch id (0: HQ's own branch).
    pub(crate) branch_ids: Vec<String>,
    pub(crate) mailbox: Vec<Mail>,
    /// Replica → the highest mailbox index it imported.
    pub(crate) latest: BTreeMap<usize, usize>,
    pub(crate) model: Model,
    pub(crate) counts: Counts,
    pub(crate) step: usize,
    pub(crate) skip: Vec<String>,
}

pub(crate) type Check = std::result::Result<(), String>;

impl World {
    pub(crate) fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::new(Timestamp(T0));
        let env = |seed: u64| Env::manual(clock.clone(), seed);
        let mut hub = hub(dir.path(), env(1));
        let mut branch_ids = vec![hub.identity().branch_id];
        for b in BRANCHES {
            branch_ids.push(hub.register_branch(b, b).unwrap().key());
        }
        let mut regs = vec![];
        for i in 1..N {
            let g = GROUP[i];
            let branch = if g == 0 { "hq" } else { &branch_ids[g] };
            let reg = join(&mut hub, dir.path(), DEVICES[i], branch, env(i as u64 + 1));
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

    pub(crate) fn what(&self, r: usize, action: &str) -> String {
        format!("{action} on {} at op {}", DEVICES[r], self.step)
    }

    /// `r`, or the next replica (the hub left out) that holds a family.
    pub(crate) fn holder(&self, r: usize) -> usize {
        (0..N - 1)
            .map(|i| 1 + (r - 1 + i) % (N - 1))
            .find(|&j| !self.regs[j].list_families().unwrap().is_empty())
            .unwrap_or(r)
    }

    pub(crate) fn family_on(&self, r: usize, i: u8) -> Option<String> {
        nth(&self.regs[r].list_families().unwrap(), i).map(|f| f.id)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn record_write(
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

    pub(crate) fn edit_contact(&mut self, r: usize, fid: &str) {
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
    pub(crate) fn laptop(r: usize) -> usize {
        if GROUP[r] == 0 {
            3 + r % 6
        } else {
            r
        }
    }

    pub(crate) fn apply(&mut self, op: &Op) -> Check {
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
                    drafts.push(member(&spec));
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
                    // Sessions are the model's independent records: several a day.
                    another: true,
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
    pub(crate) fn targets(&self, i: usize) -> Vec<usize> {
        let m = &self.mailbox[i];
        (0..N)
            .filter(|&j| GROUP[j] == m.group && j != m.from)
            .collect()
    }

    pub(crate) fn deliver(&mut self, i: usize, t: usize) -> Check {
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
    pub(crate) fn scan_conflicts(&mut self) {
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
    pub(crate) fn quiesce(&mut self) -> Check {
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
}
