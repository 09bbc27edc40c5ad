import { useState } from "preact/hooks";
import { api } from "../api";
import { may } from "../access";
import type { Choices, CommandError, GroupDetail, GroupSummary } from "../bindings";
import type { Go } from "../app";
import { code, fmtDate, t, weekday } from "../i18n";
import { ErrorBox, Field, HqFields, Loading, Notice, Page, Select, useLoad } from "../ui";

function schedule(g: { weekday: number | null; time: string | null; place: string | null }): string {
  const parts = [g.weekday ? weekday(g.weekday) : "", g.time ?? "", g.place ?? ""].filter(Boolean);
  return parts.join(" · ");
}

export function Groups({ go }: { go: Go }) {
  const load = useLoad<GroupSummary[]>(api.listGroups);
  const groups = load.data;
  return (
    <Page
      title={t("ui-nav-groups")}
      actions={
        may("groups") && (
          <button id="new-group" class="primary" onClick={() => go({ name: "group-new" })}>
            {t("ui-add-group")}
          </button>
        )
      }
    >
      {!groups && <Loading load={load} />}
      {groups && groups.length === 0 && <Notice>{t("ui-no-groups")}</Notice>}
      <ul class="list">
        {(groups ?? []).map((g) => (
          <li>
            <button class="row-button" onClick={() => go({ name: "group", id: g.id })}>
              <strong>{g.name}</strong>
              <span class="muted">
                {code("activity", g.activity)} · {schedule(g)} · {t("ui-members-count", { count: g.member_count })} · {t("ui-sessions-count", { count: g.session_count })}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </Page>
  );
}

export function GroupCard({ go, id }: { go: Go; id: string }) {
  const load = useLoad<GroupDetail>(() => api.group(id), [id]);
  const g = load.data;
  if (!g) return <Loading load={load} />;
  return (
    <Page
      title={g.name}
      actions={
        <>
          <button id="record-this-group" class="primary" onClick={() => go({ name: "record", group: id })}>
            {t("ui-record-session")}
          </button>{" "}
          <button onClick={() => go({ name: "groups" })}>{t("ui-back")}</button>
        </>
      }
    >
      <p class="muted">
        {code("activity", g.activity)} · {g.municipality} · {schedule(g)}
      </p>
      <h2>{t("ui-members")}</h2>
      {g.members.length === 0 ? (
        <p class="muted">{t("ui-no-members")}</p>
      ) : (
        <ul class="compact columns">
          {g.members.map((m) => (
            <li>
              <button class="link" onClick={() => go({ name: "family", id: m.family_id })}>
                {m.given_name} {m.family_name}
              </button>
            </li>
          ))}
        </ul>
      )}
      <h2>{t("ui-sessions")}</h2>
      <table id="sessions">
        <thead>
          <tr>
            <th scope="col">{t("field-date")}</th>
            <th scope="col">{t("field-attended")}</th>
            <th scope="col">{t("field-guests")}</th>
            <th scope="col">{t("field-topics")}</th>
            <th scope="col">{t("field-note")}</th>
          </tr>
        </thead>
        <tbody>
          {g.sessions.map((s) => (
            <tr>
              <td>{fmtDate(s.date)}</td>
              <td class="num">{s.attended}</td>
              <td class="num">{s.guests}</td>
              <td>{s.topics}</td>
              <td>{s.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Page>
  );
}

export function GroupForm({ go }: { go: Go }) {
  const load = useLoad<Choices>(api.choices);
  const choices = load.data;
  const [name, setName] = useState("");
  const [activity, setActivity] = useState("family-support");
  const [day, setDay] = useState("");
  const [time, setTime] = useState("");
  const [place, setPlace] = useState("");
  const [fields, setFields] = useState<{ [key in string]?: string }>({});
  const [err, setErr] = useState<CommandError | null>(null);
  if (!choices) return <Loading load={load} />;
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const id = await api.addGroup({ name, activity, facilitators: [], weekday: day, time, place, fields });
      go({ name: "group", id });
    } catch (x) {
      setErr(x as CommandError);
    }
  };
  return (
    <Page title={t("ui-add-group")} actions={<button onClick={() => go({ name: "groups" })}>{t("ui-cancel")}</button>}>
      <form onSubmit={submit}>
        <ErrorBox err={err} fields={["name", "activity", "weekday", "time", "place"]} />
        <Field label={t("field-name")} name="name" value={name} onInput={setName} err={err} autoFocus />
        <Select label={t("field-activity")} name="activity" value={activity} options={choices.activities.map((a) => [a, code("activity", a)])} onChange={setActivity} err={err} />
        <div class="row">
          <Select
            label={t("field-weekday")}
            name="weekday"
            value={day}
            options={[["", "—"], ...[1, 2, 3, 4, 5, 6, 7].map((n): [string, string] => [String(n), weekday(n)])]}
            onChange={setDay}
            err={err}
          />
          <Field label={t("field-time")} name="time" type="time" value={time} onInput={setTime} err={err} />
          <Field label={t("field-place")} name="place" value={place} onInput={setPlace} err={err} />
        </div>
        <HqFields fields={choices.fields} on="group" values={fields} onChange={setFields} err={err} />
        <button id="save-group" class="primary big" type="submit">
          {t("ui-save-group")}
        </button>
      </form>
    </Page>
  );
}
