//! `kopa report`: a project's indicators for a period, in JSON, CSV, XLSX or PDF.

use super::{parse_date, parse_id};
use crate::cli::{ReportArgs, ReportFormat};
use crate::output::Out;
use crate::{CliError, Result};
use kopa_registry::{Error, Registry};

pub fn report(reg: &mut Registry, r: &ReportArgs, out: &Out) -> Result<()> {
    let from = parse_date(&r.from)?;
    let to = parse_date(&r.to)?;
    let reference = r
        .reference_date
        .as_deref()
        .map(parse_date)
        .transpose()?
        .unwrap_or(to);
    let report = kopa_report::compute(reg, parse_id(&r.project)?, from, to, reference)
        .map_err(report_error)?;
    let l10n = out.l10n;
    match (r.format, &r.out) {
        (ReportFormat::Json, None) => {
            crate::output::say(&serde_json::to_string_pretty(&report).unwrap_or_default());
        }
        (ReportFormat::Json, Some(path)) => {
            std::fs::write(
                path,
                serde_json::to_string_pretty(&report).unwrap_or_default(),
            )
            .map_err(super::io)?;
            out.id(&path.display().to_string());
        }
        (ReportFormat::Csv, Some(path)) => {
            kopa_report::write_csv(&report, path, l10n).map_err(report_error)?;
            out.id(&path.display().to_string());
        }
        (ReportFormat::Xlsx, Some(path)) => {
            kopa_report::write_xlsx(&report, path, l10n).map_err(report_error)?;
            out.id(&path.display().to_string());
        }
        (ReportFormat::Pdf, Some(path)) => {
            kopa_report::write_pdf(&report, path, l10n).map_err(report_error)?;
            out.id(&path.display().to_string());
        }
        (_, None) => {
            return Err(CliError::Usage(
                "--out FILE is required for csv, xlsx and pdf".into(),
            ))
        }
    }
    Ok(())
}

pub fn report_error(e: kopa_report::ReportError) -> CliError {
    match e {
        kopa_report::ReportError::Registry(e) => CliError::Registry(e),
        kopa_report::ReportError::Io(e) => Error::Io(e).into(),
        other => Error::Io(std::io::Error::other(other.to_string())).into(),
    }
}
