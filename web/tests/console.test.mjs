// The console in a real browser against the demo's Iraq scenario: what each
// party sees, the clearance flow by clicks, the evidence of an incident,
// and that nothing of the coalition's reaches the PMF's browser.
//
// Run by `npm test` in web/ (and `cargo xtask test`), with the debug
// binary built: `cargo build -p deconflict`.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  api,
  axeViolations,
  launchBrowser,
  openTab,
  overflowing,
  raisePmfAlert,
  screenshot,
  showAllTimes,
  signIn,
  startDemo,
} from "./harness.mjs";

// Labels of the scenario (scenarios/iraq.json).
const COALITION_PRIVATE = "Al Asad Air Base, coalition compound";
const COALITION_STRIKE = "Strike on a reported weapons cache north-east of Balad (illustrative target)";
const PMF_PRIVATE = "PMF brigade position north-east of Balad (illustrative position)";
const PMF_BAIJI = "PMF position on the Baiji refinery road (illustrative position)";
const ISF_PRIVATE = "K-1 Air Base, ISF";
const PUBLIC_SITE = "US Embassy Baghdad";
// The strike the test submits: 160 m from the PMF's position on the Baiji refinery road.
const NEW_STRIKE = "Console test: strike on a truck park by the Baiji refinery road";
// West of ar-Rutba, where the scenario has nothing: a PMF unit that reports its position
// walks into a strike the joc has cleared; another falls silent.
const PMF_TRACKED = "Console test: PMF patrol west of ar-Rutba";
const PMF_SILENT = "Console test: PMF scouts south of ar-Rutba";
const LIVE_STRIKE = "Console test: strike on a launch site west of ar-Rutba";
const HOUR = 3_600_000;

let demo;
let browser;
const sessions = {};

before(async () => {
  demo = await startDemo();
  browser = await launchBrowser();
  sessions.joc = await signIn(browser, demo.url, demo.tokens.joc.approver);
  sessions.coalition = await signIn(browser, demo.url, demo.tokens.coalition.operator);
  sessions.pmf = await signIn(browser, demo.url, demo.tokens.pmf.operator);
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

/** The labels listed in the Objects tab, every time shown. */
async function listedLabels(page) {
  await showAllTimes(page);
  await openTab(page, "Objects");
  return page.locator("[data-testid=declarations] .row-label, [data-testid=activities] .row-label").allTextContents();
}

describe("each party sees what it should", () => {
  test("the coordinator sees every party's objects and decides", async () => {
    const { page } = sessions.joc;
    await assertIdentity(page, "joc", "approver");
    await assert.doesNotReject(page.getByText("coordinator", { exact: true }).waitFor());
    const labels = await listedLabels(page);
    for (const label of [COALITION_PRIVATE, COALITION_STRIKE, PMF_PRIVATE, ISF_PRIVATE, PUBLIC_SITE]) {
      assert.ok(labels.includes(label), `joc lists ${label}`);
    }
    // At 1280×800 the legend is folded to its heading, off the map; it unfolds.
    const legend = page.getByTestId("legend");
    const fold = legend.getByRole("button", { name: "Layers" });
    assert.equal(await fold.getAttribute("aria-expanded"), "false");
    await fold.click();
    await assert.doesNotReject(legend.getByText("Other parties' declarations").waitFor());
    await fold.click();
    assert.equal(await page.getByRole("tab", { name: "Submit" }).count(), 0, "an approver submits nothing");
    await openTab(page, "Notifications");
    await page.getByText("Held activities").waitFor();
    await screenshot(page, "joc-approver");
  });

  test("the coalition sees its own objects and public sites, not the others'", async () => {
    const { page } = sessions.coalition;
    await assertIdentity(page, "coalition", "operator");
    const labels = await listedLabels(page);
    for (const label of [COALITION_PRIVATE, COALITION_STRIKE, PUBLIC_SITE, "Baghdad International Airport"]) {
      assert.ok(labels.includes(label), `coalition lists ${label}`);
    }
    for (const label of [PMF_PRIVATE, PMF_BAIJI, ISF_PRIVATE]) {
      assert.ok(!labels.includes(label), `coalition does not list ${label}`);
    }
    assert.equal(await page.getByTestId("legend").getByText("Other parties' declarations").count(), 0);
    const body = await page.locator("body").textContent();
    for (const label of [PMF_PRIVATE, PMF_BAIJI]) assert.ok(!body.includes(label), `${label} is nowhere on the page`);
    await openTab(page, "Conflicts");
    await page.locator("[data-testid=conflicts-table] tbody tr").first().waitFor();
    await screenshot(page, "coalition-operator");
  });

  test("the PMF sees its own objects, public sites, and of the coalition only coarse conflicts", async () => {
    const { page } = sessions.pmf;
    await assertIdentity(page, "pmf", "operator");
    const labels = await listedLabels(page);
    for (const label of [PMF_PRIVATE, PMF_BAIJI, PUBLIC_SITE]) {
      assert.ok(labels.includes(label), `pmf lists ${label}`);
    }
    for (const label of [COALITION_PRIVATE, COALITION_STRIKE, ISF_PRIVATE]) {
      assert.ok(!labels.includes(label), `pmf does not list ${label}`);
    }
    await openTab(page, "Conflicts");
    const rows = page.locator("[data-testid=conflicts-table] tbody tr");
    await rows.first().waitFor();
    const table = await page.getByTestId("conflicts-table").textContent();
    assert.match(table, /air strike/, "the PMF learns the kind of the coalition's activity");
    assert.doesNotMatch(table, /coalition|act_/, "but neither its owner nor its id");
    const legendCounts = await page.getByTestId("legend").textContent();
    assert.doesNotMatch(legendCounts, /Other parties/);
    // Its own units and sites, and public ones, as MIL-STD-2525 symbols
    // named for what they are; none of the coalition's.
    const own = page.locator(`.leaflet-marker-pane .symbol[title="${PMF_BAIJI}"] canvas`);
    await own.waitFor();
    assert.ok((await page.locator(`.leaflet-marker-pane .symbol[title="${PUBLIC_SITE}"]`).count()) === 1, "the public site's symbol");
    assert.equal(await page.locator(`.leaflet-marker-pane .symbol[title="${COALITION_PRIVATE}"]`).count(), 0);
    await screenshot(page, "pmf-operator");
  });

  test("the console works on a tablet", async () => {
    const tablet = await signIn(browser, demo.url, demo.tokens.peshmerga.viewer, { width: 768, height: 1024 });
    try {
      await assertIdentity(tablet.page, "peshmerga", "viewer");
      assert.equal(await tablet.page.getByRole("tab", { name: "Declare" }).count(), 0, "a viewer declares nothing");
      const map = await tablet.page.locator("#map").boundingBox();
      const side = await tablet.page.locator("aside.side").boundingBox();
      assert.ok(map && side && side.y >= map.y + map.height - 1, "the panels sit below the map");
      await screenshot(tablet.page, "peshmerga-viewer-tablet");
    } finally {
      await tablet.context.close();
    }
  });

  test("a party that owns nothing private is still named: ocha's viewer", async () => {
    const ocha = await signIn(browser, demo.url, demo.tokens.ocha.viewer);
    try {
      await assertIdentity(ocha.page, "ocha", "viewer");
      assert.equal(await ocha.page.getByText("coordinator", { exact: true }).count(), 0);
      assert.equal(await ocha.page.getByRole("tab", { name: "Submit" }).count(), 0, "a viewer submits nothing");
      assert.deepEqual(ocha.errors, [], "no script error");
      await screenshot(ocha.page, "ocha-viewer");
    } finally {
      await ocha.context.close();
    }
  });

  test("a made-up token is refused on the sign-in form", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      await page.goto(demo.url);
      await page.getByLabel("Token").fill(`dcf_${"0123456789abcdef".repeat(4)}`);
      await page.getByRole("button", { name: "Sign in" }).click();
      const refusal = page.getByRole("form", { name: "deconflict console" }).getByRole("alert");
      await refusal.filter({ hasText: /not valid/ }).waitFor();
      assert.match(await refusal.textContent(), /does not know it, or it was revoked/);
      assert.equal(await page.getByTestId("role").count(), 0, "nothing but the sign-in form is shown");
      assert.ok(await page.getByRole("button", { name: "Sign in" }).isEnabled(), "another token may be tried");
      assert.equal(await page.evaluate(() => sessionStorage.length), 0, "the refused token is not kept");
      await screenshot(page, "signin-refused");
    } finally {
      await context.close();
    }
  });
});

