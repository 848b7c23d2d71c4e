/**
 * Warm-up, then rounds in which every deployment runs once, in an order shuffled per round, so that drift of a
 * shared machine falls on all of them alike. Each round is one sample; histograms are merged across rounds.
 */
import { performance } from "node:perf_hooks";
import type { DeploymentLoad, LoadResult, RoundSample } from "../../results/types.js";
import type { LoadConfig } from "../../scenario/types.js";
import type { RunEventListener } from "../events.js";
import { createLatencyHistogram, percentileSeries, summarize, type LatencyHistogram } from "../../results/histogram.js";
import { runOpenGenerator } from "./open-generator.js";
import { runOpenLoad } from "./open-model.js";
import { OpenModelTotals } from "./open-totals.js";
import { runLoad, type LoadRun } from "./run-load.js";
import { h2Sender, runLoadH2 } from "./h2-load.js";
import { median, seededRandom, shuffled } from "../../results/stats.js";
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
export function withInstanceSplit(
  serverCounts: Record<string, Record<string, number>>,
): Pick<DeploymentLoad, "serverCounts" | "instanceSplit"> {
  const copies = Object.entries(serverCounts).filter(([label]) => /^app:.+#\d+$/.test(label));
  if (copies.length === 0) return { serverCounts };
  const answers = copies.map(([label, counts]) => ({
    instance: label.slice(4),
    answers: Object.values(counts).reduce((sum, n) => sum + n, 0),
  }));
  const total = answers.reduce((sum, a) => sum + a.answers, 0);
  return { serverCounts, instanceSplit: answers.map((a) => ({ ...a, share: total > 0 ? a.answers / total : 0 })) };
}

export async function runRounds(
  targets: readonly LoadTarget[],
  load: LoadConfig,
  options: RoundsOptions = {},
): Promise<Omit<LoadResult, "overheads" | "ratios">> {
  for (const target of targets)
    if (target.url.startsWith("https:") && target.ca) await verifyTlsEndpoint(target.url, target.ca);
  const rounds = new Rounds(targets, load, options);
  await rounds.warmUp();
  const rate = await rounds.openModelRate();
  const order = await rounds.measure(rate);
  const deployments: DeploymentLoad[] = [];
  for (const target of targets) deployments.push(await rounds.summarize(target));
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
      rateSource: load.model === "open" ? (load.rate === null ? "auto" : "scenario") : null,
      ...(load.body !== null ? { bodyBytes: Buffer.byteLength(load.body) } : {}),
    },
    order,
    deployments,
  };
}

/** The rounds of one load run: warm-up, the open model's rate, shuffled measured rounds, and each deployment's figures. */
class Rounds {
  private readonly random: () => number;
  private readonly openTotals = new OpenModelTotals();
  private readonly samples: Map<string, RoundSample[]>;
  private readonly merged: Map<string, LatencyHistogram>;
  private readonly mergedTtfb: Map<string, LatencyHistogram>;

  constructor(
    private readonly targets: readonly LoadTarget[],
    private readonly load: LoadConfig,
    private readonly options: RoundsOptions,
  ) {
    this.random = seededRandom(options.seed ?? Date.now());
    this.samples = new Map(targets.map((t) => [t.deployment, []]));
    this.merged = new Map(targets.map((t) => [t.deployment, createLatencyHistogram()]));
    this.mergedTtfb = new Map(targets.map((t) => [t.deployment, createLatencyHistogram()]));
  }

  private settings(target: LoadTarget, durationMs: number) {
    const load = this.load;
    return {
      url: target.url,
      host: load.host,
      method: load.method,
      path: load.path,
      body: load.body,
      connections: load.connections,
      pipelining: load.pipelining,
      durationMs,
      signal: this.options.signal,
    };
  }

  /** A closed-model run: autocannon over HTTP/1, or `load.streams` streams per HTTP/2 session. */
  private closedRun(target: LoadTarget, durationMs: number): Promise<LoadRun> {
    if (target.protocol !== "h2") return runLoad(this.settings(target, durationMs));
    return runLoadH2({ ...this.settings(target, durationMs), streams: this.load.streams, ca: target.ca ?? null });
  }

  async warmUp(): Promise<void> {
    if (this.load.warmupMs <= 0) return;
    for (const target of this.targets) {
      if (this.options.signal?.aborted) break;
      this.options.onEvent?.({ type: "warmup", deployment: target.deployment, durationMs: this.load.warmupMs });
      await this.closedRun(target, this.load.warmupMs);
    }
  }

