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
  return { host: LOOPBACK, port: server.port, url: server.url };
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
export async function startDeployments(deployments: readonly PlannedDeployment[], options: TopologyOptions = {}): Promise<Topology> {
  const start = (spec: ServerSpec): Promise<IsolatedServer> => (options.isolation === "inline" ? startInline(spec) : startIsolated(spec));
  const started: IsolatedServer[] = [];
  const running: RunningTopology[] = [];
  const track = async (promise: Promise<IsolatedServer>): Promise<IsolatedServer> => {
    const server = await promise;
    started.push(server);
    return server;
  };
  // The real app is a process of its own already: no thread needed, whatever the isolation.
  const startAppOfRuntime = (app: AppConfig, appOptions: AppOptions): Promise<IsolatedServer> =>
    app.runtime === "kestrel" ? startKestrelApp(appOptions) : start({ kind: "app", options: appOptions });
  const base = deployments[0]?.scenario;
  if (!base) return { running, close: async () => {} };
  const primary = appForHost(base.apps, base.load.host);
  const { clientAddress, clientHop, appHop } = base.network;
  const certificates = base.tls === "off" ? null : await createRunCertificates([...base.policy.hosts, ...base.apps.flatMap((app) => app.allowedHosts)]);
  // The echo contract's records of this run's apps, one file per deployment (see http1/echo-contract.ts).
  const recordDir = await mkdtemp(join(tmpdir(), "edgebench-record-"));
  const close = async (): Promise<void> => {
    await Promise.all(started.map((server) => server.close()));
    await rm(recordDir, { recursive: true, force: true });
  };
  /** A shaped hop in front of `server`; its connections to the server come from `sourceAddress`. */
  const shaped = (server: IsolatedServer, shape: HopShape, sourceAddress: string, seed: number): Promise<IsolatedServer> =>
    track(start({ kind: "shaper", options: { target: { host: LOOPBACK, port: server.port }, shape, scheme: schemeOf(server.url), sourceAddress, seed, host: LOOPBACK } }));

  // The deployments start side by side: worker start-up dominates a short run.
  const startOne = async ({ name, topology: kind, scenario }: PlannedDeployment): Promise<RunningTopology> => {
    const driver = scenario.proxy.engine === "builtin" ? null : ENGINE_DRIVERS[scenario.proxy.engine];
    // A proxy that cannot choose its source address (Caddy 2.6) connects from 127.0.0.1: its apps trust that instead.
    const proxySource = driver && !driver.bindsSourceAddress ? LOOPBACK : PROXY_SOURCE_ADDRESS;
    const behindProxy = kind === "proxied";
    const appRecord = join(recordDir, `${name.replaceAll("/", "-")}.jsonl`);
    const appTls = certificates && (!behindProxy || scenario.tls === "reencrypt") ? certificates.server : undefined;
    const instances = await Promise.all(
      scenario.apps.map((app) =>
        Promise.all(
          Array.from({ length: behindProxy ? app.instances : 1 }, () =>
            track(
              startAppOfRuntime(app, {
                ...appOptions(app, clientAddress, behindProxy ? [proxySource] : [], appTls, behindProxy ? 0 : (app.port ?? 0), appRecord),
                ...(frontDoorOf(scenario, kind) === "h2" && !behindProxy ? { protocols: "Http2" as const } : {}),
              }),
            ),
          ),
        ),
      ),
    );
    const labelled = instances.flatMap((copies, i) =>
      copies.map((server, copy) => ({ label: copies.length > 1 ? `app:${scenario.apps[i]!.name}#${copy + 1}` : `app:${scenario.apps[i]!.name}`, server })),
    );
    let entryServer: IsolatedServer = instances[primary]![0]!;
    let engine: RunningTopology["engine"] = null;
    if (behindProxy) {
      // With a shaped app hop, the proxy reaches each instance through its own relay, which connects as the proxy.
      const upstreams = await Promise.all(
        instances.map((copies, i) =>
          Promise.all(copies.map(async (server, copy) => (appHop ? (await shaped(server, appHop, proxySource, 1000 + i * 100 + copy)).url : server.url))),
        ),
      );
      const proxy = await track(
        driver
          ? startEngineProxy(driver, scenario, upstreams, certificates)
          : start({
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
            }),
      );
      engine = proxy.engine ?? { name: "builtin", version: VERSION };
      labelled.unshift({ label: "proxy", server: proxy });
      entryServer = proxy;
    }
    if (clientHop) {
      entryServer = await shaped(entryServer, clientHop, LOOPBACK, behindProxy ? 2 : 1);
      labelled.push({ label: "hop:client", server: entryServer });
    }
    return {
      name,
      kind,
      entry: endpoint(entryServer),
      apps: instances.map((copies, i) => ({ name: scenario.apps[i]!.name, endpoint: endpoint(copies[0]!) })),
      ca: certificates?.ca ?? null,
      engine,
      clientSourceAddress: behindProxy && proxySource === LOOPBACK ? CLIENT_SOURCE_ADDRESS : null,
      appRecord,
      counts: async () => Object.fromEntries(await Promise.all(labelled.map(async ({ label, server }) => [label, await server.counts()] as const))),
    };
  };
  try {
    running.push(...(await Promise.all(deployments.map(startOne))));
  } catch (error) {
    await close();
    throw error;
  }
  return { running, close };
}
