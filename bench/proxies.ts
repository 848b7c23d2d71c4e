/**
 * The builtin proxy against nginx, HAProxy, Caddy and YARP in front of the same app, in the same run: throughput in
 * closed-model rounds (every target once per round, shuffled), and the p50 each adds over the bare app at a fixed,
 * moderate rate (open model, so queueing does not hide the hop's cost). Ratios to nginx; engines that are not
 * installed are skipped with the command that installs them. Each server is a process of its own. A Node relay
 * that only pipes bytes runs beside them, as the floor any proxy written for Node starts from.
 */
import { ENGINE_DRIVERS, engineVersion, freePort, startEngine } from "../src/engines/start-engine.js";
import { createRunFolder } from "../src/processes/run-folder.js";
import type { EngineSpec, ExternalEngineName } from "../src/engines/types.js";
import { summarize } from "../src/results/histogram.js";
import { httpSender, runOpenLoad } from "../src/runners/load/open-model.js";
import { runLoad } from "../src/runners/load/run-load.js";
import { median, seededRandom, shuffled } from "../src/results/stats.js";
import { startServer } from "./start-server.js";
import { PROXY_SOURCE_ADDRESS } from "../src/topology/source-address.js";

interface Target {
  name: string;
  url: string;
  close(): Promise<void>;
}

export interface ProxyFigures {
  rate: number;
  engines: Record<
    string,
    {
      version: string;
      rps: number;
      p50Us: number;
      addedP50Us: number;
      rpsVsNginx: number | null;
      addedP50VsNginx: number | null;
      /** The added-p50 ratio to nginx's taken round by round: lowest and highest. */
      addedP50VsNginxRange: [number, number] | null;
    }
  >;
  skipped: string[];
  goals: { builtinThroughputVsNginx: number; builtinAddedP50VsNginx: number };
}

const HOST = "app.example.com";

export function spec(engine: ExternalEngineName, port: number, appPort: number, dir: string): EngineSpec {
  return {
    listen: { host: "127.0.0.1", port },
    routes: [{ hosts: [HOST], upstreams: [{ host: "127.0.0.1", port: appPort }] }],
    preserveHost: true,
    forwardedFor: "replace",
    forwarded: false,
    stripClientForwarded: true,
    allowedHosts: null,
    exposedPaths: null,
    upstreamTimeoutMs: 30_000,
    balancing: "round-robin",
    maxRequestBodyBytes: 10 * 1024 * 1024,
    profile: "hardened",
    wildcardDepth: "any",
    tls: null,
    sourceAddress: engine === "caddy" ? "127.0.0.1" : PROXY_SOURCE_ADDRESS,
    dir,
  };
}

