// The only module that talks to Tauri. Every command returns a typed promise that
// rejects with a CommandError ({ code, message, field, value }).
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { open, save } from "@tauri-apps/plugin-dialog";
import type * as B from "./bindings";

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    if (e && typeof e === "object" && "code" in e) throw e as B.CommandError;
    throw { code: "io", message: String(e), field: null, value: null } as B.CommandError;
  }
}

export const api = {
  status: () => call<B.AppStatus>("app_status"),
  createBranch: (input: B.CreateBranch) => call<B.Identity>("create_branch", { input }),
  unlock: (passphrase: string) => call<B.Identity>("unlock", { passphrase }),
  openDemo: () => call<B.Identity>("open_demo"),
  joinHub: (invite: string, passphrase: string, user: string) =>
    call<B.Identity>("join_hub", { invite, passphrase, user }),
  lock: () => call<void>("lock"),
  choices: () => call<B.Choices>("choices"),
  overview: () => call<B.Overview>("overview"),
  searchFamilies: (query: string) => call<B.SearchHit[]>("search_families", { query }),
  listFamilies: () => call<B.FamilySummary[]>("list_families"),
  family: (id: string) => call<B.FamilyDetail>("family", { id }),
  addFamily: (input: B.FamilyInput) => call<string>("add_family", { input }),
  editFamily: (id: string, input: B.FamilyInput) => call<boolean>("edit_family", { id, input }),
  addNote: (family: string, text: string) => call<string>("add_note", { family, text }),
  eraseFamily: (id: string) => call<void>("erase_family", { id }),
  erasePerson: (person: string) => call<string | null>("erase_person", { person }),
  retention: () => call<B.RetentionOverview>("retention"),
  setRetentionYears: (years: string) => call<B.RetentionOverview>("set_retention_years", { years }),
  listGroups: () => call<B.GroupSummary[]>("list_groups"),
  group: (id: string) => call<B.GroupDetail>("group", { id }),
  addGroup: (input: B.GroupInput) => call<string>("add_group", { input }),
  plannedToday: () => call<B.GroupSummary[]>("planned_today"),
  recordSession: (input: B.SessionInput) => call<string>("record_session", { input }),
  dashboard: () => call<B.Dashboard>("dashboard"),
  conflicts: () => call<B.ConflictView[]>("conflicts"),
  resolveConflict: (id: string, pick: number) => call<void>("resolve_conflict", { id, pick }),
  syncOverview: () => call<B.SyncOverview>("sync_overview"),
  exportSyncFile: (to: string, path: string) =>
    call<B.ExportSummary>("export_sync_file", { to, path }),
  importSyncFile: (path: string) => call<B.ImportSummary>("import_sync_file", { path }),
  addPeer: (path: string) => call<string>("add_peer", { path }),
  hubSync: () => call<B.HubSyncResult>("hub_sync"),
  setUser: (user: string) => call<B.Identity>("set_user", { user }),
  backup: (path: string) => call<void>("backup", { path }),
  restore: (path: string) => call<void>("restore", { path }),
  backupStatus: () => call<B.BackupOverview>("backup_status"),
  setBackupPolicy: (everyHours: string, keep: string, dir: string) =>
    call<B.BackupOverview>("set_backup_policy", { everyHours, keep, dir }),
  listVolunteers: () => call<B.VolunteerView[]>("list_volunteers"),
  addVolunteer: (input: B.VolunteerInput) => call<string>("add_volunteer", { input }),
  trainings: (volunteer: string) => call<B.TrainingView[]>("trainings", { volunteer }),
  recordTraining: (input: B.TrainingInput) => call<string>("record_training", { input }),
  onSyncProgress: (f: (p: B.SyncProgressEvent) => void): Promise<UnlistenFn> =>
    listen<B.SyncProgressEvent>("sync-progress", (e) => f(e.payload)),
  /// A file to read, chosen in the system dialog (null when cancelled).
  pickFile: async (extensions: string[]): Promise<string | null> => {
    // End-to-end tests cannot click in the system's file dialog: they hand the
    // path over here instead (see tests/e2e).
    const queued = (window as { __KOPA_E2E_FILES__?: string[] }).__KOPA_E2E_FILES__;
    if (queued && queued.length > 0) return queued.shift() ?? null;
    const f = await open({ multiple: false, directory: false, filters: [{ name: "Kopā", extensions }] });
    return typeof f === "string" ? f : null;
  },
  /// A folder, chosen in the system dialog (null when cancelled).
  pickFolder: async (): Promise<string | null> => {
    const queued = (window as { __KOPA_E2E_FILES__?: string[] }).__KOPA_E2E_FILES__;
    if (queued && queued.length > 0) return queued.shift() ?? null;
    const f = await open({ multiple: false, directory: true });
    return typeof f === "string" ? f : null;
  },
  /// Where to write a file, chosen in the system dialog.
  pickSave: async (defaultPath: string): Promise<string | null> => (await save({ defaultPath })) ?? null,
};
