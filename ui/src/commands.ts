// Generated from src-tauri/src/commands.rs by `KOPA_WRITE_BINDINGS=1 cargo test -p kopa-desktop`.
// Do not edit: CI fails when this file is stale.

import { call } from "./invoke";
import type { AppStatus, BackupOverview, Choices, ConflictView, CreateBranch, Dashboard, ExportSummary, FamilyDetail, FamilyDraft, FamilySummary, GroupDetail, GroupDraft, GroupSummary, HubSyncResult, Identity, ImportSummary, Overview, RetentionOverview, SearchHit, SessionDraft, SyncOverview, TrainingDraft, TrainingView, VolunteerDraft, VolunteerView } from "./bindings";

/** One typed function per Tauri command; each rejects with a CommandError. */
export const commands = {
  appStatus: (): Promise<AppStatus> => call("app_status"),
  createBranch: (input: CreateBranch): Promise<Identity> => call("create_branch", { input }),
  unlock: (passphrase: string): Promise<Identity> => call("unlock", { passphrase }),
  openDemo: (): Promise<Identity> => call("open_demo"),
  joinHub: (invite: string, passphrase: string, user: string): Promise<Identity> => call("join_hub", { invite, passphrase, user }),
  lock: (): Promise<null> => call("lock"),
  choices: (): Promise<Choices> => call("choices"),
  overview: (): Promise<Overview> => call("overview"),
  searchFamilies: (query: string): Promise<Array<SearchHit>> => call("search_families", { query }),
  listFamilies: (): Promise<Array<FamilySummary>> => call("list_families"),
  family: (id: string): Promise<FamilyDetail> => call("family", { id }),
  addFamily: (input: FamilyDraft): Promise<string> => call("add_family", { input }),
  editFamily: (id: string, input: FamilyDraft): Promise<boolean> => call("edit_family", { id, input }),
  addNote: (family: string, text: string): Promise<string> => call("add_note", { family, text }),
  eraseFamily: (id: string): Promise<null> => call("erase_family", { id }),
  erasePerson: (person: string): Promise<string | null> => call("erase_person", { person }),
  retention: (): Promise<RetentionOverview> => call("retention"),
  setRetentionYears: (years: string): Promise<RetentionOverview> => call("set_retention_years", { years }),
  listGroups: (): Promise<Array<GroupSummary>> => call("list_groups"),
  group: (id: string): Promise<GroupDetail> => call("group", { id }),
  addGroup: (input: GroupDraft): Promise<string> => call("add_group", { input }),
  plannedToday: (): Promise<Array<GroupSummary>> => call("planned_today"),
  recordSession: (input: SessionDraft): Promise<string> => call("record_session", { input }),
  listVolunteers: (): Promise<Array<VolunteerView>> => call("list_volunteers"),
  addVolunteer: (input: VolunteerDraft): Promise<string> => call("add_volunteer", { input }),
  trainings: (volunteer: string): Promise<Array<TrainingView>> => call("trainings", { volunteer }),
  recordTraining: (input: TrainingDraft): Promise<string> => call("record_training", { input }),
  dashboard: (): Promise<Dashboard> => call("dashboard"),
  conflicts: (): Promise<Array<ConflictView>> => call("conflicts"),
  resolveConflict: (id: string, pick: number): Promise<null> => call("resolve_conflict", { id, pick }),
  syncOverview: (): Promise<SyncOverview> => call("sync_overview"),
  exportSyncFile: (to: string, path: string): Promise<ExportSummary> => call("export_sync_file", { to, path }),
  importSyncFile: (path: string): Promise<ImportSummary> => call("import_sync_file", { path }),
  addPeer: (path: string): Promise<string> => call("add_peer", { path }),
  hubSync: (): Promise<HubSyncResult> => call("hub_sync"),
  setUser: (user: string): Promise<Identity> => call("set_user", { user }),
  backup: (path: string): Promise<null> => call("backup", { path }),
  restore: (path: string): Promise<null> => call("restore", { path }),
  backupStatus: (): Promise<BackupOverview> => call("backup_status"),
  setBackupPolicy: (everyHours: string, keep: string, dir: string): Promise<BackupOverview> => call("set_backup_policy", { everyHours, keep, dir }),
};
