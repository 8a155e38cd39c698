// Builds the console into one directory the server embeds:
//
//   index.html                      the page (never cached: it names the rest)
//   assets/app-HASH.js, .css        the bundle and its styles (Leaflet's included)
//   assets/countries-50m-HASH.json  the basemap, Natural Earth via world-atlas
//   assets/ground-HASH.json         rivers, lakes and places (data/ground.json,
//                                   made by scripts/ground.py, never by the build)
//   assets/*-HASH.png               Leaflet's control images
//
// Every asset name carries a hash of its content, so it may be cached for
// good. The bundle is built without type-checking: the types of the API are
// generated from a server that embeds this bundle (`npm run types`), so the
// check is a test (`npm run check`, first in `npm test`), not a step that
// could stop the server being built. Usage: node build.mjs [--outdir DIR]
// (default: dist).

import { build } from "esbuild";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function outdir() {
  const at = process.argv.indexOf("--outdir");
  return resolve(at > 0 && process.argv[at + 1] ? process.argv[at + 1] : join(here, "dist"));
}

/** Copies a file into assets/ under a name with its content's hash. */
function hashedCopy(source, out, stem, extension) {
  const bytes = readFileSync(source);
  const hash = createHash("sha256").update(bytes).digest("hex").slice(0, 10);
  const name = `assets/${stem}-${hash}.${extension}`;
  writeFileSync(join(out, name), bytes);
  return `/${name}`;
}

async function bundle(out, basemapUrl, groundUrl) {
  const result = await build({
    absWorkingDir: here,
    entryPoints: { app: "src/main.ts", style: "src/styles/app.css" },
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    outdir: out,
    entryNames: "assets/[name]-[hash]",
    assetNames: "assets/[name]-[hash]",
    loader: { ".png": "file", ".svg": "file" },
    define: { BASEMAP_URL: JSON.stringify(basemapUrl), GROUND_URL: JSON.stringify(groundUrl) },
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
  });
  const outputs = Object.keys(result.metafile.outputs).map((p) => "/" + p.slice(p.indexOf("assets/")));
  const find = (prefix, ext) => {
    const found = outputs.find((p) => p.startsWith(`/assets/${prefix}-`) && p.endsWith(ext));
    if (!found) throw new Error(`esbuild wrote no ${prefix}*${ext}`);
    return found;
  };
  return { js: find("app", ".js"), css: find("style", ".css") };
}

async function main() {
  const out = outdir();
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, "assets"), { recursive: true });
  const basemapUrl = hashedCopy(
    require.resolve("world-atlas/countries-50m.json"),
    out,
    "countries-50m",
    "json",
  );
  const groundUrl = hashedCopy(join(here, "data/ground.json"), out, "ground", "json");
  const { js, css } = await bundle(out, basemapUrl, groundUrl);
  const page = readFileSync(join(here, "src/index.html"), "utf8")
    .replace("%APP_JS%", js)
    .replace("%APP_CSS%", css);
  writeFileSync(join(out, "index.html"), page);
  console.log(`console built into ${out}`);
}

main().catch((error) => {
  console.error(`console build failed: ${error.message}`);
  process.exit(1);
});
