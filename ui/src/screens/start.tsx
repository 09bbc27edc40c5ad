import { useState } from "preact/hooks";
import { api } from "../api";
import type { Choices, CommandError, Identity } from "../bindings";
import { LANGS, t, type Lang } from "../i18n";
import { ErrorBox, Field, LoadFailed, Notice, Select, useLoad } from "../ui";
import { takeLockedIdle } from "../idle";
import { RecoveryCode } from "./people";

function LangSwitch({ lang, setLang }: { lang: Lang; setLang: (l: Lang) => void }) {
  return (
    <div class="lang-switch" role="group" aria-label={t("ui-language")}>
      {LANGS.map((l) => (
        <button id={`lang-${l}`} class={l === lang ? "active" : ""} aria-pressed={l === lang} onClick={() => setLang(l)}>
          {t(`ui-lang-${l}`)}
        </button>
      ))}
    </div>
  );
}

export function FirstRun(props: { onOpen: (i: Identity) => void; lang: Lang; setLang: (l: Lang) => void }) {
  const load = useLoad<Choices>(api.choices);
  const choices = load.data;
  const [name, setName] = useState("");
  const [municipality, setMunicipality] = useState("Krāslava");
  const [user, setUser] = useState("");
  const [pass, setPass] = useState("");
  const [pass2, setPass2] = useState("");
  const [err, setErr] = useState<CommandError | null>(null);
  const [invitePass, setInvitePass] = useState("");
  const [inviteUser, setInviteUser] = useState("");
  const [busy, setBusy] = useState(false);
  // A new branch's recovery code is shown once, before the branch opens.
  const [made, setMade] = useState<{ identity: Identity; code: string } | null>(null);
  const create = async (e: Event) => {
    e.preventDefault();
    if (pass !== pass2) {
      setErr({ code: "passphrase-mismatch", retryable: false, message: "", field: "passphrase2", value: null, valid: [] });
      return;
    }
    setBusy(true);
    try {
      const identity = await api.createBranch({ name, municipality, passphrase: pass, user });
      setMade({ identity, code: await api.newRecoveryCode() });
    } catch (x) {
      setErr(x as CommandError);
    } finally {
      setBusy(false);
    }
  };
  const join = async () => {
    const file = await api.pickFile(["invite", "json"]);
    if (!file) return;
    try {
      const identity = await api.joinHub(file, invitePass, inviteUser);
      setMade({ identity, code: await api.newRecoveryCode() });
    } catch (x) {
      setErr(x as CommandError);
    }
  };
  const demo = async () => {
    setBusy(true);
    try {
      props.onOpen(await api.openDemo());
    } catch (x) {
      setErr(x as CommandError);
      setBusy(false);
    }
  };
  if (made)
    return (
      <main class="start narrow">
        <h1 id="page-title">{t("ui-created-recovery-title")}</h1>
        <RecoveryCode code={made.code} />
        <button id="recovery-continue" class="primary" onClick={() => props.onOpen(made.identity)}>
          {t("ui-continue")}
        </button>
      </main>
    );
  return (
    <main class="start">
      <LangSwitch lang={props.lang} setLang={props.setLang} />
      <h1 id="page-title">{t("ui-welcome")}</h1>
      <p class="lead">{t("ui-welcome-lead")}</p>
      <ErrorBox err={err} fields={["name", "municipality", "user", "passphrase", "passphrase2"]} />
      <div class="cards">
        <form class="card" onSubmit={create} aria-labelledby="create-title">
          <h2 id="create-title">{t("ui-create-branch")}</h2>
          {load.error && <LoadFailed err={load.error} retry={load.reload} />}
          <Field label={t("ui-branch-name")} name="name" value={name} onInput={setName} err={err} autoFocus />
          <Select
            label={t("field-municipality")}
            name="municipality"
            value={municipality}
            options={(choices?.municipalities ?? []).map((m) => [m, m])}
            onChange={setMunicipality}
            err={err}
          />
          <Field label={t("ui-your-name")} name="user" value={user} onInput={setUser} err={err} />
          <Field label={t("field-passphrase")} name="passphrase" type="password" value={pass} onInput={setPass} err={err} />
          <Field
            label={t("ui-passphrase-again")}
            name="passphrase2"
            type="password"
            value={pass2}
            onInput={setPass2}
            err={err && err.code === "passphrase-mismatch" ? { ...err, code: "passphrase-mismatch" } : null}
          />
          <p class="hint">{t("ui-passphrase-hint")}</p>
          <button id="create-branch" class="primary" type="submit" disabled={busy}>
            {t("ui-create")}
          </button>
        </form>
        <div class="card">
          <h2>{t("ui-join-title")}</h2>
          <p>{t("ui-join-lead")}</p>
          <Field label={t("ui-your-name")} name="invite-user" value={inviteUser} onInput={setInviteUser} err={null} />
          <Field label={t("field-passphrase")} name="invite-pass" type="password" value={invitePass} onInput={setInvitePass} err={null} />
          <button onClick={join}>{t("ui-join-choose")}</button>
        </div>
        <div class="card">
          <h2>{t("ui-demo-title")}</h2>
          <p>{t("ui-demo-lead")}</p>
          <button id="open-demo" onClick={demo} disabled={busy}>
            {t("ui-demo-open")}
          </button>
        </div>
      </div>
    </main>
  );
}

