// The only module that talks to Tauri. The commands are generated from the Rust
// list (`commands.ts`, from src-tauri/src/commands.rs): each returns a typed promise
// that rejects with a CommandError ({ code, retryable, message, field, value }).
// Events and the system's file dialogs are added here.
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { open, save } from "@tauri-apps/plugin-dialog";
import type * as B from "./bindings";
import { commands } from "./commands";
import { setHqLabels } from "./i18n";

export const api = {
  ...commands,
  /// The pickers' lists; the labels HQ gave its values are kept for `code()`.
  choices: async (): Promise<B.Choices> => {
    const c = await commands.choices();
    setHqLabels(c.labels);
    return c;
  },
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
