// The ground under the parties' shapes, in a real browser against the demo:
// zoomed in on Baghdad the basemap shows the Tigris in river blue and the
// places around the town, labelled in the console's language and hidden from
// assistive technology.
//
// Run by `npm test` in web/, with the debug binary built: `cargo build -p deconflict`.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { axeViolations, launchBrowser, screenshot, signIn, startDemo } from "./harness.mjs";

let demo;
let browser;
let session;

before(async () => {
  demo = await startDemo();
  browser = await launchBrowser();
  session = await signIn(browser, demo.url, demo.tokens.ocha.viewer);
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

const town = (page, name) => page.locator(".leaflet-tooltip.town", { hasText: name }).first();

/** Where the town's dot is on the page: its label starts there (direction "right"). */
async function dotOf(page, name) {
  const box = await town(page, name).boundingBox();
  assert.ok(box, `${name} labelled`);
  return { x: box.x, y: box.y + box.height / 2 };
}

/** The km of Leaflet's scale bar: it halves as one zooms in by one. */
async function scaleKm(page) {
  const text = (await page.locator(".leaflet-control-scale-line").innerText()).trim();
  const [, value, unit] = /^([\d.]+)\s*(km|m)$/.exec(text) ?? [];
  assert.ok(value, `scale "${text}"`);
  return unit === "km" ? Number(value) : Number(value) / 1000;
}

/** Pixels of the basemap's canvases, within `radius` px of `at`, that are river or lake blue. */
function bluePixels(page, at, radius) {
  return page.evaluate(
    ({ at, radius }) => {
      let blue = 0;
      for (const canvas of document.querySelectorAll(".leaflet-basemap-pane canvas")) {
        const rect = canvas.getBoundingClientRect();
        const sx = canvas.width / rect.width;
        const sy = canvas.height / rect.height;
        const x = Math.max(0, Math.round((at.x - radius - rect.left) * sx));
        const y = Math.max(0, Math.round((at.y - radius - rect.top) * sy));
        const w = Math.min(canvas.width - x, Math.round(2 * radius * sx));
        const h = Math.min(canvas.height - y, Math.round(2 * radius * sy));
        if (w <= 0 || h <= 0) continue;
        const data = canvas.getContext("2d").getImageData(x, y, w, h).data;
        for (let i = 0; i < data.length; i += 4) {
          const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
          if (a > 128 && b - r > 60 && b > g) blue++;
        }
      }
      return blue;
    },
    { at, radius },
  );
}

test("at zoom 10 over Baghdad the Tigris is drawn, with the places around, and axe-core finds nothing", async () => {
  const { page } = session;
  await town(page, "Baghdad").waitFor();
  // Zoom in on Baghdad with the wheel, which keeps the point under the cursor
  // in place, until the scale bar reads 20 km (zoom 9.5 to 10 at 33° N).
  for (let step = 0; step < 10 && (await scaleKm(page)) > 20; step++) {
    const at = await dotOf(page, "Baghdad");
    await page.mouse.move(at.x, at.y);
    await page.mouse.wheel(0, -60);
    await page.waitForTimeout(700);
  }
  assert.ok((await scaleKm(page)) <= 20, "zoomed in to 10");
  const baghdad = await dotOf(page, "Baghdad");
  // The Tigris runs through the town: about 15 km of it lie within 120 px.
  const blue = await bluePixels(page, baghdad, 120);
  assert.ok(blue > 200, `${blue} river-blue pixels around Baghdad`);
  const places = page.locator(".leaflet-tooltip.town-place");
  assert.ok((await places.count()) > 0, "places around Baghdad labelled");
  const labels = page.locator(".leaflet-tooltip.town");
  for (const label of await labels.all()) {
    assert.equal(await label.getAttribute("aria-hidden"), "true", await label.innerText());
    assert.equal(await label.getAttribute("tabindex"), null);
  }
  await screenshot(page, "ground-baghdad-zoom-10");
  assert.deepEqual(await axeViolations(page), []);
});

test("in Arabic the towns and places are named in Arabic", async () => {
  const { page } = session;
  // The console keeps the chosen language in the browser and the token in the tab.
  await page.evaluate(() => localStorage.setItem("deconflict.locale", "ar"));
  await page.reload();
  await town(page, "بغداد").waitFor();
  const names = await page.locator(".leaflet-tooltip.town").allInnerTexts();
  assert.ok(names.length > 0);
  for (const name of names) assert.match(name, /^[\u0600-\u06FF\u200C ]+$/u, name);
  await screenshot(page, "ground-arabic");
});
