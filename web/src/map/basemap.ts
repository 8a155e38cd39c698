// The offline basemap: country borders from Natural Earth (world-atlas,
// public domain) drawn from the bundled TopoJSON, the rivers, lakes and
// places of ground.ts, and the major towns. Nothing is fetched but the
// console's own assets.

import * as L from "leaflet";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import { addGround, localName, silentLabel, TOWNS_RANK_2_FROM } from "./ground";
import { TOWNS } from "./towns";

/** Leaflet's overlay pane, where the parties' shapes are, stands at 400: the basemap goes under it. */
const BASEMAP_PANE_Z = "350";

/** `bordersOnly`: the countries unfilled, so as not to hide imagery under them. */
export async function addBasemap(map: L.Map, bordersOnly = false): Promise<void> {
  const pane = map.createPane("basemap");
  pane.style.zIndex = BASEMAP_PANE_Z;
  pane.style.pointerEvents = "none";
  // Two canvases, added in this order, so that the towns' dots stay on top
  // of the rivers shown and hidden as one zooms.
  const renderer = L.canvas({ pane: "basemap", padding: 0.5 }).addTo(map);
  const dots = L.canvas({ pane: "basemap", padding: 0.5 }).addTo(map);
  const response = await fetch(BASEMAP_URL);
  const topology = (await response.json()) as Topology<{ countries: GeometryCollection }>;
  // GeoJSON hands its options to the paths it makes; the types omit that.
  const options: L.GeoJSONOptions & L.PathOptions = {
    renderer,
    interactive: false,
    style: { color: "#4a4a4a", weight: 1.2, fillColor: "#f4f1e8", fillOpacity: bordersOnly ? 0 : 1 },
  };
  L.geoJSON(feature(topology, topology.objects.countries), options)
    .addTo(map)
    .bringToBack();
  addTowns(map, dots);
  await addGround(map, renderer, dots);
}

function addTowns(map: L.Map, renderer: L.Renderer): void {
  const major = L.layerGroup();
  const minor = L.layerGroup();
  for (const town of TOWNS) {
    const dot = L.circleMarker([town.lat, town.lon], {
      renderer,
      radius: town.rank === 1 ? 4 : 3,
      color: "#1a1a1a",
      weight: 1,
      fillColor: "#ffffff",
      fillOpacity: 1,
      interactive: false,
    });
    silentLabel(dot, localName(town), `town town-${town.rank}`).addTo(town.rank === 1 ? major : minor);
  }
  major.addTo(map);
  const showMinor = (): void => {
    if (map.getZoom() >= TOWNS_RANK_2_FROM) minor.addTo(map);
    else minor.remove();
  };
  map.on("zoomend", showMinor);
  showMinor();
}
