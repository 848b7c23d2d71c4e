/** Validates a run result against the committed schema/run-result.schema.json (what users' tools validate with). */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { ROOT } from "./paths.js";

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(JSON.parse(readFileSync(`${ROOT}schema/run-result.schema.json`, "utf8")));

export function assertValidRunResult(report: unknown): void {
  assert.ok(
    validate(report),
    `not valid against schema/run-result.schema.json:\n${ajv.errorsText(validate.errors, { separator: "\n" })}`,
  );
}
