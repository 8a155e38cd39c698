// The offline basemap: country borders from Natural Earth (world-atlas,
// public domain) drawn from the bundled TopoJSON, and the major towns.
// Nothing is fetched but the console's own asset.

import * as L from "leaflet";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import { TOWNS } from "./towns";

const LABEL_ALL_FROM_ZOOM = 7;

export async function addBasemap(map: L.Map): Promise<void> {
  const renderer = L.canvas({ padding: 0.5 });
  const response = await fetch(BASEMAP_URL);
  const topology = (await response.json()) as Topology<{ countries: GeometryCollection }>;
  // GeoJSON hands its options to the paths it makes; the types omit that.
  const options: L.GeoJSONOptions & L.PathOptions = {
    renderer,
    interactive: false,
    style: { color: "#4a4a4a", weight: 1.2, fillColor: "#f4f1e8", fillOpacity: 1 },
  };
  L.geoJSON(feature(topology, topology.objects.countries), options)
    .addTo(map)
    .bringToBack();
  addTowns(map, renderer);
}

function addTowns(map: L.Map, renderer: L.Renderer): void {
  const major = L.layerGroup();
  const minor = L.layerGroup();
  for (const town of TOWNS) {
    L.circleMarker([town.lat, town.lon], {
      renderer,
      radius: town.rank === 1 ? 4 : 3,
      color: "#1a1a1a",
      weight: 1,
      fillColor: "#ffffff",
      fillOpacity: 1,
      interactive: false,
    })
      .bindTooltip(town.name, { permanent: true, direction: "right", className: `town town-${town.rank}` })
      .addTo(town.rank === 1 ? major : minor);
  }
  major.addTo(map);
  const showMinor = (): void => {
    if (map.getZoom() >= LABEL_ALL_FROM_ZOOM) minor.addTo(map);
    else minor.remove();
  };
  map.on("zoomend", showMinor);
  showMinor();
}
