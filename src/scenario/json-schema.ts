/** The JSON Schema of scenario files, generated from the same field table the validator uses. */
import { scenarioSpec } from "./schema.js";
import { toJsonSchema } from "./spec.js";

export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "edgebench scenario",
    ...toJsonSchema(scenarioSpec),
  };
}
