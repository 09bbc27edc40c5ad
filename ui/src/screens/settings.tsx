import { useState } from "preact/hooks";
import { api } from "../api";
import type { CommandError, Identity } from "../bindings";
import { LANGS, t, type Lang } from "../i18n";
import { ErrorBox, Field, Notice, Page } from "../ui";

export function SettingsScreen(props: { lang: Lang; setLang: (l: Lang) => void; identity: Identity; onIdentity: () => void }) {
  const [user, setUser] = useState(props.identity.user);
  const [err, setErr] = useState<CommandError | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const saveUser = async (e: Event) => {
    e.preventDefault();
    try {
      await api.setUser(user);
      setMsg(t("ui-saved"));
      props.onIdentity();
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
    } catch (x) {
      setErr(x as CommandError);
    }
  };
  return (
    <Page title={t("ui-nav-settings")}>
      <ErrorBox err={err} fields={["user"]} />
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
      <form class="card" onSubmit={saveUser}>
        <Field label={t("ui-who-uses")} name="user" value={user} onInput={setUser} err={err} />
        <button type="submit">{t("ui-save")}</button>
      </form>
      <section class="card">
        <h2>{t("ui-backup")}</h2>
        <p>{t("ui-backup-lead")}</p>
        <button onClick={backup}>{t("ui-backup-now")}</button>
      </section>
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
      <section class="card">
        <h2>{t("ui-this-replica")}</h2>
        <p class="muted">
          {props.identity.branch_name} · {props.identity.municipality} · {props.identity.device_name}
        </p>
        <button
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
