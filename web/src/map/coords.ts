// Positions as people write them: decimal degrees or MGRS, both ways.

import * as L from "leaflet";
import { forward, toPoint } from "mgrs";
import { t } from "../i18n";
import type { Position } from "../types";

/** `34.93521 N, 43.47120 E`. */
function decimal(lat: number, lon: number): string {
  const ns = lat >= 0 ? "N" : "S";
  const ew = lon >= 0 ? "E" : "W";
  return `${Math.abs(lat).toFixed(5)} ${ns}, ${Math.abs(lon).toFixed(5)} ${ew}`;
}

/** The MGRS reference to 1 m, grouped for reading; empty outside its range (the poles). */
function mgrs(lat: number, lon: number): string {
  try {
    const ref = forward([wrap(lon), lat], 5);
    const match = /^(\d{1,2}[C-X])([A-Z]{2})(\d{5})(\d{5})$/.exec(ref);
    return match ? match.slice(1).join(" ") : ref;
  } catch {
    return "";
  }
}

function wrap(lon: number): number {
  return ((((lon + 180) % 360) + 360) % 360) - 180;
}

/**
 * One typed position: `lat, lon` in decimal degrees (`34.9355, 43.4712`, or
 * with hemisphere letters `34.9355 N 43.4712 E`) or an MGRS reference
 * (`38S LC 47012 66342`). Throws with what is wrong.
 */
function parsePosition(text: string): Position {
  const trimmed = text.trim();
  const compact = trimmed.replace(/\s+/g, "").toUpperCase();
  if (/^\d{1,2}[C-X][A-Z]{2}(\d{2}){0,5}$/.test(compact)) {
    const [lon, lat] = toPoint(compact);
    return [round(lon), round(lat)];
  }
  const numbers = /^([-+]?\d+(?:\.\d+)?)\s*([NS])?\s*[,;\s]\s*([-+]?\d+(?:\.\d+)?)\s*([EW])?$/i.exec(trimmed);
  if (!numbers) throw new Error(t("geometry.not_position", { text: trimmed }));
  const sign = (hemisphere: string | undefined, negative: string) =>
    hemisphere?.toUpperCase() === negative ? -1 : 1;
  const lat = Number(numbers[1]) * sign(numbers[2], "S");
  const lon = Number(numbers[3]) * sign(numbers[4], "W");
  if (Math.abs(lat) > 90) throw new Error(t("geometry.latitude_range", { text: trimmed, value: String(lat) }));
  if (Math.abs(lon) > 180) throw new Error(t("geometry.longitude_range", { text: trimmed, value: String(lon) }));
  return [lon, lat];
}

/** Positions one a line, blank lines skipped. */
export function parsePositions(text: string): Position[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map(parsePosition);
}

/** A position as the coordinates box writes it (`lat, lon`). */
export function formatPosition([lon, lat]: Position): string {
  return `${lat.toFixed(5)}, ${lon.toFixed(5)}`;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** The control under the map that shows where the cursor is, both ways. */
export function cursorControl(): L.Control {
  const Control = L.Control.extend({
    onAdd(map: L.Map): HTMLElement {
      const box = L.DomUtil.create("div", "cursor-position");
      box.setAttribute("aria-live", "off");
      // Coordinates read left to right, the idle hint in the page's direction.
      box.setAttribute("dir", "auto");
      box.dataset["testid"] = "cursor";
      const show = (latlng: L.LatLng | null): void => {
        box.textContent = latlng
          ? `${decimal(latlng.lat, latlng.lng)}  ·  MGRS ${mgrs(latlng.lat, latlng.lng)}`
          : t("map.cursor_idle");
      };
      map.on("mousemove", (e: L.LeafletMouseEvent) => show(e.latlng));
      map.on("mouseout", () => show(null));
      show(null);
      return box;
    },
  });
  return new Control({ position: "bottomleft" });
}
