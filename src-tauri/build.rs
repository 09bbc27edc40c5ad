/// The commands the UI may call; each gets an `allow-…` permission that
/// `capabilities/default.json` grants to the main window.
const COMMANDS: &[&str] = &[
    "app_status",
    "create_branch",
    "unlock",
    "open_demo",
    "join_hub",
    "lock",
    "choices",
    "overview",
    "search_families",
    "list_families",
    "family",
    "add_family",
    "edit_family",
    "add_note",
    "list_groups",
    "group",
    "add_group",
    "planned_today",
    "record_session",
    "dashboard",
    "conflicts",
    "resolve_conflict",
    "sync_overview",
    "export_sync_file",
    "import_sync_file",
    "add_peer",
    "hub_sync",
    "set_user",
    "backup",
    "erase_family",
    "erase_person",
    "retention",
    "set_retention_years",
    "backup_status",
    "set_backup_policy",
    "restore",
    "list_volunteers",
    "add_volunteer",
    "trainings",
    "record_training",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script");
}