describe("the console on the watch floor: it fits, and it reads without a mouse", () => {
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 800, height: 1280 },
  ]) {
    const size = `${viewport.width}x${viewport.height}`;
    test(`at ${size} nothing overflows its panel in any tab, for any role, and axe-core finds nothing`, async () => {
      for (const [party, role] of [
        ["joc", "approver"],
        ["coalition", "operator"],
        ["pmf", "operator"],
        ["ocha", "viewer"],
      ]) {
        const session = await signIn(browser, demo.url, demo.tokens[party][role], viewport);
        try {
          const tabs = session.page.getByRole("tab");
          for (let i = 0; i < (await tabs.count()); i++) {
            await tabs.nth(i).click();
            const name = (await tabs.nth(i).textContent()).replace(/\d+$/, "");
            assert.deepEqual(await overflowing(session.page), [], `${party} ${role}, ${name} at ${size}`);
          }
          await openTab(session.page, "Notifications");
          assert.deepEqual(await axeViolations(session.page), [], `${party} ${role} at ${size}`);
          await screenshot(session.page, `${party}-${role}-${size}`);
        } finally {
          await session.context.close();
        }
      }
    });
  }

  test("objects are labelled on the map at closer zooms, not at the theatre's", async () => {
    const session = await signIn(browser, demo.url, demo.tokens.pmf.viewer);
    try {
      const { page } = session;
      await showAllTimes(page);
      const label = page.locator(".object-label", { hasText: PMF_BAIJI });
      await label.waitFor({ state: "attached" });
      assert.equal(await label.isVisible(), false, "no labels at theatre zoom");
      await openTab(page, "Objects");
      await page.locator("[data-testid=declarations] .row-label", { hasText: PMF_BAIJI }).click();
      await label.waitFor({ state: "visible" });
      assert.equal(await label.getAttribute("aria-hidden"), null);
      assert.equal(await label.locator("[aria-hidden=true]").count(), 1, "the shape, not the label, is read out");
      await screenshot(page, "pmf-viewer-labels");
    } finally {
      await session.context.close();
    }
  });

  test("every shape on the map is named, and the map's controls come before its shapes in the tab order", async () => {
    const { page } = sessions.joc;
    await showAllTimes(page);
    const shapes = page.locator(".leaflet-interactive");
    await shapes.first().waitFor({ state: "attached" });
    const unnamed = await shapes.evaluateAll((all) => all.filter((e) => !e.getAttribute("aria-label")).length);
    assert.equal(unnamed, 0, "a shape has no accessible name");
    const clickable = await page.locator(".leaflet-interactive[role=button]").count();
    assert.ok(clickable > 10, `${clickable} shapes select an object`);
    await page.locator("#map").focus();
    await page.keyboard.press("Tab");
    const first = await page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.getAttribute("title"));
    assert.equal(first, "Zoom in", "the zoom buttons come first");
  });
});

