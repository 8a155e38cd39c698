/** The URL of the bundled basemap (world-atlas countries-50m), set by build.mjs. */
declare const BASEMAP_URL: string;
