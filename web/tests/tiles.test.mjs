// The deployment's own ground in a real browser: the demo started with
// `--tiles` (fixtures/ground.mbtiles, written by fixtures/make-ground.py: a
// red tile over Iraq at zoom 5) draws its imagery under the console's
// shapes, every tile fetched with the bearer token and shown from a blob:
// URL, the countries' fill no longer hiding it.
//
// Run by `npm test` in web/, with the debug binary built: `cargo build -p deconflict`.

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { launchBrowser, screenshot, startDemo } from "./harness.mjs";

const GROUND = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "ground.mbtiles");
/** The basemap's countries' fill (basemap.ts). */
const FILL = [244, 241, 232];

let demo;
let browser;

before(async () => {
  demo = await startDemo(["--tiles", GROUND]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

/**
 * A page signed in with `token`, recording from its first request every
 * request for a tile with the Authorization it carried, and every answer.
 */
async function signInWatchingTiles(token) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-GB" });
  const page = await context.newPage();
  const tiles = [];
  const answers = [];
  const errors = [];
  const isTile = (url) => new URL(url).pathname.startsWith("/v1/tiles/");
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("request", (request) => {
    if (isTile(request.url())) tiles.push({ url: request.url(), authorization: request.headers().authorization });
  });
  page.on("response", (response) => {
    if (isTile(response.url())) answers.push(response.status());
  });
  await page.goto(demo.url);
  await page.getByLabel("Token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("role").waitFor();
  return { page, context, tiles, answers, errors };
}

/** Of each canvas a Leaflet renderer draws the map's shapes on, its colour at the map's centre and how many pixels of its middle row are drawn. */
function centre(page) {
  return page.evaluate(() => {
    const map = document.querySelector("#map").getBoundingClientRect();
    const [x, y] = [map.left + map.width / 2, map.top + map.height / 2];
    const canvases = [...document.querySelectorAll("#map canvas.leaflet-zoom-animated")];
    return canvases.map((canvas) => {
      const box = canvas.getBoundingClientRect();
      const scale = canvas.width / box.width;
      const context = canvas.getContext("2d");
      const row = Math.round((y - box.top) * scale);
      const line = context.getImageData(0, row, canvas.width, 1).data;
      let drawn = 0;
      for (let i = 3; i < line.length; i += 4) if (line[i] > 0) drawn += 1;
      const at = context.getImageData(Math.round((x - box.left) * scale), row, 1, 1).data;
      return { drawn, centre: [...at] };
    });
  });
}

test("the deployment's tiles are drawn under the shapes, each fetched with the token", async () => {
  const token = demo.tokens.pmf.operator;
  const { page, context, tiles, answers, errors } = await signInWatchingTiles(token);
  try {
    await page.locator(".leaflet-tile-pane img.leaflet-tile-loaded").first().waitFor();
    // The basemap is drawn once something of it (borders, towns) is on the middle row.
    await page.waitForFunction(() => {
      const map = document.querySelector("#map").getBoundingClientRect();
      const y = map.top + map.height / 2;
      return [...document.querySelectorAll("#map canvas.leaflet-zoom-animated")].some((canvas) => {
        const box = canvas.getBoundingClientRect();
        const row = Math.round((y - box.top) * (canvas.width / box.width));
        const line = canvas.getContext("2d").getImageData(0, row, canvas.width, 1).data;
        return line.some((value, i) => i % 4 === 3 && value > 0);
      });
    });
    await screenshot(page, "tiles-pmf");

    const sources = await page.locator(".leaflet-tile-pane img.leaflet-tile-loaded").evaluateAll((images) =>
      images.map((image) => image.getAttribute("src")),
    );
    assert.ok(sources.length > 0);
    for (const source of sources) assert.match(source, /^blob:/, "a tile shown from anything but a blob: URL");

    assert.ok(tiles.length > 0, "no tile was asked for");
    for (const { url, authorization } of tiles) assert.equal(authorization, `Bearer ${token}`, `${url} without the token`);
    assert.ok(answers.length > 0 && answers.every((status) => status === 200), `tiles answered ${answers}`);

    // In the middle of the theatre the imagery is what shows: a tile there,
    // and no basemap fill over it.
    const under = await page.evaluate(() => {
      const map = document.querySelector("#map").getBoundingClientRect();
      const [x, y] = [map.left + map.width / 2, map.top + map.height / 2];
      // Tiles take no pointer events, so elementsFromPoint passes them by.
      const covers = (box) => box.left <= x && x < box.right && box.top <= y && y < box.bottom;
      const tiles = [...document.querySelectorAll("img.leaflet-tile-loaded")];
      return tiles.filter((tile) => covers(tile.getBoundingClientRect())).map((tile) => tile.getAttribute("src"));
    });
    assert.equal(under.length, 1, "no tile at the map's centre");
    assert.match(under[0], /^blob:/);
    const canvases = await centre(page);
    assert.ok(canvases.some((c) => c.drawn > 0), "the basemap drew nothing");
    for (const { centre: [r, g, b, a] } of canvases) {
      const filled = a > 0 && [r, g, b].every((v, i) => Math.abs(v - FILL[i]) < 3);
      assert.ok(!filled, "the countries' fill hides the imagery");
    }

    // The source's attribution, as text: its markup is not the page's.
    const attribution = page.locator(".leaflet-control-attribution");
    assert.match(await attribution.innerText(), /Test ground imagery/);
    assert.equal(await attribution.locator('a[href="https://example.org/"]').count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a tile asked for without the token is refused, and the same bytes go to every party", async () => {
  const path = "/v1/tiles/5/20/12";
  const refused = await fetch(demo.url + path);
  assert.equal(refused.status, 401);
  const bodies = [];
  for (const token of [demo.tokens.pmf.operator, demo.tokens.coalition.operator, demo.tokens.ocha.viewer]) {
    const response = await fetch(demo.url + path, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "image/png");
    bodies.push(Buffer.from(await response.arrayBuffer()));
  }
  for (const body of bodies) assert.ok(body.equals(bodies[0]));
});
