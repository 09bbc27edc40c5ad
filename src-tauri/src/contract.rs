//! The typed contract between the shell and the UI: request and response types that
//! exist only here (the views come from the registry and reports), and the generated
//! TypeScript: the types (`ui/src/bindings.ts`) and a typed function per command
//! (`ui/src/commands.ts`, from the list in `commands.rs`). A test fails when either
//! file is stale.

use kopa_registry::ErrorCode;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Every error crosses as a stable code the UI translates (`error-<code>` in the
/// shared Fluent files), whether trying again can help, and the field at fault and
/// the value, when there are some.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct CommandError {
    pub code: ErrorCode,
    /// `code.retryable()`: the UI offers to try again.
    pub retryable: bool,
    pub message: String,
    pub field: Option<String>,
    pub value: Option<String>,
    /// What would have been accepted, when the value had to be one of a list.
    pub valid: Vec<String>,
}

impl From<kopa_registry::Error> for CommandError {
    fn from(e: kopa_registry::Error) -> Self {
        let (field, value, valid) = match &e {
            kopa_registry::Error::Validation(v) => {
                (Some(v.field.clone()), v.value.clone(), v.valid.clone())
            }
            // What the message names: who was removed, who share a passphrase, how
            // long to wait, whose role refused.
            kopa_registry::Error::AccountRemoved(name) => (None, Some(name.clone()), vec![]),
            kopa_registry::Error::PersonRequired(names) => (None, Some(names.join(", ")), vec![]),
            kopa_registry::Error::TryLater(secs) => (None, Some(secs.to_string()), vec![]),
            kopa_registry::Error::NotPermitted { access, .. } => {
                (None, Some(access.as_str().to_string()), vec![])
            }
            _ => (None, None, vec![]),
        };
        CommandError {
            field,
            value,
            valid,
            ..CommandError::new(e.code(), e.to_string())
        }
    }
}

impl From<kopa_report::ReportError> for CommandError {
    fn from(e: kopa_report::ReportError) -> Self {
        match e {
            kopa_report::ReportError::Registry(e) => (*e).into(),
            other => CommandError::new(ErrorCode::Io, other.to_string()),
        }
    }
}

impl CommandError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        CommandError {
            code,
            retryable: code.retryable(),
            message: message.into(),
            field: None,
            value: None,
            valid: vec![],
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
    /// What is open is the demo branch (generated people), not the branch's replica.
    pub demo: bool,
    pub identity: Option<kopa_registry::views::Identity>,
    pub today: String,
    /// This program's version (the package's).
    pub version: String,
    /// Where this computer keeps the replica, its keyring and backups.
    pub data_dir: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize, TS)]
pub struct CreateBranch {
    pub name: String,
    pub municipality: String,
    pub passphrase: String,
    pub user: String,
}

/// Lists the UI's pickers offer.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct Choices {
    pub municipalities: Vec<String>,
    /// The replica's own municipality, where a new family most likely lives.
    pub home_municipality: Option<String>,
    pub activities: Vec<String>,
    pub languages: Vec<String>,
    pub target_groups: Vec<String>,
    pub genders: Vec<String>,
    pub roles: Vec<String>,
    pub guest_categories: Vec<String>,
    /// Labels HQ gave the values it added to the lists: `<list>:<value>` → language
    /// → label.
    pub labels: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
    /// HQ's fields forms show, each `(code, definition)`, in HQ's order per record.
    pub fields: Vec<(String, kopa_domain::FieldDef)>,
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
        ErrorCode::decl(),
        CommandError::decl(),
        AppStatus::decl(),
        CreateBranch::decl(),
        kopa_domain::FieldDef::decl(),
        kopa_registry::MemberDraft::decl(),
        kopa_registry::FamilyDraft::decl(),
        kopa_registry::GroupDraft::decl(),
        kopa_registry::SessionDraft::decl(),
        Choices::decl(),
        kopa_registry::VolunteerDraft::decl(),
        kopa_registry::TrainingDraft::decl(),
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
        kopa_registry::PersonEntry::decl(),
        kopa_registry::AuditView::decl(),
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

