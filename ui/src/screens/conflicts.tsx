import { useState } from "preact/hooks";
import { api } from "../api";
import type { CommandError, ConflictView } from "../bindings";
import { fieldLabel, fmtDateTime, t } from "../i18n";
import { ErrorBox, Loading, Notice, Page, useLoad } from "../ui";

function show(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}

/** Both values side by side, with who set them, where and when; pick one. */
export function ConflictsScreen() {
  const conflicts = useLoad<ConflictView[]>(api.conflicts);
  const [err, setErr] = useState<CommandError | null>(null);
  const list = conflicts.data;
  const load = conflicts.reload;
  if (!list) return <Loading load={conflicts} />;
  const pick = async (id: string, n: number) => {
    try {
      await api.resolveConflict(id, n);
      load();
    } catch (x) {
      setErr(x as CommandError);
    }
  };
  return (
    <Page title={t("ui-nav-conflicts")}>
      <ErrorBox err={err} />
      {list.length === 0 && <Notice>{t("ui-no-conflicts")}</Notice>}
      {list.map((c) => (
        <article class="conflict card">
          <h2>
            {fieldLabel(c.field)} <span class="muted">({c.record_kind})</span>
          </h2>
          <div class="candidates">
            {c.candidates.map((v, i) => (
              <div class="candidate">
                <p class="value">{show(v.value)}</p>
                <p class="muted">{t("ui-set-by", { person: v.person, device: v.device, when: fmtDateTime(v.at) })}</p>
                <button class="primary" id={`keep-${i + 1}`} onClick={() => pick(c.id, i + 1)}>
                  {t("ui-keep-this")}
                </button>
              </div>
            ))}
          </div>
        </article>
      ))}
    </Page>
  );
}
