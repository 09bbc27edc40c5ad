//! Who may do what: the roles of the people who unlock a replica, the actions they
//! are checked against, and the sensitive actions the audit records.
//!
//! A pure table, so the core checks it before acting and the desktop asks it only
//! to hide what would be refused anyway.

use crate::model::code_enum;
use autosurgeon::{Hydrate, HydrateError, Reconcile, Reconciler};
use serde::{Deserialize, Serialize};

code_enum!(
    /// What a person who unlocks a replica may do. A *volunteer* registers and edits
    /// families, records sessions and attendance, searches. A *lead* also: groups,
    /// volunteers, erasure and subject access, sync and conflicts, backups and
    /// restore, retention, the people on this laptop, the audit, reports. An HQ
    /// *coordinator* also: reference data, projects and indicators, duplicates.
    Access {
        Volunteer => "volunteer",
        Lead => "lead",
        Coordinator => "coordinator",
    }
);

code_enum!(
    /// What the core checks a person's role against.
    Action {
        Families => "families",
        Sessions => "sessions",
        Search => "search",
        Groups => "groups",
        Volunteers => "volunteers",
        Erase => "erase",
        SubjectAccess => "subject-access",
        Sync => "sync",
        Conflicts => "conflicts",
        Backup => "backup",
        Restore => "restore",
        Retention => "retention",
        People => "people",
        Audit => "audit",
        Reports => "reports",
        ReferenceData => "reference-data",
        Duplicates => "duplicates",
        Import => "import",
    }
);

impl Access {
    /// Whether this role may do `action`.
    pub fn may(self, action: Action) -> bool {
        use Action::*;
        match self {
            Access::Coordinator => true,
            Access::Lead => !matches!(action, ReferenceData | Duplicates),
            Access::Volunteer => matches!(action, Families | Sessions | Search),
        }
    }

    /// Everything this role may do, for the desktop to show only that.
    pub fn actions(self) -> Vec<Action> {
        Action::ALL
            .iter()
            .copied()
            .filter(|a| self.may(*a))
            .collect()
    }
}

code_enum!(
    /// A sensitive action the audit records.
    AuditAction {
        EraseFamily => "erase-family",
        ErasePerson => "erase-person",
        SubjectAccess => "subject-access",
        Report => "report",
        Import => "import",
        Backup => "backup",
        Restore => "restore",
        Retention => "retention",
        PersonAdded => "person-added",
        PersonRemoved => "person-removed",
        RoleChanged => "role-changed",
        PassphraseReset => "passphrase-reset",
        RecoveryKey => "recovery-key",
        RecoveryUnlock => "recovery-unlock",
        FailedUnlock => "failed-unlock",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_volunteer_records_but_may_not_erase_export_restore_or_change_retention() {
        for a in [Action::Families, Action::Sessions, Action::Search] {
            assert!(Access::Volunteer.may(a));
        }
        for a in [
            Action::Erase,
            Action::SubjectAccess,
            Action::Restore,
            Action::Retention,
            Action::People,
            Action::Sync,
        ] {
            assert!(!Access::Volunteer.may(a), "{a}");
            assert!(Access::Lead.may(a), "{a}");
        }
        assert!(!Access::Lead.may(Action::ReferenceData));
        assert!(Action::ALL.iter().all(|a| Access::Coordinator.may(*a)));
    }
}
