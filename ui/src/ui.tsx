// Small shared pieces: fields with their error beside them, buttons, messages.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { CommandError, FieldDef } from "./bindings";
import { errorText, fieldLabel, lang, t } from "./i18n";

/** Which field an error belongs to: "member[2].birth_year" matches "member[2].birth_year". */
export function errorFor(err: CommandError | null, field: string): string | null {
  if (!err || !err.field) return null;
  return err.field === field ? errorText(err) : null;
}

let seq = 0;
export function useId(prefix: string): string {
  return `${prefix}-${++seq}`;
}

export function Field(props: {
  label: string;
  name: string;
  value: string;
  onInput: (v: string) => void;
  err: CommandError | null;
  type?: string;
  required?: boolean;
  autoFocus?: boolean;
  list?: string;
  inputMode?: "numeric" | "text" | "tel";
}) {
  const id = `f-${props.name}`;
  const msg = errorFor(props.err, props.name);
  return (
    <div class={msg ? "field invalid" : "field"}>
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value}
        required={props.required}
        autoFocus={props.autoFocus}
        list={props.list}
        inputMode={props.inputMode}
        aria-invalid={msg ? "true" : undefined}
        aria-describedby={msg ? `${id}-err` : undefined}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
      />
      {msg && (
        <p class="field-error" id={`${id}-err`} role="alert">
          {msg}
        </p>
      )}
    </div>
  );
}

export function Select(props: {
  label: string;
  name: string;
  value: string;
  options: [string, string][];
  onChange: (v: string) => void;
  err: CommandError | null;
}) {
  const id = `f-${props.name}`;
  const msg = errorFor(props.err, props.name);
  return (
    <div class={msg ? "field invalid" : "field"}>
      <label for={id}>{props.label}</label>
      <select
        id={id}
        name={props.name}
        value={props.value}
        aria-invalid={msg ? "true" : undefined}
        onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}
      >
        {props.options.map(([v, l]) => (
          <option value={v}>{l}</option>
        ))}
      </select>
      {msg && (
        <p class="field-error" role="alert">
          {msg}
        </p>
      )}
    </div>
  );
}

/** An error that belongs to no single field. */
export function ErrorBox({ err, fields }: { err: CommandError | null; fields?: string[] }) {
  if (!err) return null;
  if (err.field && fields?.includes(err.field)) return null;
  const where = err.field ? `${fieldLabel(err.field)}: ` : "";
  return (
    <div class="error-box" role="alert">
      {where}
      {errorText(err)}
    </div>
  );
}

export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <div class="notice" role="status">
      {children}
    </div>
  );
}

export function Page({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section class="page" aria-labelledby="page-title">
      <header class="page-head">
        <h1 id="page-title" tabIndex={-1}>
          {title}
        </h1>
        <div class="actions">{actions}</div>
      </header>
      {children}
    </section>
  );
}

/** What a screen loads: `data` once it came, `error` when loading failed. */
export type Load<T> = {
  data: T | null;
  error: CommandError | null;
  /** Loads again (keeping what is shown meanwhile); a failure lands in `error`. */
  reload: () => Promise<void>;
};

/**
 * Loads what a screen shows, again whenever `deps` change. A screen renders
 * `<Loading load={…} />` until `data` is there: it says "Loading", or, when loading
 * failed, why (translated) and a Retry button. Never "Loading" forever.
 */
export function useLoad<T>(fetch: () => Promise<T>, deps: unknown[] = []): Load<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  // Only the latest load may land: an older one finishing late is dropped.
  const latest = useRef(0);
  const reload = async () => {
    const mine = ++latest.current;
    setError(null);
    try {
      const v = await fetch();
      if (mine === latest.current) setData(v);
    } catch (x) {
      if (mine === latest.current) setError(x as CommandError);
    }
  };
  useEffect(() => {
    setData(null);
    reload();
  }, deps);
  return { data, error, reload };
}

/** Until a load is done: "Loading", or the failure and a way to try again. */
export function Loading({ load }: { load?: { error: CommandError | null; reload: () => unknown } }) {
  if (load?.error) return <LoadFailed err={load.error} retry={load.reload} />;
  return <p class="muted">{t("ui-loading")}</p>;
}

/** A load that failed: what went wrong, translated, and Retry. */
export function LoadFailed({ err, retry }: { err: CommandError; retry: () => unknown }) {
  return (
    <div class="error-box load-failed" role="alert">
      <p>
        <strong>{t("ui-load-failed")}</strong> {errorText(err)}
      </p>
      <button id="retry" type="button" class={err.retryable ? "primary" : undefined} onClick={() => retry()}>
        {t("ui-retry")}
      </button>
    </div>
  );
}

/** The label in the current language, else Latvian, else any. */
export function inLang(labels: { [key in string]?: string }): string {
  return labels[lang()] ?? labels.lv ?? Object.values(labels).find((l) => l) ?? "";
}

/**
 * HQ's fields of one kind of record (`on`), each input by its kind; values by field
 * code, as the record's draft sends them. Errors come back on `<prefix>fields.<code>`.
 */
export function HqFields(props: {
  fields: [string, FieldDef][];
  on: string;
  prefix?: string;
  values: { [key in string]?: string };
  onChange: (values: { [key in string]?: string }) => void;
  err: CommandError | null;
}) {
  const mine = props.fields.filter(([, d]) => d.on === props.on);
  if (!mine.length) return null;
  return (
    <>
      {mine.map(([code, d]) => {
        const name = `${props.prefix ?? ""}fields.${code}`;
        const value = props.values[code] ?? "";
        const set = (v: string) => props.onChange({ ...props.values, [code]: v });
        const label = inLang(d.labels) + (d.required ? " *" : "");
        const options = Object.entries(d.options).map(([c, l]): [string, string] => [c, inLang(l ?? {})]);
        const help = inLang(d.help);
        let input;
        if (d.kind === "choice") {
          input = <Select label={label} name={name} value={value} options={[["", "—"], ...options]} onChange={set} err={props.err} />;
        } else if (d.kind === "yes-no") {
          const yn: [string, string][] = [["", "—"], ["yes", t("report-value-yes")], ["no", t("report-value-no")]];
          input = <Select label={label} name={name} value={value} options={yn} onChange={set} err={props.err} />;
        } else if (d.kind === "choices") {
          const chosen = value.split(",").filter((v) => v);
          const toggle = (c: string) => set((chosen.includes(c) ? chosen.filter((x) => x !== c) : [...chosen, c]).join(","));
          input = (
            <fieldset class={errorFor(props.err, name) ? "field invalid" : "field"}>
              <legend>{label}</legend>
              <div class="chips">
                {options.map(([c, l]) => (
                  <label class="chip">
                    <input type="checkbox" name={name} value={c} checked={chosen.includes(c)} onChange={() => toggle(c)} />
                    {l}
                  </label>
                ))}
              </div>
              {errorFor(props.err, name) && <p class="field-error" role="alert">{errorFor(props.err, name)}</p>}
            </fieldset>
          );
        } else {
          const type = d.kind === "date" ? "date" : "text";
          input = <Field label={label} name={name} type={type} inputMode={d.kind === "number" ? "numeric" : undefined} value={value} onInput={set} err={props.err} />;
        }
        return (
          <div class="hq-field" data-field={code}>
            {input}
            {help && <p class="hint">{help}</p>}
          </div>
        );
      })}
    </>
  );
}

