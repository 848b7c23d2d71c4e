/**
 * Warm-up, then rounds in which every deployment runs once, in an order shuffled per round, so that drift of a
 * shared machine falls on all of them alike. Each round is one sample; histograms are merged across rounds.
 */
import { performance } from "node:perf_hooks";
import type { DeploymentLoad, LoadResult, RoundSample } from "../../results/types.js";
import type { LoadConfig } from "../../scenario/types.js";
import type { RunEventListener } from "../events.js";
import { createLatencyHistogram, percentileSeries, summarize } from "./histogram.js";
import { runOpenGenerator } from "./open-generator.js";
import { runOpenLoad } from "./open-model.js";
import { OpenModelTotals } from "./open-totals.js";
import { runLoad, type LoadRun } from "./run-load.js";
import { h2Sender, runLoadH2 } from "./h2-load.js";
import { median, seededRandom, shuffled } from "./stats.js";
import { verifyTlsEndpoint } from "../../tls/verify.js";

export interface LoadTarget {
  /** The deployment's name. */
  deployment: string;
  url: string;
  counts(): Promise<Record<string, Record<string, number>>>;
  /** The CA an https target's certificate must verify against. */
  ca?: string | null;
  /** What the load speaks to it (default http1): h2 is `load.connections` sessions × `load.streams` streams. */
  protocol?: "http1" | "h2";
  /** Each hop's protocol, client side first, for the report. */
  hops?: string[];
}

export interface RoundsOptions {
  signal?: AbortSignal;
  onEvent?: RunEventListener;
  /** Seed of the per-round order (recorded in the result through `order`). */
  seed?: number;
}

/** An open-model request unanswered this long counts as a timeout. */
const OPEN_MODEL_TIMEOUT_MS = 10_000;

/** Above this event-loop utilisation the load generator, not the server, sets the pace. */
export const GENERATOR_SATURATION = 0.9;

