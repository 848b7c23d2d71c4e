/** Results of several deployments: overheads against edge, ratios to the reference proxy, version 1 files upgraded. */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { planDeployments } from "../../src/plan/deployments.js";
import { computeOverheads, computeRatios } from "../../src/results/compare.js";
import { asRunResult } from "../../src/results/regression.js";
import { evaluateThresholds, parseThreshold } from "../../src/results/thresholds.js";
import { checkThresholdDeployments } from "../../src/scenario/thresholds.js";
import type { DeploymentLoad } from "../../src/results/types.js";
import { parseScenario } from "../../src/scenario/load.js";
import { FIXTURES } from "../helpers/paths.js";
import { roundSample } from "../helpers/round-sample.js";

function deployment(name: string, rounds: Array<[number, number]>): DeploymentLoad {
  const samples = rounds.map(([p50, rps], i) => roundSample(i + 1, p50, rps));
  return {
    deployment: name,
    url: "",
    rounds: samples,
    latency: samples[0]!.latency,
    medianRps: 0,
    medianP50Us: 0,
    responses: 0,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    serverCounts: {},
    generatorSaturated: false,
  };
}

const run = [
  deployment("edge", [
    [100, 1000],
    [120, 900],
    [110, 1100],
  ]),
  deployment("proxied/builtin", [
    [300, 500],
    [330, 450],
    [320, 550],
  ]),
  deployment("proxied/nginx", [
    [200, 800],
    [220, 720],
    [210, 880],
  ]),
];

async function json(name: string): Promise<unknown> {
  return JSON.parse(await readFile(`${FIXTURES}results/${name}.json`, "utf8"));
}

describe("several deployments", () => {
  it("pairs every deployment with edge round by round", () => {
    const overheads = computeOverheads(run, "edge");
    assert.deepEqual(
      overheads.map((o) => [o.deployment, o.reference]),
      [
        ["proxied/builtin", "edge"],
        ["proxied/nginx", "edge"],
      ],
    );
    assert.deepEqual(overheads[0]!.figures.find((f) => f.metric === "p50")!.perRound, [200, 210, 210]);
    assert.deepEqual(overheads[1]!.figures.find((f) => f.metric === "rps")!.perRound, [0.8, 0.8, 0.8]);
    assert.deepEqual(computeOverheads(run, "nowhere"), []);
  });

  it("gives throughput and added p50 as ratios to the reference proxy in the same round", () => {
    const [ratio, ...rest] = computeRatios(run, "edge", ["proxied/builtin", "proxied/nginx"], "proxied/nginx");
    assert.equal(rest.length, 0, "the reference is not compared with itself");
    assert.equal(ratio!.deployment, "proxied/builtin");
    assert.deepEqual(ratio!.rps.perRound, [0.625, 0.625, 0.625]);
    // builtin adds 200, 210, 210 µs where nginx adds 100, 100, 100.
    assert.deepEqual(ratio!.addedP50.perRound, [2, 2.1, 2.1]);
    assert.equal(ratio!.addedP50.unit, "ratio");
    assert.equal(ratio!.addedP50.significant, true);
  });

  it("reads proxied thresholds as the first proxied deployment's figures", async () => {
    const result = asRunResult(await json("deployments"), "deployments");
    const [proxiedRps, overhead] = evaluateThresholds(
      [parseThreshold("proxied.rps > 1"), parseThreshold("overhead.p50 < 1s")],
      result,
    );
    assert.equal(
      proxiedRps!.actual,
      result.load!.deployments.find((d) => d.deployment === "proxied/builtin")!.medianRps,
    );
    assert.equal(
      overhead!.actual,
      result.load!.overheads.find((o) => o.deployment === "proxied/builtin")!.figures[0]!.median,
    );
  });

  it("reads a threshold on one named deployment as that deployment's figures", async () => {
    const result = asRunResult(await json("deployments"), "deployments");
    const [nginxP99, caddyOverhead, missing] = evaluateThresholds(
      ["proxied/nginx.p99 < 1s", "proxied/caddy.overhead.p50 < 1s", "proxied/yarp.rps > 1"].map(parseThreshold),
      result,
    );
    const load = (name: string) => result.load!.deployments.find((d) => d.deployment === name)!;
    assert.equal(nginxP99!.actual, load("proxied/nginx").latency.p99Us);
    const caddy = result.load!.overheads.find((o) => o.deployment === "proxied/caddy")!;
    assert.equal(caddyOverhead!.actual, caddy.figures.find((f) => f.metric === "p50")!.median);
    assert.deepEqual([missing!.actual, missing!.passed], [null, false]);
  });

  it("stops a run whose threshold names a deployment it does not have, before anything starts", () => {
    const scenario = parseScenario("apps: [{ name: a, allowedHosts: x.example }]\n", "t.yaml");
    const plan = planDeployments(scenario, { engines: ["builtin", "nginx"] }).map((d) => d.name);
    assert.doesNotThrow(() => checkThresholdDeployments([parseThreshold("proxied/nginx.p99 < 2ms")], plan));
    assert.throws(
      () => checkThresholdDeployments([parseThreshold("proxied/ngnix.p99 < 2ms")], plan),
      /no deployment proxied\/ngnix; it has edge, proxied\/builtin, proxied\/nginx \(did you mean proxied\/nginx\?\)/,
    );
  });

  it("holds five deployments that shared every round", async () => {
    const result = asRunResult(await json("deployments"), "deployments");
    assert.deepEqual(
      result.deployments.map((d) => d.name),
      ["edge", "proxied/builtin", "proxied/nginx", "proxied/haproxy", "proxied/caddy"],
    );
    for (const order of result.load!.order)
      assert.deepEqual([...order].sort(), result.deployments.map((d) => d.name).sort());
    assert.equal(result.referenceProxy, "proxied/nginx");
  });

  it("upgrades a version 1 result to what version 2 says of the same run", async () => {
    const upgraded = asRunResult(await json("run-result-v1"), "run-result-v1");
    assert.deepEqual(upgraded, asRunResult(await json("run-result"), "run-result"));
    assert.equal(upgraded.schemaVersion, 2);
    assert.deepEqual(
      upgraded.deployments.map((d) => d.name),
      ["edge", "proxied/builtin"],
    );
    assert.deepEqual(
      upgraded.load!.overheads.map((o) => o.deployment),
      ["proxied/builtin"],
    );
    assert.ok(upgraded.probes!.results.every((r) => ["edge", "proxied/builtin"].includes(r.deployment)));
    assert.throws(
      () => asRunResult({ schemaVersion: 3 }, "future.json"),
      /future\.json: schemaVersion 3, this edgebench reads 1 and 2/,
    );
  });
});
