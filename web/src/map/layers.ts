// The objects on the map, one layer group per kind of thing the legend
// names: own declarations, public sites, the other parties' declarations and
// activities (only the coordinator sees them), own activities, conflict
// areas (coarse boxes), live tracks, incidents, and the coarse areas of the
// attacks the party was alerted to. Clicking one selects it.

import * as L from "leaflet";
import type { Geometry as GeoJsonGeometry } from "geojson";
import { period, utc } from "../format";
import { t, term } from "../i18n";
import { symbolMarker } from "./symbols";
import {
  type ConsoleState,
  type Selection,
  type Store,
  isOwn,
  sameSelection,
  visibleActivities,
  visibleConflicts,
  visibleDeclarations,
} from "../store";
import type { Area, Geometry } from "../types";

type LayerKey =
  | "own"
  | "public"
  | "others"
  | "ownActivities"
  | "otherActivities"
  | "conflicts"
  | "tracks"
  | "incidents"
  | "attacks";

interface LayerInfo {
  key: LayerKey;
  colour: string;
  /** Shown in the legend only to the coordinator. */
  coordinatorOnly?: boolean;
}

export const LAYERS: readonly LayerInfo[] = [
  { key: "own", colour: "#0b4f9c" },
  { key: "public", colour: "#0b6e2f" },
  { key: "others", colour: "#6b2c91", coordinatorOnly: true },
  { key: "ownActivities", colour: "#b34700" },
  { key: "otherActivities", colour: "#7a4b00", coordinatorOnly: true },
  { key: "conflicts", colour: "#c8102e" },
  { key: "tracks", colour: "#111111" },
  { key: "incidents", colour: "#a0006e" },
  { key: "attacks", colour: "#e00000" },
];

interface Drawn {
  layer: L.Layer;
  selection: Selection | null;
}

export class ObjectLayers {
  readonly groups: Record<LayerKey, L.FeatureGroup>;
  private drawn: Drawn[] = [];
  private shown: unknown[] = [];
  /** The object marked from the timeline, if any. */
  private marked: Selection | null = null;

  constructor(
    private readonly map: L.Map,
    private readonly store: Store,
  ) {
    this.groups = Object.fromEntries(LAYERS.map((l) => [l.key, L.featureGroup().addTo(map)])) as Record<
      LayerKey,
      L.FeatureGroup
    >;
    store.subscribe((state) => this.render(state));
  }

  /** Counts of what each layer holds now, for the legend. */
  counts(): Record<LayerKey, number> {
    return Object.fromEntries(LAYERS.map((l) => [l.key, this.groups[l.key].getLayers().length])) as Record<
      LayerKey,
      number
    >;
  }

  /** Pans and zooms to a selected object, if it is on the map. */
  focus(selection: Selection): void {
    const found = this.drawn.find((d) => sameSelection(d.selection, selection));
    if (!found) return;
    const layer = found.layer;
    const bounds = layer instanceof L.FeatureGroup || layer instanceof L.Path ? boundsOf(layer) : null;
    if (bounds?.isValid()) this.map.fitBounds(bounds, { maxZoom: 11, padding: [40, 40] });
  }

  /**
   * Marks the shapes of one object (the timeline's bar under the pointer),
   * or, with `null`, draws every shape as it was.
   */
  highlight(selection: Selection | null): void {
    this.marked = selection;
    if (selection === null) {
      this.shown = [];
      this.render(this.store.state);
      return;
    }
    for (const d of this.drawn) {
      if (sameSelection(d.selection, selection)) emphasise(d.layer);
    }
  }

  /** Pans and zooms to a coarse area. */
  focusArea(area: Area): void {
    const [west, south, east, north] = area.bbox;
    this.map.fitBounds(
      [
        [south, west],
        [north, east],
      ],
      { maxZoom: 11, padding: [40, 40] },
    );
  }

