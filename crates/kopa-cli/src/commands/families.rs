//! `kopa family`, `kopa person`, `kopa duplicates`: households and the persons in them.

use super::report::report_error;
use super::{io, parse_date, parse_id};
use crate::cli::{DuplicatesCmd, ExportFormat, FamilyCmd, PersonCmd};
use crate::output::{self, Out};
use crate::Result;
use kopa_registry::{MemberDraft, Registry};

pub fn family(reg: &mut Registry, cmd: &FamilyCmd, out: &Out) -> Result<()> {
    let l10n = out.l10n;
    match cmd {
        FamilyCmd::Add(a) => {
            let id = reg.add_family(&a.draft(false)?)?;
            out.id(&id.key());
        }
        FamilyCmd::Edit { id, fields } => {
            let fid = parse_id(id)?;
            let changed = reg.edit_family(fid, &fields.draft(true)?)?;
            out.changed(&fid.key(), changed);
        }
        FamilyCmd::List => {
            let list = reg.list_families()?;
            out.value(&list, || output::families(&list, l10n));
        }
        FamilyCmd::Show { id } => {
            let fam = reg.family(parse_id(id)?)?;
            out.value(&fam, || output::family(&fam, l10n));
        }
        FamilyCmd::Search { query, limit } => {
            let hits = reg.search(&query.join(" "), *limit)?;
            out.value(&hits, || output::hits(&hits, l10n));
        }
        FamilyCmd::Note { id, text, date } => {
            let nid = reg.add_note(parse_id(id)?, date.as_deref().unwrap_or(""), text)?;
            out.id(&nid.key());
        }
        FamilyCmd::Export {
            id,
            out: file,
            format,
        } => {
            let v = reg.subject_access(parse_id(id)?)?;
            let pdf = match format {
                Some(f) => *f == ExportFormat::Pdf,
                None => file
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("pdf")),
            };
            if pdf {
                kopa_report::write_subject_access_pdf(&v, file, l10n).map_err(report_error)?;
            } else {
                let text = serde_json::to_string_pretty(&v).unwrap_or_default();
                std::fs::write(file, text).map_err(io)?;
            }
            out.id(&file.display().to_string());
        }
        FamilyCmd::Erase { id } => {
            let fid = parse_id(id)?;
            reg.erase_family(fid)?;
            out.id(&fid.key());
        }
        FamilyCmd::ErasePerson { person } => {
            // The household's new id; nothing when the whole family went.
            if let Some(fid) = reg.erase_person(parse_id(person)?)? {
                out.id(&fid.key());
            }
        }
        FamilyCmd::RetentionDue { before, set_years } => {
            if let Some(years) = set_years {
                reg.set_retention_years(*years)?;
            }
            let list = match before {
                Some(before) => reg.retention_due(parse_date(before)?)?,
                None => reg.retention_due_now()?,
            };
            out.value(&list, || output::families(&list, l10n));
        }
        FamilyCmd::FollowUp { id, due, text } => {
            let fid = reg.add_follow_up(parse_id(id)?, due, text)?;
            out.id(&fid.key());
        }
    }
    Ok(())
}

pub fn person(reg: &mut Registry, cmd: &PersonCmd, out: &Out) -> Result<()> {
    match cmd {
        PersonCmd::Edit {
            id,
            given_name,
            family_name,
            birth_year,
            gender,
            role,
            fields,
        } => {
            let pid = parse_id(id)?;
            let draft = MemberDraft {
                given_name: given_name.clone().unwrap_or_default(),
                family_name: family_name.clone().unwrap_or_default(),
                birth_year: birth_year.clone().unwrap_or_default(),
                gender: gender.clone().unwrap_or_default(),
                role: role.clone().unwrap_or_default(),
                fields: crate::cli::field_args(fields)?,
            };
            let changed = reg.edit_person(pid, &draft)?;
            out.changed(&pid.key(), changed);
        }
    }
    Ok(())
}

/// At HQ: the same person registered by two branches.
pub fn duplicates(reg: &mut Registry, cmd: &DuplicatesCmd, out: &Out) -> Result<()> {
    match cmd {
        DuplicatesCmd::List { min_score } => {
            let pairs = reg.duplicate_candidates(*min_score)?;
            out.value(&pairs, || {
                pairs
                    .iter()
                    .map(|p| {
                        format!(
                            "{:>3}  {} {} ({}) {}  ~  {} {} ({}) {}",
                            p.score,
                            p.a.given_name,
                            p.a.family_name,
                            p.a.birth_year.map(|y| y.to_string()).unwrap_or_default(),
                            p.a.id,
                            p.b.given_name,
                            p.b.family_name,
                            p.b.birth_year.map(|y| y.to_string()).unwrap_or_default(),
                            p.b.id
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        DuplicatesCmd::Merge { a, b } => {
            let link = reg.link_persons(parse_id(a)?, parse_id(b)?)?;
            out.id(&link);
        }
        DuplicatesCmd::Undo { link } => {
            reg.unlink_persons(link)?;
            out.id(link);
        }
    }
    Ok(())
}
