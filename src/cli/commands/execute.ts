/** The shared body of run, probe and bench: load every scenario, run each, report, and choose the exit code. */
import { supportsColor } from "chalk";
import { MACHINE_READABLE, REPORTERS, type ReporterName } from "../../reporters/index.js";
import type { RunResult } from "../../results/types.js";
import { runScenario } from "../../run.js";
import { loadScenario } from "../../scenario/load.js";
import type { Scenario } from "../../scenario/types.js";
import { createProgress } from "../../ui/progress.js";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { emit } from "../output.js";
import { scenarioPaths } from "../scenarios.js";

export interface ExecuteOptions {
  reporter: ReporterName;
  out?: string;
  quiet?: boolean;
  duration?: number;
  warmup?: number;
  rounds?: number;
  connections?: number;
}

export interface Mode {
  load: boolean;
  probes: boolean;
}

function applyOverrides(scenario: Scenario, options: ExecuteOptions): Scenario {
  return {
    ...scenario,
    load: {
      ...scenario.load,
      ...(options.duration !== undefined ? { durationMs: options.duration } : {}),
      ...(options.warmup !== undefined ? { warmupMs: options.warmup } : {}),
      ...(options.rounds !== undefined ? { rounds: options.rounds } : {}),
      ...(options.connections !== undefined ? { connections: options.connections } : {}),
    },
  };
}

export async function executeScenarios(files: readonly string[], mode: Mode, options: ExecuteOptions): Promise<ExitCode> {
  // Every file is validated before anything starts, so a typo in the third file does not waste two runs.
  const scenarios: Scenario[] = [];
  for (const path of scenarioPaths(files)) scenarios.push(applyOverrides(await loadScenario(path), options));

  const controller = new AbortController();
  const showProgress = !options.quiet && process.stderr.isTTY === true && !(MACHINE_READABLE[options.reporter] && !options.out);
  const progress = createProgress(showProgress);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      progress.stop();
      process.exit(EXIT.interrupted);
    }
    progress.note(`${signal}: stopping and writing what was measured (again to quit at once)`);
    if (!showProgress) process.stderr.write(`edgebench: ${signal}, stopping and writing what was measured (again to quit at once)\n`);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const results: RunResult[] = [];
  try {
    for (const scenario of scenarios) {
      if (controller.signal.aborted) break;
      results.push(await runScenario(scenario, { load: mode.load, probes: mode.probes, signal: controller.signal, onEvent: progress.listener }));
    }
  } finally {
    progress.stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  const color = !options.out && !MACHINE_READABLE[options.reporter] && supportsColor !== false && process.stdout.isTTY === true;
  await emit(REPORTERS[options.reporter](results, { color, width: process.stdout.columns ?? 80 }), options.out);
  if (controller.signal.aborted) return EXIT.interrupted;
  return results.every((result) => result.verdict.passed) ? EXIT.passed : EXIT.failed;
}
