/**
 * `npm run bench`: speed figures as ratios measured in one run on this machine (a shared, noisy one: ratios of
 * interleaved rounds, not absolute numbers, are what to compare). Writes bench/results.json.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { runScenario } from "../src/run.js";
import { runLoad } from "../src/runners/load/run-load.js";
import { createLatencyHistogram, recordMs } from "../src/runners/load/histogram.js";
import { startTopology } from "../src/topology/start.js";
import { median } from "../src/runners/load/stats.js";
import { loadScenario } from "../src/scenario/load.js";
import { PIN, startServer, type Started } from "./start-server.js";
import { compareProxies } from "./proxies.js";
import { benchKestrel } from "./kestrel.js";
import { compareOpenModel } from "./open-model.js";
import { compareFrontDoors } from "./h2-front-door.js";
import { compareDeployments } from "./deployments.js";

const ROOT = new URL("../../", import.meta.url);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 2000);
const RSS_MS = Number(process.env.BENCH_RSS_MS ?? 60_000);
/** The moderate fixed rate at which each proxy's added p50 is measured. */
const PROXY_RATE = Number(process.env.BENCH_PROXY_RATE ?? 2000);
/** Whole deployments through edgebench's own open-model generator, which holds its schedule at 500 req/s here. */
const DEPLOYMENT_RATE = Number(process.env.BENCH_DEPLOYMENT_RATE ?? 500);
/** More rounds for the proxies: a few tens of µs between them, on a machine whose noise is of that size. */
const PROXY_ROUNDS = Number(process.env.BENCH_PROXY_ROUNDS ?? 9);
/** Each open-model run: long enough that 0.1 % late at 1k req/s is a few requests, not a fraction of one. */
const OPEN_MODEL_MS = Number(process.env.BENCH_OPEN_MODEL_MS ?? 3000);
const CORES = availableParallelism();
/** Rounds for real Kestrel behind each proxy: fewer than for the simulated app, to keep the bench quick. */
const KESTREL_ROUNDS = Number(process.env.BENCH_KESTREL_ROUNDS ?? 3);
/** Their open-model rate: well below what two shared cores give a proxy and a .NET app together, or queues form. */
const KESTREL_RATE = Number(process.env.BENCH_KESTREL_RATE ?? 1000);

