import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { Go } from "../app";
import type { AppStatus, BackupOverview, CommandError, Identity, RetentionOverview } from "../bindings";
import { LANGS, errorText, fmtDateTime, t, type Lang } from "../i18n";
import { ErrorBox, Field, LoadFailed, Notice, Page } from "../ui";
import { may } from "../access";
import { idleMinutes, setIdleMinutes } from "../idle";
import { AuditSection, PeopleSection } from "./people";

export function SettingsScreen(props: { go: Go; lang: Lang; setLang: (l: Lang) => void; identity: Identity; status: AppStatus; onIdentity: () => void }) {
  const [err, setErr] = useState<CommandError | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const [idle, setIdle] = useState(String(idleMinutes()));
  const saveIdle = (e: Event) => {
    e.preventDefault();
    if (setIdleMinutes(idle)) {
      setErr(null);
      setMsg(t("ui-saved"));
    } else {
      setErr({ code: "number-range", retryable: false, message: "", field: "idle", value: idle, valid: [] });
    }
  };
  const [backups, setBackups] = useState<BackupOverview | null>(null);
  const [every, setEvery] = useState("");
  const [keep, setKeep] = useState("");
  const [dir, setDir] = useState("");
  const showBackups = (b: BackupOverview) => {
    setBackups(b);
    setEvery(String(b.status.policy.every_hours));
    setKeep(String(b.status.policy.keep));
    setDir(b.status.policy.dir ?? "");
  };
  const [retention, setRetention] = useState<RetentionOverview | null>(null);
  const [years, setYears] = useState("");
  const showRetention = (r: RetentionOverview) => {
    setRetention(r);
    setYears(String(r.years));
  };
  // The forms below show once their settings have loaded; a failure says why and
  // offers to load them again.
  const [loadErr, setLoadErr] = useState<CommandError | null>(null);
  const loadAll = () => {
    setLoadErr(null);
    api.backupStatus().then(showBackups, (x) => setLoadErr(x as CommandError));
    api.retention().then(showRetention, (x) => setLoadErr(x as CommandError));
  };
  useEffect(loadAll, []);
  const saveRetention = async (e: Event) => {
    e.preventDefault();
    try {
      showRetention(await api.setRetentionYears(years));
      setErr(null);
      setMsg(t("ui-saved"));
    } catch (x) {
      setErr(x as CommandError);
    }
  };
  const saveSchedule = async (e: Event) => {
    e.preventDefault();
    try {
      showBackups(await api.setBackupPolicy(every, keep, dir));
      setErr(null);
      setMsg(t("ui-saved"));
    } catch (x) {
      setErr(x as CommandError);
    }
  };
  const backup = async () => {
    const today = new Date().toISOString().slice(0, 10);
    const path = await api.pickSave(`kopa-backup-${today}.kopa`);
    if (!path) return;
    try {
      await api.backup(path);
      setMsg(t("ui-backup-done", { path }));
      showBackups(await api.backupStatus());
    } catch (x) {
      setErr(x as CommandError);
    }
  };
  return (
    <Page title={t("ui-nav-settings")}>
      <ErrorBox err={err} fields={["idle", "every_hours", "keep", "retention"]} />
      {loadErr && <LoadFailed err={loadErr} retry={loadAll} />}
      {msg && <Notice>{msg}</Notice>}
      <fieldset class="card">
        <legend>{t("ui-language")}</legend>
        {LANGS.map((l) => (
          <label class="radio">
            <input type="radio" name="lang" id={`settings-lang-${l}`} checked={props.lang === l} onChange={() => props.setLang(l)} />
            {t(`ui-lang-${l}`)}
          </label>
        ))}
      </fieldset>
      {may("people") && <PeopleSection hq={props.identity.role === "hq"} />}
      {may("people") && (
        <form class="card" id="idle-lock" onSubmit={saveIdle}>
          <Field label={t("ui-idle-lock")} name="idle" value={idle} onInput={setIdle} err={err} inputMode="numeric" />
          <p class="muted">{t("ui-idle-lock-lead")}</p>
          <button type="submit">{t("ui-save")}</button>
        </form>
      )}
      {may("backup") && (
      <section class="card">
        <h2>{t("ui-backup")}</h2>
        <p>{t("ui-backup-lead")}</p>
        <button onClick={backup}>{t("ui-backup-now")}</button>
      </section>
      )}
      {backups && may("backup") && (
        <form class="card" id="backup-schedule" onSubmit={saveSchedule}>
          <h2>{t("ui-backup-auto")}</h2>
          <p id="backup-last">
            {backups.status.last
              ? t("ui-backup-last", { when: fmtDateTime(backups.status.last), count: backups.status.count })
              : t("ui-backup-none")}
          </p>
          <p class="muted" id="backup-dir">
            {t("ui-backup-in", { dir: backups.status.dir })}
            {backups.status.next_due && <> · {t("ui-backup-next", { when: fmtDateTime(backups.status.next_due) })}</>}
          </p>
          {backups.error && (
            <p class="error-box" id="backup-error" role="alert">
              {t("ui-backup-failed")} {errorText(backups.error)}
            </p>
          )}
          <Field label={t("field-every_hours")} name="every_hours" value={every} onInput={setEvery} err={err} inputMode="numeric" />
          <Field label={t("field-keep")} name="keep" value={keep} onInput={setKeep} err={err} inputMode="numeric" />
          <div class="field">
            <label>{t("field-dir")}</label>
            <p>
              {dir || t("ui-backup-default-dir")}{" "}
              <button
                type="button"
                id="backup-choose-dir"
                onClick={async () => {
                  const d = await api.pickFolder();
                  if (d) setDir(d);
                }}
              >
                {t("ui-backup-choose-dir")}
              </button>{" "}
              {dir && (
                <button type="button" onClick={() => setDir("")}>
                  {t("ui-backup-default-dir")}
                </button>
              )}
            </p>
          </div>
          <p class="muted">{t("ui-backup-auto-lead")}</p>
          <button type="submit" id="save-backup-schedule">
            {t("ui-save")}
          </button>
        </form>
      )}
      {retention && may("retention") && (
        <form class="card" id="retention" onSubmit={saveRetention}>
          <h2>{t("ui-retention")}</h2>
          <p class="muted">{t("ui-retention-lead")}</p>
          <Field label={t("field-retention")} name="retention" value={years} onInput={setYears} err={err} inputMode="numeric" />
          <button type="submit" id="save-retention">
            {t("ui-save")}
          </button>
          <p id="retention-due">{t("ui-retention-due", { count: retention.due.length })}</p>
          <ul class="list">
            {retention.due.map((f) => (
              <li>
                <button type="button" class="row-button" onClick={() => props.go({ name: "family", id: f.id })}>
                  <strong>{f.name}</strong>
                  <span class="muted">{f.municipality}</span>
                </button>
              </li>
            ))}
          </ul>
        </form>
      )}
      {may("restore") && (
      <section class="card">
        <h2>{t("ui-restore")}</h2>
        <p>{t("ui-restore-lead")}</p>
        <button
          onClick={async () => {
            const path = await api.pickFile(["kopa"]);
            if (!path) return;
            try {
              await api.restore(path);
              setMsg(t("ui-restore-done"));
            } catch (x) {
              setErr(x as CommandError);
            }
          }}
        >
          {t("ui-restore-now")}
        </button>
      </section>
      )}
      <AuditSection />
      <section class="card">
        <h2>{t("ui-this-replica")}</h2>
        <p class="muted">
          {props.identity.branch_name} · {props.identity.municipality} · {props.identity.device_name}
        </p>
        <p class="muted" id="about">
          {t("ui-version", { version: props.status.version })} · {t("ui-data-folder", { dir: props.status.data_dir })}
        </p>
        <button
          id="lock"
          onClick={async () => {
            await api.lock();
            props.onIdentity();
          }}
        >
          {t("ui-lock")}
        </button>
      </section>
    </Page>
  );
}
