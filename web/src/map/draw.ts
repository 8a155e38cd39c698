// Drawing a geometry on the map: each click adds a position; a point ends
// at its first click, a line or polygon with "Finish" (or Enter, or a double
// click); Escape cancels. The positions go to the caller as they are added.

import * as L from "leaflet";
import type { Position } from "../types";

export type DrawMode = "Point" | "LineString" | "Polygon";

export interface Drawing {
  /** Ends the drawing, keeping what was drawn. */
  finish(): void;
  /** Ends the drawing, dropping what was drawn. */
  cancel(): void;
}

export function draw(
  map: L.Map,
  mode: DrawMode,
  onChange: (positions: Position[]) => void,
  onEnd: (finished: boolean) => void,
): Drawing {
  const positions: Position[] = [];
  const sketch = L.layerGroup().addTo(map);
  const container = map.getContainer();
  container.classList.add("drawing");
  map.doubleClickZoom.disable();

  const redraw = (): void => {
    sketch.clearLayers();
    const latlngs = positions.map(([lon, lat]) => L.latLng(lat, lon));
    const style = { color: "#000000", weight: 3, dashArray: "4 4", fillOpacity: 0.1 };
    if (mode === "Polygon" && latlngs.length > 2) L.polygon(latlngs, style).addTo(sketch);
    else if (latlngs.length > 1) L.polyline(latlngs, style).addTo(sketch);
    for (const latlng of latlngs) L.circleMarker(latlng, { radius: 5, color: "#000000", fillOpacity: 1 }).addTo(sketch);
  };
  const end = (finished: boolean): void => {
    map.off("click", click);
    map.off("dblclick", finishNow);
    document.removeEventListener("keydown", key);
    sketch.remove();
    container.classList.remove("drawing");
    map.doubleClickZoom.enable();
    onEnd(finished);
  };
  const click = (e: L.LeafletMouseEvent): void => {
    const { lat, lng } = e.latlng.wrap();
    const position: Position = [round(lng), round(lat)];
    const last = positions[positions.length - 1];
    if (last && last[0] === position[0] && last[1] === position[1]) return;
    positions.push(position);
    redraw();
    onChange([...positions]);
    if (mode === "Point") end(true);
  };
  const finishNow = (): void => end(true);
  const key = (e: KeyboardEvent): void => {
    if (e.key === "Escape") end(false);
    if (e.key === "Enter") end(true);
  };
  map.on("click", click);
  map.on("dblclick", finishNow);
  document.addEventListener("keydown", key);
  return { finish: () => end(true), cancel: () => end(false) };
}

function round(x: number): number {
  return Math.round(x * 1e5) / 1e5;
}