test("the timeline shows the windows of what each party sees, marks them on the map, and replays the past", async () => {
  const { page } = sessions.joc;
  const timeline = page.getByTestId("timeline");
  // The coordinator reads what waits for it above the timeline.
  assert.match(await page.getByTestId("joc-summary").textContent(), /Held, waiting for a decision: \d+ · Conflicts unacknowledged: .* · Alerts standing: \d+/);
  const strike = timeline.locator(`rect[aria-label^="${COALITION_STRIKE}"]`);
  await strike.waitFor();
  assert.match(await strike.getAttribute("aria-label"), /held|cleared/);
  const parties = await timeline.locator(".timeline-party").allTextContents();
  assert.ok(parties.includes("joc") || parties.includes("coalition"), `rows by party: ${parties}`);
  assert.ok(parties.includes("conflicts"), "a row of the conflicts' overlaps");
  // Hovering a bar marks its object on the map.
  await showAllTimes(page);
  const emphasised = page.locator('.leaflet-overlay-pane path[stroke-width="5"]');
  const before = await emphasised.count();
  await strike.hover();
  await page.waitForFunction((n) => document.querySelectorAll('.leaflet-overlay-pane path[stroke-width="5"]').length > n, before);
  await page.mouse.move(5, 5);
  // Clicking six hours back replays the picture as it stood then.
  const replayed = page.waitForResponse((r) => r.url().includes("/v1/state?as_of="));
  // Measured in the page at once: the drawing is replaced as events arrive.
  const plot = await timeline.locator("svg").evaluate((svg) => {
    const { x, y, width } = svg.getBoundingClientRect();
    return { x, y, width };
  });
  const labels = 92;
  const sixHoursBack = plot.x + labels + ((12 - 6) / 36) * (plot.width - labels - 4);
  await page.mouse.click(sixHoursBack, plot.y + 6);
  assert.equal((await replayed).status(), 200);
  assert.notEqual(await page.getByTestId("as-of").textContent(), "live");
  await timeline.locator(".timeline-as-of").waitFor({ state: "attached" });
  await screenshot(page, "joc-timeline-past");
  await page.getByRole("button", { name: "Live", exact: true }).click();
  await timeline.locator(".timeline-as-of").waitFor({ state: "detached" });
});

test("the clearance flow, by clicks: coalition submits, PMF acknowledges, joc clears, coalition sees it cleared", async () => {
  const coalition = sessions.coalition.page;
  await openTab(coalition, "Submit");
  const form = coalition.getByRole("form", { name: "Submit an activity" });
  await form.getByLabel("Kind").fill("air_strike");
  await form.getByLabel("Label").fill(NEW_STRIKE);
  await form.getByLabel("Positions, one a line").fill("34.9410, 43.4820");
  await form.getByLabel("Hazard buffer (m)").fill("800");
  await form.getByLabel("to (m)").fill("6000");
  await form.getByRole("button", { name: "Submit" }).click();
  await coalition.getByTestId("notice").filter({ hasText: /Submitted act_\w+: held; 1 conflict opened/ }).waitFor();
  const details = coalition.getByTestId("details");
  await details.getByText(NEW_STRIKE).waitFor();
  assert.equal(await details.getByTestId("activity-state").textContent(), "held");
  const conflictId = (await details.locator("button.link").first().textContent()).trim();
  assert.match(conflictId, /^con_[0-9a-f]{12}$/);
  const activityId = (await coalition.getByTestId("notice").textContent()).match(/act_[0-9a-f]{12}/)[0];

  // The joc cannot clear before the PMF has acknowledged.
  const joc = sessions.joc.page;
  await joc.reload();
  await openTab(joc, "Notifications");
  await joc.locator(`[data-activity=${activityId}]`).getByRole("button", { name: "Decide" }).click();
  await joc.getByLabel(/^Reason/).fill("Checked against the declared positions");
  await joc.locator("[data-action=clear]").click();
  await joc.getByTestId("error").filter({ hasText: /acknowledg/i }).waitFor();

  // The PMF is told and acknowledges.
  const pmf = sessions.pmf.page;
  await pmf.reload();
  await openTab(pmf, "Notifications");
  const card = pmf.locator(`li[data-conflict=${conflictId}]`);
  await card.waitFor();
  assert.match(await card.textContent(), /Your unit position meets another party.s air strike/);
  await card.getByRole("button", { name: "Acknowledge" }).click();
  await pmf.getByTestId("notice").filter({ hasText: `Conflict ${conflictId} acknowledged` }).waitFor();
  await screenshot(pmf, "pmf-acknowledged");

  // The joc clears it, with a reason.
  await joc.reload();
  await openTab(joc, "Notifications");
  await joc.locator(`[data-activity=${activityId}]`).getByRole("button", { name: "Decide" }).click();
  await joc.getByLabel(/^Reason/).fill("PMF acknowledged; its company moved 2 km south");
  await joc.locator("[data-action=clear]").click();
  await joc.getByTestId("notice").filter({ hasText: `Activity ${activityId} cleared` }).waitFor();
  await screenshot(joc, "joc-cleared");

  // The coalition sees it cleared.
  await coalition.reload();
  await showAllTimes(coalition);
  await openTab(coalition, "Objects");
  await coalition.locator(`[data-testid=activities] button[data-id=${activityId}]`).click();
  await coalition.getByTestId("details").getByText(NEW_STRIKE).waitFor();
  assert.equal(await coalition.getByTestId("activity-state").textContent(), "cleared");
  assert.match(await coalition.getByTestId("details").textContent(), /PMF acknowledged; its company moved 2 km south/);
  await screenshot(coalition, "coalition-cleared");
});

