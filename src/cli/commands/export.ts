/** `edgebench export --to artillery|k6 SCENARIO --deployment edge=URL …`: the scenario's load for another engine. */
import { resolve } from "node:path";
import { parseDeployments } from "../../deployments.js";
import { exportArtillery } from "../../export/artillery.js";
import { exportK6 } from "../../export/k6.js";
import { planExport } from "../../export/plan.js";
import { loadScenario } from "../../scenario/load.js";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { writeAtomically } from "../output.js";
import { defaultScenarioPath } from "../scenarios.js";

export interface ExportOptions {
  to: "artillery" | "k6";
  deployment: string[];
  allowRemote?: boolean;
  outDir: string;
  seed?: number;
  rate?: number;
  connections?: number;
  duration?: number;
  warmup?: number;
  rounds?: number;
}

export async function exportCommand(file: string | undefined, options: ExportOptions): Promise<ExitCode> {
  const deployments = parseDeployments(options.deployment, options.allowRemote ?? false);
  const scenario = await loadScenario(file ?? defaultScenarioPath());
  const load = {
    ...scenario.load,
    ...(options.rate !== undefined ? { model: "open" as const, rate: options.rate } : {}),
    ...(options.connections !== undefined ? { connections: options.connections } : {}),
    ...(options.duration !== undefined ? { durationMs: options.duration } : {}),
    ...(options.warmup !== undefined ? { warmupMs: options.warmup } : {}),
    ...(options.rounds !== undefined ? { rounds: options.rounds } : {}),
  };
  const plan = planExport({ ...scenario, load }, deployments, options.seed !== undefined ? { seed: options.seed } : {});
  const exporter = options.to === "artillery" ? exportArtillery : exportK6;
  const exported = exporter(plan, scenario.thresholds);
  for (const written of exported.files) {
    await writeAtomically(resolve(options.outDir, written.name), written.text);
    process.stdout.write(`wrote ${resolve(options.outDir, written.name)}\n`);
  }
  for (const note of exported.notes) process.stderr.write(`edgebench: note: ${note}\n`);
  return EXIT.passed;
}