  private render(state: ConsoleState): void {
    const inputs = [state.view, state.asOf, state.aheadHours, state.selected, state.identity, state.incidents, state.standing];
    if (inputs.every((x, i) => x === this.shown[i])) return;
    this.shown = inputs;
    for (const group of Object.values(this.groups)) group.clearLayers();
    this.drawn = [];
    const coordinator = state.identity.coordinator;
    for (const d of visibleDeclarations(state)) {
      const key: LayerKey = isOwn(state, d.owner) ? "own" : d.visibility === "public" ? "public" : "others";
      if (key === "others" && !coordinator) continue;
      const standing = (["unconfirmed", "disputed"] as const).filter((s) => (s === "unconfirmed" ? d.unconfirmed_since : d.disputed));
      const tip = [d.label, term("kind", d.kind), key === "own" ? null : d.owner, ...standing.map((s) => t(`map.${s}`))]
        .filter(Boolean)
        .join(" · ");
      // An unconfirmed or disputed site is drawn dashed, and says so.
      const className = standing.map((s) => `site-${s}`).join(" ") || undefined;
      const drawn = shape(d.geometry, d.buffer_m, colourOf(key), standing.length > 0, className);
      // A point site or unit also as the symbol its party's TAK devices show.
      const [lon, lat] = d.geometry.type === "Point" ? (d.geometry.coordinates as number[]) : [];
      if (lat !== undefined && lon !== undefined) drawn.addLayer(symbolMarker([lat, lon], key === "own", d.kind, d.label));
      this.add(key, drawn, tip, { type: "declaration", id: d.id }, state);
      labelled(drawn, d.label);
      if (d.track) {
        const { lat, lon, stale, stale_buffer_m: reach } = d.track;
        const marker = L.featureGroup([
          L.circleMarker([lat, lon], {
            className: stale ? "track track-stale" : "track",
            radius: 7,
            color: stale ? "#555555" : "#111111",
            weight: 2,
            dashArray: stale ? "3 3" : undefined,
            fillColor: stale ? "#ffffff" : "#111111",
            fillOpacity: 1,
          }),
        ]);
        if (stale && reach) {
          marker.addLayer(
            L.circle([lat, lon], { className: "track-reach", radius: reach, color: "#555555", weight: 1.5, dashArray: "3 5", fill: false }),
          );
        }
        const tip = t(stale ? "map.track_stale" : "map.track", { label: d.label, time: utc(d.track.time) });
        this.add("tracks", marker, tip, { type: "declaration", id: d.id }, state);
      }
    }
    for (const a of visibleActivities(state)) {
      const key: LayerKey = isOwn(state, a.owner) ? "ownActivities" : "otherActivities";
      if (key === "otherActivities" && !coordinator) continue;
      const tip = [a.label, term("kind", a.kind), term("activity_state", a.state), key === "ownActivities" ? null : a.owner]
        .filter(Boolean)
        .join(" · ");
      const drawn = shape(a.geometry, a.buffer_m, colourOf(key), true);
      this.add(key, drawn, tip, { type: "activity", id: a.id }, state);
      labelled(drawn, a.label);
    }
    for (const c of visibleConflicts(state)) {
      if (!c.overlap) continue;
      const open = c.state === "open";
      const area = L.geoJSON(c.overlap.area.geometry as GeoJsonGeometry, {
        style: {
          color: colourOf("conflicts"),
          weight: open ? 3 : 1.5,
          dashArray: "8 4",
          fillColor: colourOf("conflicts"),
          fillOpacity: open ? 0.18 : 0.06,
        },
      });
      const sides = c.sides.map((s) => (s.kind ? term("kind", s.kind) : t("map.undisclosed"))).join(" × ");
      const tip = t("map.conflict", { id: c.id, state: term("conflict_state", c.state), sides });
      this.add("conflicts", area, tip, { type: "conflict", id: c.id }, state);
    }
    for (const i of state.incidents) {
      const shapeOf = shape(i.place, i.precision_m, colourOf("incidents"), true);
      const tip = t("map.incident", {
        kind: term("incident_kind", i.kind),
        status: term("incident_status", i.status),
        reported_by: i.reported_by,
      });
      this.add("incidents", shapeOf, tip, { type: "incident", id: i.id }, state);
    }
    // The alerts that stand now: not part of a past picture.
    if (state.asOf !== null) return;
    for (const { alert, state: acknowledged } of state.standing.alerts) {
      if (acknowledged !== "new" || !("attack" in alert)) continue;
      const { from, to, area } = alert.attack;
      const box = L.geoJSON(area.geometry as GeoJsonGeometry, {
        style: { className: "attack-area", color: colourOf("attacks"), weight: 4, fillColor: colourOf("attacks"), fillOpacity: 0.25 },
      });
      this.add("attacks", box, t("map.attack", { period: period(from, to) }), null, state);
    }
  }

