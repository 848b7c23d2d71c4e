import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { scenarioJsonSchema } from "../../src/scenario/json-schema.js";
import { ROOT } from "../helpers/paths.js";

describe("schema/scenario.schema.json", () => {
  it("is the schema generated from the validator's field table (run scripts/write-schemas.mjs after a change)", async () => {
    const committed = JSON.parse(await readFile(`${ROOT}schema/scenario.schema.json`, "utf8"));
    assert.deepEqual(committed, scenarioJsonSchema());
  });
});