test("a challenged site, by clicks: the PMF answers without learning who challenged, the joc rules it disputed", async () => {
  const hospital = "PMF field hospital";
  const pmf = sessions.pmf.page;
  await pmf.reload();
  await showAllTimes(pmf);
  await openTab(pmf, "Objects");
  await pmf.locator("[data-testid=declarations] button").filter({ hasText: hospital }).click();
  const details = pmf.getByTestId("details");
  await details.getByText(/brigade command post/).waitFor();
  assert.doesNotMatch(await details.textContent(), /by isf/, "the owner is not told who challenged");
  await details.getByLabel("Answer to the challenge (once)").fill("A field hospital; the armed men are its guards");
  await details.getByRole("button", { name: "Answer" }).click();
  await pmf.getByTestId("notice").filter({ hasText: /challenge answered/ }).waitFor();

  const joc = sessions.joc.page;
  await joc.reload();
  await showAllTimes(joc);
  await openTab(joc, "Objects");
  await joc.locator("[data-testid=declarations] button").filter({ hasText: hospital }).click();
  const ruling = joc.getByTestId("details");
  await ruling.getByText(/by isf/).waitFor();
  await ruling.getByLabel(/^Rule on challenge/).selectOption("disputed");
  await ruling.getByLabel("Reason for the ruling").fill("Armed men seen there by two parties");
  await ruling.getByRole("button", { name: "Rule" }).click();
  await joc.getByTestId("notice").filter({ hasText: /challenge ruled on/ }).waitFor();
  await screenshot(joc, "joc-challenge-ruled");
  const listed = await api(demo.url, demo.tokens.coalition.viewer, "/v1/declarations?kind=hospital");
  const site = listed.items.find((d) => d.label.startsWith(hospital));
  assert.equal(site.disputed, "Armed men seen there by two parties", "disputed, for every party that sees it");
  // Back to the whole picture, as the tests after expect it.
  await Promise.all([pmf.reload(), joc.reload()]);
});

test("rules: the joc sets one binding the coalition alone; the coalition reads it, the PMF does not", async () => {
  const joc = sessions.joc.page;
  await openTab(joc, "Rules");
  await joc.locator("[data-testid=rules] [data-rule=coalition-mandate]").waitFor();
  const form = joc.getByRole("form", { name: "Set a rule" });
  await form.getByLabel(/^Name/).fill("coalition-no-demolition");
  await form.getByLabel(/^Binds/).fill("coalition");
  await form.getByLabel(/^Rule/).fill('{"type": "forbid", "kinds": ["demolition"]}');
  await form.getByLabel(/^Why/).fill("Demolitions are the ISF's alone");
  await form.getByRole("button", { name: "Set" }).click();
  await joc.getByTestId("notice").filter({ hasText: "Rule coalition-no-demolition v1 set" }).waitFor();

  const coalition = sessions.coalition.page;
  await coalition.reload();
  await openTab(coalition, "Rules");
  await coalition.locator("[data-testid=rules] [data-rule=coalition-no-demolition]").waitFor();
  assert.equal(await coalition.getByRole("form", { name: "Set a rule" }).isHidden(), true, "only the joc's approvers set rules");
  const pmf = sessions.pmf.page;
  await pmf.reload();
  await openTab(pmf, "Rules");
  await pmf.locator("[data-testid=rules] [data-rule=embassy-no-fire-area]").waitFor();
  assert.equal(await pmf.locator("[data-testid=rules] [data-rule=coalition-no-demolition]").count(), 0);
});

