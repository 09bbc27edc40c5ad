import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { CommandError, SyncOverview, SyncProgressEvent } from "../bindings";
import { errorText, fmtDateTime, fmtNum, t } from "../i18n";
import { ErrorBox, Loading, Notice, Page, useLoad } from "../ui";

export function SyncScreen() {
  const overview = useLoad<SyncOverview>(api.syncOverview);
  const o = overview.data;
  const load = overview.reload;
  const [err, setErr] = useState<CommandError | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const [progress, setProgress] = useState<SyncProgressEvent | null>(null);
  const [busy, setBusy] = useState(false);
  const [to, setTo] = useState("hq");
  if (!o) return <Loading load={overview} />;
  const run = async (f: () => Promise<string>) => {
    setErr(null);
    setMsg(null);
    setBusy(true);
    try {
      setMsg(await f());
      load();
    } catch (x) {
      setErr(x as CommandError);
    } finally {
      setBusy(false);
      setProgress(null);
    }
  };
  // A file goes to a peer (HQ, or a branch) and is readable by each of its devices.
  const destinations = (o?.peers ?? []).filter(
    (p, i, all) => p.via === "file" && all.findIndex((q) => q.via === "file" && q.peer === p.peer) === i,
  );
  // The chosen destination, or the first known one (never a blank choice).
  const dest = destinations.some((p) => p.peer === to) ? to : (destinations[0]?.peer ?? "");
  const hub = () =>
    run(async () => {
      const stop = await api.onSyncProgress(setProgress);
      try {
        const r = await api.hubSync();
        return t("ui-hub-synced", { changes: r.changes_applied, conflicts: r.conflicts });
      } finally {
        stop();
      }
    });
  const exportFile = () =>
    run(async () => {
      const today = new Date().toISOString().slice(0, 10);
      const path = await api.pickSave(`${dest}-${today}.kopasync`);
      if (!path) return "";
      const s = await api.exportSyncFile(dest, path);
      return t("ui-exported", { docs: s.documents, path });
    });
  const importFile = () =>
    run(async () => {
      const path = await api.pickFile(["kopasync"]);
      if (!path) return "";
      const s = await api.importSyncFile(path);
      if (s.already_imported) return t("cli-sync-already-imported", { from: s.from_name });
      const done = t("cli-sync-imported", { from: s.from_name, changes: s.merge.changes_applied, conflicts: s.merge.conflicts });
      return s.merge.changes_waiting > 0
        ? `${done} ${t("cli-sync-waiting", { changes: s.merge.changes_waiting, from: s.from_name })}`
        : done;
    });
  const addPeer = () =>
    run(async () => {
      const path = await api.pickFile(["card", "json"]);
      if (!path) return "";
      return t("ui-peer-added", { name: await api.addPeer(path) });
    });
  return (
    <Page title={t("ui-nav-sync")}>
      <ErrorBox err={err} />
      {err && err.code.startsWith("net-") && <p class="hint">{t("ui-sync-offline-hint")}</p>}
      {msg && <Notice>{msg}</Notice>}
      <section class="card">
        <h2>{t("ui-hub")}</h2>
        {o.hub ? (
          <>
            <p class="muted">{o.hub}</p>
            <button id="hub-sync" class="primary big" onClick={hub} disabled={busy}>
              {t("ui-sync-now")}
            </button>
            {progress && (
              <div class="sync-progress" role="status">
                <progress max={Math.max(progress.documents, 1)} value={Math.min(progress.round * 10, progress.documents)} />
                {t("cli-sync-progress", { round: progress.round, changes: progress.changes_applied, bytes: fmtNum(progress.bytes) })}
              </div>
            )}
          </>
        ) : (
          <p>{t("ui-no-hub")}</p>
        )}
      </section>
      <section class="card">
        <h2>{t("ui-sync-files")}</h2>
        <p>{t("ui-sync-files-lead")}</p>
        <div class="row">
          <div class="field">
            <label for="sync-to">{t("ui-send-to")}</label>
            <select id="sync-to" value={dest} onChange={(e) => setTo((e.target as HTMLSelectElement).value)}>
              {destinations.map((p) => (
                <option value={p.peer}>{p.name}</option>
              ))}
            </select>
          </div>
          <button onClick={exportFile} disabled={busy || destinations.length === 0}>
            {t("ui-export-file")}
          </button>
          <button id="import-sync-file" onClick={importFile} disabled={busy}>
            {t("ui-import-file")}
          </button>
          <button onClick={addPeer} disabled={busy}>
            {t("ui-add-peer")}
          </button>
        </div>
      </section>
      <h2>{t("ui-peers")}</h2>
      {o.peers.length === 0 ? (
        <p class="muted">{t("ui-no-peers")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("ui-peer")}</th>
              <th scope="col">{t("ui-device")}</th>
              <th scope="col">{t("ui-last-sent")}</th>
              <th scope="col">{t("ui-last-heard")}</th>
              <th scope="col">{t("ui-unsent")}</th>
            </tr>
          </thead>
          <tbody>
            {o.peers.map((p) => (
              <tr>
                <td>{p.name}</td>
                <td>{p.device}</td>
                <td>{fmtDateTime(p.last_sent)}</td>
                <td>{fmtDateTime(p.last_heard)}</td>
                <td class="num">{fmtNum(p.unsent_changes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {err && <p class="sr-only">{errorText(err)}</p>}
    </Page>
  );
}