interface Throughput {
  /** Median req/s over rounds. */
  rps: number;
  /** Median server CPU time per answered request, µs. */
  cpuUsPerRequest: number;
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
      const cpuBefore = await servers[name]!.cpuUs();
      const run = await runLoad(settings(servers[name]!.url, ROUND_MS));
      const cpu = (await servers[name]!.cpuUs()) - cpuBefore;
      samples[name]!.push((run.ok2xx * 1000) / run.durationMs);
      costs[name]!.push(cpu / Math.max(1, run.responses));
    }
  }
  const reference = costs[names[0]!]!;
  return Object.fromEntries(
    names.map((n) => [
      n,
      {
        rps: Math.round(median(samples[n]!)),
        cpuUsPerRequest: Math.round(median(costs[n]!) * 100) / 100,
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

  // `--only proxies`, `--only openmodel` or `--only deployments` runs just that part and writes bench/<part>-results.json.
  const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : null;
  const finishOnly = (part: string): void => {
    writeFileSync(new URL(`bench/${part}-results.json`, ROOT), `${JSON.stringify(figures, null, 2)}\n`);
    line(`wrote bench/${part}-results.json`);
  };
  if (only === "kestrel") {
    figures.kestrel = await benchKestrel({ rounds: KESTREL_ROUNDS, roundMs: ROUND_MS, rate: KESTREL_RATE }, compareThroughput, line);
    return finishOnly("kestrel");
  }
  // The HTTP/2 front door against the HTTP/1.1 one, builtin and nginx (`--only h2` runs just this).
  if (only === "h2") {
    figures.h2FrontDoor = await compareFrontDoors(PROXY_ROUNDS, ROUND_MS, PROXY_RATE, line);
    return finishOnly("h2-front-door");
  }
  // Every engine as a deployment of the default scenario in one set of rounds.
  if (only === null || only === "deployments") {
    figures.deployments = await compareDeployments(new URL("scenarios/default.yaml", ROOT).pathname, PROXY_ROUNDS, ROUND_MS, DEPLOYMENT_RATE, line);
  }
  if (only === "deployments") return finishOnly("deployments");
  // The open-model generator first, before anything is pinned, as a user's run would be.
  figures.openModel = only === "proxies" ? undefined : await compareOpenModel(new URL("scenarios/default.yaml", ROOT).pathname, OPEN_MODEL_MS, line);
  if (only === "openmodel") return finishOnly("openmodel");
  // Then the builtin proxy and the real ones in front of the same app.
  figures.proxies = await compareProxies(PROXY_ROUNDS, ROUND_MS, PROXY_RATE, line);
  if (only === "proxies") return finishOnly("proxies");
  figures.h2FrontDoor = await compareFrontDoors(PROXY_ROUNDS, ROUND_MS, PROXY_RATE, line);
  // The same with the real ASP.NET Core app (`--only kestrel` runs just this), before the bench pins itself.
  figures.kestrel = await benchKestrel({ rounds: KESTREL_ROUNDS, roundMs: ROUND_MS, rate: KESTREL_RATE }, compareThroughput, line);
  if (PIN) spawnSync("taskset", ["-pc", `0-${CORES - 2}`, String(process.pid)], { stdio: "ignore" });
  line(`edgebench bench · ${ROUNDS} alternating rounds × ${ROUND_MS} ms, 10 connections, Node ${process.version}${PIN ? ", servers pinned to their own core" : ""}`);
  const forwarded = { forwardedHeaders: ["XForwardedFor", "XForwardedProto", "XForwardedHost"] as Array<"XForwardedFor" | "XForwardedProto" | "XForwardedHost"> };
  const servers = {
    "bare node:http": await startServer({ kind: "bare-node" }),
    "app, no filtering": await startServer({ kind: "app", options: {} }),
    "app, AllowedHosts + ForwardedHeaders": await startServer({
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
          `   server CPU ${value.cpuUsPerRequest.toFixed(1)} µs/request, capacity ×${value.pairedCapacityRatio.toFixed(2)}`,
      );
    }
    const rpsRatio = filtered.rps / bare.rps;
    const capacityRatio = filtered.pairedCapacityRatio;
    line(
      `app with host filtering and forwarded headers vs bare node:http handler: req/s ×${rpsRatio.toFixed(2)}, ` +
        `capacity (server CPU per request, paired by round) ×${capacityRatio.toFixed(2)} (goal ≥ 0.90)`,
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

  // As `edgebench probe scenarios/*.yaml` does: every bundled scenario side by side, servers started and stopped.
  const scenarios = ["default", "allowed-hosts-star", "xfh-spoofing", "appsettings"];
  const probeStarted = process.hrtime.bigint();
  let firstProbe = Infinity;
  let lastProbe = 0;
  const probeResults = await Promise.all(
    scenarios.map(async (name) =>
      runScenario(await loadScenario(new URL(`scenarios/${name}.yaml`, ROOT).pathname), {
        load: false,
        onEvent: (event) => {
          if (event.type === "probes") firstProbe = Math.min(firstProbe, performance.now());
          if (event.type === "stopping") lastProbe = Math.max(lastProbe, performance.now());
        },
      }),
    ),
  );
  const probeCount = probeResults.reduce((sum, result) => sum + (result.probes?.results.length ?? 0), 0);
  const probeMs = Number(process.hrtime.bigint() - probeStarted) / 1e6;
  const exchangeMs = lastProbe - firstProbe;
  line(
    `probe catalog on every topology of the bundled scenarios: ${probeCount} exchanges in ${probeMs.toFixed(0)} ms wall ` +
      `(of which sending and grading ${exchangeMs.toFixed(0)} ms; the rest starts and stops ${scenarios.length * 3} servers; goal ≤ 1000 ms)`,
  );
  figures.probeCatalog = { scenarios, exchanges: probeCount, wallMs: Math.round(probeMs), exchangeMs: Math.round(exchangeMs) };

  // 1. The load generator against wrk, same server, alternating rounds.
  const target = await startServer({ kind: "app", options: { allowedHosts: ["app.example.com"], allowEmptyHosts: false } });
  try {
    if (spawnSync("wrk", ["--version"], { stdio: "ignore" }).error) {
      line("edgebench vs wrk: skipped, wrk is not installed (apt-get install wrk)");
    } else {
      const ours: number[] = [];
      const theirs: number[] = [];
      const pin = PIN ? ["taskset", "-c", `0-${CORES - 2}`] : [];
      for (let round = 0; round < ROUNDS; round++) {
        const run = await runLoad({ url: target.url, host: "app.example.com", method: "GET", path: "/", body: null, connections: 10, pipelining: 1, durationMs: ROUND_MS });
        ours.push((run.ok2xx * 1000) / run.durationMs);
        const wrk = spawnSync(pin[0] ?? "wrk", [...pin.slice(1), ...(PIN ? ["wrk"] : []), "-t1", "-c10", `-d${Math.max(1, Math.round(ROUND_MS / 1000))}s`, "-H", "Host: app.example.com", `${target.url}/`], { encoding: "utf8" });
        const match = /Requests\/sec:\s+([\d.]+)/.exec(wrk.stdout ?? "");
        if (match) theirs.push(Number(match[1]));
      }
      const ratio = median(ours) / median(theirs);
      line(`edgebench (autocannon + µs histogram) vs wrk on the same app, edge: ${Math.round(median(ours))} vs ${Math.round(median(theirs))} req/s, ×${ratio.toFixed(2)} (goal ≥ 0.95)`);
      figures.generatorVsWrk = { edgebenchRps: Math.round(median(ours)), wrkRps: Math.round(median(theirs)), ratio: Math.round(ratio * 1000) / 1000, goal: 0.95 };
    }
  } finally {
    await target.close();
  }

  // 2. The same scenario three times: how far apart are the p50 overhead estimates?
  const estimates: number[] = [];
  const scenario = await loadScenario(new URL("scenarios/default.yaml", ROOT).pathname);
  for (let invocation = 0; invocation < 3; invocation++) {
    const result = await runScenario({ ...scenario, load: { ...scenario.load, rounds: 3, durationMs: ROUND_MS, warmupMs: 500 } }, { probes: false });
    estimates.push(result.load?.overheads[0]?.figures.find((o) => o.metric === "p50")?.median ?? NaN);
  }
  const spread = Math.max(...estimates) / Math.min(...estimates);
  line(`p50 overhead over 3 invocations of the default scenario: ${estimates.map((e) => `${e} µs`).join(", ")}; max/min ×${spread.toFixed(2)} (goal ≤ 1.25)`);
  figures.overheadSpread = { p50OverheadUs: estimates, maxOverMin: Math.round(spread * 1000) / 1000, goal: 1.25 };

  // 3. Resolution, and memory over a minute of load.
  const resolution = createLatencyHistogram();
  for (const ms of [0.101, 0.102]) recordMs(resolution, ms);
  const resolutionUs = resolution.maxValue - resolution.minNonZeroValue;
  const topology = await startTopology(scenario);
  try {
    const edge = topology.running.find((t) => t.kind === "edge")!;
    const load = (durationMs: number) => runLoad({ url: edge.entry.url, host: scenario.load.host, method: "GET", path: "/", body: null, connections: 10, pipelining: 1, durationMs });
    await load(5000);
    const before = process.memoryUsage().rss;
    await load(RSS_MS);
    const growth = process.memoryUsage().rss / before - 1;
    line(`latency resolution ${resolutionUs} µs (goal ≤ 1 µs); RSS during ${RSS_MS / 1000} s of load: ${(before / 2 ** 20).toFixed(0)} → ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, ${(growth * 100).toFixed(1)} % (goal ≤ 10 %)`);
    figures.resolutionAndMemory = { resolutionUs, rssGrowth: Math.round(growth * 1000) / 1000, seconds: RSS_MS / 1000 };
  } finally {
    await topology.close();
  }

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

// `npm run bench -- --soak 10`, or `npm run bench --soak` (which npm passes as npm_config_soak).
const soakIndex = process.argv.indexOf("--soak");
if (soakIndex >= 0 || process.env.npm_config_soak) {
  const { soak } = await import("./soak.js");
  const minutes = Number(soakIndex >= 0 ? process.argv[soakIndex + 1] : process.env.npm_config_soak) || 10;
  const figures = await soak(minutes, new URL("scenarios/default.yaml", ROOT).pathname);
  writeFileSync(new URL("bench/soak-results.json", ROOT), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, ...figures }, null, 2)}\n`);
} else {
  await main();
}
