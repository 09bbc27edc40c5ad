// Fluent messages from the same .ftl files the Rust side uses (assets/locales).
import { FluentBundle, FluentResource, type FluentVariable } from "@fluent/bundle";
import type { CommandError } from "./bindings";

export type Lang = "lv" | "ru" | "en";
export const LANGS: Lang[] = ["lv", "ru", "en"];

const files = import.meta.glob("../../assets/locales/*/*.ftl", {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

function load(lang: Lang): FluentBundle {
  const b = new FluentBundle(lang, { useIsolating: false });
  for (const [path, text] of Object.entries(files)) {
    if (path.includes(`/locales/${lang}/`)) b.addResource(new FluentResource(text));
  }
  return b;
}

const bundles: Record<Lang, FluentBundle> = { lv: load("lv"), ru: load("ru"), en: load("en") };

function stored(): Lang {
  try {
    const l = localStorage.getItem("kopa-lang");
    if (l === "lv" || l === "ru" || l === "en") return l;
  } catch {
    /* storage unavailable: default */
  }
  return "lv";
}

let current: Lang = stored();
document.documentElement.lang = current;

export function lang(): Lang {
  return current;
}

export function setLang(l: Lang) {
  current = l;
  document.documentElement.lang = l;
  try {
    localStorage.setItem("kopa-lang", l);
  } catch {
    /* not remembered */
  }
}

export function has(id: string): boolean {
  return bundles[current].hasMessage(id) || bundles.en.hasMessage(id);
}

/** The message `id` in the current language (English when missing). */
export function t(id: string, args?: Record<string, FluentVariable>): string {
  for (const b of [bundles[current], bundles.en]) {
    const m = b.getMessage(id);
    if (m?.value) return b.formatPattern(m.value, args ?? null);
  }
  return id;
}

/** A stored code as people read it (`code-<kind>-<code>`), or the code itself. */
/** Labels HQ gave the values it added to the lists, by `<list>:<value>`. */
let hqLabels: { [key in string]?: { [lang in string]?: string } } = {};
export function setHqLabels(labels: typeof hqLabels) {
  hqLabels = labels;
}

export function code(kind: string, c: string): string {
  const id = `code-${kind}-${c}`;
  if (has(id)) return t(id);
  const hq = hqLabels[`${kind}:${c}`];
  return hq?.[current] ?? hq?.lv ?? c;
}

/** "member[1].birth_year" → "Family member 1 → Birth year". */
export function fieldLabel(field: string): string {
  return field
    .split(".")
    .filter((seg) => seg !== "fields")
    .map((seg) => {
      const m = seg.match(/^([a-z_]+)(?:\[(\d+)\])?$/);
      if (!m) return seg;
      const label = has(`field-${m[1]}`) ? t(`field-${m[1]}`) : m[1];
      return m[2] ? `${label} ${m[2]}` : label;
    })
    .join(" → ");
}

/** A translated error message for people. */
export function errorText(e: CommandError): string {
  const id = `error-${e.code}`;
  if (!has(id)) return t("ui-error-unexpected", { detail: e.message });
  const text = t(id, { value: e.value ?? "", detail: e.message, path: e.value ?? "" });
  return e.valid?.length ? `${text} ${t("error-valid-values", { valid: e.valid.join(", ") })}` : text;
}

const locale = () => ({ lv: "lv-LV", ru: "ru-RU", en: "en-GB" })[current];

export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso.length === 10 ? `${iso}T12:00:00` : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium" }).format(d);
}

export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(d);
}

export function fmtNum(n: number): string {
  return new Intl.NumberFormat(locale()).format(n);
}

/** Weekday names, Monday first (1 = Monday … 7 = Sunday). */
export function weekday(n: number): string {
  const monday = new Date(2024, 0, 1); // a Monday
  const d = new Date(monday.getTime() + (n - 1) * 86400000);
  return new Intl.DateTimeFormat(locale(), { weekday: "long" }).format(d);
}

export function monthName(ym: string): string {
  const d = new Date(`${ym}-15T12:00:00`);
  return new Intl.DateTimeFormat(locale(), { month: "short" }).format(d);
}
