import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { may } from "../access";
import type { Choices, CommandError, FamilyDetail, FamilySummary, MemberDraft, SearchHit } from "../bindings";
import type { Go } from "../app";
import { code, fmtDate, t } from "../i18n";
import { ErrorBox, Field, HqFields, inLang, Loading, Notice, Page, Select, useLoad } from "../ui";

/** Search as you type (the core's cross-script, typo-tolerant search). */
export function Families({ go }: { go: Go }) {
  const [q, setQ] = useState("");
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [searchErr, setSearchErr] = useState<CommandError | null>(null);
  const load = useLoad<FamilySummary[]>(api.listFamilies);
  const all = load.data;
  useEffect(() => {
    setSearchErr(null);
    if (!q.trim()) {
      setHits(null);
      return;
    }
    let live = true;
    api.searchFamilies(q).then(
      (h) => live && setHits(h),
      (x) => live && setSearchErr(x as CommandError),
    );
    return () => {
      live = false;
    };
  }, [q]);
  const rows: { f: FamilySummary; persons: string }[] = hits
    ? hits.map((h) => ({ f: h.family, persons: h.persons.map((p) => `${p.given_name} ${p.family_name}`).join(", ") }))
    : (all ?? []).map((f) => ({ f, persons: "" }));
  return (
    <Page
      title={t("ui-nav-families")}
      actions={
        <button id="new-family" class="primary" onClick={() => go({ name: "family-new" })}>
          {t("ui-add-family")}
        </button>
      }
    >
      <div class="field search">
        <label for="family-search">{t("ui-search-label")}</label>
        <input id="family-search" type="search" value={q} autoFocus placeholder={t("ui-search-placeholder")} onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
      </div>
      <ErrorBox err={searchErr} />
      {!all && <Loading load={load} />}
      {hits && hits.length === 0 && <Notice>{t("ui-search-none", { query: q })}</Notice>}
      <p class="muted" aria-live="polite">
        {t("ui-families-count", { count: rows.length })}
      </p>
      <ul class="list" id="family-list">
        {rows.map(({ f, persons }) => (
          <li>
            <button class="row-button" onClick={() => go({ name: "family", id: f.id })}>
              <strong>{f.name}</strong>
              <span class="muted">
                {f.municipality} · {t("ui-members-count", { count: f.members })}
                {f.status === "closed" ? ` · ${t("ui-closed")}` : ""}
              </span>
              {persons && <span class="matched">{persons}</span>}
            </button>
          </li>
        ))}
      </ul>
    </Page>
  );
}

