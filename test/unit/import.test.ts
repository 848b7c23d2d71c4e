/**
 * Import of load engines' output: k6's line-delimited JSON (points written here in k6's documented format, since k6
 * is not installable on this machine), Artillery reports that are not from an export, and the phase mapping.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { join } from "node:path";
import { parseDeployments } from "../../src/deployments.js";
import { planExport } from "../../src/export/plan.js";
import { importRun, ImportError } from "../../src/results/import/index.js";
import { loadScenario } from "../../src/scenario/load.js";
import type { Scenario } from "../../src/scenario/types.js";
import { SCENARIOS } from "../helpers/paths.js";
import { assertValidRunResult } from "../helpers/result-schema.js";

async function scenario(): Promise<Scenario> {
  const loaded = await loadScenario(join(SCENARIOS, "default.yaml"));
  return { ...loaded, load: { ...loaded.load, model: "open", rate: 100, rounds: 3, durationMs: 1000, warmupMs: 500, connections: 4 } };
}

/** k6 --out json lines for every phase of the plan: `perPhase` requests, edge answering in 1 ms, proxied in 1.5 ms. */
async function k6Points(perPhase: number): Promise<string> {
  const plan = planExport(await scenario(), parseDeployments(["edge=http://127.0.0.1:5000", "proxied=http://127.0.0.1:8080"]), { seed: 3 });
  const lines = [JSON.stringify({ type: "Metric", data: { name: "http_req_duration", type: "trend", contains: "time" }, metric: "http_req_duration" })];
  for (const phase of plan.phases) {
    const tags = { deployment: phase.deployment.name, round: String(phase.round), position: String(phase.position), measured: String(phase.round > 0), planned_ms: String(phase.durationMs), connections: "4", rate: "100", scenario: `${phase.deployment.name}_r${phase.round}`, method: "GET", status: "200" };
    for (let i = 0; i < perPhase; i++) {
      const value = (phase.deployment.name === "edge" ? 1 : 1.5) + i / 1000;
      const time = new Date(Date.UTC(2026, 0, 1) + phase.startMs + i).toISOString();
      lines.push(JSON.stringify({ type: "Point", data: { time, value, tags: { ...tags, status: i === 0 && phase.round === 2 ? "0" : "200" } }, metric: "http_req_duration" }));
      lines.push(JSON.stringify({ type: "Point", data: { time, value: 1, tags }, metric: "http_reqs" }));
    }
  }
  return `${lines.join("\n")}\n`;
}

describe("import of k6 --out json", () => {
  it("turns tagged points into paired rounds with µs percentiles, leaving the warm-up out", async () => {
    const result = importRun(await k6Points(100), "points.json", await scenario());
    assertValidRunResult(result);
    const load = result.load!;
    assert.equal(load.settings.rate, 100);
    assert.equal(load.settings.warmupMs, 500);
    assert.deepEqual(load.deployments.map((t) => t.rounds.map((r) => r.round)), [[1, 2, 3], [1, 2, 3]]);
    const edge = load.deployments[0]!;
    assert.deepEqual(edge.rounds.map((r) => [r.requests, r.ok2xx, r.errors]), [[100, 100, 0], [100, 99, 1], [100, 100, 0]]);
    assert.equal(edge.rounds[0]!.rps, 100);
    assert.equal(edge.rounds[0]!.latency.p50Us, 1049);
    const p50 = load.overheads[0]!.figures.find((o) => o.metric === "p50")!;
    assert.ok(p50.perRound.every((d) => d >= 499 && d <= 501), `${p50.perRound}`);
    assert.match(result.warnings[0]!, /k6's own per-request http_req_duration/);
  });

  it("refuses output with no edgebench phase, a line that is not JSON, and unknown deployment names", async () => {
    const s = await scenario();
    assert.throws(() => importRun('{"type":"Point","metric":"http_reqs","data":{"time":"t","value":1}}\n', "a.json", s), /no http_req_duration point tagged by edgebench/);
    assert.throws(() => importRun('{"type":"Metric","data":{}}\n{oops\n', "b.json", s), /b\.json:2: not JSON/);
    const renamed = (await k6Points(3)).replaceAll('"deployment":"proxied"', '"deployment":"canary"');
    assert.throws(() => importRun(renamed, "c.json", s), /deployment canary: this edgebench reads the deployments edge and proxied/);
  });
});

describe("import of an Artillery report", () => {
  it("refuses a report of a script that edgebench did not export", async () => {
    const report = JSON.stringify({ aggregate: { counters: { "http.requests": 10 }, summaries: { "http.response_time": { p50: 1 } } } });
    const s = await scenario();
    assert.throws(() => importRun(report, "r.json", s), (error: unknown) => error instanceof ImportError && /edgebench export --to artillery/.test(error.message));
    assert.throws(() => importRun("{}", "r.json", s), /not an Artillery JSON report/);
  });
});
