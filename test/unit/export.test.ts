/** Exported scripts: the plan (paired, shuffled by seed), Artillery's YAML and processor, k6's script (golden file). */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { parseDeployment, parseDeployments, DeploymentError } from "../../src/deployments.js";
import { exportArtillery } from "../../src/export/artillery.js";
import { exportK6 } from "../../src/export/k6.js";
import { planExport, ExportError } from "../../src/export/plan.js";
import { parseThreshold } from "../../src/results/thresholds.js";
import { loadScenario } from "../../src/scenario/load.js";
import type { Scenario } from "../../src/scenario/types.js";
import { SCENARIOS } from "../helpers/paths.js";
import { assertSnapshot } from "../helpers/snapshot.js";

const DEPLOYMENTS = parseDeployments(["edge=http://127.0.0.1:5000", "proxied=http://127.0.0.1:8080"]);

async function scenario(): Promise<Scenario> {
  const loaded = await loadScenario(join(SCENARIOS, "default.yaml"));
  return {
    ...loaded,
    file: null,
    load: { ...loaded.load, model: "open", rate: 200, rounds: 3, durationMs: 2000, warmupMs: 500, connections: 8 },
    thresholds: ["proxied.p99 < 5ms", "overhead.p50 < 1ms"].map(parseThreshold),
  };
}

/** Parses a script as an ES module without running it (imports are not resolved by --check). */
function assertParsesAsModule(text: string, extension: "mjs" | "cjs"): void {
  const folder = mkdtempSync(join(tmpdir(), "edgebench-export-"));
  try {
    writeFileSync(join(folder, `script.${extension}`), text);
    execFileSync(process.execPath, ["--check", join(folder, `script.${extension}`)], { stdio: "pipe" });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe("--deployment NAME=URL", () => {
  it("takes loopback http(s) origins and refuses the rest unless remote is allowed", () => {
    assert.deepEqual(parseDeployment("edge=http://127.0.0.1:5000/ignored"), { name: "edge", url: "http://127.0.0.1:5000" });
    assert.deepEqual(parseDeployment("v6=https://[::1]:8443"), { name: "v6", url: "https://[::1]:8443" });
    assert.throws(() => parseDeployment("edge=http://192.0.2.1:80"), /not a loopback address.*--allow-remote/);
    assert.equal(parseDeployment("edge=http://192.0.2.1:80", true).url, "http://192.0.2.1");
    assert.throws(() => parseDeployment("http://127.0.0.1:1"), /expected NAME=URL/);
    assert.throws(() => parseDeployment("1x=http://127.0.0.1:1"), /must be a letter/);
    assert.throws(() => parseDeployment("edge=ftp://127.0.0.1"), /only http/);
    assert.throws(() => parseDeployments(["a=http://127.0.0.1:1", "a=http://127.0.0.1:2"]), /given twice/);
    assert.throws(() => parseDeployments([]), DeploymentError);
  });
});

describe("export plan", () => {
  it("runs every deployment once per round, in an order that the seed decides", async () => {
    const plan = planExport(await scenario(), DEPLOYMENTS, { seed: 42 });
    assert.deepEqual(plan.phases.slice(0, 2).map((p) => [p.deployment.name, p.round]), [["edge", 0], ["proxied", 0]]);
    for (let round = 1; round <= 3; round++) {
      assert.deepEqual(plan.phases.filter((p) => p.round === round).map((p) => p.deployment.name).sort(), ["edge", "proxied"]);
    }
    for (const [i, phase] of plan.phases.entries()) {
      if (i > 0) assert.equal(phase.startMs, plan.phases[i - 1]!.startMs + plan.phases[i - 1]!.durationMs + plan.gapMs);
    }
    assert.deepEqual(planExport(await scenario(), DEPLOYMENTS, { seed: 42 }), plan);
    const base = await scenario();
    const orderOf = (seed: number): string => planExport(base, DEPLOYMENTS, { seed }).phases.map((p) => p.deployment.name).join();
    assert.ok(new Set([1, 2, 3, 4, 5, 6, 7, 8].map(orderOf)).size > 1, "the order depends on the seed");
  });

  it("refuses an open model without a fixed rate", async () => {
    const base = await scenario();
    assert.throws(() => planExport({ ...base, load: { ...base.load, rate: null } }, DEPLOYMENTS), ExportError);
  });
});

describe("export --to artillery", () => {
  it("writes phases with arrival rates, a keep-alive pool, ensure conditions, and a processor that parses", async () => {
    const base = await scenario();
    const { files, notes } = exportArtillery(planExport(base, DEPLOYMENTS, { seed: 42 }), base.thresholds);
    const script = parse(files[0]!.text) as { config: { phases: Array<Record<string, unknown>>; http: { pool: number }; ensure: unknown; processor: string } };
    const measured = script.config.phases.filter((p) => p.arrivalRate !== undefined);
    assert.equal(measured.length, 8);
    assert.deepEqual(measured[0], { name: "warm-up · edge", duration: "500ms", arrivalRate: 200 });
    assert.equal(script.config.http.pool, 8);
    assert.deepEqual(script.config.ensure, { conditions: [{ expression: "edgebench.proxied.latency_us.p99 < 5000" }] });
    assert.equal(script.config.processor, `./${files[1]!.name}`);
    assert.match(notes[0]!, /'overhead.p50 < 1ms' is not checked by the engine/);
    assertParsesAsModule(files[1]!.text, "cjs");
  });

  it("runs the closed model as a fixed number of virtual users looping until their phase ends", async () => {
    const base = await scenario();
    const closed = { ...base, load: { ...base.load, model: "closed" as const, rate: null } };
    const script = parse(exportArtillery(planExport(closed, DEPLOYMENTS), []).files[0]!.text) as {
      config: { phases: Array<Record<string, unknown>>; http: Record<string, unknown> };
      scenarios: Array<{ flow: Array<Record<string, unknown>> }>;
    };
    const first = script.config.phases.findIndex((p) => String(p.name).startsWith("round 1 ·"));
    assert.deepEqual(script.config.phases[first], { name: script.config.phases[first]!.name, duration: "100ms", arrivalCount: 8 });
    assert.deepEqual(script.config.phases[first + 1], { name: `${String(script.config.phases[first]!.name)} (running)`, pause: "1900ms" });
    assert.equal(script.config.http.pool, undefined);
    assert.equal(script.scenarios[0]!.flow[1]!.whileTrue, "edgebenchPhaseRunning");
  });
});

describe("export --to k6", () => {
  it("matches the golden file and parses as a JavaScript module", async () => {
    const base = await scenario();
    const { files } = exportK6(planExport(base, DEPLOYMENTS, { seed: 42 }), base.thresholds);
    assert.equal(files[0]!.name, "default.k6.js");
    assertSnapshot("export.default.k6.js", files[0]!.text);
    assertParsesAsModule(files[0]!.text, "mjs");
    const options = JSON.parse(/export const options = (\{[\s\S]*?\n\});/.exec(files[0]!.text)![1]!) as {
      scenarios: Record<string, { executor: string; startTime: string; rate: number; tags: Record<string, string> }>;
      thresholds: Record<string, string[]>;
    };
    assert.equal(Object.keys(options.scenarios).length, 8);
    assert.ok(Object.values(options.scenarios).every((s) => s.executor === "constant-arrival-rate" && s.rate === 200));
    assert.deepEqual(options.thresholds, { "http_req_duration{deployment:proxied,measured:true}": ["p(99)<5"] });
  });
});
