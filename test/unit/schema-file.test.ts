import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { ROOT } from "../helpers/paths.js";
import { assertValidRunResult } from "../helpers/result-schema.js";

describe("schema/*.schema.json", () => {
  it("are what scripts/schemas.mjs generates from the code (run npm run schemas after a change)", async () => {
    const { SCHEMAS } = (await import(`${ROOT}scripts/schemas.mjs`)) as { SCHEMAS: Record<string, () => unknown> };
    for (const [name, make] of Object.entries(SCHEMAS)) {
      assert.deepEqual(JSON.parse(await readFile(`${ROOT}schema/${name}`, "utf8")), make(), `schema/${name} is stale`);
    }
  });
});

describe("schema/run-result.schema.json", () => {
  it("accepts the result fixture and refuses a result missing its verdict", async () => {
    const fixture = JSON.parse(await readFile(`${ROOT}test/fixtures/results/run-result.json`, "utf8"));
    assertValidRunResult(fixture);
    assertValidRunResult([fixture, fixture]);
    const { verdict: _verdict, ...broken } = fixture;
    assert.throws(() => assertValidRunResult(broken), /verdict/);
  });
});
