/** Every reporter on fixed result fixtures, compared with the stored snapshots (colour off, 80 columns). */
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { REPORTERS, REPORTER_NAMES, type ReporterName } from "../../src/reporters/index.js";
import { asRunResult } from "../../src/results/regression.js";
import type { RunResult } from "../../src/results/types.js";
import { FIXTURES } from "../helpers/paths.js";
import { assertSnapshot } from "../helpers/snapshot.js";

const EXTENSION: Record<ReporterName, string> = { terminal: "txt", json: "json", markdown: "md", junit: "xml", html: "html" };

async function fixture(name: string): Promise<RunResult> {
  return asRunResult(JSON.parse(await readFile(`${FIXTURES}results/${name}.json`, "utf8")), name, false);
}

describe("reporter snapshots", () => {
  for (const name of REPORTER_NAMES) {
    it(`${name}: a full run (load, overhead, probes with a failure)`, async () => {
      assertSnapshot(`run-result.${name}.${EXTENSION[name]}`, REPORTERS[name]([await fixture("run-result")], { color: false, width: 80 }));
    });
    it(`${name}: five deployments in one set of rounds, ratios to nginx, a column per deployment`, async () => {
      assertSnapshot(`deployments.${name}.${EXTENSION[name]}`, REPORTERS[name]([await fixture("deployments")], { color: false, width: 80 }));
    });
    it(`${name}: failures grouped by cause, with the change per place`, async () => {
      assertSnapshot(`causes.${name}.${EXTENSION[name]}`, REPORTERS[name]([await fixture("causes")], { color: false, width: 80 }));
    });
    it(`${name}: probes only, with a failed threshold`, async () => {
      assertSnapshot(`probe-only.${name}.${EXTENSION[name]}`, REPORTERS[name]([await fixture("probe-only")], { color: false, width: 80 }));
    });
  }
  it("terminal --verbose: every probe's row and every failure's explanation", async () => {
    assertSnapshot("causes.terminal-verbose.txt", REPORTERS.terminal([await fixture("causes")], { color: false, width: 80, verbose: true }));
  });
});
