/**
 * Starts the deployments of a plan on loopback ephemeral ports, each server in its own worker thread: edge (clients
 * reach the app's port) and proxied (client → builtin proxy or an engine → the deployment's own app instances).
 */
import { hostMatchesAny } from "../policy/host-string.js";
import type { AppOptions } from "../servers/app.js";
import { startInline, startIsolated, type IsolatedServer, type ServerSpec } from "../servers/isolated.js";
import type { AppConfig, HopShape, Scenario, TopologyKind } from "../scenario/types.js";
import { planDeployments, type PlannedDeployment } from "../plan/deployments.js";
import type { TlsIdentity } from "../http1/connection.js";
import { createRunCertificates } from "../tls/certificates.js";
import { ENGINE_DRIVERS } from "../engines/start-engine.js";
import { proxyBehaviour, startEngineProxy } from "./engine-proxy.js";
import { VERSION } from "../version.js";
import { runningUrlApp, startCommandApp } from "../apps/own-app.js";
import { startKestrelApp } from "../apps/kestrel/driver.js";

import { PROXY_SOURCE_ADDRESS } from "./source-address.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export { PROXY_SOURCE_ADDRESS } from "./source-address.js";
const LOOPBACK = "127.0.0.1";
/** Bypass probes come from here when the apps must trust 127.0.0.1 as their proxy. */
const CLIENT_SOURCE_ADDRESS = "127.0.0.3";

export interface Endpoint {
  host: string;
  port: number;
  url: string;
}

export interface RunningTopology {
  /** The deployment's name in the plan (`edge`, `proxied/nginx`, …). */
  name: string;
  kind: TopologyKind;
  /** Where clients connect: the app serving the load host (edge) or the proxy (proxied), or the hop in front. */
  entry: Endpoint;
  /** Each app's own port (its first instance), for probes that bypass the proxy. */
  apps: Array<{ name: string; endpoint: Endpoint }>;
  /** The CA clients must trust when the entry or an app speaks TLS, else null. */
  ca: string | null;
  /** The proxy engine and its version (proxied only). */
  engine: { name: string; version: string } | null;
  /**
   * Where probes that bypass the proxy must connect from: set when the proxy cannot choose its own source address,
   * so its apps trust 127.0.0.1 and a simulated client must come from elsewhere.
   */
  clientSourceAddress: string | null;
  /** The echo contract's record file its apps append to (see http1/echo-contract.ts). */
  appRecord: string;
  /** Answers by status, per server (`proxy`, `app:<name>`, `app:<name>#<instance>`, `hop:client`, …). */
  counts(): Promise<Record<string, Record<string, number>>>;
}

export interface Topology {
  running: RunningTopology[];
  close(): Promise<void>;
}

function appOptions(
  app: AppConfig,
  clientAddress: string,
  proxyAddresses: string[],
  tls: TlsIdentity | undefined,
  port: number,
  recordFile: string,
): AppOptions {
  return {
    recordFile,
    ...(tls ? { tls } : {}),
    port,
    name: app.name,
    allowedHosts: app.allowedHosts,
    allowEmptyHosts: app.allowEmptyHosts,
    includeFailureMessage: app.includeFailureMessage,
    allowHostHeaderOverride: app.allowHostHeaderOverride,
    internalPaths: app.internalPaths,
    work: app.work,
    requestHeadersTimeoutMs: app.requestHeadersTimeoutMs,
    minRequestBodyDataRate: app.minRequestBodyDataRate,
    ...(app.forwardedHeaders ? { forwardedHeaders: app.forwardedHeaders } : {}),
    host: LOOPBACK,
    clientAddress,
    proxyAddresses,
  };
}

/** The app a Host is meant for: the first whose AllowedHosts match it, else the first app. */
export function appForHost(apps: readonly AppConfig[], host: string): number {
  const index = apps.findIndex((app) => {
    try {
      return !app.allowedHosts.includes("*") && hostMatchesAny(host, app.allowedHosts);
    } catch {
      return false;
    }
  });
  return index >= 0 ? index : 0;
}

function endpoint(server: IsolatedServer): Endpoint {
  return { host: new URL(server.url).hostname.replace(/^\[|\]$/g, ""), port: server.port, url: server.url };
}

/**
 * What clients speak to a topology's entry: the proxy's front door; at the edge, HTTP/2 only where the app serves it
 * as Kestrel does, an Http2 endpoint with prior knowledge on cleartext (the simulated app has no HTTP/2 over TLS).
 */
