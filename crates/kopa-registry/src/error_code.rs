//! Every error code Kopā shows or sends, as one closed set.
//!
//! A code is stable: its string form (`as_str`, the serde and TypeScript form) is the
//! Fluent message id suffix `error-<code>` the CLI and the UI translate, and the code
//! the hub sends back over the wire. Never rename a shipped code; a new one needs an
//! `error-<code>` message in every language (a test in the desktop crate checks).

use std::fmt;

macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $s:literal, retry: $retry:literal;)*) => {
        /// An error's stable code. `retryable` says whether trying the same thing again,
        /// unchanged, can succeed (a hub that was unreachable, a busy database).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        #[serde(rename_all = "kebab-case")]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)*
        }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The code as written in messages, JSON and Fluent ids.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $s,)*
                }
            }

            /// Whether trying again unchanged can help: true for the network, the hub
            /// and a busy database; false for a wrong passphrase, invalid input, a
            /// tampered or foreign file, a refusal.
            pub fn retryable(self) -> bool {
                match self {
                    $(ErrorCode::$variant => $retry,)*
                }
            }
        }
    };
}

error_codes! {
    // The replica and its storage.
    WrongPassphrase = "wrong-passphrase", retry: false;
    NoReplica = "no-replica", retry: false;
    AlreadyExists = "already-exists", retry: false;
    NotFound = "not-found", retry: false;
    NoSuchCandidate = "no-such-candidate", retry: false;
    NotAllowed = "not-allowed", retry: false;
    /// The person's role does not allow the action (a volunteer erasing a family).
    NotPermitted = "not-permitted", retry: false;
    /// The person was removed from the branch.
    AccountRemoved = "account-removed", retry: false;
    /// Two people share the passphrase typed: who is unlocking must be said.
    PersonRequired = "person-required", retry: false;
    /// Too many wrong passphrases: the next try must wait.
    TryLater = "try-later", retry: true;
    Corrupt = "corrupt", retry: false;
    Storage = "storage", retry: false;
    /// Another program (a second Kopā, a backup tool) holds the database for a moment.
    StorageBusy = "storage-busy", retry: true;
    /// A file or folder problem: a USB stick pulled out, a full disk.
    Io = "io", retry: true;
    /// The desktop's replica is not unlocked yet.
    Locked = "locked", retry: false;
    // Validation: the person can fix what they typed (kopa_domain::Code).
    Required = "required", retry: false;
    TooLong = "too-long", retry: false;
    NotAName = "not-a-name", retry: false;
    InvalidDate = "invalid-date", retry: false;
    DateInFuture = "date-in-future", retry: false;
    DateOrder = "date-order", retry: false;
    BirthYearRange = "birth-year-range", retry: false;
    InvalidNumber = "invalid-number", retry: false;
    NumberRange = "number-range", retry: false;
    UnknownMunicipality = "unknown-municipality", retry: false;
    UnknownActivity = "unknown-activity", retry: false;
    UnknownTargetGroup = "unknown-target-group", retry: false;
    UnknownLanguage = "unknown-language", retry: false;
    UnknownGender = "unknown-gender", retry: false;
    UnknownRole = "unknown-role", retry: false;
    InvalidMember = "invalid-member", retry: false;
    InvalidGuests = "invalid-guests", retry: false;
    InvalidId = "invalid-id", retry: false;
    NotEnrolled = "not-enrolled", retry: false;
    UnknownRule = "unknown-rule", retry: false;
    InvalidParam = "invalid-param", retry: false;
    UnknownPerson = "unknown-person", retry: false;
    AmbiguousPerson = "ambiguous-person", retry: false;
    InvalidMark = "invalid-mark", retry: false;
    NoSuchFolder = "no-such-folder", retry: false;
    UnknownBranch = "unknown-branch", retry: false;
    InvalidAgeBand = "invalid-age-band", retry: false;
    UnknownCategory = "unknown-category", retry: false;
    InvalidCode = "invalid-code", retry: false;
    UnknownOption = "unknown-option", retry: false;
    UnknownField = "unknown-field", retry: false;
    SessionExists = "session-exists", retry: false;
    /// Two passphrases typed to create a replica differ (checked by the UI and CLI).
    PassphraseMismatch = "passphrase-mismatch", retry: false;
    // Sync files and network sync batches: refused, nothing changed.
    SyncNotForUs = "sync-not-for-us", retry: false;
    SyncDamaged = "sync-damaged", retry: false;
    SyncUnknownSigner = "sync-unknown-signer", retry: false;
    SyncBadSignature = "sync-bad-signature", retry: false;
    SyncNotOwner = "sync-not-owner", retry: false;
    SyncUnknownPeer = "sync-unknown-peer", retry: false;
    SyncNotReadable = "sync-not-readable", retry: false;
    SyncMalformed = "sync-malformed", retry: false;
    /// The sync stopped after its rounds; the next one resumes where it stopped.
    SyncNoProgress = "sync-no-progress", retry: true;
    /// Everything arrived was kept, but some changes wait for earlier ones (CLI).
    SyncWaiting = "sync-waiting", retry: false;
    // The network (kopa-net): the client's and the hub's.
    NetInvite = "net-invite", retry: false;
    NetNotJoined = "net-not-joined", retry: false;
    NetAddress = "net-address", retry: false;
    NetCertificate = "net-certificate", retry: false;
    NetUnauthorised = "net-unauthorised", retry: false;
    NetRefused = "net-refused", retry: false;
    NetProtocol = "net-protocol", retry: false;
    NetTooLarge = "net-too-large", retry: false;
    NetUnreachable = "net-unreachable", retry: true;
    NetInterrupted = "net-interrupted", retry: true;
    NetBusy = "net-busy", retry: true;
    NetRateLimited = "net-rate-limited", retry: true;
    NetServer = "net-server", retry: true;
    // The command line.
    Usage = "usage", retry: false;
}

