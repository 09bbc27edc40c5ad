import { useState } from "preact/hooks";
import { api } from "../api";
import type { CommandError, TrainingView, VolunteerView } from "../bindings";
import { fmtDate, fmtNum, t } from "../i18n";
import { ErrorBox, Field, Loading, Notice, Page, Select, useLoad } from "../ui";

/** Volunteers and staff, and the trainings each has had. */
export function VolunteersScreen() {
  const volunteers = useLoad<VolunteerView[]>(api.listVolunteers);
  const list = volunteers.data;
  const load = volunteers.reload;
  const [given, setGiven] = useState("");
  const [family, setFamily] = useState("");
  const [role, setRole] = useState("volunteer");
  const [err, setErr] = useState<CommandError | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  if (!list) return <Loading load={volunteers} />;
  const add = async (e: Event) => {
    e.preventDefault();
    try {
      await api.addVolunteer({ given_name: given, family_name: family, role, contact: "" });
      setGiven("");
      setFamily("");
      setErr(null);
      load();
    } catch (x) {
      setErr(x as CommandError);
    }
  };
  return (
    <Page title={t("ui-nav-volunteers")}>
      {list.length === 0 && <Notice>{t("ui-no-volunteers")}</Notice>}
      <ul class="list">
        {list.map((v) => (
          <li>
            <button class="row-button" aria-expanded={open === v.id} onClick={() => setOpen(open === v.id ? null : v.id)}>
              <strong>
                {v.given_name} {v.family_name}
              </strong>
              <span class="muted">{t(`ui-role-${v.role}`)}</span>
            </button>
            {open === v.id && <Trainings volunteer={v.id} />}
          </li>
        ))}
      </ul>
      <form class="card" onSubmit={add}>
        <h2>{t("ui-add-volunteer")}</h2>
        <ErrorBox err={err} fields={["given_name", "family_name", "role"]} />
        <div class="row">
          <Field label={t("field-given_name")} name="given_name" value={given} onInput={setGiven} err={err} />
          <Field label={t("field-family_name")} name="family_name" value={family} onInput={setFamily} err={err} />
          <Select
            label={t("field-role")}
            name="role"
            value={role}
            options={["volunteer", "staff", "lead"].map((r) => [r, t(`ui-role-${r}`)])}
            onChange={setRole}
            err={err}
          />
        </div>
        <button class="primary" type="submit">
          {t("ui-add-volunteer")}
        </button>
      </form>
    </Page>
  );
}

function Trainings({ volunteer }: { volunteer: string }) {
  const trainings = useLoad<TrainingView[]>(() => api.trainings(volunteer), [volunteer]);
  const list = trainings.data;
  const load = trainings.reload;
  const [date, setDate] = useState("");
  const [topic, setTopic] = useState("");
  const [hours, setHours] = useState("");
  const [err, setErr] = useState<CommandError | null>(null);
  const add = async (e: Event) => {
    e.preventDefault();
    try {
      await api.recordTraining({ volunteer, date, topic, hours });
      setTopic("");
      setHours("");
      setErr(null);
      load();
    } catch (x) {
      setErr(x as CommandError);
    }
  };
  return (
    <div class="card">
      <h3>{t("ui-trainings")}</h3>
      {!list && <Loading load={trainings} />}
      {list && list.length === 0 && <p class="muted">{t("ui-no-trainings")}</p>}
      <ul class="compact">
        {(list ?? []).map((tr) => (
          <li>
            {fmtDate(tr.date)} · {tr.topic} · {t("ui-hours", { hours: fmtNum(tr.hours) })}
          </li>
        ))}
      </ul>
      <form class="row" onSubmit={add}>
        <ErrorBox err={err} fields={["date", "topic", "hours"]} />
        <Field label={t("field-date")} name="date" type="date" value={date} onInput={setDate} err={err} />
        <Field label={t("field-topic")} name="topic" value={topic} onInput={setTopic} err={err} />
        <Field label={t("field-hours")} name="hours" inputMode="numeric" value={hours} onInput={setHours} err={err} />
        <button type="submit">{t("ui-record-training")}</button>
      </form>
    </div>
  );
}
