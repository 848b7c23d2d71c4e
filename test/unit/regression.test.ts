import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { asRunResult, compareRuns, CompareError } from "../../src/results/regression.js";
import type { RunResult } from "../../src/results/types.js";
import { renderComparison } from "../../src/reporters/comparison.js";
import { FIXTURES } from "../helpers/paths.js";

async function fixture(): Promise<RunResult> {
  return JSON.parse(await readFile(`${FIXTURES}results/run-result.json`, "utf8")) as RunResult;
}

function slower(result: RunResult, factor: number): RunResult {
  const copy = structuredClone(result);
  for (const topology of copy.load!.deployments) {
    for (const round of topology.rounds) {
      round.latency = { ...round.latency, p50Us: round.latency.p50Us * factor, p90Us: round.latency.p90Us * factor, p99Us: round.latency.p99Us * factor };
      round.rps /= factor;
    }
  }
  return copy;
}

describe("compare", () => {
  it("finds no regression between a run and itself", async () => {
    const run = await fixture();
    const comparison = compareRuns(run, run);
    assert.equal(comparison.regressions.length, 0);
    assert.ok(comparison.rows.every((row) => row.change === 0));
    assert.match(renderComparison(comparison, { color: false }), /PASS/);
  });

  it("flags latency that grew and throughput that fell beyond the tolerance", async () => {
    const run = await fixture();
    const comparison = compareRuns(run, slower(run, 1.5), 0.1);
    const flagged = comparison.rows.filter((row) => row.regression).map((row) => `${row.deployment} ${row.metric}`);
    assert.deepEqual(flagged.sort(), ["edge p50", "edge p90", "edge p99", "edge rps", "proxied/builtin p50", "proxied/builtin p90", "proxied/builtin p99", "proxied/builtin rps"]);
    assert.match(renderComparison(comparison, { color: false }), /FAIL · 8 regressions/);
  });

  it("does not call a change within the tolerance a regression", async () => {
    const run = await fixture();
    assert.equal(compareRuns(run, slower(run, 1.05), 0.1).regressions.length, 0);
  });

  it("refuses what is not a comparable run", async () => {
    const run = await fixture();
    assert.throws(() => asRunResult({ hello: 1 }, "x.json"), CompareError);
    assert.throws(() => asRunResult({ ...run, schemaVersion: 99 }, "x.json"), /schemaVersion 99/);
    assert.throws(() => asRunResult({ ...run, load: null }, "x.json"), /no load results/);
  });
});
