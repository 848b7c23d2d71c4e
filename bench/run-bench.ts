/**
 * `npm run bench`: speed figures as ratios measured in one run on this machine (a shared, noisy one: ratios of
 * interleaved rounds, not absolute numbers, are what to compare). Writes bench/results.json.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { runScenario } from "../src/run.js";
import { runLoad } from "../src/runners/load/run-load.js";
import { median } from "../src/runners/load/stats.js";
import { loadScenario } from "../src/scenario/load.js";
import type { BenchServerSpec } from "./server-worker.js";

const ROOT = new URL("../../", import.meta.url);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 2000);

interface Started {
  url: string;
  /** The server thread's cumulative event-loop busy time, ms. */
  busyMs(): Promise<number>;
  close(): Promise<void>;
}

function startWorker(spec: BenchServerSpec): Promise<Started> {
  const worker = new Worker(new URL("./server-worker.js", import.meta.url), { workerData: spec });
  return new Promise((resolve, reject) => {
    worker.once("error", reject);
    worker.once("message", ({ url }: { url: string }) =>
      resolve({
        url,
        busyMs: () =>
          new Promise((done) => {
            const onMessage = (message: { busyMs?: number }): void => {
              if (message.busyMs === undefined) return;
              worker.off("message", onMessage);
              done(message.busyMs);
            };
            worker.on("message", onMessage);
            worker.postMessage("busy");
          }),
        close: () =>
          new Promise<void>((done) => {
            worker.once("exit", () => done());
            worker.postMessage("close");
          }),
      }),
    );
  });
}

interface Throughput {
  /** Median req/s over rounds. */
  rps: number;
  /** Median server busy time per answered request, µs. */
  busyUsPerRequest: number;
  /** Median over rounds of this server's capacity relative to the first server's in the same round. */
  pairedCapacityRatio: number;
}

/** Rounds that alternate the servers; returns each server's median req/s and busy time per request. */
async function compareThroughput(servers: Record<string, Started>): Promise<Record<string, Throughput>> {
  const names = Object.keys(servers);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const costs: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const settings = (url: string, durationMs: number) => ({ url, host: "app.example.com", method: "GET", path: "/", body: null, connections: 10, pipelining: 1, durationMs });
  for (const name of names) await runLoad(settings(servers[name]!.url, 1500));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const busyBefore = await servers[name]!.busyMs();
      const run = await runLoad(settings(servers[name]!.url, ROUND_MS));
      const busy = (await servers[name]!.busyMs()) - busyBefore;
      samples[name]!.push((run.ok2xx * 1000) / run.durationMs);
      costs[name]!.push((busy * 1000) / Math.max(1, run.responses));
    }
  }
  const reference = costs[names[0]!]!;
  return Object.fromEntries(
    names.map((n) => [
      n,
      {
        rps: Math.round(median(samples[n]!)),
        busyUsPerRequest: Math.round(median(costs[n]!) * 100) / 100,
        pairedCapacityRatio: Math.round(median(costs[n]!.map((cost, round) => reference[round]! / cost)) * 1000) / 1000,
      },
    ]),
  );
}

function wallMs(command: string, args: string[], runs = 7): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    spawnSync(command, args, { cwd: ROOT, stdio: "ignore" });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return median(times);
}

async function main(): Promise<void> {
  const figures: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, rounds: ROUNDS, roundMs: ROUND_MS };
  const line = (text: string): void => void process.stdout.write(`${text}\n`);

  line(`edgebench bench · ${ROUNDS} alternating rounds × ${ROUND_MS} ms, 10 connections, Node ${process.version}`);
  const forwarded = { forwardedHeaders: ["XForwardedFor", "XForwardedProto", "XForwardedHost"] as Array<"XForwardedFor" | "XForwardedProto" | "XForwardedHost"> };
  const servers = {
    "bare node:http": await startWorker({ kind: "bare-node" }),
    "app, no filtering": await startWorker({ kind: "app", options: {} }),
    "app, AllowedHosts + ForwardedHeaders": await startWorker({
      kind: "app",
      options: { allowedHosts: ["app.example.com", "*.tenant.example.com"], allowEmptyHosts: false, forwardedHeaders: forwarded },
    }),
  };
  try {
    const measured = await compareThroughput(servers);
    const bare = measured["bare node:http"]!;
    const filtered = measured["app, AllowedHosts + ForwardedHeaders"]!;
    for (const [name, value] of Object.entries(measured)) {
      line(
        `  ${name.padEnd(38)} ${String(value.rps).padStart(7)} req/s ×${(value.rps / bare.rps).toFixed(2)}` +
          `   server busy ${value.busyUsPerRequest.toFixed(1)} µs/request, capacity ×${value.pairedCapacityRatio.toFixed(2)}`,
      );
    }
    const rpsRatio = filtered.rps / bare.rps;
    const capacityRatio = filtered.pairedCapacityRatio;
    line(
      `app with host filtering and forwarded headers vs bare node:http handler: req/s ×${rpsRatio.toFixed(2)}, ` +
        `capacity (server busy time per request, paired by round) ×${capacityRatio.toFixed(2)} (goal ≥ 0.90)`,
    );
    figures.appThroughput = {
      servers: measured,
      rpsRatio: Math.round(rpsRatio * 1000) / 1000,
      capacityRatio: Math.round(capacityRatio * 1000) / 1000,
      goal: 0.9,
    };
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.close()));
  }

  const scenarios = ["default", "allowed-hosts-star", "xfh-spoofing"];
  const probeStarted = process.hrtime.bigint();
  let probeCount = 0;
  for (const name of scenarios) {
    const result = await runScenario(await loadScenario(new URL(`scenarios/${name}.yaml`, ROOT).pathname), { load: false });
    probeCount += result.probes?.results.length ?? 0;
  }
  const probeMs = Number(process.hrtime.bigint() - probeStarted) / 1e6;
  line(`probe catalog on every topology of the bundled scenarios: ${probeCount} exchanges in ${probeMs.toFixed(0)} ms (servers started and stopped included; goal ≤ 1000 ms)`);
  figures.probeCatalog = { scenarios, exchanges: probeCount, wallMs: Math.round(probeMs) };

  const help = wallMs(process.execPath, ["bin/edgebench.js", "--help"]);
  const bareNode = wallMs(process.execPath, ["-e", ""]);
  line(`edgebench --help wall time: ${help.toFixed(0)} ms vs node -e "": ${bareNode.toFixed(0)} ms, ×${(help / bareNode).toFixed(2)} (goal ≤ 2)`);
  figures.helpStartup = { helpMs: Math.round(help), nodeMs: Math.round(bareNode), ratio: Math.round((help / bareNode) * 100) / 100, goal: 2 };

  const commit = (() => {
    try {
      return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    } catch {
      return "unknown";
    }
  })();
  writeFileSync(new URL("bench/results.json", ROOT), `${JSON.stringify({ commit, ...figures }, null, 2)}\n`);
  line("wrote bench/results.json");
}

await main();