  /** Open model without a rate: a short closed run finds the slowest deployment's capacity; run at a fraction of it. */
  async openModelRate(): Promise<number | null> {
    if (!(this.load.model === "open" && this.load.rate === null)) return this.load.rate;
    const capacities: number[] = [];
    for (const target of this.targets) {
      if (this.options.signal?.aborted) break;
      const probe = await this.closedRun(target, 1000);
      capacities.push((probe.ok2xx * 1000) / Math.max(1, probe.durationMs));
    }
    return Math.max(1, Math.floor(Math.min(...capacities, Infinity) * this.load.rateFraction));
  }

  private async run(target: LoadTarget, rate: number | null): Promise<LoadRun> {
    const load = this.load;
    if (load.model === "closed" || rate === null) return this.closedRun(target, load.durationMs);
    if (target.protocol === "h2") {
      // Over HTTP/2 each connection carries `streams` requests at once; the sender runs on this thread.
      const { url, ca } = target;
      const { host, method, path, body, connections } = load;
      const sender = h2Sender({ url, host, method, path, body, connections, ca: ca ?? null });
      try {
        const schedule = {
          rate,
          durationMs: load.durationMs,
          connections: connections * load.streams,
          signal: this.options.signal,
        };
        return await runOpenLoad(schedule, sender.send);
      } finally {
        await sender.close();
      }
    }
    const { url, host, method, path, body, connections, durationMs } = this.settings(target, load.durationMs);
    const open = {
      url,
      host,
      method,
      path,
      body,
      connections,
      durationMs,
      rate,
      timeoutMs: OPEN_MODEL_TIMEOUT_MS,
      ca: target.ca ?? null,
    };
    return runOpenGenerator(open, this.options.signal);
  }

  /** Every round, each in a shuffled order of the deployments; returns the order each round ran in. */
  async measure(rate: number | null): Promise<string[][]> {
    const { load, options } = this;
    const order: string[][] = [];
    for (let round = 1; round <= load.rounds && !options.signal?.aborted; round++) {
      const sequence = shuffled(this.targets, this.random);
      const ran: string[] = [];
      for (const [position, target] of sequence.entries()) {
        if (options.signal?.aborted) break;
        options.onEvent?.({
          type: "round",
          round,
          rounds: load.rounds,
          deployment: target.deployment,
          durationMs: load.durationMs,
        });
        const busyBefore = performance.eventLoopUtilization();
        const run = await this.run(target, rate);
        const generatorUtilization = performance.eventLoopUtilization(busyBefore).utilization;
        // A round cut short by Ctrl-C is not a sample of the same length as the others.
        if (options.signal?.aborted) break;
        ran.push(target.deployment);
        this.record(target, run, round, position, generatorUtilization);
      }
      if (ran.length > 0) order.push(ran);
    }
    return order;
  }

  private record(
    target: LoadTarget,
    run: LoadRun,
    round: number,
    position: number,
    generatorUtilization: number,
  ): void {
    this.merged.get(target.deployment)!.add(run.histogram);
    if (run.ttfb) this.mergedTtfb.get(target.deployment)!.add(run.ttfb);
    const latency = summarize(run.histogram);
    const rps = run.durationMs > 0 ? (run.ok2xx * 1000) / run.durationMs : 0;
    this.samples.get(target.deployment)!.push({
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
      ...(run.ttfb ? { ttfb: summarize(run.ttfb) } : {}),
      generatorUtilization: Math.round(generatorUtilization * 1000) / 1000,
      ...this.openTotals.round(target.deployment, run),
    });
    this.options.onEvent?.({ type: "round-done", round, deployment: target.deployment, rps, p50Us: latency.p50Us });
  }

  /** A deployment's figures over all its rounds. */
  async summarize(target: LoadTarget): Promise<DeploymentLoad> {
    const rounds = this.samples.get(target.deployment)!;
    const histogram = this.merged.get(target.deployment)!;
    const ttfb = this.mergedTtfb.get(target.deployment)!;
    const latency = summarize(histogram);
    return {
      deployment: target.deployment,
      url: target.url,
      ...(target.hops ? { hops: target.hops } : {}),
      rounds,
      latency,
      ...(ttfb.totalCount > 0 ? { ttfb: summarize(ttfb) } : {}),
      percentiles: percentileSeries(histogram),
      medianRps: Math.round(median(rounds.map((r) => r.rps)) * 10) / 10 || 0,
      medianP50Us: median(rounds.map((r) => r.latency.p50Us)) || 0,
      responses: rounds.reduce((sum, r) => sum + r.responses, 0),
      non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
      errors: rounds.reduce((sum, r) => sum + r.errors, 0),
      timeouts: rounds.reduce((sum, r) => sum + r.timeouts, 0),
      ...withInstanceSplit(await target.counts()),
      generatorSaturated: rounds.length > 0 && median(rounds.map((r) => r.generatorUtilization)) > GENERATOR_SATURATION,
      // The open model's generator is a thread of its own: there, its send lateness tells.
      ...this.openTotals.topology(target.deployment, latency, rounds),
    };
  }
}