export function Unlock(props: { onOpen: (i: Identity) => void; lang: Lang; setLang: (l: Lang) => void }) {
  const names = useLoad<string[]>(api.unlockNames);
  const [person, setPerson] = useState("");
  const [pass, setPass] = useState("");
  const [code, setCode] = useState("");
  const [recovering, setRecovering] = useState(false);
  const [busy, setBusy] = useState(false);
  const [idle] = useState(takeLockedIdle);
  const [err, setErr] = useState<CommandError | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      props.onOpen(recovering ? await api.unlockWithRecovery(code) : await api.unlock(pass, person || null));
    } catch (x) {
      setErr({ ...(x as CommandError), field: recovering ? "recovery" : "passphrase" });
    } finally {
      setBusy(false);
    }
  };
  const demo = async () => {
    try {
      props.onOpen(await api.openDemo());
    } catch (x) {
      setErr(x as CommandError);
    }
  };
  const list = names.data ?? [];
  return (
    <main class="start narrow">
      <LangSwitch lang={props.lang} setLang={props.setLang} />
      <h1 id="page-title">{t("ui-unlock-title")}</h1>
      {idle && <Notice>{t("ui-locked-idle")}</Notice>}
      <form class="card" onSubmit={submit} aria-busy={busy}>
        {recovering ? (
          <Field label={t("ui-recovery-code")} name="recovery" value={code} onInput={setCode} err={err} autoFocus />
        ) : (
          <>
            {list.length > 1 && (
              <Select label={t("ui-unlock-who")} name="person" value={person} options={[["", t("ui-unlock-anyone")], ...list.map((n): [string, string] => [n, n])]} onChange={setPerson} err={err} />
            )}
            <Field label={t("field-passphrase")} name="passphrase" type="password" value={pass} onInput={setPass} err={err} autoFocus />
          </>
        )}
        <button id="unlock" class="primary" type="submit" disabled={busy}>
          {busy ? t("ui-unlocking") : recovering ? t("ui-unlock-with-code") : t("ui-unlock")}
        </button>
      </form>
      <p>
        <button id="use-recovery" class="link-button" onClick={() => { setRecovering(!recovering); setErr(null); }}>
          {recovering ? t("ui-cancel") : t("ui-unlock-recovery")}
        </button>
      </p>
      <p>
        <button id="open-demo" class="link-button" onClick={demo}>
          {t("ui-demo-open")}
        </button>
      </p>
    </main>
  );
}