export function FamilyCard({ go, id }: { go: Go; id: string }) {
  const card = useLoad<[FamilyDetail, Choices]>(() => Promise.all([api.family(id), api.choices()]), [id]);
  const f = card.data?.[0];
  const defs = card.data?.[1].fields ?? [];
  // HQ's fields with a value: the label, and a choice's label rather than its code.
  const shown = (on: string, values: { [key in string]?: string }) =>
    defs
      .filter(([c, d]) => d.on === on && values[c])
      .map(([c, d]) => {
        const v = values[c] ?? "";
        const text =
          d.kind === "yes-no"
            ? t(`report-value-${v}`)
            : v.split(",").map((o) => (d.options[o] ? inLang(d.options[o] ?? {}) : o)).join(", ");
        return [inLang(d.labels), text] as const;
      });
  const load = card.reload;
  const [note, setNote] = useState("");
  const [err, setErr] = useState<CommandError | null>(null);
  // Erasure asks once more, naming what goes: the whole family or one member.
  const [erasing, setErasing] = useState<{ person: string; name: string } | "family" | null>(null);
  // The question shows where it is asked from: scrolled to, its button focused.
  useEffect(() => {
    if (erasing) document.getElementById("erase-question")?.scrollIntoView({ block: "center" });
    document.getElementById("confirm-erase")?.focus();
  }, [erasing]);
  if (!f) return <Loading load={card} />;
  const addNote = async (e: Event) => {
    e.preventDefault();
    try {
      await api.addNote(id, note);
      setNote("");
      setErr(null);
      load();
    } catch (x) {
      setErr({ ...(x as CommandError), field: "note" });
    }
  };
  const erase = async () => {
    try {
      if (erasing === "family") {
        await api.eraseFamily(id);
        go({ name: "families" });
      } else if (erasing) {
        const household = await api.erasePerson(erasing.person);
        setErasing(null);
        go(household ? { name: "family", id: household } : { name: "families" });
      }
    } catch (x) {
      setErr(x as CommandError);
    }
  };
  return (
    <Page
      title={f.name}
      actions={
        <>
          <button id="edit-family" onClick={() => go({ name: "family-edit", id })}>
            {t("ui-edit")}
          </button>{" "}
          <button onClick={() => go({ name: "families" })}>{t("ui-back")}</button>
        </>
      }
    >
      <ErrorBox err={err} fields={["note"]} />
      <dl class="facts">
        <dt>{t("field-municipality")}</dt>
        <dd>{f.municipality}</dd>
        <dt>{t("field-language")}</dt>
        <dd>{f.languages.map((l) => code("language", l)).join(", ") || "—"}</dd>
        <dt>{t("field-target_group")}</dt>
        <dd>{f.target_groups.map((g) => code("target-group", g)).join(", ") || "—"}</dd>
        <dt>{t("field-contact")}</dt>
        <dd>{f.contact ?? "—"}</dd>
        <dt>{t("field-consent")}</dt>
        <dd>{f.consent ? `${fmtDate(f.consent.date)} (${f.consent.recorded_by})` : t("ui-no-consent")}</dd>
        <dt>{t("ui-registered")}</dt>
        <dd>{fmtDate(f.registered)}</dd>
        {shown("family", f.fields).map(([label, text]) => (
          <>
            <dt>{label}</dt>
            <dd>{text}</dd>
          </>
        ))}
      </dl>
      <h2>{t("ui-members")}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t("ui-person-name")}</th>
            <th scope="col">{t("field-birth_year")}</th>
            <th scope="col">{t("field-gender")}</th>
            <th scope="col">{t("field-role")}</th>
            <th scope="col">
              <span class="visually-hidden">{t("ui-erase")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {f.persons.map((p) => (
            <tr>
              <td>
                {p.given_name} {p.family_name}
              </td>
              <td>{p.birth_year ?? "—"}</td>
              <td>{code("gender", p.gender)}</td>
              <td>
                {code("role", p.role)}
                {shown("person", p.fields).map(([label, text]) => (
                  <div class="hint">
                    {label}: {text}
                  </div>
                ))}
              </td>
              <td>
                {may("erase") && (
                  <button
                    class="erase-person link-button"
                    data-person={p.id}
                    onClick={() => setErasing({ person: p.id, name: `${p.given_name} ${p.family_name}` })}
                  >
                    {t("ui-erase")}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t("ui-attendance")}</h2>
      {f.attendance.length === 0 ? (
        <p class="muted">{t("ui-no-attendance")}</p>
      ) : (
        <ul class="compact">
          {f.attendance.slice(0, 30).map((a) => (
            <li>
              {fmtDate(a.date)} — {a.group_name} — {f.persons.find((p) => p.id === a.person_id)?.given_name ?? ""}
            </li>
          ))}
        </ul>
      )}
      <h2>{t("ui-notes")}</h2>
      <ul class="compact">
        {f.notes.map((n) => (
          <li>
            {fmtDate(n.date)} · {n.author}: {n.text}
          </li>
        ))}
      </ul>
      <form onSubmit={addNote} class="row">
        <Field label={t("ui-new-note")} name="note" value={note} onInput={setNote} err={err} />
        <button type="submit">{t("ui-add-note")}</button>
      </form>
      {f.follow_ups.length > 0 && (
        <>
          <h2>{t("ui-follow-ups")}</h2>
          <ul class="compact">
            {f.follow_ups.map((u) => (
              <li class={u.done ? "done" : ""}>
                {fmtDate(u.due)} · {u.text}
              </li>
            ))}
          </ul>
        </>
      )}
      {may("erase") && (
        <section class="card" id="erasure">
          <h2>{t("ui-erasure")}</h2>
          <p class="muted">{t("ui-erasure-lead")}</p>
          {erasing ? (
            <div class="error-box" role="alert">
              <p id="erase-question">
                {erasing === "family"
                  ? t("ui-erase-family-confirm", { name: f.name })
                  : t("ui-erase-person-confirm", { name: erasing.name })}
              </p>
              <button id="confirm-erase" class="danger" onClick={erase}>
                {t("ui-erase-for-good")}
              </button>{" "}
              <button onClick={() => setErasing(null)}>{t("ui-cancel")}</button>
            </div>
          ) : (
            <button id="erase-family" onClick={() => setErasing("family")}>
              {t("ui-erase-family")}
            </button>
          )}
        </section>
      )}
    </Page>
  );
}

type Member = MemberDraft;

/** Adding a family, or editing one (`edit`: its id; members are edited one by one). */
export function FamilyForm({ go, edit }: { go: Go; edit?: string }) {
  const load = useLoad<[Choices, FamilyDetail | null]>(
    () => Promise.all([api.choices(), edit ? api.family(edit) : Promise.resolve(null)]),
    [edit],
  );
  if (!load.data) return <Loading load={load} />;
  const [choices, family] = load.data;
  return <FamilyFormFields go={go} edit={edit} choices={choices} f={family} />;
}

/** The form itself, shown only once what it edits has loaded: every field starts from
 * the family (or empty in the home municipality), so nothing typed is overwritten later. */
function FamilyFormFields({ go, edit, choices, f }: { go: Go; edit?: string; choices: Choices; f: FamilyDetail | null }) {
  const [name, setName] = useState(f?.name ?? "");
  const [municipality, setMunicipality] = useState(f?.municipality ?? choices.home_municipality ?? choices.municipalities[0] ?? "");
  const [languages, setLanguages] = useState<string[]>(f?.languages ?? []);
  const [groups, setGroups] = useState<string[]>(f?.target_groups ?? []);
  const [contact, setContact] = useState(f?.contact ?? "");
  const [consent, setConsent] = useState(f?.consent?.date ?? "");
  const blank: Member = { given_name: "", family_name: "", birth_year: "", gender: "", role: "", fields: {} };
  const [members, setMembers] = useState<Member[]>(f ? [] : [blank]);
  const [fields, setFields] = useState<{ [key in string]?: string }>(f?.fields ?? {});
  const [err, setErr] = useState<CommandError | null>(null);
  const toggle = (list: string[], set: (l: string[]) => void, v: string) =>
    set(list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const member = (i: number, k: keyof Member, v: string) => setMembers(members.map((m, j) => (j === i ? { ...m, [k]: v } : m)));
  const memberFields = (i: number, v: { [key in string]?: string }) => setMembers(members.map((m, j) => (j === i ? { ...m, fields: v } : m)));
  const submit = async (e: Event) => {
    e.preventDefault();
    const input = {
      name,
      municipality,
      languages,
      target_groups: groups,
      contact,
      consent,
      // A member left without a surname takes the family's (the core's rule).
      members,
      fields,
    };
    try {
      if (edit) {
        await api.editFamily(edit, input);
        go({ name: "family", id: edit });
      } else {
        go({ name: "family", id: await api.addFamily(input) });
      }
    } catch (x) {
      setErr(x as CommandError);
    }
  };
  const hq = (on: string) => choices.fields.filter(([, d]) => d.on === on).map(([c]) => `fields.${c}`);
  const memberKeys = ["given_name", "family_name", "birth_year", "gender", "role", ...hq("person")];
  const fieldNames = ["name", "municipality", "contact", "consent", ...hq("family"), ...members.flatMap((_, i) => memberKeys.map((k) => `member[${i + 1}].${k}`))];
  return (
    <Page
      title={edit ? t("ui-edit-family") : t("ui-add-family")}
      actions={<button onClick={() => go(edit ? { name: "family", id: edit } : { name: "families" })}>{t("ui-cancel")}</button>}
    >
      <form onSubmit={submit} class="family-form">
        <ErrorBox err={err} fields={fieldNames} />
        <div class="row">
          <Field label={t("ui-family-name")} name="name" value={name} onInput={setName} err={err} autoFocus />
          <Select label={t("field-municipality")} name="municipality" value={municipality} options={choices.municipalities.map((m) => [m, m])} onChange={setMunicipality} err={err} />
        </div>
        <fieldset>
          <legend>{t("field-language")}</legend>
          <div class="chips">
            {choices.languages.map((l) => (
              <label class="chip">
                <input type="checkbox" checked={languages.includes(l)} onChange={() => toggle(languages, setLanguages, l)} />
                {code("language", l)}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t("field-target_group")}</legend>
          <div class="chips">
            {choices.target_groups.map((g) => (
              <label class="chip">
                <input type="checkbox" checked={groups.includes(g)} onChange={() => toggle(groups, setGroups, g)} />
                {code("target-group", g)}
              </label>
            ))}
          </div>
        </fieldset>
        <div class="row">
          <Field label={t("field-contact")} name="contact" type="tel" value={contact} onInput={setContact} err={err} />
          <Field label={t("field-consent")} name="consent" type="date" value={consent} onInput={setConsent} err={err} />
        </div>
        <HqFields fields={choices.fields} on="family" values={fields} onChange={setFields} err={err} />
        {!edit && (
        <fieldset>
          <legend>{t("ui-members")}</legend>
          {members.map((m, i) => (
            <div class="member row" role="group" aria-label={`${t("field-member")} ${i + 1}`}>
              <Field label={t("field-given_name")} name={`member[${i + 1}].given_name`} value={m.given_name} onInput={(v) => member(i, "given_name", v)} err={err} />
              <Field label={t("field-family_name")} name={`member[${i + 1}].family_name`} value={m.family_name} onInput={(v) => member(i, "family_name", v)} err={err} />
              <Field label={t("field-birth_year")} name={`member[${i + 1}].birth_year`} inputMode="numeric" value={m.birth_year} onInput={(v) => member(i, "birth_year", v)} err={err} />
              <Select label={t("field-gender")} name={`member[${i + 1}].gender`} value={m.gender} options={[["", "—"], ...choices.genders.map((g): [string, string] => [g, code("gender", g)])]} onChange={(v) => member(i, "gender", v)} err={err} />
              <Select label={t("field-role")} name={`member[${i + 1}].role`} value={m.role} options={[["", "—"], ...choices.roles.map((r): [string, string] => [r, code("role", r)])]} onChange={(v) => member(i, "role", v)} err={err} />
              <HqFields fields={choices.fields} on="person" prefix={`member[${i + 1}].`} values={m.fields} onChange={(v) => memberFields(i, v)} err={err} />
            </div>
          ))}
          <button type="button" onClick={() => setMembers([...members, blank])}>
            {t("ui-add-member")}
          </button>
        </fieldset>
        )}
        <button id="save-family" class="primary big" type="submit">
          {t("ui-save-family")}
        </button>
      </form>
    </Page>
  );
}
