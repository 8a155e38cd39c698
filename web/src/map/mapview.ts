// The map of the theatre: Leaflet over the deployment's own tiles, if it
// names any (`tiles.ts`), and the offline basemap, with a metric scale,
// the cursor's position in degrees and MGRS, the object layers and their
// legend.

import * as L from "leaflet";
import type { Api } from "../api";
import { t } from "../i18n";
import type { Store } from "../store";
import { addBasemap } from "./basemap";
import { cursorControl } from "./coords";
import { ObjectLayers } from "./layers";
import { legendControl } from "./legend";
import { addTiles } from "./tiles";

/** Iraq, where the demo's scenario is. */
const START: L.LatLngBoundsExpression = [
  [29.0, 38.8],
  [37.4, 48.6],
];

export interface MapView {
  map: L.Map;
  layers: ObjectLayers;
}

/** The zoom from which objects are labelled on the map (about 20 km across a screen). */
const LABEL_ZOOM = 9;

export function createMap(element: HTMLElement, store: Store, api: Api): MapView {
  const map = L.map(element, {
    zoomSnap: 0.5,
    minZoom: 2,
    maxZoom: 16,
    worldCopyJump: true,
    keyboard: true,
    attributionControl: true,
  });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(t("map.borders"));
  map.fitBounds(START);
  // Objects' labels at closer zooms only: at theatre zoom they would cover the map.
  const labels = (): void => {
    element.classList.toggle("labels-on", map.getZoom() >= LABEL_ZOOM);
  };
  map.on("zoomend", labels);
  labels();
  // The map's box changes with the timeline under it, not only the window.
  new ResizeObserver(() => map.invalidateSize()).observe(element);
  L.control.scale({ metric: true, imperial: false, maxWidth: 160 }).addTo(map);
  cursorControl().addTo(map);
  const layers = new ObjectLayers(map, store);
  legendControl(map, layers, store).addTo(map);
  // The controls first in the tab order (zoom, legend), then the shapes:
  // Leaflet puts its panes before them, so each shape came first.
  const controls = map.getContainer().querySelector(".leaflet-control-container");
  if (controls) map.getContainer().prepend(controls);
  // The deployment's imagery, if it has any, goes under the borders, which
  // are then drawn unfilled.
  addTiles(map, api)
    .catch((error: unknown) => {
      store.update({ error: t("map.tiles_failed", { reason: String(error) }) });
      return false;
    })
    .then((imagery) => addBasemap(map, imagery))
    .catch((error: unknown) => {
      store.update({ error: t("map.basemap_failed", { reason: String(error) }) });
    });
  return { map, layers };
}
