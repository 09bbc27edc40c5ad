// A minimal W3C WebDriver client over fetch: just what the end-to-end tests use.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

const ELEMENT = "element-6066-11e4-a6c3-4a4b6d1c6e7b";

async function wd(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.value ?? json)}`);
  return json.value;
}

/** Starts tauri-driver with `env` (the app inherits it) and waits until it answers. */
export async function startDriver(env, port = 4444) {
  const driver = spawn("tauri-driver", ["--port", String(port)], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(base + "/status");
      return { driver, base };
    } catch {
      await sleep(100);
    }
  }
  driver.kill();
  throw new Error("tauri-driver did not start");
}

export class App {
  static async launch(base, application) {
    const started = Date.now();
    const caps = { capabilities: { alwaysMatch: { "tauri:options": { application } } } };
    const s = await wd(base, "POST", "/session", caps);
    const app = new App(base, s.sessionId);
    app.started = started;
    return app;
  }
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }
  call(method, path, body) {
    return wd(this.base, method, `/session/${this.id}${path}`, body);
  }
  /** Waits up to `ms` for an element matching the CSS selector. */
  async find(css, ms = 10000) {
    const until = Date.now() + ms;
    let last;
    while (Date.now() < until) {
      try {
        const v = await this.call("POST", "/element", { using: "css selector", value: css });
        const id = v[ELEMENT] ?? v.ELEMENT ?? Object.values(v)[0];
        if (id === undefined) throw new Error(`element reference missing: ${JSON.stringify(v)}`);
        return id;
      } catch (e) {
        last = e;
        await sleep(50);
      }
    }
    throw new Error(`no element ${css}: ${last}`);
  }
  async click(css) {
    const el = await this.find(css);
    await this.call("POST", `/element/${el}/click`, {});
  }
  async type(css, text) {
    const el = await this.find(css);
    await this.call("POST", `/element/${el}/clear`, {});
    await this.call("POST", `/element/${el}/value`, { text });
  }
  async text(css) {
    const el = await this.find(css);
    return this.call("GET", `/element/${el}/text`);
  }
  /** Waits until the page's text contains `needle`. */
  async waitText(needle, ms = 10000) {
    const until = Date.now() + ms;
    let body = "";
    while (Date.now() < until) {
      body = await this.exec("return document.body.innerText");
      if (body.includes(needle)) return body;
      await sleep(50);
    }
    throw new Error(`text ${JSON.stringify(needle)} never appeared in:\n${body}`);
  }
  exec(script, args = []) {
    return this.call("POST", "/execute/sync", { script, args });
  }
  async select(css, value) {
    await this.exec(
      `const s = document.querySelector(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change', {bubbles: true}));`,
      [css, value],
    );
  }
  async screenshot(name) {
    const png = await this.call("GET", "/screenshot");
    const dir = new URL("../../target/e2e-screens/", import.meta.url);
    mkdirSync(dir, { recursive: true });
    writeFileSync(new URL(`${name}.png`, dir), Buffer.from(png, "base64"));
  }
  async quit() {
    await wd(this.base, "DELETE", `/session/${this.id}`).catch(() => {});
  }
}

/** `[id="…"]`: ids with brackets and dots need no escaping this way. */
export const byId = (id) => `[id="${id}"]`;