/// One command as `commands.rs` declares it, with its TypeScript types.
pub struct Signature {
    pub name: &'static str,
    pub args: Vec<(&'static str, String)>,
    pub returns: String,
}

/// `snake_case` → `camelCase`, as Tauri names the arguments in JavaScript.
fn camel(s: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in s.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The names `typescript()` declares.
fn declared(bindings: &str) -> std::collections::BTreeSet<String> {
    bindings
        .lines()
        .filter_map(|l| l.strip_prefix("export type "))
        .filter_map(|l| l.split([' ', '<', '=']).next())
        .map(str::to_string)
        .collect()
}

/// A typed function per command, calling it through `call` (`ui/src/invoke.ts`).
pub fn commands_typescript(commands: &[Signature]) -> String {
    let known = declared(&typescript());
    let ts = |t: &str| t.replace("bigint", "number");
    let mut used = std::collections::BTreeSet::new();
    let mut body = String::new();
    for c in commands {
        let types = c.args.iter().map(|(_, t)| t).chain([&c.returns]);
        for t in types {
            for word in t.split(|ch: char| !ch.is_alphanumeric() && ch != '_') {
                if known.contains(word) {
                    used.insert(word.to_string());
                }
            }
        }
        let params: Vec<String> = c
            .args
            .iter()
            .map(|(a, t)| format!("{}: {}", camel(a), ts(t)))
            .collect();
        let args = if c.args.is_empty() {
            String::new()
        } else {
            let names: Vec<String> = c.args.iter().map(|(a, _)| camel(a)).collect();
            format!(", {{ {} }}", names.join(", "))
        };
        body.push_str(&format!(
            "  {}: ({}): Promise<{}> => call(\"{}\"{}),\n",
            camel(c.name),
            params.join(", "),
            ts(&c.returns),
            c.name,
            args
        ));
    }
    let mut out = String::from(
        "// Generated from src-tauri/src/commands.rs by `KOPA_WRITE_BINDINGS=1 cargo test -p kopa-desktop`.\n// Do not edit: CI fails when this file is stale.\n\n",
    );
    out.push_str("import { call } from \"./invoke\";\n");
    let used: Vec<String> = used.into_iter().collect();
    out.push_str(&format!(
        "import type {{ {} }} from \"./bindings\";\n\n",
        used.join(", ")
    ));
    out.push_str(
        "/** One typed function per Tauri command; each rejects with a CommandError. */\n",
    );
    out.push_str("export const commands = {\n");
    out.push_str(&body);
    out.push_str("};\n");
    out
}

#[cfg(test)]
mod tests {
    use kopa_registry::ErrorCode;
    use std::path::Path;

    /// Compares a generated file with the committed one (rewriting it first when
    /// `KOPA_WRITE_BINDINGS` is set).
    fn fresh(file: &str, now: &str) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(file);
        if std::env::var("KOPA_WRITE_BINDINGS").is_ok() {
            std::fs::write(&path, now).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == now,
            "{file} is stale: run `KOPA_WRITE_BINDINGS=1 cargo test -p kopa-desktop`"
        );
    }

    #[test]
    fn typescript_bindings_are_fresh() {
        fresh("ui/src/bindings.ts", &super::typescript());
    }

    #[test]
    fn typescript_commands_are_fresh() {
        fresh(
            "ui/src/commands.ts",
            &super::commands_typescript(&crate::commands()),
        );
    }

    /// `build.rs` writes the permission set from the same list.
    #[test]
    fn every_command_is_permitted() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("permissions/commands.toml");
        let set = std::fs::read_to_string(path).unwrap();
        let commands = crate::commands();
        for c in &commands {
            let allow = format!("\"allow-{}\"", c.name.replace('_', "-"));
            assert!(
                set.contains(&allow),
                "{allow} missing from permissions/commands.toml"
            );
        }
        assert_eq!(set.matches("\"allow-").count(), commands.len());
    }

    /// Every code has its message in every language, so no error shows as an id.
    #[test]
    fn every_error_code_is_translated() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/locales");
        for lang in ["en", "lv", "ru"] {
            let mut ids = std::collections::HashSet::new();
            for entry in std::fs::read_dir(root.join(lang)).unwrap() {
                let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
                for line in text.lines() {
                    if let Some((id, _)) = line.split_once(" =") {
                        ids.insert(id.trim().to_string());
                    }
                }
            }
            let missing: Vec<String> = ErrorCode::ALL
                .iter()
                .map(|c| c.fluent_id())
                .filter(|id| !ids.contains(id))
                .collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        }
    }
}
