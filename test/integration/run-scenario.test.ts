/** The whole job on real topologies with a little load: counts and verdicts, never durations or rates. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runScenario } from "../../src/run.js";
import type { RunEvent } from "../../src/runners/events.js";
import { loadScenario } from "../../src/scenario/load.js";
import { isListening } from "../helpers/ports.js";
import { FIXTURES, SCENARIOS } from "../helpers/paths.js";

function entryPorts(events: RunEvent[]): number[] {
  const started = events.find((e): e is Extract<RunEvent, { type: "started" }> => e.type === "started");
  return started ? started.entries.map((e) => Number(new URL(e.url).port)) : [];
}

describe("runScenario", () => {
  it("runs load and probes on edge and proxied, pairs the rounds and stops every server", async () => {
    const scenario = await loadScenario(`${FIXTURES}scenarios/valid-tiny-load.yaml`);
    const events: RunEvent[] = [];
    const result = await runScenario(scenario, { onEvent: (e) => events.push(e) });
    assert.equal(result.schemaVersion, 2);
    assert.deepEqual(result.deployments.map((d) => d.name), ["edge", "proxied/builtin"]);
    assert.equal(result.interrupted, false);
    assert.equal(result.probes?.failed, 0, result.verdict.failures.join("\n"));
    assert.ok((result.probes?.passed ?? 0) >= 50);
    const load = result.load!;
    assert.deepEqual(load.deployments.map((t) => t.deployment).sort(), ["edge", "proxied/builtin"]);
    for (const topology of load.deployments) {
      assert.equal(topology.rounds.length, 2);
      assert.ok(topology.responses > 0);
      assert.equal(topology.non2xx, 0);
      assert.equal(topology.latency.count, topology.rounds.reduce((sum, r) => sum + r.ok2xx, 0));
      assert.ok(topology.rounds.every((r) => r.generatorUtilization > 0 && r.generatorUtilization <= 1));
      assert.equal(topology.generatorSaturated, result.warnings.some((w) => w.includes(`while loading ${topology.deployment}`)));
    }
    const proxied = load.deployments.find((t) => t.deployment === "proxied/builtin")!;
    // Every 2xx the client counted passed through the proxy and was answered by the app.
    assert.ok((proxied.serverCounts.proxy?.["200"] ?? 0) >= proxied.rounds.reduce((s, r) => s + r.ok2xx, 0));
    assert.deepEqual(load.overheads.map((o) => [o.deployment, o.reference]), [["proxied/builtin", "edge"]]);
    assert.equal(load.overheads[0]?.figures.find((o) => o.metric === "p50")?.perRound.length, 2);
    assert.deepEqual(load.ratios, []);
    assert.equal(load.order.length, 2);
    assert.equal(result.verdict.passed, true);
    for (const port of entryPorts(events)) assert.equal(await isListening(port), false, `port ${port} still listening`);
  });

  it("runs the open model at a planned rate: the planned number of requests, each answered", async () => {
    const scenario = await loadScenario(`${FIXTURES}scenarios/valid-tiny-load.yaml`);
    const result = await runScenario({ ...scenario, load: { ...scenario.load, model: "open", rate: 200, durationMs: 300 } }, { probes: false });
    const load = result.load!;
    assert.deepEqual([load.settings.model, load.settings.rate, load.settings.rateSource], ["open", 200, "scenario"]);
    for (const topology of load.deployments) {
      for (const round of topology.rounds) {
        assert.equal(round.requests, 60);
        assert.equal(round.ok2xx, 60);
        assert.equal(typeof round.late, "number");
        assert.equal(round.sendLateness?.count, 60);
        assert.equal(round.serviceLatency?.count, 60);
      }
      assert.equal(topology.sendLateness?.count, topology.rounds.length * 60);
      assert.equal(topology.lateThresholdUs, 5000);
    }
  });

  it("finds the rate itself from the slower topology's capacity when none is given", async () => {
    const scenario = await loadScenario(`${FIXTURES}scenarios/valid-tiny-load.yaml`);
    const result = await runScenario({ ...scenario, load: { ...scenario.load, model: "open", rate: null, rateFraction: 0.1, rounds: 1, durationMs: 200 } }, { probes: false });
    const settings = result.load!.settings;
    assert.equal(settings.rateSource, "auto");
    assert.ok(settings.rate !== null && settings.rate >= 1);
    for (const topology of result.load!.deployments) assert.equal(topology.rounds[0]!.requests, Math.floor((settings.rate! * 200) / 1000));
  });

  it("fails the bundled AllowedHosts '*' scenario on forged hosts", async () => {
    const scenario = await loadScenario(`${SCENARIOS}allowed-hosts-star.yaml`);
    const result = await runScenario(scenario, { load: false });
    assert.equal(result.load, null);
    assert.equal(result.verdict.passed, false);
    const failed = new Set(result.probes!.results.filter((r) => !r.pass).map((r) => `${r.probe}@${r.deployment}`));
    for (const expected of ["arbitrary-host@edge", "arbitrary-host@proxied/builtin", "wildcard-apex@edge", "connection-state-reuse@edge"]) {
      assert.ok(failed.has(expected), expected);
    }
    const arbitrary = result.probes!.results.find((r) => r.probe === "arbitrary-host" && r.deployment === "edge")!;
    assert.equal(arbitrary.observed[0]?.app?.host, "evil.example");
  });

  it("fails the bundled X-Forwarded-Host spoofing scenario where the app believes a forged host", async () => {
    const scenario = await loadScenario(`${SCENARIOS}xfh-spoofing.yaml`);
    const result = await runScenario(scenario, { load: false });
    const xfh = result.probes!.results.filter((r) => r.probe === "xfh-override");
    assert.deepEqual(
      xfh.map((r) => [r.deployment, r.via, r.pass]),
      [
        ["edge", "entry", false],
        ["proxied/builtin", "entry", false],
        ["proxied/builtin", "bypass", false],
      ],
    );
    assert.match(xfh[0]!.explanation, /believed the forged host 'evil\.example'/);
  });

  it("passes the bundled default scenario's probes", async () => {
    const result = await runScenario(await loadScenario(`${SCENARIOS}default.yaml`), { load: false });
    assert.equal(result.verdict.passed, true, result.verdict.failures.join("\n"));
  });

  it("stops when aborted, keeps what was measured and closes every server", async () => {
    const scenario = await loadScenario(`${FIXTURES}scenarios/valid-tiny-load.yaml`);
    const controller = new AbortController();
    const events: RunEvent[] = [];
    const result = await runScenario(
      { ...scenario, load: { ...scenario.load, rounds: 50 } },
      {
        signal: controller.signal,
        probes: false,
        onEvent: (event) => {
          events.push(event);
          if (event.type === "round-done" && event.round === 1) controller.abort();
        },
      },
    );
    assert.equal(result.interrupted, true);
    const measured = result.load!.deployments.reduce((sum, t) => sum + t.rounds.length, 0);
    assert.ok(measured >= 1 && measured < 100);
    for (const port of entryPorts(events)) assert.equal(await isListening(port), false);
  });
});