/** `app`: the app to put the proxies in front of (default: the simulated app, started and stopped here). */
export async function compareProxies(
  rounds: number,
  roundMs: number,
  rate: number,
  line: (text: string) => void,
  given?: { url: string; close(): Promise<void> },
): Promise<ProxyFigures> {
  // Every server a process of its own, as nginx, HAProxy and Caddy are, none pinned: the same footing for all.
  const app =
    given ??
    (await startServer(
      {
        kind: "app",
        options: { name: "web", allowedHosts: [HOST], proxyAddresses: [PROXY_SOURCE_ADDRESS, "127.0.0.1"] },
      },
      false,
    ));
  const appPort = Number(new URL(app.url).port);
  const targets: Target[] = [{ name: "edge", url: app.url, close: async () => {} }];
  const versions: Record<string, string> = {};
  const skipped: string[] = [];
  try {
    const builtin = await startServer(
      {
        kind: "proxy",
        options: { routes: [{ hosts: ["*"], upstreams: [app.url] }], sourceAddress: PROXY_SOURCE_ADDRESS },
      },
      false,
    );
    targets.push({ name: "builtin", url: builtin.url, close: () => builtin.close() });
    versions.builtin = "edgebench";
    const floor = await startServer({ kind: "relay", target: { host: "127.0.0.1", port: appPort } }, false);
    targets.push({ name: "node-relay", url: floor.url, close: () => floor.close() });
    versions["node-relay"] = "pipe, no HTTP";
    for (const name of ["nginx", "haproxy", "caddy", "yarp"] as const) {
      const driver = ENGINE_DRIVERS[name];
      if (engineVersion(driver) === null) {
        skipped.push(`${name}: not installed (${driver.install})`);
        continue;
      }
      const folder = await createRunFolder(name);
      const engine = await startEngine(driver, spec(name, await freePort("127.0.0.1"), appPort, folder.dir));
      versions[name] = engine.version;
      targets.push({ name, url: engine.url, close: async () => (await engine.close(), await folder.remove()) });
    }
    const random = seededRandom(42);
    const closed = new Map<string, number[]>(targets.map((t) => [t.name, []]));
    const p50 = new Map<string, number[]>(targets.map((t) => [t.name, []]));
    for (const target of targets)
      await runLoad({
        url: target.url,
        host: HOST,
        method: "GET",
        path: "/",
        body: null,
        connections: 10,
        pipelining: 1,
        durationMs: 500,
      });
    for (let round = 0; round < rounds; round++) {
      for (const target of shuffled(targets, random)) {
        const run = await runLoad({
          url: target.url,
          host: HOST,
          method: "GET",
          path: "/",
          body: null,
          connections: 10,
          pipelining: 1,
          durationMs: roundMs,
        });
        closed.get(target.name)!.push((run.ok2xx * 1000) / run.durationMs);
        const sender = httpSender({
          url: target.url,
          host: HOST,
          method: "GET",
          path: "/",
          body: null,
          connections: 32,
        });
        try {
          const open = await runOpenLoad({ rate, durationMs: roundMs, connections: 32 }, sender.send);
          p50.get(target.name)!.push(summarize(open.histogram).p50Us);
        } finally {
          await sender.close();
        }
      }
    }
    const edgeP50 = p50.get("edge")!;
    const engines: ProxyFigures["engines"] = {};
    for (const target of targets.slice(1)) {
      // Added latency paired by round: each round's p50 through the proxy minus the bare app's in that round.
      const added = p50.get(target.name)!.map((value, i) => value - edgeP50[i]!);
      engines[target.name] = {
        version: versions[target.name]!,
        rps: Math.round(median(closed.get(target.name)!)),
        p50Us: median(p50.get(target.name)!),
        addedP50Us: median(added),
        rpsVsNginx: null,
        addedP50VsNginx: null,
        addedP50VsNginxRange: null,
      };
    }
    const nginx = engines.nginx;
    const nginxAdded = p50.get("nginx")?.map((value, i) => value - edgeP50[i]!);
    for (const [name, figures] of Object.entries(engines)) {
      if (!nginx || !nginxAdded) break;
      figures.rpsVsNginx = Math.round((figures.rps / nginx.rps) * 1000) / 1000;
      // Paired by round, like the overhead itself: each round's added p50 over nginx's in the same round.
      const ratios = p50
        .get(name)!
        .map((value, i) => (value - edgeP50[i]!) / nginxAdded[i]!)
        .filter(Number.isFinite);
      const round3 = (value: number): number => Math.round(value * 1000) / 1000;
      figures.addedP50VsNginx = round3(median(ratios));
      figures.addedP50VsNginxRange = [round3(Math.min(...ratios)), round3(Math.max(...ratios))];
    }
    line(
      `proxies in front of the same app: ${rounds} shuffled rounds × ${roundMs} ms, closed (10 connections) and open (${rate} req/s); edge ${Math.round(median(closed.get("edge")!))} req/s, p50 ${median(edgeP50)} µs`,
    );
    for (const [name, f] of Object.entries(engines)) {
      line(
        `  ${name.padEnd(8)} ${f.version.padEnd(18)} ${String(f.rps).padStart(6)} req/s${f.rpsVsNginx !== null ? ` ×${f.rpsVsNginx.toFixed(2)} of nginx` : ""}` +
          `   adds p50 ${f.addedP50Us} µs at ${rate} req/s${f.addedP50VsNginx !== null ? ` ×${f.addedP50VsNginx.toFixed(2)} of nginx's (rounds ×${f.addedP50VsNginxRange![0].toFixed(2)} … ×${f.addedP50VsNginxRange![1].toFixed(2)})` : ""}`,
      );
    }
    for (const reason of skipped) line(`  skipped ${reason}`);
    if (nginx && engines.builtin) {
      line(
        `builtin proxy vs nginx: throughput ×${engines.builtin.rpsVsNginx!.toFixed(2)} (goal ≥ 0.60), added p50 ×${engines.builtin.addedP50VsNginx!.toFixed(2)}, median of rounds (goal ≤ 1.50)`,
      );
      const floor = engines["node-relay"];
      if (floor)
        line(
          `  for scale: a Node relay that only pipes bytes adds ×${floor.addedP50VsNginx!.toFixed(2)} of nginx's p50, the floor of any Node proxy on this machine`,
        );
    }
    return { rate, engines, skipped, goals: { builtinThroughputVsNginx: 0.6, builtinAddedP50VsNginx: 1.5 } };
  } finally {
    await Promise.all(targets.map((t) => t.close()));
    if (!given) await app.close();
  }
}
