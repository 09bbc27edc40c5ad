import { api } from "../api";
import type { Dashboard, Overview } from "../bindings";
import { code, fmtNum, monthName, t } from "../i18n";
import { Loading, Notice, Page, useLoad } from "../ui";

/** Horizontal bars, drawn as SVG so they scale with the text. */
function Bars({ rows, label }: { rows: [string, number][]; label: string }) {
  const max = Math.max(1, ...rows.map(([, v]) => v));
  const h = 28;
  return (
    <svg class="bars" role="img" aria-label={label} viewBox={`0 0 600 ${rows.length * h}`} width="100%">
      {rows.map(([k, v], i) => (
        <g>
          <text x="0" y={i * h + 19} class="bar-label">
            {k}
          </text>
          <rect x="200" y={i * h + 5} width={(330 * v) / max} height={h - 10} rx="3" class="bar" />
          <text x={206 + (330 * v) / max} y={i * h + 19} class="bar-value">
            {fmtNum(v)}
          </text>
        </g>
      ))}
    </svg>
  );
}

export function DashboardScreen() {
  const load = useLoad<[Dashboard, Overview]>(() => Promise.all([api.dashboard(), api.overview()]));
  if (!load.data) return <Loading load={load} />;
  const [d, o] = load.data;
  return (
    <Page title={t("ui-dashboard-title", { year: String(d.year) })}>
      <ul class="stats" id="overview">
        <li>
          <span class="stat" id="stat-families">{fmtNum(o.families)}</span>
          {t("ui-stat-families")}
        </li>
        <li>
          <span class="stat" id="stat-persons">{fmtNum(o.persons)}</span>
          {t("ui-stat-persons")}
        </li>
        <li>
          <span class="stat" id="stat-sessions">{fmtNum(o.sessions)}</span>
          {t("ui-stat-sessions")}
        </li>
        <li>
          <span class="stat" id="stat-attendances">{fmtNum(o.attendances)}</span>
          {t("ui-stat-attendances")}
        </li>
      </ul>
      <h2>{t("ui-indicators")}</h2>
      {d.indicators.length === 0 ? (
        <Notice>{t("ui-no-indicators")}</Notice>
      ) : (
        <ul class="progress-list">
          {d.indicators.map((i) => (
            <li>
              <div class="progress-head">
                <span>{i.name}</span>
                <span>
                  {fmtNum(i.value)} / {fmtNum(i.target)} {t(`report-unit-${i.unit}`)}
                </span>
              </div>
              <progress max={Math.max(i.target, 1)} value={Math.min(i.value, Math.max(i.target, 1))} aria-label={i.name} />
            </li>
          ))}
        </ul>
      )}
      <h2>{t("ui-attendance-by-month")}</h2>
      <Bars label={t("ui-attendance-by-month")} rows={d.attendance_by_month.map(([m, n]) => [monthName(m), n])} />
      <h2>{t("ui-persons-by-target-group")}</h2>
      <Bars label={t("ui-persons-by-target-group")} rows={d.persons_by_target_group.map(([g, n]) => [code("target-group", g), n])} />
    </Page>
  );
}
