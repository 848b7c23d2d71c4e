// The JSON Schemas in schema/: scenario files from the validator's field table, run results from the RunResult type
// itself, so neither can drift from the code. Needs `npm run build` first (the scenario table is read from dist/).
import { createGenerator } from "ts-json-schema-generator";
import { scenarioJsonSchema } from "../dist/src/scenario/json-schema.js";

const root = new URL("../", import.meta.url);

export function runResultSchema() {
  const generated = createGenerator({
    path: new URL("src/results/types.ts", root).pathname,
    tsconfig: new URL("tsconfig.json", root).pathname,
    type: "RunResult",
    additionalProperties: false,
    skipTypeCheck: true,
  }).createSchema("RunResult");
  return {
    $schema: generated.$schema,
    $id: "https://edgebench.dev/schema/run-result.schema.json",
    title: "edgebench run result",
    description: "What `edgebench --reporter json` writes: one result, or an array of them when several scenarios ran.",
    anyOf: [{ $ref: "#/definitions/RunResult" }, { type: "array", items: { $ref: "#/definitions/RunResult" } }],
    definitions: generated.definitions,
  };
}

export const SCHEMAS = { "scenario.schema.json": scenarioJsonSchema, "run-result.schema.json": runResultSchema };
