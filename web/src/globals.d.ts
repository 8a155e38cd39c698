/** The URL of the bundled basemap (world-atlas countries-50m), set by build.mjs. */
declare const BASEMAP_URL: string;
/** The URL of the bundled rivers, lakes and places (data/ground.json), set by build.mjs. */
declare const GROUND_URL: string;
