//! The typed contract between the shell and the UI: request and response types that
//! exist only here (the views come from the registry and reports), and the generated
//! TypeScript (`ui/src/bindings.ts`). A test fails when that file is stale.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Every error crosses as a stable code the UI translates (`error-<code>` in the
/// shared Fluent files), with the field at fault and the value, when there are some.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct CommandError {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
    pub value: Option<String>,
}

impl From<kopa_registry::Error> for CommandError {
    fn from(e: kopa_registry::Error) -> Self {
        let (field, value) = match &e {
            kopa_registry::Error::Validation(v) => (Some(v.field.clone()), v.value.clone()),
            _ => (None, None),
        };
        CommandError {
            code: e.code().to_string(),
            message: e.to_string(),
            field,
            value,
        }
    }
}

impl From<kopa_report::ReportError> for CommandError {
    fn from(e: kopa_report::ReportError) -> Self {
        match e {
            kopa_report::ReportError::Registry(e) => (*e).into(),
            other => CommandError {
                code: "io".into(),
                message: other.to_string(),
                field: None,
                value: None,
            },
        }
    }
}

impl CommandError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        CommandError {
            code: code.into(),
            message: message.into(),
            field: None,
            value: None,
        }
    }
}

/// What the app shows first.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct AppStatus {
    /// A replica exists on this computer (it may be locked).
    pub has_replica: bool,
    /// The replica is open; `identity` says whose it is.
    pub open: bool,
    pub identity: Option<kopa_registry::views::Identity>,
    pub today: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize, TS)]
pub struct CreateBranch {
    pub name: String,
    pub municipality: String,
    pub passphrase: String,
    pub user: String,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, TS)]
pub struct MemberInput {
    pub given_name: String,
    pub family_name: String,
    pub birth_year: String,
    pub gender: String,
    pub role: String,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, TS)]
pub struct FamilyInput {
    pub name: String,
    pub municipality: String,
    pub languages: Vec<String>,
    pub target_groups: Vec<String>,
    pub contact: String,
    pub consent: String,
    pub members: Vec<MemberInput>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, TS)]
pub struct GroupInput {
    pub name: String,
    pub activity: String,
    pub weekday: String,
    pub time: String,
    pub place: String,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, TS)]
pub struct SessionInput {
    pub group: String,
    pub date: String,
    pub attended: Vec<String>,
    /// `(category, count)`: adult, child, senior, volunteer, other.
    pub guests: Vec<(String, i64)>,
    pub note: String,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, TS)]
pub struct VolunteerInput {
    pub given_name: String,
    pub family_name: String,
    /// volunteer, staff or lead.
    pub role: String,
    pub contact: String,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, TS)]
pub struct TrainingInput {
    pub volunteer: String,
    pub date: String,
    pub topic: String,
    pub hours: String,
}

/// Lists the UI's pickers offer.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct Choices {
    pub municipalities: Vec<String>,
    pub activities: Vec<String>,
    pub languages: Vec<String>,
    pub target_groups: Vec<String>,
    pub genders: Vec<String>,
    pub roles: Vec<String>,
    pub guest_categories: Vec<String>,
}

/// One round of a hub sync, for the progress bar (event `sync-progress`).
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct SyncProgressEvent {
    pub round: u32,
    pub documents: usize,
    pub changes_applied: usize,
    pub bytes: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct HubSyncResult {
    pub complete: bool,
    pub changes_applied: usize,
    pub conflicts: i64,
    pub bytes_sent: usize,
    pub bytes_received: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct SyncOverview {
    pub peers: Vec<kopa_registry::PeerStatus>,
    /// The hub this replica joined, if any.
    pub hub: Option<String>,
}

/// Automatic backups: the schedule and folder, and why the last one failed, if it did.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct BackupOverview {
    pub status: kopa_registry::BackupStatus,
    pub error: Option<CommandError>,
}

/// The retention period and the closed families past it, due for erasure.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct RetentionOverview {
    pub years: u32,
    pub due: Vec<kopa_registry::views::FamilySummary>,
}

/// The whole contract as one TypeScript file.
pub fn typescript() -> String {
    use kopa_registry::views::*;
    let mut out = String::from(
        "// Generated from the Rust types by `KOPA_WRITE_BINDINGS=1 cargo test -p kopa-desktop`.\n// Do not edit: CI fails when this file is stale.\n\n",
    );
    let decls = [
        CommandError::decl(),
        AppStatus::decl(),
        CreateBranch::decl(),
        MemberInput::decl(),
        FamilyInput::decl(),
        GroupInput::decl(),
        SessionInput::decl(),
        Choices::decl(),
        VolunteerInput::decl(),
        TrainingInput::decl(),
        TrainingView::decl(),
        SyncProgressEvent::decl(),
        HubSyncResult::decl(),
        SyncOverview::decl(),
        BackupOverview::decl(),
        RetentionOverview::decl(),
        kopa_registry::BackupStatus::decl(),
        kopa_registry::BackupPolicy::decl(),
        Identity::decl(),
        FamilySummary::decl(),
        PersonView::decl(),
        ConsentView::decl(),
        NoteView::decl(),
        FollowUpView::decl(),
        AttendanceView::decl(),
        FamilyDetail::decl(),
        SearchHit::decl(),
        GroupSummary::decl(),
        SessionSummary::decl(),
        GroupDetail::decl(),
        SessionDetail::decl(),
        VolunteerView::decl(),
        ConflictView::decl(),
        kopa_registry::conflicts::Candidate::decl(),
        MergeReport::decl(),
        kopa_registry::views::Waiting::decl(),
        Overview::decl(),
        kopa_registry::PeerStatus::decl(),
        kopa_registry::ExportSummary::decl(),
        kopa_registry::ImportSummary::decl(),
        kopa_report::Dashboard::decl(),
        kopa_report::IndicatorProgress::decl(),
    ];
    out.push_str("export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;\n\n");
    for d in decls {
        // JSON numbers are JavaScript numbers: no count here comes near 2^53.
        out.push_str("export ");
        out.push_str(&d.replace("bigint", "number"));
        out.push_str("\n\n");
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn typescript_bindings_are_fresh() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
        let now = super::typescript();
        if std::env::var("KOPA_WRITE_BINDINGS").is_ok() {
            std::fs::write(&path, &now).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == now,
            "ui/src/bindings.ts is stale: run `KOPA_WRITE_BINDINGS=1 cargo test -p kopa-desktop`"
        );
    }
}
