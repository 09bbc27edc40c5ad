// End-to-end: the real Kopā binary in a real window (WebKitGTK under Xvfb), driven
// through tauri-driver and WebKitWebDriver. Each step saves a screenshot under
// target/e2e-screens/. Run by .ci/e2e.sh.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { App, byId, startDriver } from "./webdriver.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const APP = process.env.KOPA_APP ?? join(root, "target/debug/kopa-desktop");
const KOPA = process.env.KOPA_CLI ?? join(root, "target/debug/kopa");

function kopa(db, args, pass = "pass") {
  return execFileSync(KOPA, ["--db", db, ...args], {
    env: { ...process.env, KOPA_PASSPHRASE: pass, KOPA_OTHER_PASSPHRASE: pass, KOPA_LANG: "en" },
    encoding: "utf8",
  });
}

async function session(env) {
  const { driver, base } = await startDriver(env);
  const app = await App.launch(base, APP);
  return {
    app,
    async close() {
      await app.quit();
      driver.kill();
    },
  };
}

test("first run: create a branch, register a family, a group, a session; the dashboard counts them; Russian", async () => {
  const data = mkdtempSync(join(tmpdir(), "kopa-e2e-"));
  const { app, close } = await session({ KOPA_DATA: data });
  try {
    await app.click("#lang-lv");
    await app.find("#create-branch");
    await app.screenshot("01-first-run-lv");
    await app.type("#f-name", "Krāslavas nodaļa");
    await app.type("#f-user", "Inese");
    await app.type("#f-passphrase", "slepena frāze");
    await app.type("#f-passphrase2", "slepena frāze");
    await app.click("#create-branch");
    // The recovery code is shown once, before the branch opens.
    assert.match(await app.text("#recovery-code"), /^[A-Z2-9]{5}(-[A-Z2-9]{5}){5}$/);
    await app.screenshot("01b-recovery-code-lv");
    await app.click("#recovery-continue");
    await app.find("#nav-families");
    await app.screenshot("02-today-empty");

    // A family with one member; a bad birth year first, shown beside its field.
    await app.click("#nav-families");
    await app.click("#new-family");
    await app.type("#f-name", "Ivanovs");
    await app.type(byId("f-member[1].given_name"), "Sergejs");
    await app.type(byId("f-member[1].birth_year"), "1860");
    await app.click("#save-family");
    const error = await app.text(byId("f-member[1].birth_year-err"));
    assert.match(error, /1860/);
    await app.screenshot("03-family-validation");
    await app.type(byId("f-member[1].birth_year"), "1960");
    await app.click("#save-family");
    await app.waitText("Sergejs Ivanovs");
    await app.screenshot("04-family-card");
    await app.click("#edit-family");
    await app.type("#f-contact", "+371 29111111");
    await app.click("#save-family");
    await app.waitText("+371 29111111");

    // A volunteer and a training.
    await app.click("#nav-volunteers");
    await app.type("#f-given_name", "Inese");
    await app.type("#f-family_name", "Liepa");
    await app.exec("document.querySelector('form.card').requestSubmit()");
    await app.click(".list .row-button");
    await app.type("#f-date", "2026-11-02");
    await app.type("#f-topic", "Pirmā palīdzība");
    await app.type("#f-hours", "4");
    await app.exec("document.querySelector('.list form').requestSubmit()");
    await app.waitText("Pirmā palīdzība");

    // A group, and a session recorded with a family added inline.
    await app.click("#nav-groups");
    await app.click("#new-group");
    await app.type("#f-name", "Senioru klubs");
    await app.select("#f-activity", "senior-club");
    await app.click("#save-group");
    await app.click("#record-this-group");
    await app.click("#add-new-family");
    await app.type("#f-nf-given_name", "Anna");
    await app.type("#f-nf-family_name", "Ozola");
    await app.type("#f-nf-birth_year", "1950");
    await app.exec("document.querySelector('.inline-add form').requestSubmit()");
    await app.waitText("Anna Ozola");
    const ticked = await app.exec("return [...document.querySelectorAll('input[name=attended]')].filter(c => c.checked).length");
    assert.equal(ticked, 1, "the new person is ticked");
    await app.type("#f-guests-child", "3");
    await app.type("#f-topics", "Bērna aprūpes pamati, режим сна");
    await app.screenshot("05-record-session");
    await app.click("#save-session");
    await app.find("#sessions tbody tr");
    // What the session was about is listed with it.
    await app.waitText("Bērna aprūpes pamati, режим сна");
    await app.screenshot("06-group-with-session");
    // Recording the same evening again is caught: nothing is counted twice.
    await app.click("#record-this-group");
    await app.click("#save-session");
    await app.find("#session-exists");
    await app.screenshot("06b-session-already-recorded");
    await app.click("#open-recorded");
    await app.find("#sessions tbody tr");
    assert.equal(await app.exec("return document.querySelectorAll('#sessions tbody tr').length"), 1);

    await app.click("#nav-dashboard");
    assert.equal(await app.text("#stat-families"), "2");
    assert.equal(await app.text("#stat-sessions"), "1");
    assert.equal(await app.text("#stat-attendances"), "1");
    await app.screenshot("07-dashboard");

    // A screen whose load fails says why and offers Retry, never "Loading" forever:
    // the replica is locked behind the UI's back, then unlocked again.
    await app.exec("window.__TAURI_INTERNALS__.invoke('lock')");
    await app.click("#nav-groups");
    await app.find("#retry");
    await app.waitText("Replika ir aizslēgta");
    await app.screenshot("07b-load-failed-retry");
    await app.exec("window.__TAURI_INTERNALS__.invoke('unlock', { passphrase: 'slepena frāze' })");
    await new Promise((r) => setTimeout(r, 500));
    await app.click("#retry");
    await app.waitText("Senioru klubs");

    // A backup was made when the branch was created; the schedule is checked like
    // any form.
    await app.click("#nav-settings");
    await app.waitText("Pēdējā rezerves kopija");
    const backups = readdirSync(join(data, "backups")).filter((f) => /^kopa-backup-.*\.kopa$/.test(f));
    assert.equal(backups.length, 1, "one automatic backup in the app's folder");
    await app.type("#f-every_hours", "katru dienu");
    await app.click("#save-backup-schedule");
    assert.match(await app.text(byId("f-every_hours-err")), /katru dienu/);
    await app.type("#f-every_hours", "12");
    await app.type("#f-keep", "30");
    await app.click("#save-backup-schedule");
    await app.waitText("Saglabāts");
    await app.screenshot("08-backups-lv");
    // The schedule is the replica's: it is there when the screen is opened again.
    await app.click("#nav-dashboard");
    await app.click("#nav-settings");
    await app.find("#backup-schedule");
    assert.equal(await app.exec("return document.querySelector('#f-every_hours').value"), "12");
    assert.equal(await app.exec("return document.querySelector('#f-keep').value"), "30");
    // The retention period: out of range is refused beside its field; no family is
    // closed, so none is due for erasure.
    await app.type("#f-retention", "0");
    await app.click("#save-retention");
    assert.match(await app.text(byId("f-retention-err")), /0/);
    await app.type("#f-retention", "3");
    await app.click("#save-retention");
    await app.waitText("Saglabāts");
    assert.equal(await app.exec("return document.getElementById('f-retention-err')"), null);
    assert.match(await app.text("#retention-due"), /Nevienai ģimenei glabāšanas termiņš nav beidzies/);
    await app.exec("document.getElementById('retention-due').scrollIntoView({block: 'center'})");
    await app.screenshot("08b-retention-lv");

    // Switching to Russian changes the whole screen at once.
    await app.click("#settings-lang-ru");
    assert.equal(await app.text("#nav-families"), "Семьи");
    // ... and leaves the volunteer on the screen they were on.
    assert.equal(await app.text("#page-title"), "Настройки");
    assert.match(await app.text("#retention-due"), /Ни у одной семьи срок хранения не истёк/);
    await app.find("#backup-schedule");
    await app.exec("document.getElementById('retention-due').scrollIntoView({block: 'center'})");
    await app.screenshot("08c-retention-ru");
    await app.click("#nav-dashboard");
    await app.waitText("Посещения по месяцам");
    await app.screenshot("09-dashboard-ru");
    await app.click("#nav-families");
    await app.waitText("2 семьи");
    await app.screenshot("10-families-ru");
  } finally {
    await close();
  }
});

