/**
 * Deployments that already exist, given by URL (`bench --deployment edge=URL --deployment proxied=URL`): an app's
 * direct port and the same app through its production proxy, say; any number, each paired with `edge`. They get the same paired, shuffled rounds,
 * statistics, thresholds and reports as the deployments edgebench starts, and the same probes (graded on the wire).
 */
import { lookup } from "node:dns/promises";
import { DeploymentError, type Deployment } from "./deployments.js";
import { isLoopbackHostname } from "./probe-target.js";
import { computeOverheads } from "./results/compare.js";
import type { LoadResult, ProbesResult, RunResult } from "./results/types.js";
import type { Threshold } from "./results/thresholds.js";
import { checkThresholdDeployments } from "./scenario/thresholds.js";
import { finishRun, type MeasuredRun } from "./results/finish.js";
import { environment, runStamp } from "./results/run-stamp.js";
import type { RunEventListener } from "./runners/events.js";
import { capConnections } from "./runners/load/fd-limit.js";
import { PROBE_CATALOG } from "./runners/probes/catalog/index.js";
import { runProbes, type ProbeTarget } from "./runners/probes/run-probes.js";
import type { ProbeDefinition } from "./runners/probes/types.js";
import type { Scenario } from "./scenario/types.js";

export interface RunningDeploymentsOptions {
  deployments: readonly Deployment[];
  /** Load settings, policy hosts and thresholds (its apps and proxy are not started). */
  scenario: Scenario;
  load: boolean;
  probes: boolean;
  /** Deployments whose address is not on loopback are allowed (only deployments the user owns). */
  allowRemote?: boolean;
  catalog?: readonly ProbeDefinition[];
  thresholds?: readonly Threshold[];
  signal?: AbortSignal;
  onEvent?: RunEventListener;
}

const IPV4_LOOPBACK = /^127\./;
const EDGE = "edge";

/** Every other deployment is paired with `edge` when there is one, else with the first given. */
function referenceOf(deployments: readonly Deployment[]): string {
  return deployments.some((d) => d.name === EDGE) ? EDGE : deployments[0]!.name;
}

/** Every address the deployment's host name resolves to; refused when one is off loopback and remote is not allowed. */
async function checkAddresses(deployment: Deployment, allowRemote: boolean): Promise<{ remote: boolean }> {
  const hostname = new URL(deployment.url).hostname.replace(/^\[|\]$/g, "");
  const addresses = await lookup(hostname, { all: true }).catch(() => {
    throw new DeploymentError(`--deployment ${deployment.name}: cannot resolve '${hostname}'`);
  });
  const elsewhere = addresses.filter((a) => !(IPV4_LOOPBACK.test(a.address) || a.address === "::1"));
  if (elsewhere.length > 0 && !allowRemote) {
    throw new DeploymentError(
      `--deployment ${deployment.name}: '${hostname}' resolves to ${elsewhere[0]!.address}, not loopback; ` +
        "load goes elsewhere only with --allow-remote (a deployment you own)",
    );
  }
  return { remote: elsewhere.length > 0 || !isLoopbackHostname(new URL(deployment.url).hostname) };
}

function probeTargets(deployments: readonly Deployment[]): ProbeTarget[] {
  return deployments.map((deployment) => {
    const url = new URL(deployment.url);
    if (url.protocol !== "http:")
      throw new DeploymentError(`--deployment ${deployment.name}: probes go to http:// deployments only`);
    const host = url.hostname === "localhost" ? "127.0.0.1" : url.hostname.replace(/^\[|\]$/g, "");
    const port = url.port ? Number(url.port) : 80;
    return { deployment: deployment.name, via: "entry", host, port, proxyInPath: deployment.name !== EDGE };
  });
}

async function measure(options: RunningDeploymentsOptions): Promise<{ load: LoadResult; warnings: string[] }> {
  const { runRounds } = await import("./runners/load/rounds.js");
  const { scenario, signal } = options;
  const capped = capConnections(scenario.load.connections, 2);
  const targets = options.deployments.map((d) => ({ deployment: d.name, url: d.url, counts: async () => ({}) }));
  const rounds = await runRounds(
    targets,
    { ...scenario.load, connections: capped.connections },
    { signal, onEvent: options.onEvent },
  );
  const warnings = capped.warning ? [capped.warning] : [];
  for (const t of rounds.deployments.filter((t) => t.generatorSaturated)) {
    warnings.push(
      `the load generator was saturated while loading ${t.deployment}: its figures measure the generator, not the deployment`,
    );
  }
  return {
    load: { ...rounds, overheads: computeOverheads(rounds.deployments, referenceOf(options.deployments)), ratios: [] },
    warnings,
  };
}

export async function runDeployments(options: RunningDeploymentsOptions): Promise<RunResult> {
  const startedAt = new Date().toISOString();
  const { scenario, deployments, signal } = options;
  const thresholds = [...scenario.thresholds, ...(options.thresholds ?? [])];
  checkThresholdDeployments(
    thresholds,
    deployments.map((d) => d.name),
  );
  const warnings: string[] = [];
  for (const deployment of deployments) {
    const { remote } = await checkAddresses(deployment, options.allowRemote ?? false);
    if (remote)
      warnings.push(
        `${deployment.name} (${deployment.url}) is not on this machine: its figures include the network to it`,
      );
  }
  let probes: ProbesResult | null = null;
  if (options.probes) {
    const targets = probeTargets(deployments);
    const policy = {
      policyHosts: scenario.policy.hosts,
      knobs: scenario.policy.knobs,
      timeoutMs: scenario.probes.timeoutMs,
    };
    probes = await runProbes(targets, options.catalog ?? PROBE_CATALOG, { ...policy, wireOnly: true, signal });
  }
  let load: LoadResult | null = null;
  if (options.load && !signal?.aborted) {
    const measured = await measure(options);
    load = measured.load;
    warnings.push(...measured.warnings);
  }
  const measured: MeasuredRun = {
    ...runStamp(startedAt, signal),
    scenario: {
      name: `${scenario.name} on running deployments`,
      file: scenario.file,
      description: `Deployments already running: ${deployments.map((d) => `${d.name} ${d.url}`).join(", ")}.`,
      topologies: ["external"],
      policyHosts: scenario.policy.hosts,
      policyProfile: scenario.policy.profile,
      knobs: scenario.policy.knobs,
      proxyEngine: "unknown",
    },
    environment: environment(),
    deployments: deployments.map((d) => ({ name: d.name, topology: "external" as const, engine: null })),
    referenceProxy: null,
    warnings,
    load,
    probes,
  };
  return finishRun(measured, thresholds);
}