/** Server counts, and how answers were spread over the copies of an app that has several (`app:web#2`). */
export function withInstanceSplit(serverCounts: Record<string, Record<string, number>>): Pick<DeploymentLoad, "serverCounts" | "instanceSplit"> {
  const copies = Object.entries(serverCounts).filter(([label]) => /^app:.+#\d+$/.test(label));
  if (copies.length === 0) return { serverCounts };
  const answers = copies.map(([label, counts]) => ({ instance: label.slice(4), answers: Object.values(counts).reduce((sum, n) => sum + n, 0) }));
  const total = answers.reduce((sum, a) => sum + a.answers, 0);
  return { serverCounts, instanceSplit: answers.map((a) => ({ ...a, share: total > 0 ? a.answers / total : 0 })) };
}

export async function runRounds(targets: readonly LoadTarget[], load: LoadConfig, options: RoundsOptions = {}): Promise<Omit<LoadResult, "overheads" | "ratios">> {
  const random = seededRandom(options.seed ?? Date.now());
  for (const target of targets) if (target.url.startsWith("https:") && target.ca) await verifyTlsEndpoint(target.url, target.ca);
  const settings = (target: LoadTarget, durationMs: number) => ({
    url: target.url,
    host: load.host,
    method: load.method,
    path: load.path,
    body: load.body,
    connections: load.connections,
    pipelining: load.pipelining,
    durationMs,
    signal: options.signal,
  });
  const closedRun = (target: LoadTarget, durationMs: number): Promise<LoadRun> =>
    target.protocol === "h2"
      ? runLoadH2({ ...settings(target, durationMs), streams: load.streams, ca: target.ca ?? null })
      : runLoad(settings(target, durationMs));
  if (load.warmupMs > 0) {
    for (const target of targets) {
      if (options.signal?.aborted) break;
      options.onEvent?.({ type: "warmup", deployment: target.deployment, durationMs: load.warmupMs });
      await closedRun(target, load.warmupMs);
    }
  }
  // Open model without a rate: a short closed run finds the slowest deployment's capacity; run at a fraction of it.
  let rate = load.rate;
  const rateSource = load.model === "open" ? (rate === null ? "auto" : "scenario") : null;
  if (load.model === "open" && rate === null) {
    const capacities: number[] = [];
    for (const target of targets) {
      if (options.signal?.aborted) break;
      const probe = await closedRun(target, 1000);
      capacities.push((probe.ok2xx * 1000) / Math.max(1, probe.durationMs));
    }
    rate = Math.max(1, Math.floor(Math.min(...capacities, Infinity) * load.rateFraction));
  }
  const measure = async (target: LoadTarget): Promise<LoadRun> => {
    if (load.model === "closed" || rate === null) return closedRun(target, load.durationMs);
    if (target.protocol === "h2") {
      // Over HTTP/2 each connection carries `streams` requests at once; the sender runs on this thread.
      const sender = h2Sender({ url: target.url, host: load.host, method: load.method, path: load.path, body: load.body, connections: load.connections, ca: target.ca ?? null });
      try {
        return await runOpenLoad({ rate, durationMs: load.durationMs, connections: load.connections * load.streams, signal: options.signal }, sender.send);
      } finally {
        await sender.close();
      }
    }
    const { url, host, method, path, body, connections, durationMs } = settings(target, load.durationMs);
    const open = { url, host, method, path, body, connections, durationMs, rate, timeoutMs: OPEN_MODEL_TIMEOUT_MS, ca: target.ca ?? null };
    return runOpenGenerator(open, options.signal);
  };
  const openTotals = new OpenModelTotals();
  const samples = new Map<string, RoundSample[]>(targets.map((t) => [t.deployment, []]));
  const merged = new Map(targets.map((t) => [t.deployment, createLatencyHistogram()]));
  const order: string[][] = [];
  for (let round = 1; round <= load.rounds && !options.signal?.aborted; round++) {
    const sequence = shuffled(targets, random);
    const ran: string[] = [];
    for (const [position, target] of sequence.entries()) {
      if (options.signal?.aborted) break;
      options.onEvent?.({ type: "round", round, rounds: load.rounds, deployment: target.deployment, durationMs: load.durationMs });
      const busyBefore = performance.eventLoopUtilization();
      const run = await measure(target);
      const generatorUtilization = performance.eventLoopUtilization(busyBefore).utilization;
      // A round cut short by Ctrl-C is not a sample of the same length as the others.
      if (options.signal?.aborted) break;
      ran.push(target.deployment);
      merged.get(target.deployment)!.add(run.histogram);
      const latency = summarize(run.histogram);
      const rps = run.durationMs > 0 ? (run.ok2xx * 1000) / run.durationMs : 0;
      samples.get(target.deployment)!.push({
        round,
        position,
        durationMs: Math.round(run.durationMs),
        requests: run.requests,
        responses: run.responses,
        ok2xx: run.ok2xx,
        non2xx: run.non2xx,
        errors: run.errors,
        timeouts: run.timeouts,
        rps: Math.round(rps * 10) / 10,
        latency,
        generatorUtilization: Math.round(generatorUtilization * 1000) / 1000,
        ...openTotals.round(target.deployment, run),
      });
      options.onEvent?.({ type: "round-done", round, deployment: target.deployment, rps, p50Us: latency.p50Us });
    }
    if (ran.length > 0) order.push(ran);
  }
  const deployments: DeploymentLoad[] = [];
  for (const target of targets) {
    const rounds = samples.get(target.deployment)!;
    const latency = summarize(merged.get(target.deployment)!);
    deployments.push({
      deployment: target.deployment,
      url: target.url,
      ...(target.hops ? { hops: target.hops } : {}),
      rounds,
      latency,
      percentiles: percentileSeries(merged.get(target.deployment)!),
      medianRps: Math.round(median(rounds.map((r) => r.rps)) * 10) / 10 || 0,
      medianP50Us: median(rounds.map((r) => r.latency.p50Us)) || 0,
      responses: rounds.reduce((sum, r) => sum + r.responses, 0),
      non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
      errors: rounds.reduce((sum, r) => sum + r.errors, 0),
      timeouts: rounds.reduce((sum, r) => sum + r.timeouts, 0),
      ...withInstanceSplit(await target.counts()),
      generatorSaturated: rounds.length > 0 && median(rounds.map((r) => r.generatorUtilization)) > GENERATOR_SATURATION,
      // The open model's generator is a thread of its own: there, its send lateness tells.
      ...openTotals.topology(target.deployment, latency, rounds),
    });
  }
  return {
    settings: {
      connections: load.connections,
      pipelining: load.pipelining,
      durationMs: load.durationMs,
      warmupMs: load.warmupMs,
      rounds: load.rounds,
      method: load.method,
      path: load.path,
      host: load.host,
      model: load.model,
      rate: load.model === "open" ? rate : null,
      rateSource,
    },
    order,
    deployments,
  };
}
