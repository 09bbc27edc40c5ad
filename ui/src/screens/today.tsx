import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { Choices, CommandError, GroupDetail, GroupSummary } from "../bindings";
import type { Go } from "../app";
import { code, fmtDate, t } from "../i18n";
import { ErrorBox, Field, HqFields, Loading, Notice, Page, useLoad } from "../ui";

export function Today({ go, today }: { go: Go; today: string }) {
  const load = useLoad<[GroupSummary[], GroupSummary[]]>(() => Promise.all([api.plannedToday(), api.listGroups()]));
  if (!load.data) return <Loading load={load} />;
  const [planned, all] = load.data;
  const others = all.filter((g) => !planned.some((p) => p.id === g.id));
  return (
    <Page title={t("ui-today-title", { date: fmtDate(today) })}>
      {planned.length === 0 ? (
        <Notice>{t("ui-today-none")}</Notice>
      ) : (
        <ul class="tiles">
          {planned.map((g) => (
            <li class="tile">
              <div>
                <strong>{g.name}</strong>
                <div class="muted">
                  {code("activity", g.activity)} · {g.time ?? ""} {g.place ?? ""}
                </div>
              </div>
              <button class="primary" onClick={() => go({ name: "record", group: g.id })}>
                {t("ui-record-session")}
              </button>
            </li>
          ))}
        </ul>
      )}
      {others.length > 0 && (
        <>
          <h2>{t("ui-today-other")}</h2>
          <ul class="tiles">
            {others.map((g) => (
              <li class="tile">
                <span>{g.name}</span>
                <button onClick={() => go({ name: "record", group: g.id })}>{t("ui-record-session")}</button>
              </li>
            ))}
          </ul>
        </>
      )}
    </Page>
  );
}

/** Recording one session: a checkbox per enrolled member, guest counts, a new family
 * added inline without losing the ticks, a note, saved once. */
