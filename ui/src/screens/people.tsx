import { useState } from "preact/hooks";
import { api } from "../api";
import { may } from "../access";
import type { AuditView, CommandError, PersonEntry } from "../bindings";
import { fmtDateTime, t } from "../i18n";
import { ErrorBox, Field, Loading, Notice, Select, useLoad } from "../ui";

const ROLES = ["volunteer", "lead"];

/** The people who may unlock this laptop, for the branch lead: add someone with a
 * passphrase and a role, change a role, reset a forgotten passphrase, remove. */
export function PeopleSection({ hq }: { hq: boolean }) {
  const load = useLoad<PersonEntry[]>(api.people);
  const [list, setList] = useState<PersonEntry[] | null>(null);
  const people = list ?? load.data;
  const [name, setName] = useState("");
  const [role, setRole] = useState("volunteer");
  const [pass, setPass] = useState("");
  const [pass2, setPass2] = useState("");
  const [resetting, setResetting] = useState<PersonEntry | null>(null);
  const [resetPass, setResetPass] = useState("");
  const [err, setErr] = useState<CommandError | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const [code, setCode] = useState<string | null>(null);
  const roles = hq ? [...ROLES, "coordinator"] : ROLES;
  const run = async (f: () => Promise<PersonEntry[] | void>, done: string) => {
    try {
      const next = await f();
      if (next) setList(next);
      setErr(null);
      setMsg(done);
    } catch (x) {
      setErr(x as CommandError);
      setMsg(null);
    }
  };
  const add = async (e: Event) => {
    e.preventDefault();
    if (pass !== pass2) {
      setErr({ code: "passphrase-mismatch", retryable: false, message: "", field: "person-pass2", value: null, valid: [] });
      return;
    }
    await run(() => api.addPerson(name, role, pass), t("ui-person-added", { name }));
    setName("");
    setPass("");
    setPass2("");
  };
  if (!people) return <Loading load={load} />;
  return (
    <section class="card" id="people">
      <h2>{t("ui-people")}</h2>
      <p class="muted">{t("ui-people-lead")}</p>
      <ErrorBox err={err} fields={["name", "passphrase", "person-pass2"]} />
      {msg && <Notice>{msg}</Notice>}
      <table class="table">
        <tbody>
          {people.map((p) => (
            <tr class={p.removed ? "muted" : ""} data-person={p.name}>
              <td>
                <strong>{p.name}</strong>
                {p.me && <span class="muted"> · {t("ui-person-me")}</span>}
              </td>
              <td>
                {p.removed ? (
                  t("ui-person-removed")
                ) : p.me ? (
                  t(`code-access-${p.access}`)
                ) : (
                  <select
                    aria-label={t("ui-person-role")}
                    value={p.access}
                    onChange={(e) => run(() => api.setAccess(p.id, (e.target as HTMLSelectElement).value), t("ui-saved"))}
                  >
                    {roles.map((r) => (
                      <option value={r}>{t(`code-access-${r}`)}</option>
                    ))}
                  </select>
                )}
              </td>
              <td class="muted">{!p.removed && (p.unlocks_here ? t("ui-person-unlocks-here") : t("ui-person-not-here"))}</td>
              <td>
                {!p.removed && (
                  <>
                    <button type="button" class="link-button" onClick={() => setResetting(p)}>
                      {p.unlocks_here ? t("ui-person-reset") : t("ui-person-give-passphrase")}
                    </button>{" "}
                    {!p.me && (
                      <button type="button" class="link-button remove-person" onClick={() => run(() => api.removePerson(p.id), t("ui-person-removed-done", { name: p.name }))}>
                        {t("ui-person-remove")}
                      </button>
                    )}
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {resetting && (
        <form
          class="inline-add"
          onSubmit={async (e) => {
            e.preventDefault();
            await run(async () => {
              if (resetting.unlocks_here) await api.resetPassphrase(resetting.id, resetPass);
              else return api.addPerson(resetting.name, resetting.access, resetPass);
            }, t("ui-saved"));
            setResetting(null);
            setResetPass("");
          }}
        >
          <Field label={t("ui-person-new-passphrase", { name: resetting.name })} name="reset-pass" type="password" value={resetPass} onInput={setResetPass} err={err} autoFocus />
          <button type="submit">{t("ui-save")}</button>{" "}
          <button type="button" onClick={() => setResetting(null)}>
            {t("ui-cancel")}
          </button>
        </form>
      )}
      <form id="add-person" onSubmit={add}>
        <h3>{t("ui-person-add")}</h3>
        <div class="row">
          <Field label={t("ui-person-name")} name="name" value={name} onInput={setName} err={err} />
          <Select label={t("ui-person-role")} name="person-role" value={role} options={roles.map((r) => [r, t(`code-access-${r}`)])} onChange={setRole} err={err} />
        </div>
        <div class="row">
          <Field label={t("field-passphrase")} name="passphrase" type="password" value={pass} onInput={setPass} err={err} />
          <Field label={t("ui-passphrase-again")} name="person-pass2" type="password" value={pass2} onInput={setPass2} err={err} />
        </div>
        <button type="submit" id="save-person">
          {t("ui-person-add")}
        </button>
      </form>
      <h3>{t("ui-recovery")}</h3>
      <p class="muted">{t("ui-recovery-lead")}</p>
      {code ? (
        <RecoveryCode code={code} />
      ) : (
        <button type="button" id="new-recovery-code" onClick={async () => setCode(await api.newRecoveryCode())}>
          {t("ui-recovery-new")}
        </button>
      )}
    </section>
  );
}

/** A recovery code, shown once: to be written on paper. */
export function RecoveryCode({ code }: { code: string }) {
  return (
    <div class="notice" role="status">
      <p>{t("ui-recovery-write-down")}</p>
      <p>
        <code id="recovery-code" class="recovery-code">
          {code}
        </code>
      </p>
    </div>
  );
}

/** Sensitive actions on this branch (HQ: every branch), newest first. */
export function AuditSection() {
  const load = useLoad<AuditView[]>(api.auditLog);
  if (!may("audit")) return null;
  return (
    <section class="card" id="audit">
      <h2>{t("ui-audit")}</h2>
      <p class="muted">{t("ui-audit-lead")}</p>
      {!load.data ? (
        <Loading load={load} />
      ) : load.data.length === 0 ? (
        <p class="muted">{t("ui-audit-none")}</p>
      ) : (
        <table class="table">
          <tbody>
            {load.data.map((a) => (
              <tr data-action={a.action}>
                <td>{fmtDateTime(a.at)}</td>
                <td>{t(`audit-${a.action}`)}</td>
                <td>{a.who}</td>
                <td class="muted">{a.branch}</td>
                <td class="muted">{a.records.length > 0 ? a.records.map((r) => r.slice(-8)).join(", ") : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
