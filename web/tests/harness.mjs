// What the browser tests stand on: the real `deconflict demo` binary on a
// free port with a fresh data directory, Debian's Chromium driven by
// playwright-core, and a record of every response a page receives.

import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const workspace = resolve(here, "../..");
const targetDir = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(workspace, "target");

/** Where screenshots go (gitignored, kept by CI as artefacts). */
export const ARTEFACTS = join(targetDir, "console-artefacts");

const BINARY = process.env.DECONFLICT_BIN ?? join(targetDir, "debug", "deconflict");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/**
 * Starts the demo, with `extra` arguments after its own, and reads its
 * welcome: the URL and a token per party and role (`tokens.pmf.operator`).
 */
export async function startDemo(extra = []) {
  const dir = mkdtempSync(join(tmpdir(), "deconflict-console-test-"));
  const args = ["demo", "--listen", "127.0.0.1:0", "--cot-listen", "off", "--data", join(dir, "data"), ...extra];
  const child = spawn(BINARY, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DECONFLICT_LOG: "warn" },
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const welcome = await new Promise((resolvePromise, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`the demo did not start in 60 s:\n${out}\n${stderr}`)), 60_000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (out.includes("Ctrl-C stops the service.")) {
        clearTimeout(timer);
        resolvePromise(out);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited with ${code} (is ${BINARY} built?):\n${stderr}`));
    });
  });
  const url = /url:\s+(\S+)/.exec(welcome)?.[1];
  if (!url) throw new Error(`no URL in the demo's welcome:\n${welcome}`);
  const tokens = {};
  for (const [, party, role, token] of welcome.matchAll(/^(\w+)\s+(viewer|operator|approver|auditor)\s+(dcf_[0-9a-f]+)$/gm)) {
    (tokens[party] ??= {})[role] = token;
  }
  return {
    url,
    tokens,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Chromium, headless, with a fresh profile (Playwright makes one per launch). */
export function launchBrowser() {
  mkdirSync(ARTEFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * A page signed in with `token`, in a browser set to `locale` (English
 * unless given); `responses` collects every response it receives (URL,
 * status, body as text) and `requests` every URL it asked for.
 */
export async function signIn(browser, url, token, viewport = { width: 1280, height: 800 }, locale = "en-GB") {
  const context = await browser.newContext({ viewport, locale });
  const page = await context.newPage();
  const requests = [];
  const responses = [];
  const pending = [];
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("request", (request) => requests.push(request.url()));
  await recordEventStreams(context, page, responses);
  page.on("response", (response) => {
    // An event stream never ends: recordEventStreams reads it as it comes.
    if ((response.headers()["content-type"] ?? "").startsWith("text/event-stream")) return;
    pending.push(
      response
        .text()
        .then((body) => responses.push({ url: response.url(), status: response.status(), body }))
        .catch(() => {}),
    );
  });
  await page.goto(url);
  // By id, not by name: the form is in the browser's language.
  await page.locator("#token").fill(token);
  await page.locator("form.signin button[type=submit]").click();
  await page.getByTestId("role").waitFor();
  return {
    page,
    context,
    requests,
    responses,
    errors,
    /** Waits until every response seen so far has been read. */
    async settled() {
      await Promise.all(pending);
      return responses;
    },
  };
}

/**
 * Records the bodies of the page's event streams as they arrive, through
 * the DevTools protocol: a stream never ends, so Playwright cannot read it.
 */
async function recordEventStreams(context, page, responses) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const streams = new Map();
  const text = (base64) => Buffer.from(base64 ?? "", "base64").toString("utf8");
  cdp.on("Network.responseReceived", ({ requestId, response }) => {
    if (response.mimeType !== "text/event-stream") return;
    const entry = { url: response.url, status: response.status, body: "" };
    streams.set(requestId, entry);
    responses.push(entry);
    cdp
      .send("Network.streamResourceContent", { requestId })
      .then(({ bufferedData }) => (entry.body = text(bufferedData) + entry.body))
      .catch((error) => (entry.body += `\n[not recorded: ${error.message}]`));
  });
  cdp.on("Network.dataReceived", ({ requestId, data }) => {
    const entry = streams.get(requestId);
    if (entry && data) entry.body += text(data);
  });
}

/** Calls the API directly, as a party's own tooling would. */
export async function api(url, token, path, init = {}) {
  const response = await fetch(url + path, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...(init.headers ?? {}) },
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/**
 * The PMF's alert, raised as it would be on the ground, west of ar-Rutba
 * where the scenario has nothing: a PMF unit declared 2 km west of a
 * coalition strike the joc clears (the strike meets nothing when
 * submitted), which then reports itself 400 m inside the strike's hazard.
 * Returns the unit's declaration, the strike and the conflict it alerts of.
 */
export async function raisePmfAlert(demo, { unitLabel, strikeLabel, cotUid }) {
  const { tokens } = demo;
  const post = (token, path, body) => api(demo.url, token, path, { method: "POST", body: JSON.stringify(body) });
  const iso = (ms) => new Date(ms).toISOString();
  const hour = 3_600_000;
  const now = Date.now();
  const unit = await post(tokens.pmf.operator, "/v1/declarations", {
    kind: "unit_position",
    label: unitLabel,
    geometry: { type: "Point", coordinates: [40.27, 33.035] },
    buffer_m: 50,
    valid_from: iso(now),
    valid_to: iso(now + 24 * hour),
    tracking: { report_interval_s: 30, ...(cotUid ? { cot_uid: cotUid } : {}) },
  });
  const strike = await post(tokens.coalition.operator, "/v1/activities", {
    kind: "air_strike",
    label: strikeLabel,
    geometry: { type: "Point", coordinates: [40.2981, 33.035] },
    buffer_m: 800,
    altitude_m: [0, 6000],
    start: iso(now + hour),
    end: iso(now + 2 * hour),
  });
  if (strike.conflicts.length !== 0) throw new Error("the strike met something where the unit was declared");
  const cleared = await post(tokens.joc.approver, `/v1/activities/${strike.id}/clear`, {
    reason: "Nothing declared within the hazard",
  });
  if (cleared.state !== "cleared") throw new Error(`the joc's clearance left the strike ${cleared.state}`);
  const moved = await post(tokens.pmf.operator, "/v1/tracks", {
    reports: [{ declaration_id: unit.id, time: iso(Date.now()), lat: 33.035, lon: 40.2938, ce_m: 10 }],
  });
  if (moved.alerts.length !== 1) throw new Error(`the report raised ${moved.alerts.length} alerts, not 1`);
  return { unit, strike, conflictId: moved.alerts[0] };
}

/** Shows every object whatever its time, so that assertions do not depend on the clock. */
export async function showAllTimes(page) {
  await page.locator("#ahead").selectOption("all");
}

export async function openTab(page, name) {
  await page.getByRole("tab", { name }).click();
}

export function screenshot(page, name) {
  return page.screenshot({ path: join(ARTEFACTS, `${name}.png`) });
}

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** What axe-core finds wrong with the page as it stands: `id (impact): selectors`, one a violation. */
export async function axeViolations(page) {
  // Evaluated through the DevTools protocol: the page's CSP forbids inline scripts.
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/**
 * The elements of the header and the side panel that reach outside them
 * sideways (vertical overflow scrolls), measured in the page.
 */
export function overflowing(page) {
  return page.evaluate(() => {
    const out = [];
    for (const panel of document.querySelectorAll("header.bar, aside.side")) {
      const box = panel.getBoundingClientRect();
      if (panel.scrollWidth > panel.clientWidth + 1) out.push(`${panel.tagName} scrolls sideways`);
      for (const element of panel.querySelectorAll("*")) {
        const r = element.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        if (r.right > box.right + 1 || r.left < box.left - 1) {
          out.push(`${element.tagName.toLowerCase()}.${element.className} "${element.textContent.trim().slice(0, 40)}"`);
        }
      }
    }
    return out;
  });
}
