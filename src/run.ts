/**
 * The whole job for one scenario: plan its deployments, start them all, run probes against each and one set of load
 * rounds over all of them, compare, decide, and stop every server whatever happens. Returns plain data; never
 * prints, never exits.
 */
import { computeOverheads, computeRatios } from "./results/compare.js";
import { planDeployments, referenceProxy, type PlanChoices, type PlannedDeployment } from "./plan/deployments.js";
import { checkThresholdDeployments } from "./scenario/thresholds.js";
import { capConnections } from "./runners/load/fd-limit.js";
import { type Deployment, type LoadResult, type ProbesResult, type RunResult } from "./results/types.js";
import { finishRun, type MeasuredRun } from "./results/finish.js";
import type { Threshold } from "./results/thresholds.js";
import type { RunEventListener } from "./runners/events.js";
import { PROBE_CATALOG } from "./runners/probes/catalog/index.js";
import { probeNames, runProbes, type ProbeTarget } from "./runners/probes/run-probes.js";
import type { ProbeDefinition } from "./runners/probes/types.js";
import type { Scenario, TopologyKind } from "./scenario/types.js";
import { appForHost, frontDoorOf, startDeployments, type RunningTopology } from "./topology/start.js";
import type { DeploymentHints } from "./runners/probes/oracle.js";
import { environment, runStamp } from "./results/run-stamp.js";
import { hasWork } from "./servers/app-work.js";
import { kestrelVersion } from "./apps/kestrel/driver.js";
import { findCauses } from "./fixes/plan.js";
import type { Cause } from "./results/causes.js";

export interface RunOptions {
  /** Run the load rounds (default true). */
  load?: boolean;
  /** Run the probes (default: the scenario's probes.enabled). */
  probes?: boolean;
  /** Which probes (default: the whole catalog). */
  catalog?: readonly ProbeDefinition[];
  /** Thresholds besides the scenario's (from the command line, say). */
  thresholds?: readonly Threshold[];
  /** Choices along the plan's dimensions (`--engine a,b,c`): every resulting deployment runs in the same rounds. */
  plan?: PlanChoices;
  /** The proxy deployment ratios are given to (`--reference`; default nginx's when the run has it). */
  reference?: string | null;
  /** Aborting stops the run; what was measured is still returned, with `interrupted: true`. */
  signal?: AbortSignal;
  onEvent?: RunEventListener;
  /** Told after the run's own warnings (engines --engine had to leave out, say). */
  warnings?: readonly string[];
}

/** An external engine running a configuration edgebench wrote (so its profile applies). */
const generatedEngineConfig = (scenario: Scenario): boolean =>
  scenario.proxy.engine !== "builtin" && !scenario.proxy.engineConfig;

/** What the load speaks to a topology, and each hop's protocol when HTTP/2 is anywhere in the scenario. */
function loadProtocol(scenario: Scenario, kind: TopologyKind): { protocol: "http1" | "h2"; hops?: string[] } {
  const protocol = frontDoorOf(scenario, kind) === "http1" ? "http1" : "h2";
  if (scenario.proxy.frontend === "http1") return { protocol };
  const client = protocol === "h2" ? "h2" : "http/1.1";
  return { protocol, hops: kind === "proxied" ? [client, "http/1.1"] : [client] };
}

function deploymentOf(running: RunningTopology, planned: PlannedDeployment): Deployment {
  const generated = running.kind === "proxied" && generatedEngineConfig(planned.scenario);
  return {
    name: running.name,
    topology: running.kind,
    engine: running.engine,
    ...(generated ? { profile: planned.scenario.proxy.profile } : {}),
  };
}

const typicalEngineProfile = (proxy: Scenario["proxy"]): boolean =>
  proxy.engine !== "builtin" && proxy.engineConfig === null && proxy.profile === "typical";

