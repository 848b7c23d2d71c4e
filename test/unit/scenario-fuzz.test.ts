/**
 * Seeded mutations of the bundled scenarios: every case is accepted or refused with a ScenarioError whose every
 * problem names file, line, column and (past the YAML syntax) a field; nothing else is ever thrown.
 * EDGEBENCH_FUZZ_SEED and EDGEBENCH_FUZZ_CASES reproduce or widen a run.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { seededRandom } from "../../src/results/stats.js";
import { formatIssue, ScenarioError } from "../../src/scenario/issues.js";
import { parseScenario } from "../../src/scenario/load.js";
import { mutate, pick } from "../helpers/mutate.js";
import { SCENARIOS } from "../helpers/paths.js";

const SEED = Number(process.env.EDGEBENCH_FUZZ_SEED ?? 20261125);
const CASES = Number(process.env.EDGEBENCH_FUZZ_CASES ?? 1200);
const BASES = ["default.yaml", "allowed-hosts-star.yaml", "xfh-spoofing.yaml", "appsettings.yaml"].map((name) => ({
  name,
  text: readFileSync(`${SCENARIOS}${name}`, "utf8"),
}));
describe("scenario fuzzing", () => {
  it(`refuses or accepts ${CASES} mutated scenarios cleanly (seed ${SEED})`, () => {
    const random = seededRandom(SEED);
    let refused = 0;
    for (let n = 0; n < CASES; n++) {
      const base = pick(random, BASES);
      const text = mutate(base.text, random);
      const file = `${SCENARIOS}${base.name}`;
      try {
        parseScenario(text, file);
      } catch (error) {
        if (!(error instanceof ScenarioError)) {
          assert.fail(`case ${n} (seed ${SEED}) threw ${(error as Error).stack}\n--- text ---\n${text}`);
        }
        refused++;
        assert.ok(error.issues.length > 0, `case ${n}: a ScenarioError with no issue`);
        for (const issue of error.issues) {
          assert.equal(issue.file, file, `case ${n}`);
          assert.ok(issue.line >= 1 && issue.column >= 1, `case ${n}: ${formatIssue(issue)}`);
          assert.match(formatIssue(issue), /^.+:\d+:\d+: .+: \S/s, `case ${n}`);
          assert.ok(issue.line <= text.split(/\r\n|\r|\n/).length + 1, `case ${n}: ${formatIssue(issue)}`);
        }
      }
    }
    assert.ok(refused > CASES / 4, `only ${refused} of ${CASES} mutations were refused: the mutations are too gentle`);
  });
});
