// The ground of the basemap: rivers, lakes and populated places of the
// theatre, from the bundled ground.json (made by scripts/ground.py; sources
// in data/GROUND-LICENCE.md). Drawn on the basemap's canvas, under the
// parties' shapes, and never interactive.

import type { FeatureCollection, LineString, MultiPolygon, Point, Polygon } from "geojson";
import * as L from "leaflet";
import { locale, t } from "../i18n";
import { type Town, TOWNS } from "./towns";

interface Names {
  name: string;
  name_ar: string;
  name_ckb: string;
}

interface RiverProperties extends Partial<Names> {
  class: "major" | "minor";
}

interface PlaceProperties extends Names {
  population: number;
}

export interface Ground {
  rivers: FeatureCollection<LineString, RiverProperties>;
  lakes: FeatureCollection<Polygon | MultiPolygon>;
  places: FeatureCollection<Point, PlaceProperties>;
}

/** The zoom from which the hand-made towns of rank 2 are labelled. */
export const TOWNS_RANK_2_FROM = 7;
const RIVER_BLUE = "#2b6cb0";
const MAJOR_RIVERS_FROM = 5.5;
const MINOR_RIVERS_FROM = 8;
/** The least population of a place shown from each zoom: the rest come as one zooms in. */
const PLACES_FROM: readonly [zoom: number, population: number][] = [
  [10, 0],
  [9, 25_000],
  [8, 100_000],
];
/** Labels nearer than this on screen (px) would overlap; the smaller place gives way. */
const LABEL_SPACING = 56;
/** A place this near a hand-made town (m) is that town, named by hand. */
const SAME_TOWN_M = 5_000;

/** The name of a place in the console's language. */
export function localName(names: Names): string {
  const language = locale();
  if (language === "ar") return names.name_ar;
  if (language === "ckb") return names.name_ckb;
  return names.name;
}

/**
 * Hides a permanent label from assistive technology: it repeats what the map
 * shows and is no control, so it must neither be read out nor be focusable.
 */
export function silentLabel(marker: L.CircleMarker, text: string, className: string): L.CircleMarker {
  marker.on("tooltipopen", (event: L.TooltipEvent) => {
    event.tooltip.getElement()?.setAttribute("aria-hidden", "true");
  });
  return marker.bindTooltip(text, { permanent: true, direction: "right", className });
}

/** Draws the ground on `renderer`, and the places' dots on `dots`, over it. */
export async function addGround(map: L.Map, renderer: L.Renderer, dots: L.Renderer): Promise<void> {
  const response = await fetch(GROUND_URL);
  if (!response.ok) throw new Error(`${GROUND_URL}: ${response.status}`);
  const ground = (await response.json()) as Ground;
  map.attributionControl?.addAttribution(t("ground.attribution"));
  const lakes = L.geoJSON(ground.lakes, {
    renderer,
    interactive: false,
    style: { color: RIVER_BLUE, weight: 0.8, fillColor: "#a8d1f0", fillOpacity: 1 },
  } as L.GeoJSONOptions & L.PathOptions);
  const rivers = (kind: RiverProperties["class"], weight: number): L.GeoJSON =>
    L.geoJSON(ground.rivers, {
      renderer,
      interactive: false,
      filter: (river) => (river.properties as RiverProperties).class === kind,
      style: { color: RIVER_BLUE, weight, lineCap: "round", lineJoin: "round" },
    } as L.GeoJSONOptions & L.PathOptions);
  const minor = rivers("minor", 1);
  const major = rivers("major", 2);
  lakes.addTo(map);
  const byZoom = (): void => {
    const zoom = map.getZoom();
    showFrom(map, minor, zoom >= MINOR_RIVERS_FROM);
    showFrom(map, major, zoom >= MAJOR_RIVERS_FROM);
  };
  map.on("zoomend", byZoom);
  byZoom();
  addPlaces(map, dots, ground.places);
}

function showFrom(map: L.Map, layer: L.Layer, shown: boolean): void {
  if (shown && !map.hasLayer(layer)) layer.addTo(map);
  else if (!shown && map.hasLayer(layer)) layer.remove();
}

/**
 * The generated places around the hand-made towns, the largest first, as
 * many as fit in view without their labels overlapping each other or a town's.
 */
function addPlaces(map: L.Map, renderer: L.Renderer, places: Ground["places"]): void {
  const candidates = places.features
    .map((place) => ({ ...place.properties, at: L.latLng(place.geometry.coordinates[1]!, place.geometry.coordinates[0]!) }))
    .filter((place) => !TOWNS.some((town) => place.at.distanceTo([town.lat, town.lon]) < SAME_TOWN_M))
    .sort((a, b) => b.population - a.population);
  const shown = L.layerGroup().addTo(map);
  const place = (): void => {
    shown.clearLayers();
    const zoom = map.getZoom();
    const least = PLACES_FROM.find(([from]) => zoom >= from)?.[1];
    if (least === undefined) return;
    const view = map.getBounds().pad(0.2);
    const taken = TOWNS.filter((town) => townShown(town, zoom)).map((town) =>
      map.latLngToContainerPoint([town.lat, town.lon]),
    );
    for (const candidate of candidates) {
      if (candidate.population < least || !view.contains(candidate.at)) continue;
      const point = map.latLngToContainerPoint(candidate.at);
      if (taken.some((other) => other.distanceTo(point) < LABEL_SPACING)) continue;
      taken.push(point);
      const dot = L.circleMarker(candidate.at, {
        renderer,
        radius: 2.5,
        color: "#1a1a1a",
        weight: 1,
        fillColor: "#ffffff",
        fillOpacity: 1,
        interactive: false,
      });
      silentLabel(dot, localName(candidate), "town town-2 town-place").addTo(shown);
    }
  };
  map.on("moveend", place);
  place();
}

/** Whether a hand-made town is labelled at this zoom (basemap.ts). */
function townShown(town: Town, zoom: number): boolean {
  return town.rank === 1 || zoom >= TOWNS_RANK_2_FROM;
}
