// The console in Arabic and Sorani Kurdish, as the JOC, the ISF, the PMF
// and the Peshmerga would use it: chosen from the browser's language, laid
// out right to left, no English left in the main views, the service's
// refusals in the console's words, and the PMF's standing alert on top
// after a reload. Screenshots of each role in each language go to
// target/console-artefacts/.
//
// Run by `npm test` in web/, with the debug binary built.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  api,
  axeViolations,
  launchBrowser,
  overflowing,
  raisePmfAlert,
  screenshot,
  showAllTimes,
  signIn,
  startDemo,
} from "./harness.mjs";

const HOUR = 3_600_000;
const iso = (ms) => new Date(ms).toISOString();
/** The roles whose screens are kept, one of each kind of party. */
const ROLES = [
  ["joc", "approver"],
  ["coalition", "operator"],
  ["pmf", "operator"],
  ["peshmerga", "operator"],
  ["ocha", "viewer"],
];
/**
 * What is the same in every language: the product, standards, ids, and the
 * rule types typed as JSON (with the rules form's example).
 */
const KEPT = [
  /\b(deconflict|UTC|MGRS|CoT|JSON|forbid|clearance|notice|area|priority|reconfirm|respond|limits)\b/g,
  /\b[a-z]+_[0-9a-f]+\b/g,
  /\{"[^}]*\}/g,
];

let demo;
let browser;
let alertId;
let strikeId;

before(async () => {
  demo = await startDemo();
  browser = await launchBrowser();
  ({ alertId, strikeId } = await raiseAlertForPmf());
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

/**
 * A PMF unit reports itself inside a coalition strike the joc cleared (the
 * PMF's alert), and a second coalition strike meets a PMF position and waits
 * for the PMF's acknowledgement (held: the joc may not clear it yet).
 */
async function raiseAlertForPmf() {
  const { tokens } = demo;
  const post = (token, path, body) => api(demo.url, token, path, { method: "POST", body: JSON.stringify(body) });
  await raisePmfAlert(demo, {
    unitLabel: "Languages test: PMF patrol west of ar-Rutba",
    strikeLabel: "Languages test: strike west of ar-Rutba",
  });
  const now = Date.now();
  const held = await post(tokens.coalition.operator, "/v1/activities", {
    kind: "air_strike",
    label: "Languages test: strike beside the PMF's patrol",
    // 550 m north of where the unit reported itself.
    geometry: { type: "Point", coordinates: [40.2938, 33.04] },
    buffer_m: 800,
    altitude_m: [0, 6000],
    start: iso(now + 3 * HOUR),
    end: iso(now + 4 * HOUR),
  });
  assert.equal(held.state, "held");
  assert.equal(held.conflicts.length, 1, "the second strike meets the PMF's unit");
  const standing = await api(demo.url, tokens.pmf.operator, "/v1/alerts");
  // The newest stands on top.
  const alert = standing.alerts.filter((a) => a.state === "new").at(-1);
  assert.ok(alert, "the PMF's alert stands");
  return { alertId: alert.id, strikeId: held.id };
}

/**
 * What the party's own data puts on its screen, which is not the console's
 * to translate: labels, ids, party codes, the words of incident reports.
 */
async function dataOf(token) {
  const state = await api(demo.url, token, "/v1/state");
  const incidents = (await api(demo.url, token, "/v1/incidents")).items;
  const { rules } = await api(demo.url, token, "/v1/rules");
  const words = [
    ...Object.keys(demo.tokens),
    ...state.declarations.flatMap((d) => [d.label, d.id, d.owner]),
    ...state.activities.flatMap((a) => [a.label, a.id, a.owner]),
    ...state.conflicts.map((c) => c.id),
    ...incidents.flatMap((i) => [i.id, i.reported_by, i.reporter, i.against, i.source, i.source_grade]),
    ...rules.flatMap((r) => [r.name, r.reason, ...r.parties]),
  ].filter(Boolean);
  // Longest first, so that a label is taken out before a word within it.
  return words.sort((a, b) => b.length - a.length);
}

/**
 * The text of the main views, every tab of the side panel in turn, with
 * what screen readers and hints say: the text nodes, accessible names,
 * titles and placeholders.
 */
async function mainViewText(page) {
  const read = () =>
    page.evaluate(() => {
      const parts = [];
      for (const root of document.querySelectorAll("header.bar, aside.side, [data-testid=timeline], [data-testid=legend]")) {
        const clone = root.cloneNode(true);
        // The language chooser names each language in itself.
        clone.querySelector("#language")?.remove();
        parts.push(clone.innerText ?? clone.textContent);
        for (const element of root.querySelectorAll("[aria-label], [title], [placeholder]")) {
          if (element.closest("#language")) continue;
          for (const name of ["aria-label", "title", "placeholder"]) parts.push(element.getAttribute(name) ?? "");
        }
      }
      return parts.join("\n");
    });
  const texts = [];
  const tabs = page.getByRole("tab");
  for (let i = 0; i < (await tabs.count()); i++) {
    await tabs.nth(i).click();
    texts.push(await read());
  }
  return texts.join("\n");
}

/** The English words left in `text` once the data and the words kept in every language are taken out. */
function english(text, data) {
  let rest = text;
  for (const word of data) rest = rest.split(word).join(" ");
  for (const kept of KEPT) rest = rest.replace(kept, " ");
  return [...new Set(rest.match(/[A-Za-z]{3,}/g) ?? [])];
}

for (const [language, browserLocale, name] of [
  ["ar", "ar-IQ", "Arabic"],
  ["ckb", "ckb-IQ", "Sorani Kurdish"],
]) {
  describe(`the console in ${name}, from the browser's language`, () => {
    test("right to left, and no English left in the main views of any role", async () => {
      for (const [party, role] of ROLES) {
        const token = demo.tokens[party][role];
        const session = await signIn(browser, demo.url, token, { width: 1280, height: 800 }, browserLocale);
        try {
          const { page } = session;
          await showAllTimes(page);
          const root = await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);
          assert.deepEqual(root, [language, "rtl"], `${party} ${role}`);
          const [side, map] = await Promise.all([page.locator("aside.side"), page.locator("#map")].map((l) => l.boundingBox()));
          assert.ok(side.x < map.x, `the side panel is on the left, mirrored (${party} ${role})`);
          const left = english(await mainViewText(page), await dataOf(token));
          assert.deepEqual(left, [], `English left in ${name} for ${party} ${role}`);
          await assertNothingOverflowsAnyTab(page, `${party} ${role} in ${name}`);
          await page.locator("[data-tab=notifications]").click();
          assert.deepEqual(await axeViolations(page), [], `${party} ${role} in ${name}`);
          await screenshot(page, `${language}-${party}-${role}`);
          assert.deepEqual(session.errors, [], "no script error");
        } finally {
          await session.context.close();
        }
      }
    });

    test("on a tablet (800×1280) nothing overflows its panel, in any tab, for any role", async () => {
      for (const [party, role] of ROLES) {
        const session = await signIn(browser, demo.url, demo.tokens[party][role], { width: 800, height: 1280 }, browserLocale);
        try {
          await assertNothingOverflowsAnyTab(session.page, `${party} ${role} in ${name}, 800×1280`);
          await screenshot(session.page, `${language}-${party}-${role}-800x1280`);
        } finally {
          await session.context.close();
        }
      }
    });
  });
}

/** Opens every tab of the side panel in turn and measures it in the page. */
async function assertNothingOverflowsAnyTab(page, who) {
  const tabs = page.getByRole("tab");
  for (let i = 0; i < (await tabs.count()); i++) {
    await tabs.nth(i).click();
    const tab = await tabs.nth(i).getAttribute("data-tab");
    assert.deepEqual(await overflowing(page), [], `${who}, ${tab}`);
  }
}

describe("the PMF's liaison officer in Arabic", () => {
  test("its alert is on top, red and in Arabic, with the time in UTC, before and after a reload", async () => {
    const session = await signIn(browser, demo.url, demo.tokens.pmf.operator, { width: 1280, height: 800 }, "ar-IQ");
    try {
      const { page } = session;
      for (const when of ["at sign-in", "after a reload"]) {
        assert.equal(await page.evaluate(() => document.documentElement.dir), "rtl", when);
        await page.locator("[data-tab=notifications]").click();
        const first = page.locator("[data-testid=urgent] li").first();
        await first.waitFor({ timeout: 5_000 });
        assert.equal(await first.getAttribute("data-alert"), alertId, `the alert is on top ${when}`);
        const text = await first.textContent();
        assert.match(text, /^إنذار: عنصرك \(موقع وحدة\) داخل ضربة جوية لجهة أخرى/, when);
        assert.match(text, /\d{2}:\d{2} UTC/, `the time is said to be UTC ${when}`);
        assert.equal(await first.evaluate((e) => getComputedStyle(e).backgroundColor), "rgb(255, 224, 224)", when);
        assert.equal(await first.getByRole("button", { name: "تأكيد استلام الإنذار" }).count(), 1, when);
        await page.reload();
        await page.getByTestId("role").waitFor();
      }
      await screenshot(page, "ar-pmf-operator-alert");
    } finally {
      await session.context.close();
    }
  });

  test("the next tab is to the left, as the page reads", async () => {
    const session = await signIn(browser, demo.url, demo.tokens.pmf.operator, { width: 1280, height: 800 }, "ar-IQ");
    try {
      const { page } = session;
      await page.locator("[data-tab=notifications]").focus();
      await page.keyboard.press("ArrowLeft");
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-tab")), "conflicts");
      const [first, second] = await Promise.all(
        ["notifications", "conflicts"].map((tab) => page.locator(`[data-tab=${tab}]`).boundingBox()),
      );
      assert.ok(second.x < first.x, "the tabs run right to left");
    } finally {
      await session.context.close();
    }
  });
});

test("in Kurdish, where the browser knows no Kurdish calendar, a date names its month in Kurdish", async () => {
  const MONTHS = /\b\d{1,2}ی (کانوونی دووەم|شوبات|ئازار|نیسان|ئایار|حوزەیران|تەممووز|ئاب|ئەیلوول|تشرینی یەکەم|تشرینی دووەم|کانوونی یەکەم)ی \d{4} \d{2}:\d{2} UTC/;
  const session = await signIn(browser, demo.url, demo.tokens.pmf.operator, { width: 1280, height: 800 }, "ckb-IQ");
  try {
    const first = session.page.locator("[data-testid=urgent] li").first();
    await first.waitFor({ timeout: 5_000 });
    assert.match(await first.textContent(), MONTHS);
  } finally {
    await session.context.close();
  }
});

test("the joc's refusal by the service is told in Arabic, naming what the code means", async () => {
  const session = await signIn(browser, demo.url, demo.tokens.joc.approver, { width: 1280, height: 800 }, "ar-IQ");
  try {
    const { page } = session;
    await showAllTimes(page);
    await page.locator("[data-tab=objects]").click();
    await page.locator(`[data-testid=activities] button[data-id=${strikeId}]`).click();
    await page.locator("#decision-reason").fill("Clear before the PMF acknowledges");
    await page.locator("[data-action=clear]").click();
    const error = page.getByTestId("error");
    await error.filter({ hasText: /[\u0600-\u06FF]/ }).waitFor({ timeout: 5_000 });
    assert.equal(await error.textContent(), "لم يؤكَّد استلام كل تعارضاته بعد");
  } finally {
    await session.context.close();
  }
});

test("the language is switched from the console and kept; the token stays", async () => {
  const session = await signIn(browser, demo.url, demo.tokens.ocha.viewer, { width: 1280, height: 800 }, "ar-IQ");
  try {
    const { page } = session;
    await page.locator("#language").selectOption("en");
    await page.waitForFunction(() => document.documentElement.dir === "ltr");
    await page.getByRole("tab", { name: "Notifications" }).waitFor();
    await page.reload();
    await page.getByTestId("role").waitFor();
    assert.deepEqual(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]), ["en", "ltr"]);
    await page.locator("#language").selectOption("ckb");
    await page.waitForFunction(() => document.documentElement.lang === "ckb");
    await page.getByRole("tab", { name: "ئاگادارکردنەوەکان" }).waitFor();
  } finally {
    await session.context.close();
  }
});

test("English screens of each role, for comparison with the others", async () => {
  for (const [party, role] of ROLES) {
    const session = await signIn(browser, demo.url, demo.tokens[party][role]);
    try {
      await showAllTimes(session.page);
      assert.equal(await session.page.evaluate(() => document.documentElement.dir), "ltr");
      await screenshot(session.page, `en-${party}-${role}`);
    } finally {
      await session.context.close();
    }
  }
});
