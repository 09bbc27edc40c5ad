import { useEffect, useState } from "preact/hooks";
import { api } from "./api";
import type { AppStatus, Identity } from "./bindings";
import { lang, setLang, t, type Lang } from "./i18n";
import { FirstRun, Unlock } from "./screens/start";
import { Today, RecordSession } from "./screens/today";
import { Families, FamilyCard, FamilyForm } from "./screens/families";
import { Groups, GroupCard, GroupForm } from "./screens/groups";
import { DashboardScreen } from "./screens/dashboard";
import { SyncScreen } from "./screens/sync";
import { ConflictsScreen } from "./screens/conflicts";
import { SettingsScreen } from "./screens/settings";
import { VolunteersScreen } from "./screens/volunteers";
import { Loading, useLoad } from "./ui";
import { may, setActions } from "./access";
import { idleMinutes, markLockedIdle } from "./idle";

export type Route =
  | { name: "today" }
  | { name: "families" }
  | { name: "family"; id: string }
  | { name: "family-new" }
  | { name: "family-edit"; id: string }
  | { name: "volunteers" }
  | { name: "groups" }
  | { name: "group"; id: string }
  | { name: "group-new" }
  | { name: "record"; group: string }
  | { name: "dashboard" }
  | { name: "sync" }
  | { name: "conflicts" }
  | { name: "settings" };

export type Go = (r: Route) => void;

/** The screens, each with the action (the core's `Action` code) it needs, if any. */
const NAV: [Route["name"], string, string?][] = [
  ["today", "ui-nav-today"],
  ["families", "ui-nav-families"],
  ["groups", "ui-nav-groups"],
  ["volunteers", "ui-nav-volunteers", "volunteers"],
  ["dashboard", "ui-nav-dashboard"],
  ["sync", "ui-nav-sync", "sync"],
  ["conflicts", "ui-nav-conflicts", "conflicts"],
  ["settings", "ui-nav-settings"],
];

/** Locks the app after the idle minutes set on this laptop, and when the computer
 * wakes from sleep (timers stop while it sleeps: a tick that comes much later than
 * due means it slept). */
function useIdleLock(onLock: () => void) {
  useEffect(() => {
    let last = Date.now();
    let tick = Date.now();
    const seen = () => (last = Date.now());
    const events = ["keydown", "pointerdown", "pointermove", "wheel", "touchstart"];
    events.forEach((e) => window.addEventListener(e, seen, { passive: true }));
    const timer = setInterval(() => {
      const now = Date.now();
      const slept = now - tick > 120_000;
      tick = now;
      if (slept || now - last > idleMinutes() * 60_000) {
        markLockedIdle();
        api.lock().then(onLock, onLock);
      }
    }, 15_000);
    return () => {
      clearInterval(timer);
      events.forEach((e) => window.removeEventListener(e, seen));
    };
  }, []);
}

export function App() {
  const load = useLoad<AppStatus>(api.appStatus);
  const status = load.data;
  const [current, setCurrent] = useState<Lang>(lang());
  // The screen lives here, above the re-keyed tree, so that changing the language
  // redraws every word but leaves the person where they were.
  const [route, setRoute] = useState<Route>({ name: "today" });
  const refresh = load.reload;
  const changeLang = (l: Lang) => {
    setLang(l);
    setCurrent(l);
  };
  if (!status)
    return (
      <main class="center">
        <Loading load={load} />
      </main>
    );
  const opened = (_: Identity) => {
    setRoute({ name: "today" });
    refresh();
  };
  return (
    <div key={current} class="root">
      {!status.open ? (
        status.has_replica ? (
          <Unlock onOpen={opened} lang={current} setLang={changeLang} />
        ) : (
          <FirstRun onOpen={opened} lang={current} setLang={changeLang} />
        )
      ) : (
        <Shell status={status} lang={current} setLang={changeLang} onIdentity={refresh} route={route} setRoute={setRoute} />
      )}
    </div>
  );
}

function Shell(props: {
  status: AppStatus;
  lang: Lang;
  setLang: (l: Lang) => void;
  onIdentity: () => void;
  route: Route;
  setRoute: (r: Route) => void;
}) {
  const { route, setRoute } = props;
  const [conflicts, setConflicts] = useState(0);
  const go: Go = (r) => {
    setRoute(r);
    // Move focus to the new page's heading for keyboard and screen-reader users.
    setTimeout(() => document.getElementById("page-title")?.focus(), 0);
  };
  useEffect(() => {
    api.overview().then((o) => setConflicts(o.conflicts)).catch(() => {});
  }, [route]);
  const id = props.status.identity!;
  setActions(id.actions);
  useIdleLock(props.onIdentity);
  const section = route.name.startsWith("family") ? "families" : route.name.startsWith("group") || route.name === "record" ? "groups" : route.name;
  return (
    <div class="shell">
      <nav class="nav" aria-label={t("ui-nav-label")}>
        <div class="brand">
          <span class="cross" aria-hidden="true">
            ✚
          </span>{" "}
          Kopā
          <div class="branch">{id.branch_name}</div>
        </div>
        <ul>
          {NAV.filter(([, , action]) => !action || may(action)).map(([name, label]) => (
            <li>
              <button
                id={`nav-${name}`}
                class={section === name ? "active" : ""}
                aria-current={section === name ? "page" : undefined}
                onClick={() => go({ name } as Route)}
              >
                {t(label)}
                {name === "conflicts" && conflicts > 0 && <span class="badge">{conflicts}</span>}
              </button>
            </li>
          ))}
        </ul>
        <div class="who">{t("ui-signed-in-as", { user: id.user })}</div>
      </nav>
      <main class="main">
        {props.status.demo && (
          <div class="demo-banner" role="status">
            {t("ui-demo-banner")}{" "}
            <button id="leave-demo" onClick={() => api.lock().then(props.onIdentity)}>
              {t("ui-demo-leave")}
            </button>
          </div>
        )}
        <Screen route={route} go={go} status={props.status} lang={props.lang} setLang={props.setLang} onIdentity={props.onIdentity} />
      </main>
    </div>
  );
}

function Screen(props: { route: Route; go: Go; status: AppStatus; lang: Lang; setLang: (l: Lang) => void; onIdentity: () => void }) {
  const { route, go } = props;
  switch (route.name) {
    case "today":
      return <Today go={go} today={props.status.today} />;
    case "record":
      return <RecordSession go={go} group={route.group} today={props.status.today} />;
    case "families":
      return <Families go={go} />;
    case "family":
      return <FamilyCard go={go} id={route.id} />;
    case "family-new":
      return <FamilyForm go={go} />;
    case "family-edit":
      return <FamilyForm go={go} edit={route.id} />;
    case "volunteers":
      return <VolunteersScreen />;
    case "groups":
      return <Groups go={go} />;
    case "group":
      return <GroupCard go={go} id={route.id} />;
    case "group-new":
      return <GroupForm go={go} />;
    case "dashboard":
      return <DashboardScreen />;
    case "sync":
      return <SyncScreen />;
    case "conflicts":
      return <ConflictsScreen />;
    case "settings":
      return <SettingsScreen go={props.go} lang={props.lang} setLang={props.setLang} identity={props.status.identity!} status={props.status} onIdentity={props.onIdentity} />;
  }
}