export function frontDoorOf(scenario: Scenario, kind: TopologyKind): "http1" | "h2" | "both" {
  if (kind === "proxied") return scenario.proxy.frontend;
  return scenario.proxy.frontend === "h2" && scenario.tls === "off" ? "h2" : "http1";
}

const schemeOf = (url: string): "http" | "https" => (url.startsWith("https:") ? "https" : "http");

/**
 * Like Promise.all, but settles only when every start has: a part still starting when another failed would
 * otherwise be tracked after the topology closed, and a child process would outlive the failed start.
 */
async function allStarted<T>(starts: ReadonlyArray<Promise<T>>): Promise<T[]> {
  const settled = await Promise.allSettled(starts);
  const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<T>).value);
}

export interface TopologyOptions {
  /**
   * "worker" (default): each server in its own thread, off the load generator's event loop, as measurement needs;
   * "inline": in this thread, for probe-only runs, where threads would cost more than the run.
   */
  isolation?: "worker" | "inline";
}

/** The scenario's own deployments (its topologies, its proxy engine). */
export function startTopology(scenario: Scenario, options: TopologyOptions = {}): Promise<Topology> {
  return startDeployments(planDeployments(scenario), options);
}

/** Starts every deployment of a plan side by side; they share the run's certificates. */
export async function startDeployments(
  deployments: readonly PlannedDeployment[],
  options: TopologyOptions = {},
): Promise<Topology> {
  const base = deployments[0]?.scenario;
  if (!base) return { running: [], close: async () => {} };
  const certificates =
    base.tls === "off"
      ? null
      : await createRunCertificates([...base.policy.hosts, ...base.apps.flatMap((app) => app.allowedHosts)]);
  // The echo contract's records of this run's apps, one file per deployment (see http1/echo-contract.ts).
  const recordDir = await mkdtemp(join(tmpdir(), "edgebench-record-"));
  const starter = new DeploymentStarter(base, options, certificates, recordDir);
  try {
    // The deployments start side by side: worker start-up dominates a short run.
    const running = await allStarted(deployments.map((deployment) => starter.startOne(deployment)));
    return { running, close: () => starter.close() };
  } catch (error) {
    await starter.close();
    throw error;
  }
}

type Certificates = Awaited<ReturnType<typeof createRunCertificates>>;

/** Starts the parts of deployments that share one run's certificates and record folder; stops all it started. */
class DeploymentStarter {
  private readonly started: IsolatedServer[] = [];
  private readonly primary: number;

  constructor(
    private readonly base: Scenario,
    private readonly options: TopologyOptions,
    private readonly certificates: Certificates | null,
    private readonly recordDir: string,
  ) {
    this.primary = appForHost(base.apps, base.load.host);
  }

  async close(): Promise<void> {
    await Promise.all(this.started.map((server) => server.close()));
    await rm(this.recordDir, { recursive: true, force: true });
  }

  async startOne({ name, topology: kind, scenario }: PlannedDeployment): Promise<RunningTopology> {
    const driver = scenario.proxy.engine === "builtin" ? null : ENGINE_DRIVERS[scenario.proxy.engine];
    // A proxy that cannot choose its source address (Caddy 2.6) connects from 127.0.0.1: its apps trust that instead.
    const proxySource = driver && !driver.bindsSourceAddress ? LOOPBACK : PROXY_SOURCE_ADDRESS;
    const behindProxy = kind === "proxied";
    const appRecord = join(this.recordDir, `${name.replaceAll("/", "-")}.jsonl`);
    const instances = await this.startApps(scenario, kind, proxySource, appRecord);
    const labelled = instances.flatMap((copies, i) =>
      copies.map((server, copy) => ({
        label: copies.length > 1 ? `app:${scenario.apps[i]!.name}#${copy + 1}` : `app:${scenario.apps[i]!.name}`,
        server,
      })),
    );
    let entryServer: IsolatedServer = instances[this.primary]![0]!;
    let engine: RunningTopology["engine"] = null;
    if (behindProxy) {
      const proxy = await this.startProxy(scenario, driver, instances, proxySource);
      engine = proxy.engine ?? { name: "builtin", version: VERSION };
      labelled.unshift({ label: "proxy", server: proxy });
      entryServer = proxy;
    }
    const { clientHop } = this.base.network;
    if (clientHop) {
      entryServer = await this.shaped(entryServer, clientHop, LOOPBACK, behindProxy ? 2 : 1);
      labelled.push({ label: "hop:client", server: entryServer });
    }
    return {
      name,
      kind,
      entry: endpoint(entryServer),
      apps: instances.map((copies, i) => ({ name: scenario.apps[i]!.name, endpoint: endpoint(copies[0]!) })),
      ca: this.certificates?.ca ?? null,
      engine,
      clientSourceAddress: behindProxy && proxySource === LOOPBACK ? CLIENT_SOURCE_ADDRESS : null,
      appRecord,
      counts: async () =>
        Object.fromEntries(
          await Promise.all(labelled.map(async ({ label, server }) => [label, await server.counts()] as const)),
        ),
    };
  }

