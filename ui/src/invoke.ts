// The one place that calls Tauri's `invoke`: the generated `commands.ts` goes
// through here. Every failure rejects with a CommandError; one that did not come
// from a command (the bridge itself failed) counts as `io`, worth retrying.
import { invoke } from "@tauri-apps/api/core";
import type { CommandError } from "./bindings";

export async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    if (e && typeof e === "object" && "code" in e) throw e as CommandError;
    const err: CommandError = { code: "io", retryable: true, message: String(e), field: null, value: null, valid: [] };
    throw err;
  }
}
