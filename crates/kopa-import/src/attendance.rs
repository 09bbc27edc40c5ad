//! Attendance lists: who came to which session of one group.
//!
//! Two layouts, as branches keep them:
//! - a grid: one row per person (name columns, optionally the birth year) and one
//!   column per session date (`2026-03-02` or `02.03.2026`), a mark where the person
//!   came (`x`, `+`, `1`, `v`, `✓`, `jā`, `да`, `yes`); an empty cell is an absence;
//! - a list: one row per attendance, with a `date` column beside the name columns.
//!
//! Every person must already be registered (found by name in either script, and by
//! birth year when given); a name that matches nobody, or more than one person, is a
//! row error. As with families, nothing is written while a row is bad unless the bad
//! rows are explicitly skipped. A date that already has a session of the group adds
//! the marks to it; other dates become new sessions. Persons who came are enrolled.

use crate::{mapping_for, read_table, ImportError, Options, RowError};
use kopa_domain::text::{fold, tokens};
use kopa_domain::validate::{self as v};
use kopa_domain::{Code, Date, GroupId, SessionId, ValidationError};
use kopa_registry::{Registry, SessionDraft};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The fields an attendance list's columns can map to.
pub const ATTENDANCE_FIELDS: &[&str] = &["given_name", "family_name", "birth_year", "date"];

#[derive(Clone, Debug, Serialize)]
pub struct AttendancePreview {
    /// Column header → field, or → `date:YYYY-MM-DD` for a grid's date columns.
    pub mapping: BTreeMap<String, String>,
    pub rows: usize,
    pub valid_rows: usize,
    /// Session dates found in the file.
    pub dates: Vec<String>,
    /// Attendances (person, date) in the valid rows.
    pub attendances: usize,
    /// Dates that already have a session of the group (marks are added to it).
    pub existing_sessions: Vec<String>,
    pub errors: Vec<RowError>,
    /// Ids of the sessions written or updated (empty in a dry run or when refused).
    pub imported: Vec<String>,
}

/// `2026-03-02`, `02.03.2026`, `2.3.2026`, `02/03/2026` → `2026-03-02`.
pub fn parse_date(s: &str) -> Option<String> {
    let s = s.trim();
    if let Ok(d) = s.parse::<Date>() {
        return Some(d.to_string());
    }
    let parts: Vec<&str> = s.split(['.', '/']).filter(|p| !p.is_empty()).collect();
    if parts.len() != 3 {
        return None;
    }
    let (d, m, y) = (
        parts[0].parse::<u32>().ok()?,
        parts[1].parse::<u32>().ok()?,
        parts[2].parse::<u32>().ok()?,
    );
    let y = if y < 100 { 2000 + y } else { y };
    format!("{y:04}-{m:02}-{d:02}")
        .parse::<Date>()
        .ok()
        .map(|d| d.to_string())
}

fn mark(cell: &str) -> Option<bool> {
    match cell.trim() {
        "" | "-" | "0" => Some(false),
        "+" | "✓" | "✔" | "1" => Some(true),
        t => match fold(t).as_str() {
            "x" | "v" | "ja" | "da" | "yes" | "y" | "j" => Some(true),
            "n" | "ne" | "net" | "no" => Some(false),
            _ => None,
        },
    }
}

/// Finds the one registered person a row names, preferring the group's members.
fn find_person(
    reg: &Registry,
    given: &str,
    family: &str,
    year: Option<i64>,
    members: &BTreeSet<String>,
) -> Result<Result<String, Code>, ImportError> {
    let (g, f) = (tokens(given), tokens(family));
    let mut found: Vec<String> = vec![];
    for hit in reg.search(&format!("{given} {family}"), 50)? {
        for p in hit.persons {
            let same_name = tokens(&p.given_name) == g && tokens(&p.family_name) == f;
            let same_year = year.is_none() || p.birth_year == year;
            if same_name && same_year && !found.contains(&p.id) {
                found.push(p.id);
            }
        }
    }
    if found.len() > 1 {
        let enrolled: Vec<String> = found
            .iter()
            .filter(|id| members.contains(*id))
            .cloned()
            .collect();
        if enrolled.len() == 1 {
            return Ok(Ok(enrolled[0].clone()));
        }
    }
    Ok(match found.len() {
        0 => Err(Code::UnknownPerson),
        1 => Ok(found.remove(0)),
        _ => Err(Code::AmbiguousPerson),
    })
}