export function RecordSession({ go, group, today }: { go: Go; group: string; today: string }) {
  const load = useLoad<[GroupDetail, Choices]>(() => Promise.all([api.group(group), api.choices()]), [group]);
  const [date, setDate] = useState(today);
  const [ticked, setTicked] = useState<Set<string>>(new Set());
  const [guests, setGuests] = useState<Record<string, string>>({});
  const [topics, setTopics] = useState("");
  const [note, setNote] = useState("");
  const [fields, setFields] = useState<{ [key in string]?: string }>({});
  const [err, setErr] = useState<CommandError | null>(null);
  const [extra, setExtra] = useState<{ id: string; name: string }[]>([]);
  const [adding, setAdding] = useState(false);
  const [nf, setNf] = useState({ given: "", family: "", year: "", municipality: "" });
  const [nfErr, setNfErr] = useState<CommandError | null>(null);
  const [saved, setSaved] = useState(false);
  // Saving: a second press of Save (or Enter) while the first is on its way does nothing.
  const [busy, setBusy] = useState(false);
  // The group already has a session on that date: asked about below the date, once.
  const [exists, setExists] = useState(false);
  // A family added inline lives where the group meets, unless changed.
  useEffect(() => {
    if (load.data) setNf((n) => ({ ...n, municipality: load.data?.[0].municipality ?? n.municipality }));
  }, [load.data]);
  if (!load.data) return <Loading load={load} />;
  const [detail, choices] = load.data;
  const toggle = (id: string) => {
    const s = new Set(ticked);
    s.has(id) ? s.delete(id) : s.add(id);
    setTicked(s);
  };
  const addFamily = async (e: Event) => {
    e.preventDefault();
    try {
      const fid = await api.addFamily({
        name: nf.family,
        municipality: nf.municipality,
        languages: [],
        target_groups: [],
        contact: "",
        consent: "",
        members: [{ given_name: nf.given, family_name: nf.family, birth_year: nf.year, gender: "", role: "", fields: {} }],
        fields: {},
      });
      const fam = await api.family(fid);
      const p = fam.persons[0];
      setExtra([...extra, { id: p.id, name: `${p.given_name} ${p.family_name}` }]);
      setTicked(new Set([...ticked, p.id]));
      setNf({ given: "", family: "", year: "", municipality: nf.municipality });
      setNfErr(null);
      setAdding(false);
    } catch (x) {
      const e = x as CommandError;
      // "member[1].given_name" → the inline form's own field names.
      setNfErr({ ...e, field: e.field?.replace("member[1].", "nf-") ?? null });
    }
  };
  const save = async (e: Event | null, another = false) => {
    e?.preventDefault();
    if (busy || saved) return;
    setBusy(true);
    try {
      await api.recordSession({
        group,
        date,
        time: null,
        minutes: null,
        place: null,
        topics,
        attended: [...ticked],
        guests: Object.entries(guests).map(([c, n]) => [c, Number(n) || 0]),
        facilitators: [],
        note,
        fields,
        another,
      });
      setSaved(true);
      setTimeout(() => go({ name: "group", id: group }), 600);
    } catch (x) {
      const e = x as CommandError;
      setExists(e.code === "session-exists");
      setErr(e.code === "session-exists" ? null : e);
    } finally {
      setBusy(false);
    }
  };
  const people = [
    ...detail.members.map((m) => ({ id: m.id, name: `${m.given_name} ${m.family_name}` })),
    ...extra.filter((x) => !detail.members.some((m) => m.id === x.id)),
  ];
  return (
    <Page title={t("ui-record-title", { group: detail.name })}>
      <form onSubmit={save} class="record">
        <ErrorBox err={err} fields={["date", "topics", "note"]} />
        {saved && <Notice>{t("ui-saved")}</Notice>}
        <Field label={t("field-date")} name="date" type="date" value={date} onInput={(d) => { setDate(d); setExists(false); }} err={err} />
        {exists && (
          <div class="card" id="session-exists" role="alert">
            <p>{t("ui-session-exists")}</p>
            <button type="button" id="open-recorded" onClick={() => go({ name: "group", id: group })}>
              {t("ui-session-open-recorded")}
            </button>{" "}
            <button type="button" id="record-another" onClick={() => save(null, true)}>
              {t("ui-session-record-another")}
            </button>
          </div>
        )}
        <Field label={t("field-topics")} name="topics" value={topics} onInput={setTopics} err={err} />
        <HqFields fields={choices.fields} on="session" values={fields} onChange={setFields} err={err} />
        <fieldset>
          <legend>{t("ui-who-came", { count: ticked.size })}</legend>
          {people.length === 0 && <p class="muted">{t("ui-no-members")}</p>}
          <ul class="checklist">
            {people.map((p) => (
              <li>
                <label>
                  <input type="checkbox" name="attended" value={p.id} checked={ticked.has(p.id)} onChange={() => toggle(p.id)} />
                  {p.name}
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        <fieldset>
          <legend>{t("ui-guests")}</legend>
          <div class="row">
            {choices.guest_categories.map((c) => (
              <Field
                label={code("registration", c)}
                name={`guests-${c}`}
                type="number"
                inputMode="numeric"
                value={guests[c] ?? ""}
                onInput={(v) => setGuests({ ...guests, [c]: v })}
                err={null}
              />
            ))}
          </div>
        </fieldset>
        <div class="field">
          <label for="f-note">{t("field-note")}</label>
          <textarea id="f-note" rows={3} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
        </div>
        <button id="save-session" class="primary big" type="submit" disabled={busy}>
          {t("ui-save-session")}
        </button>
      </form>
      <div class="inline-add">
        {!adding ? (
          <button id="add-new-family" onClick={() => setAdding(true)}>
            {t("ui-add-new-family-inline")}
          </button>
        ) : (
          <form class="card" onSubmit={addFamily} aria-label={t("ui-add-new-family-inline")}>
            <h2>{t("ui-add-new-family-inline")}</h2>
            <ErrorBox err={nfErr} fields={["nf-given_name", "nf-family_name", "nf-birth_year"]} />
            <div class="row">
              <Field label={t("field-given_name")} name="nf-given_name" value={nf.given} onInput={(v) => setNf({ ...nf, given: v })} err={nfErr} autoFocus />
              <Field label={t("field-family_name")} name="nf-family_name" value={nf.family} onInput={(v) => setNf({ ...nf, family: v })} err={nfErr} />
              <Field label={t("field-birth_year")} name="nf-birth_year" inputMode="numeric" value={nf.year} onInput={(v) => setNf({ ...nf, year: v })} err={nfErr} />
            </div>
            <button class="primary" type="submit">
              {t("ui-add-and-tick")}
            </button>{" "}
            <button type="button" onClick={() => setAdding(false)}>
              {t("ui-cancel")}
            </button>
          </form>
        )}
      </div>
    </Page>
  );
}