  private add(
    key: LayerKey,
    layer: L.FeatureGroup | L.Path,
    tip: string,
    selection: Selection | null,
    state: ConsoleState,
  ) {
    // The mark stays on through a redraw: the pointer is still on its bar.
    if (sameSelection(selection, state.selected) || sameSelection(selection, this.marked)) emphasise(layer);
    layer.bindTooltip(tip, { sticky: true });
    if (selection) layer.on("click", () => this.store.update({ selected: selection }));
    named(layer, tip, selection !== null);
    layer.addTo(this.groups[key]);
    this.drawn.push({ layer, selection });
  }
}

/**
 * Gives each shape of `layer` its tooltip as its accessible name, whenever
 * Leaflet draws it (a layer toggled off and on is drawn anew): a button if
 * clicking it selects something, else an image.
 */
function named(layer: L.Layer, name: string, clickable: boolean): void {
  if (layer instanceof L.LayerGroup) {
    layer.eachLayer((part) => named(part, name, clickable));
    return;
  }
  const label = (): void => {
    const element = (layer as L.Path | L.Marker).getElement?.();
    if (!element) return;
    element.setAttribute("aria-label", name);
    element.setAttribute("role", clickable ? "button" : "img");
  };
  layer.on("add", label);
}

/**
 * Writes `label` beside a drawn object, shown only at closer zooms (see
 * `LABEL_ZOOM` in mapview.ts). Its shapes already carry the name, so the
 * label is hidden from screen readers and takes no clicks.
 */
function labelled(drawn: L.FeatureGroup, label: string): void {
  const bounds = drawn.getBounds();
  if (!bounds.isValid()) return;
  const text = document.createElement("span");
  text.setAttribute("aria-hidden", "true");
  text.textContent = label;
  // No size: the label is as wide as its text (Leaflet would fix 12 px).
  const icon = L.divIcon({ className: "object-label", html: text, iconSize: null as unknown as L.PointExpression, iconAnchor: [-8, 8] });
  drawn.addLayer(L.marker(bounds.getCenter(), { icon, interactive: false, keyboard: false }));
}

function colourOf(key: LayerKey): string {
  return LAYERS.find((l) => l.key === key)?.colour ?? "#000000";
}

/** A geometry with its buffer: a point as a circle of the buffer's radius. */
function shape(geometry: Geometry, buffer_m: number, colour: string, dashed: boolean, className?: string): L.FeatureGroup {
  const style: L.PathOptions = {
    className,
    color: colour,
    weight: 2.5,
    dashArray: dashed ? "6 4" : undefined,
    fillColor: colour,
    fillOpacity: 0.15,
  };
  return L.geoJSON(geometry as GeoJsonGeometry, {
    style: geometry.type === "LineString" ? { ...style, weight: 4 } : style,
    // The buffer in metres, and a dot that stays visible at theatre zoom.
    pointToLayer: (_feature, latlng) => {
      const dot = L.circleMarker(latlng, { ...style, dashArray: undefined, radius: 5, fillOpacity: 0.8 });
      return buffer_m > 0 ? L.featureGroup([L.circle(latlng, { ...style, radius: buffer_m }), dot]) : dot;
    },
  });
}

function emphasise(layer: L.Layer): void {
  if (layer instanceof L.Path) layer.setStyle({ weight: 5, fillOpacity: 0.35 });
  else if (layer instanceof L.LayerGroup) layer.eachLayer(emphasise);
}

function boundsOf(layer: L.FeatureGroup | L.Path): L.LatLngBounds | null {
  if (layer instanceof L.FeatureGroup) return layer.getBounds();
  if (layer instanceof L.CircleMarker) return L.latLngBounds([layer.getLatLng()]);
  if (layer instanceof L.Polyline) return layer.getBounds();
  return null;
}