impl ErrorCode {
    /// The code written as `as_str` gives it.
    pub fn parse(s: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|c| c.as_str() == s)
    }

    /// The Fluent message id: `error-<code>`.
    pub fn fluent_id(self) -> String {
        format!("error-{}", self.as_str())
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for ErrorCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl From<kopa_domain::Code> for ErrorCode {
    fn from(c: kopa_domain::Code) -> Self {
        use kopa_domain::Code;
        match c {
            Code::Required => ErrorCode::Required,
            Code::TooLong => ErrorCode::TooLong,
            Code::NotAName => ErrorCode::NotAName,
            Code::InvalidDate => ErrorCode::InvalidDate,
            Code::DateInFuture => ErrorCode::DateInFuture,
            Code::DateOrder => ErrorCode::DateOrder,
            Code::BirthYearRange => ErrorCode::BirthYearRange,
            Code::InvalidNumber => ErrorCode::InvalidNumber,
            Code::NumberRange => ErrorCode::NumberRange,
            Code::UnknownMunicipality => ErrorCode::UnknownMunicipality,
            Code::UnknownActivity => ErrorCode::UnknownActivity,
            Code::UnknownTargetGroup => ErrorCode::UnknownTargetGroup,
            Code::UnknownLanguage => ErrorCode::UnknownLanguage,
            Code::UnknownGender => ErrorCode::UnknownGender,
            Code::UnknownRole => ErrorCode::UnknownRole,
            Code::InvalidMember => ErrorCode::InvalidMember,
            Code::InvalidGuests => ErrorCode::InvalidGuests,
            Code::InvalidId => ErrorCode::InvalidId,
            Code::NotEnrolled => ErrorCode::NotEnrolled,
            Code::UnknownRule => ErrorCode::UnknownRule,
            Code::InvalidParam => ErrorCode::InvalidParam,
            Code::UnknownPerson => ErrorCode::UnknownPerson,
            Code::AmbiguousPerson => ErrorCode::AmbiguousPerson,
            Code::InvalidMark => ErrorCode::InvalidMark,
            Code::NoSuchFolder => ErrorCode::NoSuchFolder,
            Code::UnknownBranch => ErrorCode::UnknownBranch,
            Code::InvalidAgeBand => ErrorCode::InvalidAgeBand,
            Code::UnknownCategory => ErrorCode::UnknownCategory,
            Code::InvalidCode => ErrorCode::InvalidCode,
            Code::UnknownOption => ErrorCode::UnknownOption,
            Code::UnknownField => ErrorCode::UnknownField,
            Code::SessionExists => ErrorCode::SessionExists,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn the_string_form_is_the_serde_form_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert!(seen.insert(c.as_str()), "{c} twice");
            assert_eq!(ErrorCode::parse(c.as_str()), Some(*c));
        }
    }

    #[test]
    fn every_validation_code_keeps_its_string() {
        for c in kopa_domain::Code::ALL {
            assert_eq!(ErrorCode::from(*c).as_str(), c.as_str());
        }
    }

    #[test]
    fn retrying_helps_only_with_passing_trouble() {
        assert!(ErrorCode::NetUnreachable.retryable());
        assert!(ErrorCode::StorageBusy.retryable());
        assert!(!ErrorCode::WrongPassphrase.retryable());
        assert!(!ErrorCode::SyncBadSignature.retryable());
        assert!(!ErrorCode::Required.retryable());
    }
}
