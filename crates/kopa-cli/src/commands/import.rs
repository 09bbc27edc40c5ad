//! `kopa import`: participant lists and attendance grids from CSV or XLSX.

use crate::cli::{ImportArgs, ImportKind};
use crate::output::{self, Out};
use crate::{CliError, Result};
use kopa_i18n::{Arg, Localizer};
use kopa_registry::{Error, Registry};

fn import_error(e: kopa_import::ImportError) -> CliError {
    match e {
        kopa_import::ImportError::Registry(e) => CliError::Registry(e),
        other => CliError::Usage(other.to_string()),
    }
}

fn row_errors(errors: &[kopa_import::RowError], l10n: &Localizer) -> Vec<String> {
    errors
        .iter()
        .map(|e| {
            let err = Error::Validation(e.validation());
            format!(
                "  {}: {}",
                l10n.tr("cli-import-row", &[("row", Arg::Num(e.row as i64))]),
                output::message(&err, l10n)
            )
        })
        .collect()
}

/// The last line of a preview: what was imported (`done`: the message and the name
/// of its count), else a dry run, else refused.
fn outcome(imported: usize, done: (&str, &str), a: &ImportArgs, l10n: &Localizer) -> String {
    if imported > 0 {
        l10n.tr(done.0, &[(done.1, Arg::Num(imported as i64))])
    } else if a.dry_run {
        l10n.tr("cli-import-dry-run", &[])
    } else {
        l10n.tr("cli-import-refused", &[])
    }
}

/// Exit 3 when rows were bad and nothing was imported.
fn refused_rows(errors: &[kopa_import::RowError], a: &ImportArgs) -> Result<()> {
    if !errors.is_empty() && !a.skip_bad_rows && !a.dry_run {
        return Err(CliError::Registry(Box::new(Error::Validation(
            kopa_domain::ValidationError::new(
                format!("row[{}].{}", errors[0].row, errors[0].field),
                kopa_domain::Code::parse(&errors[0].code).unwrap_or(kopa_domain::Code::Required),
            ),
        ))));
    }
    Ok(())
}

pub fn import(reg: &mut Registry, a: &ImportArgs, out: &Out) -> Result<()> {
    let l10n = out.l10n;
    let opts = kopa_import::Options {
        dry_run: a.dry_run,
        skip_bad_rows: a.skip_bad_rows,
    };
    if a.kind == ImportKind::Attendance {
        let Some(group) = &a.group else {
            return Err(CliError::Usage(
                "--group ID is required for --kind attendance".into(),
            ));
        };
        let p = kopa_import::import_attendance(reg, &a.file, group, a.mapping.as_deref(), opts)
            .map_err(import_error)?;
        out.value(&p, || {
            let mut s = vec![l10n.tr(
                "cli-import-attendance-preview",
                &[
                    ("rows", Arg::Num(p.rows as i64)),
                    ("valid", Arg::Num(p.valid_rows as i64)),
                    ("dates", Arg::Num(p.dates.len() as i64)),
                    ("attendances", Arg::Num(p.attendances as i64)),
                    ("existing", Arg::Num(p.existing_sessions.len() as i64)),
                ],
            )];
            s.extend(row_errors(&p.errors, l10n));
            s.push(outcome(
                p.imported.len(),
                ("cli-import-attendance-done", "sessions"),
                a,
                l10n,
            ));
            s.join("\n")
        });
        return refused_rows(&p.errors, a);
    }
    if a.kind == ImportKind::Volunteers {
        let p = kopa_import::import_volunteers(reg, &a.file, a.mapping.as_deref(), opts)
            .map_err(import_error)?;
        out.value(&p, || {
            let mut s = vec![l10n.tr(
                "cli-import-volunteers-preview",
                &[
                    ("rows", Arg::Num(p.rows as i64)),
                    ("valid", Arg::Num(p.valid_rows as i64)),
                    ("volunteers", Arg::Num(p.new_volunteers as i64)),
                    ("trainings", Arg::Num(p.new_trainings as i64)),
                ],
            )];
            s.extend(row_errors(&p.errors, l10n));
            let done = ("cli-import-volunteers-done", "records");
            s.push(outcome(p.imported.len(), done, a, l10n));
            s.join("\n")
        });
        return refused_rows(&p.errors, a);
    }
    let p = kopa_import::import_families(reg, &a.file, a.mapping.as_deref(), opts)
        .map_err(import_error)?;
    out.value(&p, || {
        let mut s = vec![l10n.tr(
            "cli-import-preview",
            &[
                ("rows", Arg::Num(p.rows as i64)),
                ("valid", Arg::Num(p.valid_rows as i64)),
                ("families", Arg::Num(p.families as i64)),
            ],
        )];
        s.extend(row_errors(&p.errors, l10n));
        for d in &p.duplicates {
            s.push(format!(
                "  {}",
                l10n.tr(
                    "cli-import-duplicate",
                    &[
                        ("row", Arg::Num(d.row as i64)),
                        ("name", Arg::Str(&d.name)),
                        ("id", Arg::Str(&d.person_id))
                    ]
                )
            ));
        }
        s.push(outcome(
            p.imported.len(),
            ("cli-import-done", "families"),
            a,
            l10n,
        ));
        s.join("\n")
    });
    refused_rows(&p.errors, a)
}
