import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { renderHtml } from "../../src/reporters/html.js";
import { renderJson } from "../../src/reporters/json.js";
import { renderMarkdown } from "../../src/reporters/markdown.js";
import { renderTerminal } from "../../src/reporters/terminal.js";
import type { LatencySummary, RunResult } from "../../src/results/types.js";
import { openGeneratorSaturated } from "../../src/runners/load/open-totals.js";
import { assertValidRunResult } from "../helpers/result-schema.js";
import { FIXTURES } from "../helpers/paths.js";

const summary = (p50Us: number, p99Us: number): LatencySummary => ({
  count: 6000,
  minUs: 1,
  meanUs: p50Us,
  p50Us,
  p90Us: p99Us,
  p99Us,
  p999Us: p99Us * 2,
  maxUs: p99Us * 3,
});

/** The closed-model fixture turned into an open-model run at 3,000 req/s, with the open model's own figures. */
async function openFixture(): Promise<RunResult> {
  const result = JSON.parse(await readFile(`${FIXTURES}results/run-result.json`, "utf8")) as RunResult;
  const load = result.load!;
  load.settings = { ...load.settings, model: "open", rate: 3000, rateSource: "scenario" };
  for (const [index, topology] of load.deployments.entries()) {
    topology.serviceLatency = summary(410 + index, 1870 + index);
    topology.sendLateness = summary(0, 37 + index);
    topology.lateThresholdUs = 333;
    const roundFields = { late: 2, schedulerLate: 1, serviceLatency: summary(400, 1800), sendLateness: summary(0, 40) };
    for (const round of topology.rounds) Object.assign(round, roundFields);
  }
  return result;
}

describe("open-model figures in reports", () => {
  it("name service time, response time, the calibration and late in every format", async () => {
    const result = await openFixture();
    const terminal = renderTerminal(result, { color: false, width: 100 });
    assert.match(terminal, /service p99\s+service p99\.9\s+calibration \(p99 lateness\)\s+late/);
    assert.match(terminal, /edge\s+410µs\s+1\.87ms\s+3\.74ms\s+37µs\s+4 of \d+ \(> 333µs\)/);
    assert.match(terminal, /response time, from each request's planned send/);
    const markdown = renderMarkdown([result]);
    assert.match(markdown, /\| proxied \| 411µs \| 1\.87ms \| 3\.74ms \| 38µs \| 4 of \d+ \(> 333µs\) \|/);
    assert.match(markdown, /service time runs from the actual send/);
    const html = renderHtml([result]);
    assert.match(html, /<th>calibration \(p99 lateness\)<\/th>/);
    assert.match(html, /<td>37µs<\/td>/);
    const json = JSON.parse(renderJson(result)) as RunResult;
    assert.equal(json.load?.deployments[0]?.sendLateness?.p99Us, 37);
    assertValidRunResult(json);
  });

  it("leaves closed-model reports without them", async () => {
    const result = JSON.parse(await readFile(`${FIXTURES}results/run-result.json`, "utf8")) as RunResult;
    assert.doesNotMatch(renderTerminal(result, { color: false, width: 100 }), /calibration/);
  });

  it("calls the generator saturated when its own lateness is a noticeable part of the tail it measured", () => {
    const measured = summary(300, 2000);
    assert.equal(openGeneratorSaturated(measured, summary(0, 90), 0, 10_000), false, "under the 100 µs floor");
    assert.equal(openGeneratorSaturated(measured, summary(0, 150), 0, 10_000), false, "under a tenth of the p99");
    assert.equal(openGeneratorSaturated(measured, summary(0, 400), 0, 10_000), true);
    const freeButLate = openGeneratorSaturated(measured, summary(0, 50), 101, 10_000);
    assert.equal(freeButLate, true, "over 1 % late with a connection free");
  });
});