test("an incident's evidence is shown and its bundle downloads", async () => {
  const { page } = sessions.joc;
  await openTab(page, "Incidents");
  await page.locator("[data-testid=incidents] button").filter({ hasText: "blocked movement" }).click();
  await page.locator("[data-action=evidence]").click();
  const evidence = page.getByTestId("evidence");
  await evidence.locator("li").first().waitFor();
  assert.match(await evidence.textContent(), /coalition \(operator\) submit activity/);
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("[data-action=download]").click()]);
  const bundle = JSON.parse(await streamText(await download.createReadStream()));
  assert.equal(bundle.format, "deconflict-evidence/v2");
  assert.ok(bundle.entries.length > 0);
  await screenshot(page, "joc-evidence");
});

describe("the console is drawn again as events arrive, and loses nothing being done", () => {
  // In the western desert, far from the scenario and the other tests: a
  // coalition strike the joc decides on, and an ISF unit whose reports are
  // events the joc sees.
  let strike;
  let unit;
  before(async () => {
    const { tokens } = demo;
    const now = Date.now();
    strike = await post(tokens.coalition.operator, "/v1/activities", {
      kind: "air_strike",
      label: "Console test: strike in the western desert",
      geometry: { type: "Point", coordinates: [40.6137, 32.2213] },
      buffer_m: 500,
      start: iso(now + HOUR),
      end: iso(now + 3 * HOUR),
    });
    unit = await post(tokens.isf.operator, "/v1/declarations", {
      kind: "unit_position",
      label: "Console test: ISF patrol in the western desert",
      geometry: { type: "Point", coordinates: [40.7, 32.25] },
      buffer_m: 50,
      valid_from: iso(now),
      valid_to: iso(now + 24 * HOUR),
      tracking: { report_interval_s: 30 },
    });
  });

  /** The ISF unit reports itself; resolves once the page has reloaded its picture for the event. */
  async function eventReaches(page) {
    const reloaded = page.waitForResponse((r) => new URL(r.url()).pathname === "/v1/state");
    await post(demo.tokens.isf.operator, "/v1/tracks", {
      reports: [{ declaration_id: unit.id, time: iso(Date.now()), lat: 32.25, lon: 40.7, ce_m: 10 }],
    });
    await reloaded;
    // The response is read; let the page draw what it brought.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50))));
  }

  test("a reason being typed keeps its text and focus, and is emptied once its decision is done", async () => {
    const { page } = sessions.joc;
    await showAllTimes(page);
    await openTab(page, "Objects");
    await page.locator(`[data-testid=activities] button[data-id=${strike.id}]`).click();
    const reason = page.locator("#decision-reason");
    await reason.fill("Nothing declared near; half of a reason");
    const typing = () => page.evaluate(() => [document.activeElement?.id, document.activeElement?.value]);

    await eventReaches(page);
    assert.deepEqual(await typing(), ["decision-reason", "Nothing declared near; half of a reason"], "an event about something else");

    // Another approver clears the strike meanwhile: the details show it cleared, the reason stays.
    const reloaded = page.waitForResponse((r) => new URL(r.url()).pathname === "/v1/state");
    await post(demo.tokens.joc.approver, `/v1/activities/${strike.id}/clear`, { reason: "Cleared from another desk" });
    await reloaded;
    await page.getByTestId("activity-state").filter({ hasText: "cleared" }).waitFor();
    assert.deepEqual(await typing(), ["decision-reason", "Nothing declared near; half of a reason"], "the object itself changed");

    await page.keyboard.type(", and now whole");
    await page.locator("[data-action=hold]").click();
    await page.getByTestId("notice").filter({ hasText: `Activity ${strike.id} held` }).waitFor();
    // Its history, once the picture is reloaded, holds the reason; the field is emptied.
    await page.locator("[data-testid=details] .history q").filter({ hasText: "Nothing declared near; half of a reason, and now whole" }).waitFor();
    await page.waitForFunction(() => document.querySelector("#decision-reason")?.value === "", null, { timeout: 5_000 });
  });

  test("keyboard focus on a conflict's Acknowledge stays on that conflict's, not the first one's", async () => {
    const { page } = sessions.pmf;
    const pmf = (label, [lon, lat]) =>
      post(demo.tokens.pmf.operator, "/v1/declarations", {
        kind: "checkpoint",
        label,
        geometry: { type: "Point", coordinates: [lon, lat] },
        buffer_m: 50,
        valid_from: iso(Date.now()),
      });
    // Two PMF checkpoints inside the coalition strike's hazard: two conflicts for the PMF to acknowledge.
    const first = await pmf("Console test: PMF checkpoint east of the strike", [40.6157, 32.2213]);
    const second = await pmf("Console test: PMF checkpoint west of the strike", [40.6117, 32.2213]);
    const [one, two] = [first.conflicts[0].id, second.conflicts[0].id];
    await openTab(page, "Notifications");
    const acknowledge = (id) => page.locator(`li[data-conflict=${id}] button[data-action=acknowledge]`).first();
    await acknowledge(one).waitFor();
    await acknowledge(two).waitFor();
    // The last of the panel's: not the one a first match would land on.
    const buttons = page.locator("li[data-conflict] button[data-action=acknowledge]");
    await buttons.last().focus();
    const focused = () =>
      page.evaluate(() => [document.activeElement?.closest("[data-conflict]")?.getAttribute("data-conflict"), document.activeElement?.getAttribute("data-action")]);
    const before = await focused();
    assert.equal(before[1], "acknowledge");
    assert.notEqual(before[0], await buttons.first().evaluate((b) => b.closest("[data-conflict]").getAttribute("data-conflict")));

    const label = "Console test: PMF checkpoint far from everything";
    const reloaded = page.waitForResponse(async (r) => new URL(r.url()).pathname === "/v1/state" && (await r.text()).includes(label));
    await pmf(label, [40.65, 32.1]);
    await reloaded;
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50))));
    assert.deepEqual(await focused(), before);
  });

  test("keyboard focus on a timeline bar stays on it", async () => {
    const { page } = sessions.joc;
    await showAllTimes(page);
    const bar = page.getByTestId("timeline").locator(`rect[data-id=${strike.id}]`);
    await bar.focus();
    await eventReaches(page);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-id")), strike.id);
  });
});

