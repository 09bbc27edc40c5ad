//! Donor reports: each indicator of a project evaluated over the projection for a
//! period, against its target, disaggregated by age band, gender, target group,
//! municipality, language and branch; written as JSON, CSV, XLSX or PDF.
//!
//! Distinct persons and attendances are different units and never added together:
//! every figure carries its unit. Ages are computed at a stated reference date.
//! Every report is stamped with the document heads it was computed from, so the same
//! numbers can be reproduced from the same state.

mod compute;
mod dashboard;
mod pdf;
mod write;

pub use compute::*;
pub use dashboard::*;
pub use pdf::*;
pub use write::*;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Registry(Box<kopa_registry::Error>),
    #[error("spreadsheet error: {0}")]
    Xlsx(Box<rust_xlsxwriter::XlsxError>),
    #[error("CSV error: {0}")]
    Csv(#[from] csv::Error),
    #[error("PDF error: {0}")]
    Pdf(String),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
}

impl From<kopa_registry::Error> for ReportError {
    fn from(e: kopa_registry::Error) -> Self {
        ReportError::Registry(Box::new(e))
    }
}

impl From<rust_xlsxwriter::XlsxError> for ReportError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        ReportError::Xlsx(Box::new(e))
    }
}

pub type Result<T> = std::result::Result<T, ReportError>;