export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<RunResult> {
  const startedAt = new Date().toISOString();
  const signal = options.signal;
  let load: LoadResult | null = null;
  let probes: ProbesResult | null = null;
  let causes: Cause[] = [];
  const warnings: string[] = [];
  const plan = planDeployments(scenario, options.plan);
  const reference = referenceProxy(plan, options.reference ?? null);
  const thresholds = [...scenario.thresholds, ...(options.thresholds ?? [])];
  checkThresholdDeployments(
    thresholds,
    plan.map((d) => d.name),
  );
  options.onEvent?.({ type: "starting", deployments: plan.map((d) => d.name) });
  const withLoad = options.load ?? true;
  // Servers need threads of their own only when something is measured against the clock.
  const topology = await startDeployments(plan, { isolation: withLoad ? "worker" : "inline" });
  const planned = (running: RunningTopology): PlannedDeployment => plan.find((d) => d.name === running.name)!;
  try {
    options.onEvent?.({
      type: "started",
      entries: topology.running.map((t) => ({ deployment: t.name, url: t.entry.url })),
    });
    if (options.probes ?? scenario.probes.enabled) {
      const probed = await probeDeployments(scenario, topology.running, planned, options);
      if (probed) ({ probes, causes } = probed);
    }
    if (withLoad && !signal?.aborted)
      load = await loadDeployments(scenario, topology.running, plan, reference, warnings, options);
  } finally {
    options.onEvent?.({ type: "stopping" });
    await topology.close();
  }
  const measured: MeasuredRun = {
    ...runStamp(startedAt, signal),
    scenario: scenarioSummary(scenario, plan),
    environment: environment(),
    deployments: topology.running.map((running) => deploymentOf(running, planned(running))),
    referenceProxy: reference,
    warnings: [...warnings, ...(options.warnings ?? [])],
    load,
    probes,
    ...(probes ? { causes } : {}),
  };
  return finishRun(measured, thresholds);
}

/** What the result says of its scenario. */
function scenarioSummary(scenario: Scenario, plan: readonly PlannedDeployment[]): RunResult["scenario"] {
  return {
    name: scenario.name,
    file: scenario.file,
    description: scenario.description,
    topologies: scenario.topologies,
    policyHosts: scenario.policy.hosts,
    policyProfile: scenario.policy.profile,
    knobs: scenario.policy.knobs,
    proxyEngine: plan.find((d) => d.topology === "proxied")?.scenario.proxy.engine ?? scenario.proxy.engine,
    ...(scenario.apps.some((app) => app.runtime === "kestrel")
      ? { appRuntime: `real Kestrel, ${kestrelVersion() ?? "dotnet missing"}` }
      : {}),
    tls: scenario.tls,
    hops: { client: scenario.network.clientHop, app: scenario.network.appHop },
    ...appWork(scenario),
  };
}

/** The probe catalog at every deployment's entry (and around each proxy, straight to its app); then the causes. */
async function probeDeployments(
  scenario: Scenario,
  running: readonly RunningTopology[],
  planned: (running: RunningTopology) => PlannedDeployment,
  options: RunOptions,
): Promise<{ probes: ProbesResult; causes: Cause[] } | null> {
  const app = scenario.apps[appForHost(scenario.apps, probeNames(scenario.policy.hosts).allowed)]!;
  // Probes are built for the policy's first exact host: at the edge they go to the app that serves it.
  const probedApp = appForHost(scenario.apps, probeNames(scenario.policy.hosts).allowed);
  // Your own app is graded on what it believed only when it follows the echo contract; otherwise on the wire.
  const wireOnly = app.own !== null && !app.own.echoContract;
  const targets = probeTargets(scenario, app, probedApp, running, planned, wireOnly);
  const catalog = options.catalog ?? PROBE_CATALOG;
  options.onEvent?.({ type: "probes", count: catalog.length });
  if (options.signal?.aborted) return null;
  const probes = await runProbes(targets, catalog, {
    policyHosts: scenario.policy.hosts,
    knobs: scenario.policy.knobs,
    timeoutMs: scenario.probes.timeoutMs,
    wireOnly,
    surface: {
      internalPaths: app.internalPaths,
      exposedPaths: scenario.proxy.exposedPaths,
      atEdge: scenario.policy.internalPathsAtEdge,
    },
    slowHeaders: { connections: 4, intervalMs: 250, holdMs: scenario.probes.slowHoldMs },
    signal: options.signal,
  });
  return { probes, causes: await findCauses(scenario, probedApp, probes.results) };
}

