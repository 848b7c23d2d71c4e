/**
 * The whole job for one scenario: start its topologies, run load rounds and probes against them, compare, decide,
 * and stop every server whatever happens. Returns plain data; never prints, never exits.
 */
import { cpus } from "node:os";
import { computeOverhead } from "./results/compare.js";
import { capConnections } from "./runners/load/fd-limit.js";
import { SCHEMA_VERSION, type LoadResult, type ProbesResult, type RunResult } from "./results/types.js";
import { decideVerdict } from "./results/verdict.js";
import { evaluateThresholds, type Threshold } from "./results/thresholds.js";
import type { RunEventListener } from "./runners/events.js";
import { PROBE_CATALOG } from "./runners/probes/catalog/index.js";
import { probeNames, runProbes, type ProbeTarget } from "./runners/probes/run-probes.js";
import type { ProbeDefinition } from "./runners/probes/types.js";
import type { Scenario } from "./scenario/types.js";
import { appForHost, startTopology } from "./topology/start.js";
import type { DeploymentHints } from "./runners/probes/oracle.js";
import { VERSION } from "./version.js";
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
  /** Aborting stops the run; what was measured is still returned, with `interrupted: true`. */
  signal?: AbortSignal;
  onEvent?: RunEventListener;
}

export function environment(): RunResult["environment"] {
  const cpuList = cpus();
  return { node: process.version, platform: process.platform, arch: process.arch, cpus: cpuList.length, cpuModel: cpuList[0]?.model ?? "unknown" };
}

function proxyEngineVersion(running: ReadonlyArray<{ engine: { version: string } | null }>): { proxyEngineVersion?: string } {
  const engine = running.find((t) => t.engine)?.engine;
  return engine ? { proxyEngineVersion: engine.version } : {};
}

/** An external engine running a configuration edgebench wrote (so its profile applies). */
const generatedEngineConfig = (scenario: Scenario): boolean =>
  scenario.proxy.engine !== "builtin" && !scenario.proxy.engineConfig;

