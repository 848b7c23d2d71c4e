/**
 * The scenario on Artillery, end to end: `export --to artillery` aimed at a real edge app and the builtin proxy in
 * front of it, Artillery run for a few seconds against them, `import` of its JSON report, paired overhead checked.
 * Artillery is not a dependency of edgebench: .ci/run installs it into .cache/artillery (EDGEBENCH_ARTILLERY points
 * elsewhere); without it the test is skipped, saying so.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadScenario } from "../../src/scenario/load.js";
import { startTopology, type Topology } from "../../src/topology/start.js";
import type { RunResult } from "../../src/results/types.js";
import { ROOT, SCENARIOS } from "../helpers/paths.js";
import { edgebench, execFileAsync } from "../helpers/edgebench-cli.js";
import { assertValidRunResult } from "../helpers/result-schema.js";

const ARTILLERY = process.env.EDGEBENCH_ARTILLERY ?? join(ROOT, ".cache/artillery/node_modules/.bin/artillery");
const MISSING = existsSync(ARTILLERY)
  ? false
  : `Artillery is not installed at ${ARTILLERY}: npm install --prefix .cache/artillery --ignore-scripts artillery@2.0.21 (as .ci/run does)`;


describe("export to Artillery, run against loopback, import", { skip: MISSING }, () => {
  let folder: string;
  let topology: Topology;
  const scenarioFile = join(SCENARIOS, "default.yaml");
  const rate = 50;
  const rounds = 3;

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "edgebench-artillery-"));
    topology = await startTopology(await loadScenario(scenarioFile), { isolation: "worker" });
  });
  after(async () => {
    await topology?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("gives paired rounds and the proxy's overhead from Artillery's own report", { timeout: 150_000 }, async () => {
    const deployments = topology.running.flatMap((t) => ["--deployment", `${t.kind}=${t.entry.url}`]);
    const exported = await edgebench(["export", "--to", "artillery", scenarioFile, ...deployments, "--rate", String(rate), "--duration", "1s", "--warmup", "500ms", "--rounds", String(rounds), "-c", "4", "--out-dir", folder]);
    assert.equal(exported.code, 0, exported.stderr);
    const report = join(folder, "report.json");
    // Bounded: the schedule is under ten seconds; Artillery's start-up on a busy machine takes most of the rest.
    await execFileAsync(ARTILLERY, ["run", "--output", report, join(folder, "default.artillery.yml")], { cwd: folder, timeout: 120_000, env: { ...process.env, ARTILLERY_DISABLE_TELEMETRY: "true" } });

    const imported = await edgebench(["import", report, "--scenario", scenarioFile, "-r", `terminal,json:${join(folder, "imported.json")}`]);
    assert.equal(imported.code, 0, imported.stdout + imported.stderr);
    assert.match(imported.stdout, /Proxy overhead · proxied − edge, median of 3 paired rounds/);
    assert.match(imported.stdout, /DDSketch, 1 % relative accuracy/);
    const result = JSON.parse(await readFile(join(folder, "imported.json"), "utf8")) as RunResult;
    assertValidRunResult(result);
    const load = result.load!;
    assert.deepEqual(load.deployments.map((t) => t.deployment), ["edge", "proxied"]);
    for (const deployment of load.deployments) {
      assert.deepEqual(deployment.rounds.map((r) => r.round), [1, 2, 3]);
      for (const round of deployment.rounds) {
        // About rate × 1 s each (a busy machine can shift an arrival across a phase boundary), every one answered.
        assert.ok(Math.abs(round.requests - rate) <= rate * 0.2, `${deployment.deployment} round ${round.round}: ${round.requests} requests`);
        assert.deepEqual([round.responses, round.ok2xx, round.latency.count, round.errors], [round.requests, round.requests, round.requests, 0]);
        assert.ok(round.latency.p50Us > 0 && round.latency.p50Us <= round.latency.p99Us);
      }
    }
    assert.equal(load.order.length, rounds);
    for (const order of load.order) assert.deepEqual([...order].sort(), ["edge", "proxied"]);
    const p50 = load.overheads[0]!.figures.find((o) => o.metric === "p50")!;
    assert.equal(p50.perRound.length, rounds);
    // The servers' own counts: every request the processor sent to a deployment (warm-up included) reached it.
    const counters = (JSON.parse(await readFile(report, "utf8")) as { aggregate: { counters: Record<string, number> } }).aggregate.counters;
    for (const running of topology.running) {
      const sent = Object.entries(counters)
        .filter(([name]) => new RegExp(`^edgebench\\.${running.kind}\\.r\\d+\\.requests$`).test(name))
        .reduce((sum, [, n]) => sum + n, 0);
      const served = Object.entries(await running.counts())
        .filter(([label]) => label.startsWith("app:"))
        .flatMap(([, byStatus]) => Object.values(byStatus))
        .reduce((sum, n) => sum + n, 0);
      assert.ok(sent > 0);
      assert.equal(served, sent, running.kind);
    }
  });
});
