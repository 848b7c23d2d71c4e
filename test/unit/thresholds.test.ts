import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { evaluateThresholds, parseThreshold, ThresholdError } from "../../src/results/thresholds.js";
import { parseThresholdNaming } from "../../src/scenario/thresholds.js";
import type { RunResult } from "../../src/results/types.js";
import { parseScenario } from "../../src/scenario/load.js";
import { ScenarioError } from "../../src/scenario/issues.js";
import { FIXTURES } from "../helpers/paths.js";

describe("thresholds", () => {
  it("parse metrics, operators and units into µs, req/s, ratios and counts", () => {
    assert.deepEqual(parseThreshold("overhead.p99 < 2ms"), {
      expression: "overhead.p99 < 2ms",
      metric: "overhead.p99",
      operator: "<",
      value: 2000,
    });
    assert.equal(parseThreshold("edge.p50<=250us").value, 250);
    assert.equal(parseThreshold("proxied.p999 < 1.5s").value, 1_500_000);
    assert.equal(parseThreshold("proxied.p90 < 3").value, 3000, "latency without a unit is ms");
    assert.equal(parseThreshold("proxied.rps > 10k").value, 10_000);
    assert.equal(parseThreshold("overhead.rps >= 60%").value, 0.6);
    assert.equal(parseThreshold("probes.failed == 0").operator, "==");
  });

  it("name one proxied deployment of a run before a proxied or overhead metric", () => {
    assert.equal(parseThreshold("proxied/nginx.p99 < 2ms").value, 2000);
    assert.equal(parseThreshold("proxied/nginx/typical/h2.rps > 5k").value, 5000);
    assert.equal(parseThreshold("proxied/caddy.overhead.rps >= 40%").value, 0.4);
    assert.throws(() => parseThreshold("proxied/nginx.p98 < 2ms"), /unknown metric 'proxied\/nginx\.p98'/);
    assert.throws(() => parseThreshold("edge/nginx.p99 < 2ms"), /proxied\/nginx\.overhead\.p99/);
    assert.throws(() => parseThreshold("proxied/nginx.overhead.max < 2ms"), /unknown metric/);
    // A name without proxied/ is a deployment only when it is running (--deployment NAME=URL); else a typo.
    assert.throws(() => parseThreshold("edg.p99 < 2ms"), /unknown metric 'edg\.p99'/);
    assert.throws(() => parseThreshold("nginx.p99 < 2ms"), /with --deployment nginx=URL, nginx\.p99/);
    assert.equal(parseThresholdNaming("nginx.p99 < 2ms", ["edge", "nginx"]).value, 2000);
    assert.equal(parseThresholdNaming("nginx.overhead.rps > 50%", ["edge", "nginx"]).value, 0.5);
  });

  it("refuse what they cannot read, saying what was expected", () => {
    assert.throws(() => parseThreshold("overhead.p99"), ThresholdError);
    assert.throws(() => parseThreshold("overhead.p98 < 2ms"), /unknown metric 'overhead\.p98'/);
    assert.throws(() => parseThreshold("overhead.p99 < 2 parsecs"), /time unit/);
    assert.throws(() => parseThreshold("probes.failed == 0ms"), /takes no unit/);
  });

  it("evaluate on a result, failing a metric the run did not measure", async () => {
    const result = JSON.parse(await readFile(`${FIXTURES}results/run-result.json`, "utf8")) as RunResult;
    const evaluated = evaluateThresholds(
      ["overhead.p50 < 1ms", "overhead.p50 < 900us", "edge.rps > 16k", "probes.failed == 0", "overhead.rps >= 40%"].map(
        parseThreshold,
      ),
      result,
    );
    assert.deepEqual(
      evaluated.map((t) => [t.expression, t.actual, t.passed]),
      [
        ["overhead.p50 < 1ms", 909, true],
        ["overhead.p50 < 900us", 909, false],
        ["edge.rps > 16k", 16174.2, true],
        ["probes.failed == 0", 1, false],
        ["overhead.rps >= 40%", 0.41, true],
      ],
    );
    const unmeasured = evaluateThresholds([parseThreshold("proxied.p99 < 1s")], { ...result, load: null });
    assert.deepEqual([unmeasured[0]?.actual, unmeasured[0]?.passed], [null, false]);
  });

  it("are read from scenarios, a bad one reported at its line", () => {
    const scenario = parseScenario(
      "apps: [{ name: a, allowedHosts: x.example }]\nthresholds: ['overhead.p99 < 2ms']\n",
      "t.yaml",
    );
    assert.equal(scenario.thresholds[0]?.value, 2000);
    assert.throws(
      () =>
        parseScenario(
          "apps: [{ name: a, allowedHosts: x.example }]\nthresholds:\n  - 'overhead.p99 < 2ms'\n  - 'latency < 1'\n",
          "t.yaml",
        ),
      (error: unknown) =>
        error instanceof ScenarioError &&
        error.issues[0]!.path === "thresholds[1]" &&
        error.issues[0]!.line === 4 &&
        /unknown metric/.test(error.issues[0]!.message),
    );
  });
});
