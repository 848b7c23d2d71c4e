/**
 * Every installed engine as a deployment of the default scenario, all in one set of shuffled rounds, as
 * `edgebench run --engine builtin,nginx,haproxy,caddy` measures them: throughput (closed model) and added p50 at a
 * fixed rate (open model), each as the ratio to nginx's in the same round, with its 95 % interval.
 */
import { loadavg } from "node:os";
import { ENGINE_DRIVERS, engineVersion } from "../src/engines/start-engine.js";
import { ENGINE_NAMES, type EngineName } from "../src/engines/types.js";
import type { Overhead, RunResult } from "../src/results/types.js";
import { runScenario } from "../src/run.js";
import { loadScenario } from "../src/scenario/load.js";

export interface DeploymentFigures {
  rate: number;
  rounds: number;
  /** The machine's one-minute load average before and after: on 2 cores, above 2 means the figures shared it. */
  loadAverage: [number, number];
  deployments: Record<
    string,
    { rps: number; addedP50Us: number | null; rpsVsNginx: Ratio | null; addedP50VsNginx: Ratio | null }
  >;
  skipped: string[];
  /** What the runs doubted about themselves (a saturated generator, say): figures to distrust. */
  warnings: string[];
}

interface Ratio {
  median: number;
  ci95: [number, number];
}

const ratio = (o: Overhead | undefined): Ratio | null => (o ? { median: o.median, ci95: o.ci95 } : null);

export async function compareDeployments(
  scenarioPath: string,
  rounds: number,
  roundMs: number,
  rate: number,
  line: (text: string) => void,
): Promise<DeploymentFigures> {
  const installed = ENGINE_NAMES.filter((name) => name === "builtin" || engineVersion(ENGINE_DRIVERS[name]) !== null);
  const skipped = ENGINE_NAMES.filter((name) => !installed.includes(name)).map(
    (name) => `${name} (${ENGINE_DRIVERS[name as Exclude<EngineName, "builtin">].install})`,
  );
  const base = await loadScenario(scenarioPath);
  const loadBefore = loadavg()[0]!;
  const run = (model: "closed" | "open"): Promise<RunResult> =>
    runScenario(
      {
        ...base,
        load: {
          ...base.load,
          model,
          rate: model === "open" ? rate : null,
          rounds,
          durationMs: roundMs,
          warmupMs: 1000,
        },
      },
      { probes: false, plan: { engines: installed } },
    );
  const closed = await run("closed");
  const open = await run("open");
  const deployments: DeploymentFigures["deployments"] = {};
  for (const d of closed.load!.deployments) {
    const added = open
      .load!.overheads.find((o) => o.deployment === d.deployment)
      ?.figures.find((f) => f.metric === "p50");
    deployments[d.deployment] = {
      rps: Math.round(d.medianRps),
      addedP50Us: added?.median ?? null,
      rpsVsNginx: ratio(closed.load!.ratios.find((r) => r.deployment === d.deployment)?.rps),
      addedP50VsNginx: ratio(open.load!.ratios.find((r) => r.deployment === d.deployment)?.addedP50),
    };
  }
  const loadAverage: [number, number] = [Math.round(loadBefore * 10) / 10, Math.round(loadavg()[0]! * 10) / 10];
  line(
    `deployments in one set of rounds (${installed.join(", ")}): ${rounds} shuffled rounds × ${roundMs} ms, closed (10 connections) and open (${rate} req/s); load average ${loadAverage.join(" → ")}`,
  );
  const show = (r: Ratio | null): string =>
    r ? `×${r.median.toFixed(2)} [${r.ci95[0].toFixed(2)} … ${r.ci95[1].toFixed(2)}]` : "–";
  for (const [name, f] of Object.entries(deployments)) {
    line(
      `  ${name.padEnd(16)} ${String(f.rps).padStart(6)} req/s ${show(f.rpsVsNginx).padEnd(22)} adds p50 ${f.addedP50Us === null ? "–" : `${f.addedP50Us} µs`} ${show(f.addedP50VsNginx)}`,
    );
  }
  for (const reason of skipped) line(`  skipped ${reason}`);
  const warnings = [...new Set([...closed.warnings, ...open.warnings])];
  for (const warning of warnings) line(`  warning: ${warning}`);
  return { rate, rounds, loadAverage, deployments, skipped, warnings };
}