/// Checks an attendance list for `group` and, unless it is a dry run or has bad rows
/// not explicitly skipped, records it.
pub fn import_attendance(
    reg: &mut Registry,
    path: &Path,
    group: &str,
    mapping_file: Option<&Path>,
    opts: Options,
) -> Result<AttendancePreview, ImportError> {
    let gid: GroupId = group.trim().parse().map_err(|_| {
        ImportError::Registry(Box::new(
            ValidationError::new("group", Code::InvalidId)
                .with_value(group)
                .into(),
        ))
    })?;
    let detail = reg.group(gid)?;
    let members: BTreeSet<String> = detail.members.iter().map(|p| p.id.clone()).collect();
    let (header, rows) = read_table(path)?;
    let mut map = mapping_for(
        &header,
        mapping_file,
        ATTENDANCE_FIELDS,
        &["given_name", "family_name"],
    )?;
    // Without a `date` column, every column headed by a date is a session (a grid).
    let list = map.values().any(|f| f == "date");
    let mut grid: Vec<(usize, String)> = vec![];
    if !list {
        for (i, h) in header.iter().enumerate() {
            if let Some(d) = parse_date(h) {
                map.insert(h.clone(), format!("date:{d}"));
                grid.push((i, d));
            }
        }
        if grid.is_empty() {
            return Err(ImportError::MissingColumn("date".into()));
        }
    }
    let col = |field: &str| {
        map.iter()
            .find(|(_, f)| *f == field)
            .and_then(|(h, _)| header.iter().position(|x| x == h))
    };
    let (gi, fi, yi, di) = (
        col("given_name"),
        col("family_name"),
        col("birth_year"),
        col("date"),
    );
    let ctx = reg.lists()?;
    let mut errors = vec![];
    let mut marks: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut valid_rows = 0;
    let mut bad_dates: BTreeSet<String> = BTreeSet::new();
    for (k, raw) in rows.iter().enumerate() {
        let number = k + 2;
        let cell = |i: Option<usize>| i.and_then(|i| raw.get(i)).cloned().unwrap_or_default();
        let fail = |errors: &mut Vec<RowError>, field: &str, code: Code, value: String| {
            errors.push(RowError::new(
                number,
                ValidationError::new(field, code).with_value(value),
            ))
        };
        let (given, family) = (cell(gi), cell(fi));
        let checked = v::text("given_name", &given, v::MAX_NAME)
            .and_then(|_| v::text("family_name", &family, v::MAX_NAME));
        if let Err(e) = checked {
            errors.push(RowError::new(number, e));
            continue;
        }
        let year_text = cell(yi);
        let year = if year_text.trim().is_empty() {
            None
        } else {
            match v::birth_year("birth_year", &year_text, &ctx) {
                Ok(y) => y,
                Err(e) => {
                    fail(&mut errors, "birth_year", e.code, year_text);
                    continue;
                }
            }
        };
        // The dates this row marks present.
        let mut dates = vec![];
        let mut row_ok = true;
        if list {
            let text = cell(di);
            match parse_date(&text) {
                Some(d) => dates.push(d),
                None => {
                    fail(&mut errors, "date", Code::InvalidDate, text);
                    row_ok = false;
                }
            }
        } else {
            for (i, d) in &grid {
                let text = raw.get(*i).cloned().unwrap_or_default();
                match mark(&text) {
                    Some(true) => dates.push(d.clone()),
                    Some(false) => {}
                    None => {
                        fail(&mut errors, d, Code::InvalidMark, text);
                        row_ok = false;
                    }
                }
            }
        }
        for d in &dates {
            if let Err(e) = v::past_date("date", d, &ctx) {
                fail(&mut errors, "date", e.code, d.clone());
                bad_dates.insert(d.clone());
                row_ok = false;
            }
        }
        if !row_ok {
            continue;
        }
        match find_person(reg, &given, &family, year, &members)? {
            Ok(pid) => {
                valid_rows += 1;
                for d in dates {
                    marks.entry(d).or_default().insert(pid.clone());
                }
            }
            Err(code) => fail(
                &mut errors,
                "person",
                code,
                format!("{} {}", given.trim(), family.trim()),
            ),
        }
    }
    let existing: BTreeMap<String, String> = detail
        .sessions
        .iter()
        .map(|s| (s.date.clone(), s.id.clone()))
        .collect();
    let mut all_dates: BTreeSet<String> = grid.iter().map(|(_, d)| d.clone()).collect();
    all_dates.extend(marks.keys().cloned());
    all_dates.retain(|d| !bad_dates.contains(d));
    let mut preview = AttendancePreview {
        mapping: map,
        rows: rows.len(),
        valid_rows,
        attendances: marks.values().map(BTreeSet::len).sum(),
        existing_sessions: all_dates
            .iter()
            .filter(|d| existing.contains_key(*d))
            .cloned()
            .collect(),
        dates: all_dates.into_iter().collect(),
        errors,
        imported: vec![],
    };
    // The whole grid, or nothing.
    preview.imported = opts.write(reg, &preview.errors, |reg| {
        let mut ids = vec![];
        for (date, persons) in marks {
            let persons: Vec<String> = persons.into_iter().collect();
            let id = match existing.get(&date) {
                Some(sid) => {
                    let sid: SessionId = sid
                        .parse()
                        .map_err(|_| kopa_registry::Error::Corrupt("session id".into()))?;
                    reg.enrol(gid, &persons)?;
                    reg.mark_attendance(sid, &persons, true)?;
                    sid.key()
                }
                None => reg
                    .record_session(&SessionDraft {
                        group: gid.key(),
                        date: date.clone(),
                        attended: persons,
                        ..Default::default()
                    })?
                    .key(),
            };
            ids.push(id);
        }
        Ok(ids)
    })?;
    Ok(preview)
}
