// The deployment's own ground under the console's shapes: the tile source
// `GET /v1/map` names, if any. The service's own tiles need the bearer
// token, which the requests of Leaflet's <img> tiles cannot carry: each is
// fetched through the Api and shown as an object URL, revoked once the tile
// leaves the map. An external server's tiles load as they are; the page's
// Content-Security-Policy lets images come from its origin alone.

import * as L from "leaflet";
import type { Api } from "../api";
import type { MapTiles } from "../types";

/** Adds the deployment's tiles under everything; resolves whether it has any. */
export async function addTiles(map: L.Map, api: Api): Promise<boolean> {
  const { tiles } = await api.map();
  if (!tiles) return false;
  const options = layerOptions(tiles);
  const layer = tiles.url.startsWith("/") ? new AuthorisedTiles(tiles.url, options, api) : L.tileLayer(tiles.url, options);
  layer.addTo(map).bringToBack();
  return true;
}

function layerOptions(tiles: MapTiles): L.TileLayerOptions {
  const options: L.TileLayerOptions = {
    // Below the source's zoom levels nothing is drawn: scaling its tiles
    // down would ask for thousands of them.
    minZoom: tiles.min_zoom,
    minNativeZoom: tiles.min_zoom,
    maxNativeZoom: tiles.max_zoom,
    // Leaflet writes attributions as HTML; this one is the operator's text.
    attribution: escapeHtml(tiles.attribution ?? ""),
  };
  if (tiles.bounds) {
    const [west, south, east, north] = tiles.bounds;
    options.bounds = L.latLngBounds([south, west], [north, east]);
  }
  return options;
}

function escapeHtml(text: string): string {
  const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  return text.replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

/** A tile being fetched or shown: how to stop its fetch, and its object URL once made. */
interface Loading {
  controller: AbortController;
  url?: string;
}

/** The service's own tiles, fetched with the bearer token. */
class AuthorisedTiles extends L.TileLayer {
  private readonly loading = new WeakMap<HTMLElement, Loading>();

  constructor(
    template: string,
    options: L.TileLayerOptions,
    private readonly api: Api,
  ) {
    super(template, options);
    // A tile taken off the map, or abandoned at a zoom change before it loaded.
    const release = (event: L.TileEvent): void => this.release(event.tile);
    this.on("tileunload", release);
    this.on("tileabort", release);
  }

  override createTile(coords: L.Coords, done: L.DoneCallback): HTMLElement {
    const tile = document.createElement("img");
    tile.alt = "";
    tile.setAttribute("role", "presentation");
    const loading: Loading = { controller: new AbortController() };
    this.loading.set(tile, loading);
    tile.onload = () => done(undefined, tile);
    tile.onerror = () => done(new Error("the tile could not be shown"), tile);
    this.api
      .image(this.getTileUrl(coords), loading.controller.signal)
      .then((blob) => {
        if (loading.controller.signal.aborted) return;
        loading.url = URL.createObjectURL(blob);
        tile.src = loading.url;
      })
      .catch((error: unknown) => {
        if (!loading.controller.signal.aborted) done(error instanceof Error ? error : new Error(String(error)), tile);
      });
    return tile;
  }

  private release(tile: HTMLElement): void {
    const loading = this.loading.get(tile);
    if (!loading) return;
    this.loading.delete(tile);
    loading.controller.abort();
    if (loading.url) URL.revokeObjectURL(loading.url);
  }
}
