//! The registry's errors, each with a stable code the CLI and UI translate.

pub use crate::error_code::ErrorCode;
use kopa_domain::ValidationError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("wrong passphrase, or not a Kopā replica")]
    WrongPassphrase,
    #[error("no replica at {0}")]
    NoReplica(String),
    #[error("a file already exists at {0}")]
    AlreadyExists(String),
    #[error("{kind} {id} not found")]
    NotFound { kind: &'static str, id: String },
    #[error("invalid value: {0}")]
    Validation(#[from] ValidationError),
    #[error("conflict {id} has no candidate {pick}")]
    NoSuchCandidate { id: String, pick: usize },
    #[error("this replica's role ({role}) may not {action}")]
    NotAllowed { role: String, action: &'static str },
    #[error("{access} may not {action}")]
    NotPermitted {
        access: kopa_domain::Access,
        action: kopa_domain::Action,
    },
    #[error("{0} was removed and can no longer open this replica")]
    AccountRemoved(String),
    #[error("several people use this passphrase ({}); say who you are", .0.join(", "))]
    PersonRequired(Vec<String>),
    #[error("too many wrong passphrases; try again in {0} s")]
    TryLater(i64),
    #[error("the replica's data is damaged: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("document error: {0}")]
    Automerge(Box<automerge::AutomergeError>),
    #[error("document shape error: {0}")]
    Hydrate(Box<autosurgeon::HydrateError>),
    #[error("document write error: {0}")]
    Reconcile(Box<autosurgeon::ReconcileError>),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("sync file refused: {0}")]
    SyncFile(crate::SyncFileError),
    #[error("sync refused: {0}")]
    NetSync(crate::NetSyncError),
    /// Raised by a transport (the HTTPS client) and carried through the sync engine.
    #[error("{message}")]
    Transport { code: ErrorCode, message: String },
}

impl Error {
    /// Stable code, also the Fluent message id suffix `error-<code>`.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::WrongPassphrase => ErrorCode::WrongPassphrase,
            Error::NoReplica(_) => ErrorCode::NoReplica,
            Error::AlreadyExists(_) => ErrorCode::AlreadyExists,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Validation(v) => v.code.into(),
            Error::NoSuchCandidate { .. } => ErrorCode::NoSuchCandidate,
            Error::NotAllowed { .. } => ErrorCode::NotAllowed,
            Error::NotPermitted { .. } => ErrorCode::NotPermitted,
            Error::AccountRemoved(_) => ErrorCode::AccountRemoved,
            Error::PersonRequired(_) => ErrorCode::PersonRequired,
            Error::TryLater(_) => ErrorCode::TryLater,
            Error::Corrupt(_) | Error::Automerge(_) | Error::Hydrate(_) => ErrorCode::Corrupt,
            Error::Sqlite(e) if is_busy(e) => ErrorCode::StorageBusy,
            Error::Sqlite(_) | Error::Migration(_) | Error::Reconcile(_) => ErrorCode::Storage,
            Error::Io(_) => ErrorCode::Io,
            Error::SyncFile(e) => e.code(),
            Error::NetSync(e) => e.code(),
            Error::Transport { code, .. } => *code,
        }
    }

    /// Whether trying the same thing again, unchanged, can succeed.
    pub fn retryable(&self) -> bool {
        self.code().retryable()
    }

    /// Whether this is a validation failure (the person can fix their input).
    pub fn is_validation(&self) -> bool {
        matches!(self, Error::Validation(_) | Error::NoSuchCandidate { .. })
    }
}

/// Another connection holds the database for longer than the busy timeout.
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

// Document errors are boxed: they are rare and large, and every `Result` pays for
// the largest variant.
impl From<automerge::AutomergeError> for Error {
    fn from(e: automerge::AutomergeError) -> Self {
        Error::Automerge(Box::new(e))
    }
}

impl From<autosurgeon::HydrateError> for Error {
    fn from(e: autosurgeon::HydrateError) -> Self {
        Error::Hydrate(Box::new(e))
    }
}

impl From<autosurgeon::ReconcileError> for Error {
    fn from(e: autosurgeon::ReconcileError) -> Self {
        Error::Reconcile(Box::new(e))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