function probeTargets(
  scenario: Scenario,
  app: Scenario["apps"][number],
  probedApp: number,
  running: readonly RunningTopology[],
  planned: (running: RunningTopology) => PlannedDeployment,
  wireOnly: boolean,
): ProbeTarget[] {
  const hints = (proxied: boolean, proxy: Scenario["proxy"]): DeploymentHints => ({
    allowsAnyHost: app.allowedHosts.includes("*"),
    allowsEmptyHost: app.allowEmptyHosts,
    trustsAnyPeer:
      app.forwardedHeaders !== null &&
      app.forwardedHeaders.knownProxies?.length === 0 &&
      app.forwardedHeaders.knownNetworks?.length === 0,
    // A typical (documented) engine configuration strips nothing, whatever stripClientForwarded says.
    proxyPassesClientForwarding: proxied && (!proxy.stripClientForwarded || typicalEngineProfile(proxy)),
    proxyForwardsAnyHost: proxied && !proxy.allowedHosts?.length,
    proxyEngine: proxy.engine,
    exposedPaths: scenario.proxy.exposedPaths,
    userEngineConfig: proxied && proxy.engineConfig !== null,
  });
  const targets: ProbeTarget[] = [];
  for (const deployment of running) {
    const proxied = deployment.kind === "proxied";
    const entry =
      !proxied && probedApp !== appForHost(scenario.apps, scenario.load.host)
        ? deployment.apps[probedApp]!.endpoint
        : deployment.entry;
    const record = wireOnly ? {} : { appRecord: deployment.appRecord };
    const tlsTo = (url: string) => (url.startsWith("https:") && deployment.ca ? { ca: deployment.ca } : {});
    const { proxy } = planned(deployment).scenario;
    targets.push({
      deployment: deployment.name,
      via: "entry",
      host: entry.host,
      port: entry.port,
      proxyInPath: proxied,
      hints: hints(proxied, proxy),
      ...record,
      frontDoor: frontDoorOf(planned(deployment).scenario, deployment.kind),
      ...tlsTo(entry.url),
    });
    if (proxied) {
      const direct = deployment.apps[probedApp]!;
      targets.push({
        deployment: deployment.name,
        via: "bypass",
        host: direct.endpoint.host,
        port: direct.endpoint.port,
        proxyInPath: false,
        hints: hints(false, proxy),
        ...record,
        ...tlsTo(direct.endpoint.url),
        ...(deployment.clientSourceAddress ? { localAddress: deployment.clientSourceAddress } : {}),
      });
    }
  }
  return targets;
}

/** One set of shuffled rounds over every deployment, then each one's overheads and ratios. */
async function loadDeployments(
  scenario: Scenario,
  running: readonly RunningTopology[],
  plan: readonly PlannedDeployment[],
  reference: string | null,
  warnings: string[],
  options: RunOptions,
): Promise<LoadResult> {
  const { signal } = options;
  const planned = (deployment: RunningTopology): PlannedDeployment => plan.find((d) => d.name === deployment.name)!;
  // The load generator is loaded only when there is load to run (it is most of a probe-only start-up).
  const { runRounds } = await import("./runners/load/rounds.js");
  // A proxied connection holds four descriptors in this process: client, proxy in, proxy out, app.
  const capped = capConnections(scenario.load.connections, scenario.topologies.includes("proxied") ? 4 : 2);
  if (capped.warning) warnings.push(capped.warning);
  const rounds = await runRounds(
    running.map((t) => ({
      deployment: t.name,
      url: t.entry.url,
      counts: t.counts,
      ca: t.ca,
      ...loadProtocol(planned(t).scenario, t.kind),
    })),
    { ...scenario.load, connections: capped.connections },
    { signal, onEvent: options.onEvent },
  );
  const proxies = plan.filter((d) => d.topology === "proxied").map((d) => d.name);
  const load: LoadResult = {
    ...rounds,
    overheads: computeOverheads(rounds.deployments, "edge"),
    ratios: reference ? computeRatios(rounds.deployments, "edge", proxies, reference) : [],
  };
  for (const saturated of rounds.deployments.filter((t) => t.generatorSaturated)) {
    warnings.push(
      `the load generator was saturated while loading ${saturated.deployment} (${saturated.sendLateness ? `it fell behind its own schedule: p99 send lateness ${saturated.sendLateness.p99Us} µs against a response-time p99 of ${saturated.latency.p99Us} µs` : "event loop busy over 90 %"}): its figures measure the generator, not the deployment, and are not trustworthy; ${scenario.load.model === "open" ? "use a lower rate" : "use fewer connections or a fixed rate"}`,
    );
  }
  return load;
}

/** The apps that do work per request, with what they do (absent when none does). */
function appWork(scenario: Scenario): Pick<RunResult["scenario"], "appWork"> {
  const working = scenario.apps.filter((app) => hasWork(app.work));
  return working.length > 0 ? { appWork: working.map((app) => ({ app: app.name, work: app.work })) } : {};
}
