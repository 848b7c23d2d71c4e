/**
 * Starts the deployments a scenario names on loopback ephemeral ports, each server in its own worker thread:
 * edge (clients reach the app's port) and proxied (client → builtin proxy → app).
 */
import { hostMatchesAny } from "../policy/host-string.js";
import type { AppOptions } from "../servers/app.js";
import { startInline, startIsolated, type IsolatedServer, type ServerSpec } from "../servers/isolated.js";
import type { AppConfig, Scenario, TopologyKind } from "../scenario/types.js";

/** Upstream connections of the proxy come from this loopback alias, so apps can tell their proxy from clients. */
export const PROXY_SOURCE_ADDRESS = "127.0.0.2";
const LOOPBACK = "127.0.0.1";

export interface Endpoint {
  host: string;
  port: number;
  url: string;
}

export interface RunningTopology {
  kind: TopologyKind;
  /** Where clients connect: the app serving the load host (edge) or the proxy (proxied). */
  entry: Endpoint;
  /** Each app's own port. */
  apps: Array<{ name: string; endpoint: Endpoint }>;
  /** Answers by status, per server (`proxy`, `app:<name>`). */
  counts(): Promise<Record<string, Record<string, number>>>;
}

export interface Topology {
  running: RunningTopology[];
  close(): Promise<void>;
}

function appOptions(app: AppConfig, clientAddress: string, proxyAddresses: string[]): AppOptions {
  return {
    name: app.name,
    allowedHosts: app.allowedHosts,
    allowEmptyHosts: app.allowEmptyHosts,
    includeFailureMessage: app.includeFailureMessage,
    allowHostHeaderOverride: app.allowHostHeaderOverride,
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

export interface TopologyOptions {
  /**
   * "worker" (default): each server in its own thread, off the load generator's event loop, as measurement needs;
   * "inline": in this thread, for probe-only runs, where threads would cost more than the run.
   */
  isolation?: "worker" | "inline";
}

export async function startTopology(scenario: Scenario, options: TopologyOptions = {}): Promise<Topology> {
  const start = (spec: ServerSpec): Promise<IsolatedServer> => (options.isolation === "inline" ? startInline(spec) : startIsolated(spec));
  const started: IsolatedServer[] = [];
  const running: RunningTopology[] = [];
  const track = async (promise: Promise<IsolatedServer>): Promise<IsolatedServer> => {
    const server = await promise;
    started.push(server);
    return server;
  };
  const close = async (): Promise<void> => {
    await Promise.all(started.map((server) => server.close()));
  };
  const primary = appForHost(scenario.apps, scenario.load.host);
  const { clientAddress } = scenario.network;
  // The topologies start side by side: worker start-up dominates a short run.
  const startOne = async (kind: TopologyKind): Promise<RunningTopology> => {
    const behindProxy = kind === "proxied";
    const apps = await Promise.all(
      scenario.apps.map((app) => track(start({ kind: "app", options: appOptions(app, clientAddress, behindProxy ? [PROXY_SOURCE_ADDRESS] : []) }))),
    );
    const labelled = apps.map((server, i) => ({ label: `app:${scenario.apps[i]!.name}`, server }));
    let entry = endpoint(apps[primary]!);
    if (behindProxy) {
      const proxy = await track(
        start({
          kind: "proxy",
          options: {
            routes: scenario.apps.map((app, i) => ({ hosts: app.allowedHosts, upstreams: [apps[i]!.url] })),
            preserveHost: scenario.proxy.preserveHost,
            forwardedFor: scenario.proxy.forwardedFor,
            stripClientForwarded: scenario.proxy.stripClientForwarded,
            allowedHosts: scenario.proxy.allowedHosts,
            upstreamTimeoutMs: scenario.proxy.upstreamTimeoutMs,
            sourceAddress: PROXY_SOURCE_ADDRESS,
            host: LOOPBACK,
          },
        }),
      );
      labelled.unshift({ label: "proxy", server: proxy });
      entry = endpoint(proxy);
    }
    return {
      kind,
      entry,
      apps: apps.map((server, i) => ({ name: scenario.apps[i]!.name, endpoint: endpoint(server) })),
      counts: async () => Object.fromEntries(await Promise.all(labelled.map(async ({ label, server }) => [label, await server.counts()] as const))),
    };
  };
  try {
    running.push(...(await Promise.all(scenario.topologies.map(startOne))));
  } catch (error) {
    await close();
    throw error;
  }
  return { running, close };
}
