/** The shared body of run, probe and bench: load every scenario, run each, report, and choose the exit code. */
import { setMaxListeners } from "node:events";
import { allowedHostsFromAppSettings, isLoopbackHostname, probeTarget, TargetError } from "../../probe-target.js";
import { MACHINE_READABLE, parseReporterSpecs, type ReporterSpec } from "../../reporters/index.js";
import type { Threshold } from "../../results/thresholds.js";
import type { ProbeDefinition } from "../../runners/probes/types.js";
import type { RunResult } from "../../results/types.js";
import { runScenario } from "../../run.js";
import { PROBE_CATALOG } from "../../runners/probes/catalog/index.js";
import { selectProbes } from "../../runners/probes/run-probes.js";
import { loadScenario, resolveKnobs } from "../../scenario/load.js";
import { policySpec } from "../../scenario/schema.js";
import { defaultsOf } from "../../scenario/spec.js";
import { resolve } from "node:path";
import type { Scenario } from "../../scenario/types.js";
import { createProgress } from "../../ui/progress.js";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { scenarioPaths } from "../scenarios.js";
import { parseEngineList, parseFrontendList, parseProfileList, selectEngines } from "../../engines/per-engine.js";
import { planDeployments, referenceProxy, type PlanChoices } from "../../plan/deployments.js";
import { checkThresholdDeployments, parseThresholdNaming } from "../../scenario/thresholds.js";
import { writeReports } from "../write-reports.js";
import type { CliIo } from "../io.js";
import { DeploymentError, parseDeployments } from "../../deployments.js";
import { runDeployments } from "../../running-deployments.js";

/** An app given by URL is on loopback unless --allow-remote (only a deployment the user owns). */
function checkOwnAppAddresses(scenario: Scenario, allowRemote: boolean): void {
  for (const app of scenario.apps) {
    if (app.own?.kind !== "url" || allowRemote || isLoopbackHostname(new URL(app.own.url).hostname)) continue;
    throw new DeploymentError(
      `${scenario.file ?? scenario.name}: apps ${app.name}: '${app.own.url}' is not on loopback; load and probes go ` +
        "there only with --allow-remote (an app you own)",
    );
  }
}
import { missingAppRuntime, withAppRuntime } from "../../apps/runtime.js";
import type { AppRuntime } from "../../scenario/types.js";
import { EdgebenchError } from "../../support/errors.js";

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
  /** `name=URL` of deployments already running (bench, probe). */
  deployment?: string[];
  appRuntime?: AppRuntime;
}

