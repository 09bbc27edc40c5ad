// The commands the UI may call: each is declared here once, with its arguments and
// what it returns, and implemented by the function of the same name in `lib.rs`
// (`fn name(cx: &Cx, args…) -> Res<T>`). This one list drives:
//
// - the Tauri handler (`lib.rs` expands it into `#[tauri::command]` wrappers and
//   `generate_handler!`; a signature that does not match its function fails to build),
// - the permissions: `build.rs` includes this file, gives each command an
//   `allow-<name>` permission and writes the set `commands` the window's capability
//   grants (`permissions/commands.toml`),
// - the typed TypeScript functions in `ui/src/commands.ts`, written with
//   `ui/src/bindings.ts` by `KOPA_WRITE_BINDINGS=1 cargo test -p kopa-desktop`
//   (a test fails while either file is stale). Arguments are camelCase there.
//
// A new command: one line here, its function in `lib.rs`, then regenerate.
commands! {
    // First run, unlock.
    app_status() -> AppStatus;
    create_branch(input: CreateBranch) -> Identity;
    unlock(passphrase: String, person: Option<String>) -> Identity;
    unlock_with_recovery(code: String) -> Identity;
    unlock_names() -> Vec<String>;
    open_demo() -> Identity;
    join_hub(invite: String, passphrase: String, user: String) -> Identity;
    lock() -> ();
    choices() -> Choices;
    // Families.
    overview() -> Overview;
    search_families(query: String) -> Vec<SearchHit>;
    list_families() -> Vec<FamilySummary>;
    family(id: String) -> FamilyDetail;
    add_family(input: FamilyDraft) -> String;
    edit_family(id: String, input: FamilyDraft) -> bool;
    add_note(family: String, text: String) -> String;
    erase_family(id: String) -> ();
    erase_person(person: String) -> Option<String>;
    retention() -> RetentionOverview;
    set_retention_years(years: String) -> RetentionOverview;
    // Groups and sessions.
    list_groups() -> Vec<GroupSummary>;
    group(id: String) -> GroupDetail;
    add_group(input: GroupDraft) -> String;
    planned_today() -> Vec<GroupSummary>;
    record_session(input: SessionDraft) -> String;
    // Volunteers and trainings.
    list_volunteers() -> Vec<VolunteerView>;
    add_volunteer(input: VolunteerDraft) -> String;
    trainings(volunteer: String) -> Vec<TrainingView>;
    record_training(input: TrainingDraft) -> String;
    // Dashboard, conflicts.
    dashboard() -> kopa_report::Dashboard;
    conflicts() -> Vec<ConflictView>;
    resolve_conflict(id: String, pick: usize) -> ();
    // Sync.
    sync_overview() -> SyncOverview;
    export_sync_file(to: String, path: String) -> ExportSummary;
    import_sync_file(path: String) -> ImportSummary;
    add_peer(path: String) -> String;
    hub_sync() -> HubSyncResult;
    // People on this laptop, the audit.
    people() -> Vec<PersonEntry>;
    add_person(name: String, access: String, passphrase: String) -> Vec<PersonEntry>;
    set_access(person: String, access: String) -> Vec<PersonEntry>;
    remove_person(person: String) -> Vec<PersonEntry>;
    reset_passphrase(person: String, passphrase: String) -> ();
    new_recovery_code() -> String;
    audit_log() -> Vec<AuditView>;
    // Settings.
    backup(path: String) -> ();
    restore(path: String) -> ();
    backup_status() -> BackupOverview;
    set_backup_policy(every_hours: String, keep: String, dir: String) -> BackupOverview;
}