test("an incident's evidence shown to one party is not shown to the next signed in at the same screen", async () => {
  const session = await signIn(browser, demo.url, demo.tokens.joc.approver);
  try {
    const { page } = session;
    const incident = page.locator("[data-testid=incidents] button").filter({ hasText: "blocked movement" });
    await openTab(page, "Incidents");
    await incident.click();
    await page.locator("[data-action=evidence]").click();
    await page.getByTestId("evidence").locator("li").first().waitFor();

    await page.locator("button.signout").click();
    await page.locator("#token").fill(demo.tokens.coalition.viewer);
    await page.locator("form.signin button[type=submit]").click();
    await page.getByTestId("party").filter({ hasText: "coalition" }).waitFor();
    await openTab(page, "Incidents");
    await incident.click();
    await page.locator("[data-action=evidence]").waitFor();
    assert.equal(await page.getByTestId("evidence").locator("li").count(), 0);
  } finally {
    await session.context.close();
  }
});

test("the time slider replays the picture as it stood, and Live returns to now", async () => {
  const { page } = sessions.joc;
  await showAllTimes(page);
  await openTab(page, "Objects");
  const count = () => page.locator("[data-testid=declarations] li").count();
  const now = await count();
  assert.ok(now > 10);
  // A quarter of an hour back, before the demo loaded its scenario: nothing had been declared.
  const replayed = page.waitForResponse((r) => r.url().includes("/v1/state?as_of="));
  await page.getByLabel("Picture at").press("ArrowLeft");
  assert.equal((await replayed).status(), 200);
  await page.getByRole("heading", { name: "Declarations (0)" }).waitFor();
  assert.notEqual(await page.getByTestId("as-of").textContent(), "live");
  await page.getByRole("button", { name: "Live", exact: true }).click();
  await page.getByRole("heading", { name: `Declarations (${now})` }).waitFor();
});

