// The console's types of the API, generated from the OpenAPI document the
// server serves, so that the console and the server cannot drift apart:
// `npm run types` (with the debug binary built: `cargo build -p deconflict`)
// rewrites src/api.gen.ts; tests/types.test.mjs fails while it is stale.

import openapiTS, { astToString } from "openapi-typescript";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startDemo } from "../tests/harness.mjs";

export const GENERATED = fileURLToPath(new URL("../src/api.gen.ts", import.meta.url));

const HEADER = `// Generated from /v1/openapi.json by scripts/api-types.mjs (\`npm run types\`).
// Do not edit: change the server's types and regenerate.

`;

/** The TypeScript of `document`, an OpenAPI document as JSON. */
export async function generate(document) {
  const ast = await openapiTS(document, { alphabetize: true, defaultNonNullable: false });
  return HEADER + astToString(ast);
}

/** The document a demo server serves. */
export async function served() {
  const demo = await startDemo();
  try {
    const response = await fetch(new URL("/v1/openapi.json", demo.url));
    if (!response.ok) throw new Error(`GET /v1/openapi.json answered ${response.status}`);
    return await response.json();
  } finally {
    await demo.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(GENERATED, await generate(await served()));
  console.log(`wrote ${GENERATED}`);
}