test("a sync file brings a family from the other laptop; a conflict is resolved", async () => {
  const data = mkdtempSync(join(tmpdir(), "kopa-e2e-"));
  const db = join(data, "replica.kopa");
  const laptop2 = join(data, "laptop2.kopa");
  // This laptop and a second laptop of the same branch, told about each other.
  kopa(db, ["init", "--branch", "Rēzekne", "--municipality", "Rēzekne", "--user", "Ilze"]);
  const fid = JSON.parse(
    kopa(db, ["--json", "family", "add", "--name", "Petrovs", "--municipality", "Rēzekne", "--member", "Ivans;Petrovs;1948;m;grandparent"]),
  ).id;
  kopa(laptop2, ["init", "--device-of", db, "--user", "Oļegs"]);
  kopa(db, ["sync", "identity", "--out", join(data, "a.card")]);
  kopa(laptop2, ["sync", "identity", "--out", join(data, "b.card")]);
  kopa(db, ["sync", "peer", "add", join(data, "b.card")]);
  kopa(laptop2, ["sync", "peer", "add", join(data, "a.card")]);
  // Both laptops change the same phone number while apart: a conflict.
  kopa(db, ["family", "edit", fid, "--contact", "+371 26000001"]);
  kopa(laptop2, ["family", "edit", fid, "--contact", "+371 26000002"]);
  // The second laptop registers a family and writes a sync file.
  kopa(laptop2, ["family", "add", "--name", "Bērziņi", "--municipality", "Rēzekne", "--member", "Līga;Bērziņa;1990;f;parent"]);
  // A household one member of which will ask to be forgotten.
  kopa(db, ["family", "add", "--name", "Kalniņi", "--municipality", "Rēzekne", "--member", "Zaiga;Kalniņa;1990;f;parent", "--member", "Pēteris;Kalniņš;1988;m;parent"]);
  const branch = JSON.parse(kopa(db, ["--json", "info"])).identity.branch_id;
  const file = join(data, "from-laptop2.kopasync");
  kopa(laptop2, ["sync", "export", "--to", branch, "--out", file]);

  const { app, close } = await session({ KOPA_DATA: data });
  try {
    // The language chosen last time is remembered; this test reads English.
    await app.click("#lang-en");
    await app.type("#f-passphrase", "wrong");
    await app.click("#unlock");
    await app.find(byId("f-passphrase-err"));
    await app.screenshot("10-unlock-wrong-passphrase");
    await app.type("#f-passphrase", "pass");
    await app.click("#unlock");
    await app.click("#nav-sync");
    await app.exec("window.__KOPA_E2E_FILES__ = [arguments[0]]", [file]);
    await app.click("#import-sync-file");
    await app.waitText("Imported from");
    await app.screenshot("11-sync-imported");
    await app.click("#nav-families");
    await app.waitText("Bērziņi");
    // Search as you type, across scripts: Cyrillic finds the Latin registration.
    await app.type("#family-search", "Петров");
    await app.waitText("Ivans Petrovs");
    await app.screenshot("12-search-cyrillic");

    await app.click("#nav-conflicts");
    await app.waitText("+371 26000002");
    await app.screenshot("13-conflict");
    // Keep the second laptop's number, whichever column it is in.
    await app.exec(
      "[...document.querySelectorAll('.candidate')].find(c => c.innerText.includes(arguments[0])).querySelector('button').click()",
      ["+371 26000002"],
    );
    await app.waitText("No conflicts");
    await app.screenshot("14-conflict-resolved");

    // Erasure, asked once more each time: one member, then the whole family (in
    // Russian).
    await app.click("#nav-settings");
    await app.click("#settings-lang-ru");
    await app.click("#nav-families");
    await app.type("#family-search", "Kalniņi");
    await app.waitText("2 члена семьи");
    await app.click("#family-list .row-button");
    await app.waitText("Zaiga Kalniņa");
    await app.exec("[...document.querySelectorAll('.erase-person')].find(b => b.closest('tr').innerText.includes('Zaiga')).click()");
    await app.waitText("Удалить Zaiga Kalniņa из этой семьи");
    // The question is scrolled into view where it was asked.
    let inView = false;
    for (let i = 0; i < 100 && !inView; i++) {
      inView = await app.exec("const r = document.getElementById('erase-question').getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight");
      if (!inView) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(inView, "the question is in view");
    await app.screenshot("15-erase-person-confirm");
    await app.click("#confirm-erase");
    let body = "";
    for (let i = 0; i < 200; i++) {
      body = await app.exec("return document.body.innerText");
      // The household's new card, loaded: without her, with him.
      if (!body.includes("Zaiga") && body.includes("Pēteris")) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(!body.includes("Zaiga"), "she is gone from the card");
    assert.match(body, /Pēteris Kalniņš/, "the household stays");
    await app.screenshot("16-household-after-erasure");
    await app.click("#erase-family");
    await app.waitText("Удалить семью Kalniņi");
    await app.click("#confirm-erase");
    await app.find("#family-search");
    await app.waitText("Bērziņi");
    assert.ok(!(await app.text("#family-list")).includes("Kalniņi"));
  } finally {
    await close();
  }
  // Nothing of either is found any more, by name.
  assert.deepEqual(JSON.parse(kopa(db, ["--json", "family", "search", "Zaiga"])), []);
  assert.deepEqual(JSON.parse(kopa(db, ["--json", "family", "search", "Pēteris"])), []);
  // The choice was written to the replica: the CLI sees no conflict and the kept value.
  const conflicts = JSON.parse(kopa(db, ["--json", "conflicts", "list"]));
  assert.equal(conflicts.length, 0);
  assert.match(kopa(db, ["family", "show", fid]), /26000002/);
});

test("HQ's fields reach the branch laptop by a sync file and are recorded in Latvian", async () => {
  const data = mkdtempSync(join(tmpdir(), "kopa-e2e-"));
  const db = join(data, "replica.kopa");
  const hq = join(data, "hq.kopa");
  kopa(hq, ["init", "--role", "hq", "--branch", "LSK", "--municipality", "Rīga", "--user", "Koordinatore"]);
  kopa(db, ["init", "--branch", "Krāslava", "--municipality", "Krāslava", "--user", "Inese"]);
  kopa(hq, ["field", "add", "housing", "--on", "family", "--kind", "choice", "--label", "lv=Mājokļa situācija", "--label", "ru=Жилищная ситуация",
    "--option", "rented:lv=īrēts;ru=арендованное", "--option", "own:lv=savs;ru=собственное"]);
  kopa(hq, ["field", "add", "first-time", "--on", "person", "--kind", "yes-no", "--label", "lv=Pirmo reizi Sarkanajā Krustā"]);
  kopa(hq, ["sync", "identity", "--out", join(data, "hq.card")]);
  kopa(db, ["sync", "identity", "--out", join(data, "br.card")]);
  kopa(hq, ["sync", "peer", "add", join(data, "br.card")]);
  kopa(db, ["sync", "peer", "add", join(data, "hq.card")]);
  const branch = JSON.parse(kopa(db, ["--json", "info"])).identity.branch_id;
  const file = join(data, "from-hq.kopasync");
  kopa(hq, ["sync", "export", "--to", branch, "--out", file]);
  kopa(db, ["sync", "import", file]);

  const { app, close } = await session({ KOPA_DATA: data });
  try {
    await app.click("#lang-lv");
    await app.type("#f-passphrase", "pass");
    await app.click("#unlock");
    await app.click("#nav-families");
    await app.click("#new-family");
    await app.waitText("Mājokļa situācija");
    await app.type("#f-name", "Ozoli");
    await app.type(byId("f-member[1].given_name"), "Jānis");
    await app.type(byId("f-member[1].birth_year"), "1950");
    await app.select(byId("f-fields.housing"), "rented");
    await app.select(byId("f-member[1].fields.first-time"), "yes");
    await app.screenshot("20-hq-fields-form-lv");
    await app.click("#save-family");
    await app.waitText("Jānis Ozoli");
    const card = await app.waitText("īrēts");
    assert.match(card, /Mājokļa situācija/);
    assert.match(card, /Pirmo reizi Sarkanajā Krustā: jā/);
    await app.screenshot("21-hq-fields-card-lv");
  } finally {
    await close();
  }
  // What the window recorded is in the replica, as values HQ can count.
  const families = JSON.parse(kopa(db, ["--json", "family", "list"]));
  const shown = JSON.parse(kopa(db, ["--json", "family", "show", families[0].id]));
  assert.deepEqual(shown.fields, { housing: "rented" });
  assert.deepEqual(shown.persons[0].fields, { "first-time": "yes" });
});

test("the demo cannot trap anyone: leave it, create the branch, restart, unlock; the demo is still there", async () => {
  const data = mkdtempSync(join(tmpdir(), "kopa-e2e-"));
  let s = await session({ KOPA_DATA: data });
  try {
    await s.app.click("#lang-lv");
    await s.app.click("#open-demo");
    await s.app.find(".demo-banner");
    await s.app.screenshot("22-demo-banner");
    await s.app.click("#leave-demo");
    // Back at the first run: the real branch is created with its own passphrase.
    await s.app.type("#f-name", "Ludzas nodaļa");
    await s.app.type("#f-user", "Olga");
    await s.app.type("#f-passphrase", "mūsu frāze");
    await s.app.type("#f-passphrase2", "mūsu frāze");
    await s.app.click("#create-branch");
    await s.app.click("#recovery-continue");
    await s.app.waitText("Ludzas nodaļa");
    assert.equal(await s.app.exec("return document.querySelector('.demo-banner') === null"), true);
  } finally {
    await s.close();
  }
  s = await session({ KOPA_DATA: data });
  try {
    await s.app.type("#f-passphrase", "mūsu frāze");
    await s.app.click("#unlock");
    await s.app.waitText("Ludzas nodaļa");
    await s.app.click("#nav-settings");
    await s.app.exec("window.__TAURI_INTERNALS__.invoke('lock')");
    await s.app.exec("location.reload()");
    await s.app.click("#open-demo");
    await s.app.find(".demo-banner");
    await s.app.screenshot("23-demo-from-unlock");
  } finally {
    await s.close();
  }
  assert.deepEqual(readdirSync(data).filter((f) => f.endsWith(".kopa")).sort(), ["demo.kopa", "replica.kopa"]);
});

test("the demo branch opens to an interactive screen quickly", async () => {
  const data = mkdtempSync(join(tmpdir(), "kopa-e2e-"));
  // The demo exists already (as on a second start); the app opens it by itself.
  kopa(join(data, "demo.kopa"), ["demo"], "demo");
  const { driver, base } = await startDriver({ KOPA_DATA: data, KOPA_OPEN_DEMO: "1" });
  const app = await App.launch(base, APP);
  try {
    await app.find(".tile button, .notice");
    const ms = Date.now() - app.started;
    console.log(`startup to interactive Today screen (demo branch, incl. WebDriver session): ${ms} ms`);
    await app.screenshot("15-demo-today");
    await app.click("#nav-families");
    await app.find("#family-search");
    const timings = [];
    for (const q of ["I", "Iv", "Iva", "Ivan", "Ivanov"]) {
      const t0 = Date.now();
      await app.exec(
        "const i = document.querySelector('#family-search'); i.value = arguments[0]; i.dispatchEvent(new Event('input', {bubbles: true}));",
        [q],
      );
      await app.find(".matched");
      timings.push(Date.now() - t0);
    }
    console.log(`search per keystroke, demo branch, round trip incl. WebDriver: ${timings.join(", ")} ms`);
    await app.screenshot("16-demo-search");
  } finally {
    await app.quit();
    driver.kill();
  }
});

test("a volunteer has no erase button; the lead erases; HQ's audit lists who erased and when", async () => {
  const data = mkdtempSync(join(tmpdir(), "kopa-e2e-"));
  const db = join(data, "replica.kopa");
  const hq = join(data, "hq.kopa");
  kopa(hq, ["init", "--role", "hq", "--branch", "LSK", "--municipality", "Rīga", "--user", "Koordinatore"]);
  kopa(db, ["init", "--branch", "Krāslava", "--municipality", "Krāslava", "--user", "Inese"]);
  execFileSync(KOPA, ["--db", db, "people", "add", "Jānis", "--role", "volunteer"], {
    env: { ...process.env, KOPA_PASSPHRASE: "pass", KOPA_NEW_PASSPHRASE: "jāņa frāze", KOPA_LANG: "en" },
  });
  const fid = kopa(db, ["family", "add", "--name", "Ivanovs", "--municipality", "Krāslava", "--member", "Sergejs;Ivanovs;1960;m;parent"]).trim();
  kopa(hq, ["sync", "identity", "--out", join(data, "hq.card")]);
  kopa(db, ["sync", "identity", "--out", join(data, "br.card")]);
  kopa(hq, ["sync", "peer", "add", join(data, "br.card")]);
  kopa(db, ["sync", "peer", "add", join(data, "hq.card")]);

  const { app, close } = await session({ KOPA_DATA: data });
  try {
    await app.click("#lang-ru");
    // Two people unlock this laptop: the volunteer is found by his passphrase.
    await app.find("#f-person");
    await app.type("#f-passphrase", "jāņa frāze");
    await app.click("#unlock");
    await app.waitText("Jānis");
    await app.click("#nav-families");
    await app.click("#family-list .row-button");
    await app.waitText("Sergejs Ivanovs");
    assert.equal(await app.exec("return document.querySelectorAll('#erase-family, .erase-person').length"), 0);
    assert.equal(await app.exec("return document.getElementById('nav-sync')"), null);
    await app.screenshot("30-volunteer-family-card-ru");
    // The core refuses too, whatever the window shows.
    const refused = await app.exec(
      `return window.__TAURI_INTERNALS__.invoke('erase_family', { id: '${fid}' }).then(() => 'erased', (e) => e.code)`,
    );
    assert.equal(refused, "not-permitted");
    await app.click("#nav-settings");
    await app.click("#lock");

    await app.find("#f-person");
    await app.select("#f-person", "Inese");
    await app.type("#f-passphrase", "pass");
    await app.click("#unlock");
    await app.click("#nav-families");
    await app.click("#family-list .row-button");
    await app.click("#erase-family");
    await app.click("#confirm-erase");
    // Erased: the app is back at the family list (the audit is read after this).
    await app.find("#family-search");
    await app.click("#nav-settings");
    await app.find("#audit tr[data-action=erase-family]");
    // Settings say which version this is and where its data is.
    const about = await app.text("#about");
    assert.match(about, /Kopā \d+\.\d+\.\d+/);
    assert.ok(about.includes(data), about);
    await app.screenshot("31-lead-audit-ru");
  } finally {
    await close();
  }
  const file = join(data, "to-hq.kopasync");
  kopa(db, ["sync", "export", "--to", "hq", "--out", file]);
  kopa(hq, ["sync", "import", file]);
  const audit = JSON.parse(kopa(hq, ["--json", "audit"]));
  const erased = audit.find((a) => a.action === "erase-family");
  assert.ok(erased, JSON.stringify(audit));
  assert.equal(erased.who, "Inese");
  assert.equal(erased.branch, "Krāslava");
  assert.deepEqual(erased.records, [fid]);
  assert.ok(Math.abs(Date.parse(erased.at) - Date.now()) < 10 * 60_000, erased.at);
});