  private start(spec: ServerSpec): Promise<IsolatedServer> {
    return this.track(this.options.isolation === "inline" ? startInline(spec) : startIsolated(spec));
  }

  private async track(promise: Promise<IsolatedServer>): Promise<IsolatedServer> {
    const server = await promise;
    this.started.push(server);
    return server;
  }

  /** Every app's instances (one at the edge); the real app is a process of its own already, whatever the isolation. */
  private startApps(
    scenario: Scenario,
    kind: TopologyKind,
    proxySource: string,
    appRecord: string,
  ): Promise<IsolatedServer[][]> {
    const behindProxy = kind === "proxied";
    const certificates = this.certificates;
    const appTls = certificates && (!behindProxy || scenario.tls === "reencrypt") ? certificates.server : undefined;
    const { clientAddress } = this.base.network;
    const startCopy = (app: AppConfig, copy: number, copies: number): Promise<IsolatedServer> => {
      const port = behindProxy ? 0 : (app.port ?? 0);
      if (app.own?.kind === "url") return Promise.resolve(runningUrlApp(app.own.url));
      if (app.own?.kind === "command") {
        const label = `${kind}-${app.name}${copies > 1 ? `#${copy + 1}` : ""}`;
        return this.track(startCommandApp(app.own, { label, host: LOOPBACK, port, recordFile: appRecord }));
      }
      const proxies = behindProxy ? [proxySource] : [];
      // At the edge with an h2 front door the app itself serves HTTP/2 (prior knowledge on cleartext).
      const h2 = frontDoorOf(scenario, kind) === "h2" && !behindProxy ? { protocols: "Http2" as const } : {};
      const options = { ...appOptions(app, clientAddress, proxies, appTls, port, appRecord), ...h2 };
      return app.runtime === "kestrel" ? this.track(startKestrelApp(options)) : this.start({ kind: "app", options });
    };
    return allStarted(
      scenario.apps.map((app) => {
        const copies = behindProxy ? app.instances : 1;
        return allStarted(Array.from({ length: copies }, (_, copy) => startCopy(app, copy, copies)));
      }),
    );
  }

  /** The builtin proxy or an engine in front of the instances, each reached through its own shaped hop if any. */
  private async startProxy(
    scenario: Scenario,
    driver: (typeof ENGINE_DRIVERS)[keyof typeof ENGINE_DRIVERS] | null,
    instances: IsolatedServer[][],
    proxySource: string,
  ): Promise<IsolatedServer> {
    const { appHop } = this.base.network;
    const certificates = this.certificates;
    // With a shaped app hop, the proxy reaches each instance through its own relay, which connects as the proxy.
    const upstreams = await Promise.all(
      instances.map((copies, i) =>
        Promise.all(
          copies.map(async (server, copy) =>
            appHop ? (await this.shaped(server, appHop, proxySource, 1000 + i * 100 + copy)).url : server.url,
          ),
        ),
      ),
    );
    if (driver) return this.track(startEngineProxy(driver, scenario, upstreams, certificates));
    return this.start({
      kind: "proxy",
      options: {
        routes: scenario.apps.map((app, i) => ({ hosts: app.allowedHosts, upstreams: upstreams[i]! })),
        ...proxyBehaviour(scenario),
        frontDoor: scenario.proxy.frontend,
        maxResponseBodyBytes: scenario.proxy.maxResponseBodyBytes,
        headerTimeoutMs: scenario.proxy.headerTimeoutMs,
        ...(certificates ? { tls: certificates.server, upstreamCa: certificates.ca } : {}),
        sourceAddress: PROXY_SOURCE_ADDRESS,
        host: LOOPBACK,
        port: scenario.proxy.port ?? 0,
      },
    });
  }

  /** A shaped hop in front of `server`; its connections to the server come from `sourceAddress`. */
  private shaped(
    server: IsolatedServer,
    shape: HopShape,
    sourceAddress: string,
    seed: number,
  ): Promise<IsolatedServer> {
    return this.start({
      kind: "shaper",
      options: {
        target: { host: LOOPBACK, port: server.port },
        shape,
        scheme: schemeOf(server.url),
        sourceAddress,
        seed,
        host: LOOPBACK,
      },
    });
  }
}
