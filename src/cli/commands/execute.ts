/** The shared body of run, probe and bench: load every scenario, run each, report, and choose the exit code. */
import { setMaxListeners } from "node:events";
import { allowedHostsFromAppSettings, probeTarget, TargetError } from "../../probe-target.js";
import { MACHINE_READABLE, parseReporterSpecs } from "../../reporters/index.js";
import { parseThreshold } from "../../results/thresholds.js";
import type { RunResult } from "../../results/types.js";
import { runScenario } from "../../run.js";
import { PROBE_CATALOG } from "../../runners/probes/catalog/index.js";
import { selectProbes } from "../../runners/probes/run-probes.js";
import { loadScenario, resolveKnobs } from "../../scenario/load.js";
import { resolve } from "node:path";
import type { Scenario } from "../../scenario/types.js";
import { createProgress } from "../../ui/progress.js";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { scenarioPaths } from "../scenarios.js";
import { parseEngineList, parseFrontendList, parseProfileList, selectEngines } from "../../engines/per-engine.js";
import { planDeployments, referenceProxy, type PlanChoices } from "../../plan/deployments.js";
import { writeReports } from "../write-reports.js";
import { missingAppRuntime, withAppRuntime } from "../../apps/runtime.js";
import type { AppRuntime } from "../../scenario/types.js";

export interface ExecuteOptions {
  /** `terminal`, or several: `terminal,junit:probes.xml,markdown:summary.md`. */
  reporter: string;
  probe?: string[];
  skipProbe?: string[];
  category?: string[];
  profile?: "aspnetcore" | "strict";
  target?: string;
  allowedHosts?: string;
  appsettings?: string;
  allowRemote?: boolean;
  threshold?: string[];
  out?: string;
  quiet?: boolean;
  verbose?: boolean;
  duration?: number;
  warmup?: number;
  rounds?: number;
  connections?: number;
  rate?: number;
  engine?: string;
  engineConfig?: string;
  reference?: string;
  engineProfile?: string;
  frontend?: string;
  appRecord?: string;
  appRuntime?: AppRuntime;
}

class AppRuntimeError extends Error {
  readonly code = "ERR_APP_RUNTIME";
}

export interface Mode {
  load: boolean;
  probes: boolean;
}

function applyOverrides(scenario: Scenario, options: ExecuteOptions): Scenario {
  return {
    ...scenario,
    policy: options.profile ? { ...scenario.policy, ...resolveKnobs(options.profile) } : scenario.policy,
    load: {
      ...scenario.load,
      ...(options.duration !== undefined ? { durationMs: options.duration } : {}),
      ...(options.warmup !== undefined ? { warmupMs: options.warmup } : {}),
      ...(options.rounds !== undefined ? { rounds: options.rounds } : {}),
      ...(options.connections !== undefined ? { connections: options.connections } : {}),
      ...(options.rate !== undefined ? { model: "open" as const, rate: options.rate } : {}),
    },
  };
}

export async function executeScenarios(files: readonly string[], mode: Mode, options: ExecuteOptions): Promise<ExitCode> {
  const reporters = parseReporterSpecs(options.reporter);
  const thresholds = (options.threshold ?? []).map(parseThreshold);
  const catalog = selectProbes(PROBE_CATALOG, { only: options.probe, skip: options.skipProbe, categories: options.category });
  if (options.target && files.length > 0) throw new TargetError("give either scenario files or --target, not both");
  // Every file is validated before anything starts, so a typo in the third file does not waste two runs.
  const scenarios: Scenario[] = [];
  const selections = new Map<Scenario, { choices: PlanChoices; skipped: string[] }>();
  const engines = options.engine ? parseEngineList(options.engine) : null;
  const profiles = options.engineProfile ? parseProfileList(options.engineProfile) : null;
  const frontends = options.frontend ? parseFrontendList(options.frontend) : null;
  if (!options.target) {
    for (const path of scenarioPaths(files)) {
      const loaded = withAppRuntime(applyOverrides(await loadScenario(path), options), options.appRuntime);
      const missing = missingAppRuntime(loaded);
      if (missing) {
        process.stderr.write(`edgebench: ${missing}\n`);
        continue;
      }
      const selection = selectEngines(loaded, engines, options.engineConfig ?? null);
      // A plan that cannot run (a fixed proxy port for several proxies, an unknown reference) stops before anything starts.
      const choices = { engines: selection.engines, ...(profiles ? { profiles } : {}), ...(frontends ? { frontends } : {}) };
      referenceProxy(planDeployments(selection.scenario, choices), options.reference ?? null);
      selections.set(selection.scenario, { ...selection, choices });
      scenarios.push(selection.scenario);
    }
  }
  if (!options.target && scenarios.length === 0) throw new AppRuntimeError("nothing to run: every scenario needs an app runtime that is not installed");
  const policyHosts = options.target
    ? options.allowedHosts
      ? options.allowedHosts.split(/[,;]/).map((host) => host.trim()).filter(Boolean)
      : options.appsettings
        ? await allowedHostsFromAppSettings(options.appsettings)
        : []
    : [];

  const controller = new AbortController();
  // Every deployment's child processes, senders and probes listen for the stop: many more than Node's default of 10.
  setMaxListeners(200, controller.signal);
  const onStdout = reporters.filter((reporter) => !reporter.path && !options.out);
  const showProgress = !options.quiet && process.stderr.isTTY === true && !onStdout.some((reporter) => MACHINE_READABLE[reporter.name]);
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
    if (options.target) {
      const profile = options.profile ?? "aspnetcore";
      results.push(
        await probeTarget({
          url: options.target,
          policyHosts,
          profile,
          knobs: resolveKnobs(profile).knobs,
          catalog,
          thresholds,
          allowRemote: options.allowRemote ?? false,
          ...(options.appRecord ? { appRecord: resolve(options.appRecord) } : {}),
          signal: controller.signal,
        }),
      );
    }
    const run = async (scenario: Scenario): Promise<RunResult> => {
      const selection = selections.get(scenario)!;
      const result = await runScenario(scenario, {
        load: mode.load,
        probes: mode.probes,
        catalog,
        thresholds,
        plan: selection.choices,
        reference: options.reference ?? null,
        signal: controller.signal,
        onEvent: progress.listener,
      });
      result.warnings.push(...selection.skipped);
      return result;
    };
    // Real .NET apps start and compile for a second or more each: those scenarios go one at a time.
    const sideBySide = !scenarios.some((scenario) => scenario.apps.some((app) => app.runtime === "kestrel"));
    if (!mode.load && sideBySide) {
      // Without load nothing is measured against the clock: scenarios are probed side by side.
      results.push(...(await Promise.all(scenarios.map(run))));
    } else {
      for (const scenario of scenarios) {
        if (controller.signal.aborted) break;
        results.push(await run(scenario));
      }
    }
  } finally {
    progress.stop();
    // Once interrupted, the handler stays while the reports are written, so another Ctrl-C still exits 130.
    if (signals === 0) {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  }
  const reportsWritten = await writeReports(results, reporters, options.out, options.verbose);
  if (controller.signal.aborted) return EXIT.interrupted;
  return results.every((result) => result.verdict.passed) && reportsWritten ? EXIT.passed : EXIT.failed;
}
