// The console's generated API types match what the server serves now.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { GENERATED, generate, served } from "../scripts/api-types.mjs";

test("src/api.gen.ts is generated from the server's current OpenAPI document", async () => {
  const current = await generate(await served());
  assert.ok(
    readFileSync(GENERATED, "utf8") === current,
    "src/api.gen.ts is stale: run `npm run types` in web/ and commit the result",
  );
});
