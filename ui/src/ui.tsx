// Small shared pieces: fields with their error beside them, buttons, messages.
import type { ComponentChildren } from "preact";
import type { CommandError } from "./bindings";
import { errorText, fieldLabel, t } from "./i18n";

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

export function Loading() {
  return <p class="muted">{t("ui-loading")}</p>;
}