export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<RunResult> {
  const startedAt = new Date().toISOString();
  const signal = options.signal;
  let load: LoadResult | null = null;
  let probes: ProbesResult | null = null;
  let causes: Cause[] = [];
  const warnings: string[] = [];
  options.onEvent?.({ type: "starting", topologies: scenario.topologies });
  const withLoad = options.load ?? true;
  // Servers need threads of their own only when something is measured against the clock.
  const topology = await startTopology(scenario, { isolation: withLoad ? "worker" : "inline" });
  try {
    options.onEvent?.({ type: "started", entries: topology.running.map((t) => ({ topology: t.kind, url: t.entry.url })) });
    if (options.probes ?? scenario.probes.enabled) {
      const app = scenario.apps[appForHost(scenario.apps, probeNames(scenario.policy.hosts).allowed)]!;
      const hints = (proxied: boolean): DeploymentHints => ({
        allowsAnyHost: app.allowedHosts.includes("*"),
        allowsEmptyHost: app.allowEmptyHosts,
        trustsAnyPeer: app.forwardedHeaders !== null && app.forwardedHeaders.knownProxies?.length === 0 && app.forwardedHeaders.knownNetworks?.length === 0,
        proxyPassesClientForwarding: proxied && !scenario.proxy.stripClientForwarded,
        proxyForwardsAnyHost: proxied && !scenario.proxy.allowedHosts?.length,
        proxyEngine: scenario.proxy.engine,
        exposedPaths: scenario.proxy.exposedPaths,
        userEngineConfig: proxied && scenario.proxy.engineConfig !== null,
      });
      const targets: ProbeTarget[] = [];
      // Probes are built for the policy's first exact host: at the edge they go to the app that serves it.
      const probedApp = appForHost(scenario.apps, probeNames(scenario.policy.hosts).allowed);
      for (const running of topology.running) {
        const proxied = running.kind === "proxied";
        const entry = !proxied && probedApp !== appForHost(scenario.apps, scenario.load.host) ? running.apps[probedApp]!.endpoint : running.entry;
        const tlsTo = (url: string) => (url.startsWith("https:") && running.ca ? { ca: running.ca } : {});
        targets.push({
          topology: running.kind,
          via: "entry",
          host: entry.host,
          port: entry.port,
          proxyInPath: proxied,
          hints: hints(proxied),
          appRecord: running.appRecord,
          ...tlsTo(entry.url),
        });
        if (proxied) {
          const direct = running.apps[probedApp]!;
          targets.push({
            topology: running.kind,
            via: "bypass",
            host: direct.endpoint.host,
            port: direct.endpoint.port,
            proxyInPath: false,
            hints: hints(false),
            appRecord: running.appRecord,
            ...tlsTo(direct.endpoint.url),
            ...(running.clientSourceAddress ? { localAddress: running.clientSourceAddress } : {}),
          });
        }
      }
      const catalog = options.catalog ?? PROBE_CATALOG;
      options.onEvent?.({ type: "probes", count: catalog.length });
      if (!signal?.aborted) {
        probes = await runProbes(targets, catalog, {
          policyHosts: scenario.policy.hosts,
          knobs: scenario.policy.knobs,
          timeoutMs: scenario.probes.timeoutMs,
          surface: { internalPaths: app.internalPaths, exposedPaths: scenario.proxy.exposedPaths, atEdge: scenario.policy.internalPathsAtEdge },
          slowHeaders: { connections: 4, intervalMs: 250, holdMs: scenario.probes.slowHoldMs },
          signal,
        });
        causes = await findCauses(scenario, probedApp, probes.results);
      }
    }
    if (withLoad && !signal?.aborted) {
      // The load generator is loaded only when there is load to run (it is most of a probe-only start-up).
      const { runRounds } = await import("./runners/load/rounds.js");
      // A proxied connection holds four descriptors in this process: client, proxy in, proxy out, app.
      const capped = capConnections(scenario.load.connections, scenario.topologies.includes("proxied") ? 4 : 2);
      if (capped.warning) warnings.push(capped.warning);
      const rounds = await runRounds(
        topology.running.map((t) => ({ topology: t.kind, url: t.entry.url, counts: t.counts, ca: t.ca })),
        { ...scenario.load, connections: capped.connections },
        { signal, onEvent: options.onEvent },
      );
      const edge = rounds.topologies.find((t) => t.topology === "edge");
      const proxied = rounds.topologies.find((t) => t.topology === "proxied");
      load = { ...rounds, overhead: edge && proxied ? computeOverhead(edge, proxied) : null };
      for (const saturated of rounds.topologies.filter((t) => t.generatorSaturated)) {
        warnings.push(
          `the load generator was saturated while loading ${saturated.topology} (${saturated.sendLateness ? `it fell behind its own schedule: p99 send lateness ${saturated.sendLateness.p99Us} µs against a response-time p99 of ${saturated.latency.p99Us} µs` : "event loop busy over 90 %"}): its figures measure the generator, not the deployment, and are not trustworthy; ${scenario.load.model === "open" ? "use a lower rate" : "use fewer connections or a fixed rate"}`,
        );
      }
    }
  } finally {
    options.onEvent?.({ type: "stopping" });
    await topology.close();
  }
  const result: RunResult = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: "edgebench", version: VERSION },
    startedAt,
    finishedAt: new Date().toISOString(),
    interrupted: signal?.aborted ?? false,
    scenario: {
      name: scenario.name,
      file: scenario.file,
      description: scenario.description,
      topologies: scenario.topologies,
      policyHosts: scenario.policy.hosts,
      policyProfile: scenario.policy.profile,
      knobs: scenario.policy.knobs,
      proxyEngine: scenario.proxy.engine,
      ...(generatedEngineConfig(scenario) ? { proxyProfile: scenario.proxy.profile } : {}),
      ...proxyEngineVersion(topology.running),
      ...(scenario.apps.some((app) => app.runtime === "kestrel") ? { appRuntime: `real Kestrel, ${kestrelVersion() ?? "dotnet missing"}` } : {}),
      tls: scenario.tls,
      hops: { client: scenario.network.clientHop, app: scenario.network.appHop },
    },
    environment: environment(),
    warnings,
    load,
    probes,
    ...(probes ? { causes } : {}),
    thresholds: [],
    verdict: { passed: true, failures: [] },
  };
  result.thresholds = evaluateThresholds([...scenario.thresholds, ...(options.thresholds ?? [])], result);
  result.verdict = decideVerdict(load, probes, result.thresholds);
  return result;
}
