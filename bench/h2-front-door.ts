/**
 * HTTP/2 front door against HTTP/1.1 front door, for the builtin proxy and nginx, in the same shuffled rounds.
 * The generators differ (autocannon for HTTP/1.1, node:http2 for HTTP/2), so each proxied figure is taken against
 * the bare app loaded over the same protocol in the same round (the app serves HTTP/2 with prior knowledge):
 * throughput as a share of that edge, added p50 at a fixed rate as a difference from it. The ratios h2 / h1 of
 * those are the figures; they say what the HTTP/2 front door costs over the HTTP/1.1 one, generator cancelled.
 */
import { ENGINE_DRIVERS, engineVersion, freePort, startEngine } from "../src/engines/start-engine.js";
import { createRunFolder } from "../src/processes/run-folder.js";
import type { EngineSpec } from "../src/engines/types.js";
import { h2Sender, runLoadH2 } from "../src/runners/load/h2-load.js";
import { summarize } from "../src/results/histogram.js";
import { httpSender, runOpenLoad } from "../src/runners/load/open-model.js";
import { runLoad } from "../src/runners/load/run-load.js";
import { median, seededRandom, shuffled } from "../src/results/stats.js";
import { PROXY_SOURCE_ADDRESS } from "../src/topology/source-address.js";
import { spec } from "./proxies.js";
import { startServer } from "./start-server.js";

const HOST = "app.example.com";
const CONNECTIONS = 8;

interface Target {
  name: string;
  url: string;
  protocol: "http1" | "h2";
  close(): Promise<void>;
}

export interface FrontDoorFigures {
  rate: number;
  /** Per proxy: h2 / h1 of (proxied ÷ edge throughput), median of rounds, and of the median added p50. */
  proxies: Record<
    string,
    { throughputH2VsH1: number; addedP50H2VsH1: number; addedP50UsH1: number; addedP50UsH2: number }
  >;
  skipped: string[];
}

function nginxSpec(port: number, appPort: number, dir: string, frontend: EngineSpec["frontend"]): EngineSpec {
  return { ...spec("nginx", port, appPort, dir), frontend };
}

async function startTargets(skipped: string[]): Promise<Target[]> {
  const appOptions = { name: "web", allowedHosts: [HOST], proxyAddresses: [PROXY_SOURCE_ADDRESS] };
  const app = await startServer({ kind: "app", options: appOptions }, false);
  const appH2 = await startServer({ kind: "app", options: { ...appOptions, protocols: "Http2" } }, false);
  const builtin = await startServer(
    {
      kind: "proxy",
      options: {
        routes: [{ hosts: ["*"], upstreams: [app.url] }],
        sourceAddress: PROXY_SOURCE_ADDRESS,
        frontDoor: "both",
      },
    },
    false,
  );
  const targets: Target[] = [
    { name: "edge-h1", url: app.url, protocol: "http1", close: () => app.close() },
    { name: "edge-h2", url: appH2.url, protocol: "h2", close: () => appH2.close() },
    { name: "builtin-h1", url: builtin.url, protocol: "http1", close: () => builtin.close() },
    { name: "builtin-h2", url: builtin.url, protocol: "h2", close: async () => {} },
  ];
  if (engineVersion(ENGINE_DRIVERS.nginx) === null) {
    skipped.push(`nginx: not installed (${ENGINE_DRIVERS.nginx.install})`);
    return targets;
  }
  // nginx 1.22 cannot sniff the preface: one instance per front door.
  for (const frontend of ["http1", "h2"] as const) {
    const folder = await createRunFolder("nginx");
    const engine = await startEngine(
      ENGINE_DRIVERS.nginx,
      nginxSpec(await freePort("127.0.0.1"), Number(new URL(app.url).port), folder.dir, frontend),
    );
    const close = async (): Promise<void> => (await engine.close(), await folder.remove());
    targets.push({ name: `nginx-${frontend === "http1" ? "h1" : "h2"}`, url: engine.url, protocol: frontend, close });
  }
  return targets;
}

async function measure(target: Target, roundMs: number, rate: number): Promise<{ rps: number; p50Us: number }> {
  const request = { url: target.url, host: HOST, method: "GET", path: "/", body: null };
  const closed =
    target.protocol === "h2"
      ? await runLoadH2({ ...request, connections: CONNECTIONS / 2, streams: 2, durationMs: roundMs })
      : await runLoad({ ...request, connections: CONNECTIONS, pipelining: 1, durationMs: roundMs });
  const sender =
    target.protocol === "h2"
      ? h2Sender({ ...request, connections: CONNECTIONS / 2 })
      : httpSender({ ...request, connections: 32 });
  try {
    const open = await runOpenLoad({ rate, durationMs: roundMs, connections: 32 }, sender.send);
    return { rps: (closed.ok2xx * 1000) / closed.durationMs, p50Us: summarize(open.histogram).p50Us };
  } finally {
    await sender.close();
  }
}

export async function compareFrontDoors(
  rounds: number,
  roundMs: number,
  rate: number,
  line: (text: string) => void,
): Promise<FrontDoorFigures> {
  const skipped: string[] = [];
  line(
    `HTTP/2 front door vs HTTP/1.1 front door · ${rounds} shuffled rounds × ${roundMs} ms, each against the bare app over the same protocol`,
  );
  const targets = await startTargets(skipped);
  try {
    const random = seededRandom(21);
    const samples = new Map<string, Array<{ rps: number; p50Us: number }>>(targets.map((t) => [t.name, []]));
    for (const target of targets) await measure(target, 300, rate);
    for (let round = 0; round < rounds; round++) {
      for (const target of shuffled(targets, random))
        samples.get(target.name)!.push(await measure(target, roundMs, rate));
    }
    const proxies: FrontDoorFigures["proxies"] = {};
    const round3 = (value: number): number => Math.round(value * 1000) / 1000;
    for (const name of ["builtin", "nginx"]) {
      if (!samples.has(`${name}-h1`)) continue;
      const per = (protocol: "h1" | "h2") =>
        samples.get(`${name}-${protocol}`)!.map((s, i) => ({
          share: s.rps / samples.get(`edge-${protocol}`)![i]!.rps,
          added: s.p50Us - samples.get(`edge-${protocol}`)![i]!.p50Us,
        }));
      const h1 = per("h1");
      const h2 = per("h2");
      // Per-round differences of a few tens of µs swing sign on a noisy machine: the p50 ratio is of the medians.
      const addedP50UsH1 = median(h1.map((s) => s.added));
      const addedP50UsH2 = median(h2.map((s) => s.added));
      proxies[name] = {
        throughputH2VsH1: round3(median(h2.map((s, i) => s.share / h1[i]!.share))),
        addedP50H2VsH1: round3(addedP50UsH2 / addedP50UsH1),
        addedP50UsH1,
        addedP50UsH2,
      };
      const f = proxies[name]!;
      line(
        `  ${name.padEnd(8)} h2 front door vs h1: throughput share of its edge ×${f.throughputH2VsH1.toFixed(2)}, added p50 ${f.addedP50UsH2} µs vs ${f.addedP50UsH1} µs (×${f.addedP50H2VsH1.toFixed(2)}) at ${rate} req/s`,
      );
    }
    for (const reason of skipped) line(`  skipped ${reason}`);
    return { rate, proxies, skipped };
  } finally {
    await Promise.all(targets.map((t) => t.close()));
  }
}