describe("live events reach the PMF's page without a reload", () => {
  test("an alert: its tracked unit reports itself inside a strike the joc cleared", async () => {
    const { tokens } = demo;
    const { page } = sessions.pmf;
    await page.evaluate(() => (window.notReloaded = true));
    await openTab(page, "Notifications");
    const { unit, conflictId } = await raisePmfAlert(demo, {
      unitLabel: PMF_TRACKED,
      strikeLabel: LIVE_STRIKE,
      cotUid: "TEST-1",
    });

    const card = page.locator(`[data-testid=urgent] li[data-urgent=alert][data-subject=${conflictId}]`);
    await card.waitFor({ timeout: 5_000 });
    assert.match(await card.textContent(), /Alert: your unit position is within another party's air strike/);
    assert.match(await card.textContent(), new RegExp(`Conflict ${conflictId}`));
    assert.doesNotMatch(await card.textContent(), /coalition|act_/, "the strike's owner and id stay hidden");
    assert.equal(await backgroundOf(card), "rgb(255, 224, 224)", "the alert stands out");
    assert.equal(await page.getByTestId("unattended").getAttribute("class"), "count urgent");
    await page.getByTestId("events").locator("li[data-event=alert]").first().waitFor();

    // The unit's track is on the map, where it reported, and not stale.
    await showAllTimes(page);
    const track = page.locator(".leaflet-overlay-pane path.track");
    await track.first().waitFor();
    assert.equal(await page.locator(".leaflet-overlay-pane path.track-stale").count(), 0);
    assert.match(await page.getByTestId("legend").locator("[data-layer=tracks]").textContent(), /1$/);
    await openTab(page, "Objects");
    const row = page.locator(`[data-testid=declarations] button[data-id=${unit.id}]`);
    assert.match(await row.textContent(), /tracked/);
    await row.click();
    const details = page.getByTestId("details");
    await details.getByText(PMF_TRACKED).waitFor();
    assert.match(await details.textContent(), /33\.03500, 40\.29380 · ± 10 m/);
    assert.match(await details.textContent(), /every 30 s · CoT uid TEST-1/);
    await openTab(page, "Notifications");
    await screenshot(page, "pmf-alert-live");
    assert.equal(await page.evaluate(() => window.notReloaded), true, "the page was not reloaded");
  });

  test("an alert stands on top after a reload and on another device until the party acknowledges it", async () => {
    const { tokens } = demo;
    const standing = await api(demo.url, tokens.pmf.viewer, "/v1/alerts");
    const alert = standing.alerts.find((a) => a.state === "new" && a.alert.about === "conflict");
    assert.ok(alert, "the alert of the test before stands");
    // Another device of the PMF's, a viewer, signed in after the alert was sent.
    const other = await signIn(browser, demo.url, tokens.pmf.viewer);
    try {
      const { page } = other;
      const first = page.locator("[data-testid=urgent] li").first();
      for (const when of ["at sign-in", "after a reload"]) {
        await openTab(page, "Notifications");
        await first.waitFor({ timeout: 5_000 });
        assert.equal(await first.getAttribute("data-alert"), alert.id, `the alert is on top ${when}`);
        assert.equal(await backgroundOf(first), "rgb(255, 224, 224)", `the alert is red ${when}`);
        assert.equal(await first.getByRole("button", { name: "Acknowledge alert" }).count(), 0, "a viewer may not acknowledge");
        await page.reload();
        await page.getByTestId("role").waitFor();
      }
      // The PMF's operator acknowledges it on its own device.
      const own = sessions.pmf.page;
      await openTab(own, "Notifications");
      const card = own.locator(`[data-testid=urgent] li[data-alert=${alert.id}]`);
      await card.getByRole("button", { name: "Acknowledge alert" }).click();
      await card.waitFor({ state: "detached", timeout: 5_000 });
      // The other device is told at once, without a reload.
      await openTab(page, "Notifications");
      await page.locator(`[data-alert=${alert.id}]`).waitFor({ state: "detached", timeout: 5_000 });
      const after = await api(demo.url, tokens.pmf.viewer, "/v1/alerts");
      const acknowledged = after.alerts.find((a) => a.id === alert.id);
      assert.equal(acknowledged.state, "acknowledged");
      assert.equal(acknowledged.acknowledged_by, (await api(demo.url, tokens.pmf.operator, "/v1/me")).credential_id);
    } finally {
      await other.page.context().close();
    }
  });

  test("an attack reported near the PMF's unit by another party: an alert and its coarse area on the map", async () => {
    const { tokens } = demo;
    const { page } = sessions.pmf;
    await openTab(page, "Notifications");
    const now = Date.now();
    const incident = await post(tokens.coalition.operator, "/v1/incidents", {
      kind: "attack",
      place: { type: "Point", coordinates: [40.31, 33.05] },
      precision_m: 500,
      window: { from: iso(now - HOUR), to: iso(now) },
      reported_by: "Console test: a coalition patrol",
      against: null,
      source: "patrol report",
      source_grade: "B2",
    });
    const card = page.locator("[data-testid=urgent] li[data-urgent=alert]").filter({ hasText: "an attack was reported" });
    await card.waitFor({ timeout: 5_000 });
    assert.doesNotMatch(await card.textContent(), new RegExp(`${incident.id}|coalition`), "the PMF may not see the report");
    await card.getByRole("button", { name: "Show on map" }).click();
    const area = page.locator(".leaflet-overlay-pane path.attack-area");
    await area.waitFor();
    assert.match(await page.getByTestId("legend").locator("[data-layer=attacks]").textContent(), /1$/);
    await screenshot(page, "pmf-attack-alert");
    await card.getByRole("button", { name: "Acknowledge alert" }).click();
    await area.waitFor({ state: "detached" });
    assert.equal(await card.count(), 0);
    const standing = await api(demo.url, tokens.pmf.viewer, "/v1/alerts");
    const acknowledged = standing.alerts.filter((a) => a.alert.about === "attack");
    assert.equal(acknowledged.at(-1).state, "acknowledged", "acknowledged for the party, in the log");
  });

  test("check fire: a coalition stop holds the PMF's patrol, the PMF is told without being told by whom, and acknowledges", async () => {
    const { tokens } = demo;
    const { page } = sessions.pmf;
    await openTab(page, "Notifications");
    const now = Date.now();
    const patrol = await post(tokens.pmf.operator, "/v1/activities", {
      kind: "patrol",
      label: "PMF patrol west of ar-Rutba",
      geometry: { type: "Point", coordinates: [40.35, 33.1] },
      buffer_m: 300,
      start: iso(now + HOUR),
      end: iso(now + 3 * HOUR),
    });
    assert.equal(patrol.state, "cleared");
    // The coalition raises it by clicks, in its own console.
    const coalition = sessions.coalition.page;
    await openTab(coalition, "Check fire");
    const form = coalition.getByRole("form", { name: "Check fire" });
    await form.getByLabel("Cause").selectOption("troops_in_contact");
    await form.getByLabel("Positions, one a line").fill("33.1, 40.351");
    await form.getByLabel("Around it (m)").fill("1500");
    await form.getByLabel("Reason").fill("Console test: a coalition team in contact");
    await form.getByRole("button", { name: "Stop all fire here" }).click();
    const raised = coalition.getByTestId("notice").filter({ hasText: /Check fire stp_\w+ raised: 1 activity held/ });
    await raised.waitFor();
    const stop = { id: (await raised.textContent()).match(/stp_[0-9a-f]{12}/)[0] };
    const card = page.locator(`[data-testid=urgent] li[data-urgent=stop]`);
    await card.waitFor({ timeout: 5_000 });
    assert.match(await card.textContent(), /Check fire \(troops in contact\): 1 of your activities is held/);
    assert.doesNotMatch(await card.textContent(), /coalition|team in contact/, "who raised it, and why in their words, stay hidden");
    assert.equal(await backgroundOf(card), "rgb(255, 224, 224)", "the stop stands out");
    await screenshot(page, "pmf-check-fire");
    await card.getByRole("button", { name: "Acknowledge" }).click();
    await card.waitFor({ state: "detached", timeout: 5_000 });
    const after = await api(demo.url, tokens.pmf.viewer, `/v1/stops/${stop.id}`);
    assert.equal(after.acknowledged, true);
    const held = await api(demo.url, tokens.pmf.viewer, `/v1/activities/${patrol.id}`);
    assert.equal(held.state, "held");
  });

  test("a track gone stale is marked on the map as the stale event arrives", async () => {
    const { tokens } = demo;
    const { page } = sessions.pmf;
    const now = Date.now();
    const unit = await post(tokens.pmf.operator, "/v1/declarations", {
      kind: "unit_position",
      label: PMF_SILENT,
      geometry: { type: "Point", coordinates: [40.28, 32.9] },
      buffer_m: 50,
      valid_from: iso(now),
      valid_to: iso(now + 24 * HOUR),
      tracking: { report_interval_s: 1, max_speed_mps: 1 },
    });
    try {
      await post(tokens.pmf.operator, "/v1/tracks", {
        reports: [{ declaration_id: unit.id, time: iso(Date.now()), lat: 32.9, lon: 40.28, ce_m: 5 }],
      });
      // Silent past twice its interval of 1 s: the service's sweep marks it stale.
      const stale = page.getByTestId("events").locator("li[data-event=stale]").filter({ hasText: PMF_SILENT });
      await stale.first().waitFor({ timeout: 10_000 });
      await page.locator(".leaflet-overlay-pane path.track-stale").waitFor({ timeout: 5_000 });
      await page.locator(".leaflet-overlay-pane path.track-reach").waitFor();
      await openTab(page, "Objects");
      await page.locator(`[data-testid=declarations] button[data-id=${unit.id}]`).filter({ hasText: "track stale" }).waitFor();
      await screenshot(page, "pmf-track-stale");
      await openTab(page, "Notifications");
    } finally {
      await api(demo.url, tokens.pmf.operator, `/v1/declarations/${unit.id}`, { method: "DELETE" });
    }
  });
});

test("the PMF's browser received nothing of the coalition's but coarse conflicts", async () => {
  const { url, tokens } = demo;
  const coalition = await api(url, tokens.coalition.operator, "/v1/state");
  const secrets = new Set();
  const privateObjects = [
    ...coalition.declarations.filter((d) => d.owner === "coalition" && d.visibility === "private"),
    ...coalition.activities.filter((a) => a.owner === "coalition"),
  ];
  for (const label of [NEW_STRIKE, LIVE_STRIKE]) {
    assert.ok(privateObjects.some((o) => o.label === label), `the test's strike "${label}" is among them`);
  }
  for (const object of privateObjects) {
    secrets.add(object.id);
    secrets.add(object.label);
    for (const [lon, lat] of positions(object.geometry)) secrets.add(`${lon},${lat}`);
  }
  const { requests, responses, errors } = sessions.pmf;
  const seen = await sessions.pmf.settled();
  assert.ok(seen.some((r) => r.url.endsWith("/v1/state")), "the PMF's picture was loaded");
  const stream = seen.filter((r) => r.url.endsWith("/v1/events")).map((r) => r.body).join("");
  assert.match(stream, /event: ?conflict/, "the PMF's event stream was read and recorded");
  assert.match(stream, /event: ?alert/, "the alert among them");
  assert.doesNotMatch(stream, /not recorded/);
  for (const response of responses) {
    const body = response.body.replaceAll(/\s/g, "");
    for (const secret of secrets) {
      assert.ok(!body.includes(secret.replaceAll(/\s/g, "")), `${response.url} carries "${secret}"`);
    }
  }
  for (const request of requests) {
    assert.ok(request.startsWith(url + "/"), `only the service is asked: ${request}`);
  }
  assert.deepEqual(errors, [], "no script error");
});

const iso = (ms) => new Date(ms).toISOString();

/** POSTs as a party's own tooling would. */
function post(token, path, body) {
  return api(demo.url, token, path, { method: "POST", body: JSON.stringify(body) });
}

async function assertIdentity(page, party, role) {
  await page.getByTestId("party").filter({ hasText: party }).waitFor();
  assert.equal(await page.getByTestId("party").textContent(), party);
  assert.equal(await page.getByTestId("role").textContent(), role);
}

/** Every position of a GeoJSON geometry. */
function positions(geometry) {
  const walk = (c) => (typeof c[0] === "number" ? [c] : c.flatMap(walk));
  return walk(geometry.coordinates);
}

async function streamText(stream) {
  let text = "";
  for await (const chunk of stream) text += chunk;
  return text;
}

/** The background colour of what `locator` finds, read once the element is
 * in the page: the panel redraws as events arrive, and an element replaced
 * between finding and reading it has no computed style. */
async function backgroundOf(locator) {
  for (let tries = 0; ; tries++) {
    const colour = await locator.evaluate((element) =>
      element.isConnected ? getComputedStyle(element).backgroundColor : "",
    );
    if (colour !== "" || tries === 40) {
      return colour;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