class AppRuntimeError extends EdgebenchError {
  constructor(message: string) {
    super("ERR_APP_RUNTIME", message);
  }
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

export async function executeScenarios(
  files: readonly string[],
  mode: Mode,
  options: ExecuteOptions,
  io: CliIo,
): Promise<ExitCode> {
  const reporters = parseReporterSpecs(options.reporter);
  const running = (options.deployment ?? []).map((given) => given.slice(0, Math.max(0, given.indexOf("="))));
  const thresholds = (options.threshold ?? []).map((expression) => parseThresholdNaming(expression, running));
  const catalog = selectProbes(PROBE_CATALOG, {
    only: options.probe,
    skip: options.skipProbe,
    categories: options.category,
  });
  if (options.target && files.length > 0) throw new TargetError("give either scenario files or --target, not both");
  const allowRemote = options.allowRemote ?? false;
  const deployments = options.deployment?.length ? parseDeployments(options.deployment, allowRemote) : null;
  if (deployments && (files.length > 1 || options.target)) {
    throw new DeploymentError(
      "--deployment takes at most one scenario file (its load, policy and thresholds), and no --target",
    );
  }
  const selections = options.target
    ? new Map<Scenario, Selection>()
    : await selectScenarios(files, options, thresholds, io);
  for (const scenario of selections.keys()) checkOwnAppAddresses(scenario, allowRemote);
  if (!options.target && selections.size === 0)
    throw new AppRuntimeError("nothing to run: every scenario needs an app runtime that is not installed");
  const policyHosts = options.target || deployments ? await targetPolicyHosts(options) : [];

  const controller = new AbortController();
  // Every deployment's child processes, senders and probes listen for the stop: many more than Node's default of 10.
  setMaxListeners(200, controller.signal);
  const showProgress = wantsProgress(options, reporters, io);
  const progress = createProgress(showProgress);
  const stopListening = stopOnSignals(io, progress, showProgress, controller);
  const results: RunResult[] = [];
  try {
    if (options.target)
      results.push(await probeTheTarget(options.target, options, policyHosts, catalog, thresholds, controller.signal));
    if (deployments) {
      // The scenario's own apps and proxy are not started: it gives the load, the policy and the thresholds.
      const [scenario] = [...selections.keys()];
      selections.delete(scenario!);
      const policy = policyHosts.length > 0 ? { ...scenario!.policy, hosts: policyHosts } : scenario!.policy;
      const common = { catalog, thresholds, signal: controller.signal, onEvent: progress.listener };
      results.push(
        await runDeployments({ deployments, scenario: { ...scenario!, policy }, ...mode, allowRemote, ...common }),
      );
    }
    const run = (scenario: Scenario, selection: Selection): Promise<RunResult> =>
      runScenario(scenario, {
        load: mode.load,
        probes: mode.probes,
        catalog,
        thresholds,
        plan: selection.choices,
        reference: options.reference ?? null,
        signal: controller.signal,
        onEvent: progress.listener,
        warnings: selection.skipped,
      });
    results.push(...(await runEach(selections, mode, controller.signal, run)));
  } finally {
    progress.stop();
    stopListening();
  }
  const reportsWritten = await writeReports(results, reporters, options.out, io, options.verbose);
  if (controller.signal.aborted) return EXIT.interrupted;
  return results.every((result) => result.verdict.passed) && reportsWritten ? EXIT.passed : EXIT.failed;
}

/** --target: probes graded on the wire alone, against the hosts given. */
function probeTheTarget(
  url: string,
  options: ExecuteOptions,
  policyHosts: string[],
  catalog: readonly ProbeDefinition[],
  thresholds: readonly Threshold[],
  signal: AbortSignal,
): Promise<RunResult> {
  const profile = options.profile ?? defaultsOf(policySpec.fields).profile;
  return probeTarget({
    url,
    policyHosts,
    profile,
    knobs: resolveKnobs(profile).knobs,
    catalog,
    thresholds,
    allowRemote: options.allowRemote ?? false,
    ...(options.appRecord ? { appRecord: resolve(options.appRecord) } : {}),
    signal,
  });
}

/** A spinner on stderr only for a person at a terminal, and not when a machine-readable report goes to stdout. */
function wantsProgress(options: ExecuteOptions, reporters: readonly ReporterSpec[], io: CliIo): boolean {
  const onStdout = reporters.filter((reporter) => !reporter.path && !options.out);
  return !options.quiet && io.stderr.isTTY === true && !onStdout.some((reporter) => MACHINE_READABLE[reporter.name]);
}

interface Selection {
  choices: PlanChoices;
  skipped: string[];
}

/**
 * Every file loaded, its engines chosen and its plan checked before anything starts, so a typo in the third file
 * does not waste two runs. A scenario whose app runtime is missing is left out, saying so.
 */
async function selectScenarios(
  files: readonly string[],
  options: ExecuteOptions,
  cliThresholds: readonly Threshold[],
  io: CliIo,
): Promise<Map<Scenario, Selection>> {
  const selections = new Map<Scenario, Selection>();
  const engines = options.engine ? parseEngineList(options.engine) : null;
  const profiles = options.engineProfile ? parseProfileList(options.engineProfile) : null;
  const frontends = options.frontend ? parseFrontendList(options.frontend) : null;
  for (const path of scenarioPaths(files)) {
    const loaded = withAppRuntime(applyOverrides(await loadScenario(path), options), options.appRuntime);
    const missing = missingAppRuntime(loaded);
    if (missing) {
      io.stderr.write(`edgebench: ${missing}\n`);
      continue;
    }
    const selection = selectEngines(loaded, engines, options.engineConfig ?? null);
    // A plan that cannot run (a fixed proxy port for several proxies, an unknown reference, a threshold on a
    // deployment it does not have) stops before anything starts.
    const choices = {
      engines: selection.engines,
      ...(profiles ? { profiles } : {}),
      ...(frontends ? { frontends } : {}),
    };
    const plan = planDeployments(selection.scenario, choices);
    referenceProxy(plan, options.reference ?? null);
    // With --deployment the scenario's own deployments do not run: runDeployments checks against those given.
    if (!options.deployment?.length)
      checkThresholdDeployments(
        [...selection.scenario.thresholds, ...cliThresholds],
        plan.map((d) => d.name),
      );
    selections.set(selection.scenario, { ...selection, choices });
  }
  return selections;
}

/** The public hosts a --target must serve: from --allowed-hosts, or its appsettings.json. */
async function targetPolicyHosts(options: ExecuteOptions): Promise<string[]> {
  if (options.allowedHosts)
    return options.allowedHosts
      .split(/[,;]/)
      .map((host) => host.trim())
      .filter(Boolean);
  return options.appsettings ? await allowedHostsFromAppSettings(options.appsettings) : [];
}

/**
 * The first Ctrl-C or SIGTERM stops the run and keeps what was measured; a second quits at once. The returned function
 * stops listening, unless interrupted: then the handler stays while the reports are written, so another Ctrl-C still
 * exits 130.
 */
function stopOnSignals(
  io: CliIo,
  progress: ReturnType<typeof createProgress>,
  showProgress: boolean,
  controller: AbortController,
): () => void {
  let signals = 0;
  const stopListening = io.onStopSignal((signal) => {
    signals++;
    if (signals > 1) {
      progress.stop();
      io.exit(EXIT.interrupted);
    }
    progress.note(`${signal}: stopping and writing what was measured (again to quit at once)`);
    if (!showProgress)
      io.stderr.write(`edgebench: ${signal}, stopping and writing what was measured (again to quit at once)\n`);
    controller.abort();
  });
  return () => {
    if (signals === 0) stopListening();
  };
}

/** Without load, scenarios are probed side by side (nothing is measured against the clock); with it, one at a time. */
async function runEach(
  selections: ReadonlyMap<Scenario, Selection>,
  mode: Mode,
  signal: AbortSignal,
  run: (scenario: Scenario, selection: Selection) => Promise<RunResult>,
): Promise<RunResult[]> {
  const scenarios = [...selections.entries()];
  // Real .NET apps start and compile for a second or more each: those scenarios go one at a time.
  const sideBySide = !scenarios.some(([scenario]) => scenario.apps.some((app) => app.runtime === "kestrel"));
  if (!mode.load && sideBySide) return Promise.all(scenarios.map(([scenario, selection]) => run(scenario, selection)));
  const results: RunResult[] = [];
  for (const [scenario, selection] of scenarios) {
    if (signal.aborted) break;
    results.push(await run(scenario, selection));
  }
  return results;
}
