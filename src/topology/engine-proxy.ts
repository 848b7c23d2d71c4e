/**
 * A real proxy (nginx, HAProxy, Caddy) in the proxied topology: the scenario's proxy turned into an engine spec,
 * the run's certificates written beside its configuration, and the user's own configuration filled in when given.
 * A failed start keeps the engine's folder, so the log the error names can still be read.
 */
import { readFile } from "node:fs/promises";
import { freePort, startEngine } from "../engines/start-engine.js";
import { createRunFolder } from "../processes/run-folder.js";
import type { EngineDriver, EngineSpec } from "../engines/types.js";
import { fillEngineConfig } from "../engines/user-config.js";
import type { IsolatedServer } from "../servers/isolated.js";
import type { Scenario } from "../scenario/types.js";
import type { RunCertificates } from "../tls/certificates.js";
import { PROXY_SOURCE_ADDRESS } from "./source-address.js";

const LOOPBACK = "127.0.0.1";
const PORT_ATTEMPTS = 3;

function hostPort(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

/** What every proxy engine is told of the scenario's proxy, the builtin one included. */
export function proxyBehaviour(scenario: Scenario) {
  const { preserveHost, forwardedFor, forwarded, stripClientForwarded, allowedHosts, upstreamTimeoutMs, balancing, maxRequestBodyBytes, exposedPaths } =
    scenario.proxy;
  return { preserveHost, forwardedFor, forwarded, stripClientForwarded, allowedHosts, upstreamTimeoutMs, balancing, maxRequestBodyBytes, exposedPaths };
}

export async function startEngineProxy(driver: EngineDriver, scenario: Scenario, upstreams: string[][], certificates: RunCertificates | null): Promise<IsolatedServer> {
  const folder = await createRunFolder(driver.name);
  const files: Record<string, string> = certificates
    ? {
        "server.crt": certificates.server.cert,
        "server.key": certificates.server.key,
        "server.pem": `${certificates.server.cert.trimEnd()}\n${certificates.server.key.trimEnd()}\n`,
        "ca.crt": certificates.ca,
      }
    : {};
  const userConfig = scenario.proxy.engineConfig;
  const userText = userConfig ? await readFile(userConfig, "utf8") : null;
  for (let attempt = 1; ; attempt++) {
    const spec: EngineSpec = {
      listen: { host: LOOPBACK, port: scenario.proxy.port ?? (await freePort(LOOPBACK)) },
      routes: scenario.apps.map((app, i) => ({ hosts: app.allowedHosts, upstreams: upstreams[i]!.map(hostPort) })),
      ...proxyBehaviour(scenario),
      profile: scenario.proxy.profile,
      wildcardDepth: scenario.policy.knobs.wildcardDepth,
      frontend: scenario.proxy.frontend,
      tls: certificates
        ? {
            certFile: `${folder.dir}/server.crt`,
            keyFile: `${folder.dir}/server.key`,
            caFile: `${folder.dir}/ca.crt`,
            terminate: true,
            reencrypt: scenario.tls === "reencrypt",
          }
        : null,
      sourceAddress: PROXY_SOURCE_ADDRESS,
      dir: folder.dir,
    };
    try {
      const engine = await startEngine(driver, spec, { files, ...(userText !== null ? { configText: fillEngineConfig(userText, spec, userConfig!) } : {}) });
      return {
        kind: "proxy",
        engine: { name: engine.name, version: engine.version },
        url: engine.url,
        port: engine.port,
        // Engines do not report answers by status to edgebench; the apps behind them do.
        counts: async () => ({}),
        close: async () => {
          await engine.close();
          await folder.remove();
        },
      };
    } catch (error) {
      // The port chosen for it may have been taken in between: try another, unless the scenario fixed it.
      const clash = error instanceof Error && /address already in use|cannot bind socket|bind\(\) to .* failed/i.test(error.message);
      if (!clash || scenario.proxy.port !== null || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}
