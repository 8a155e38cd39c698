// The committed ground (data/ground.json) as the console bundles it: the
// rivers pass where the towns on them are, the lakes are where they are, every
// place is named in the console's three languages, and the file stays within
// the theatre and its size.

import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { test } from "node:test";

const FILE = new URL("../data/ground.json", import.meta.url);
const ground = JSON.parse(readFileSync(FILE, "utf8"));
const BUDGET = 600 * 1024;
const [WEST, SOUTH, EAST, NORTH] = [38, 29, 49, 38];

/** The distance from `p` to the segment a-b, in metres. */
function toSegment(p, a, b) {
  const kx = 111_320 * Math.cos((p[1] * Math.PI) / 180);
  const ky = 110_570;
  const [px, py, ax, ay, bx, by] = [p[0] * kx, p[1] * ky, a[0] * kx, a[1] * ky, b[0] * kx, b[1] * ky];
  const length2 = (bx - ax) ** 2 + (by - ay) ** 2;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / length2));
  return Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)));
}

function nearestOfRiver(name, lat, lon) {
  let best = Infinity;
  for (const river of ground.rivers.features) {
    if (river.properties.name !== name) continue;
    const line = river.geometry.coordinates;
    for (let i = 1; i < line.length; i++) best = Math.min(best, toSegment([lon, lat], line[i - 1], line[i]));
  }
  return best;
}

/** Ray casting over every ring: holes (islands) count as outside. */
function inPolygon([x, y], rings) {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

function inLake(lat, lon) {
  return ground.lakes.features.some(({ geometry }) =>
    (geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates).some((rings) =>
      inPolygon([lon, lat], rings),
    ),
  );
}

test("the Tigris passes through Baghdad and Mosul, the Euphrates by Ramadi and Fallujah", () => {
  for (const [river, town, lat, lon, within] of [
    ["Tigris", "Baghdad", 33.32, 44.37, 2_000],
    ["Tigris", "Mosul", 36.34, 43.13, 2_000],
    ["Tigris", "Tikrit", 34.61, 43.68, 2_000],
    ["Euphrates", "Ramadi", 33.42, 43.31, 3_000],
    ["Euphrates", "Fallujah", 33.35, 43.78, 3_000],
    ["Shatt al-Arab", "Basra", 30.51, 47.81, 3_000],
  ]) {
    const away = nearestOfRiver(river, lat, lon);
    assert.ok(away <= within, `the ${river} passes ${Math.round(away)} m from ${town}`);
  }
});

test("the tributaries are named and drawn as major rivers", () => {
  for (const name of ["Greater Zab", "Lesser Zab", "Diyala"]) {
    const stretches = ground.rivers.features.filter((river) => river.properties.name === name);
    assert.ok(stretches.length > 0, `${name} named`);
    for (const river of stretches) {
      assert.equal(river.properties.class, "major", name);
      assert.ok(river.properties.name_ar && river.properties.name_ckb, `${name} in Arabic and Sorani`);
    }
  }
});

test("the lakes are polygons around a point known to be water", () => {
  for (const [lake, lat, lon] of [
    ["Tharthar", 33.98, 43.18],
    ["Habbaniyah", 33.3, 43.48],
    ["Razzaza (Milh)", 32.72, 43.6],
    ["Darbandikhan", 35.15, 45.75],
  ]) {
    assert.ok(inLake(lat, lon), `${lake} (${lat}, ${lon}) is in a lake`);
  }
  assert.ok(!inLake(33.32, 44.37 - 0.1), "western Baghdad is dry land");
});

test("every place is named in English, Arabic and Sorani Kurdish, in their scripts", () => {
  const places = ground.places.features;
  assert.ok(places.length >= 100, `${places.length} places`);
  for (const { properties: p } of places) {
    assert.ok(p.name?.trim(), JSON.stringify(p));
    assert.match(p.name_ar, /^[\u0600-\u06FF\u200C ]+$/u, `${p.name} in Arabic script`);
    assert.match(p.name_ckb, /^[\u0600-\u06FF\u200C ]+$/u, `${p.name} in Sorani script`);
    // Sorani has its own kaf and yeh; the Arabic ones would be misspellings.
    assert.doesNotMatch(p.name_ckb, /[كيى]/u, `${p.name}: ${p.name_ckb}`);
    assert.ok(p.population > 0, p.name);
  }
  const baghdad = places.find((place) => place.properties.name === "Baghdad");
  assert.deepEqual([baghdad?.properties.name_ar, baghdad?.properties.name_ckb], ["بغداد", "بەغداد"]);
});

test("everything lies within the theatre, and the file within its budget", () => {
  const size = statSync(FILE).size;
  assert.ok(size < BUDGET, `${size} bytes`);
  const check = (coordinates) => {
    if (typeof coordinates[0] === "number") {
      const [lon, lat] = coordinates;
      assert.ok(lon >= WEST && lon <= EAST && lat >= SOUTH && lat <= NORTH, `${lon}, ${lat}`);
    } else coordinates.forEach(check);
  };
  for (const layer of ["rivers", "lakes", "places"]) {
    assert.ok(ground[layer].features.length > 0, layer);
    for (const { geometry } of ground[layer].features) check(geometry.coordinates);
  }
});
