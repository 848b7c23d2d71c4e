/**
 * Open-model load: requests are planned at a constant arrival rate (request i at start + i / rate), never in bursts,
 * and each response time is measured from its planned send time, as wrk2 and k6's constant-arrival-rate do, so a
 * server that stalls is charged for the requests that waited behind it (no coordinated omission). A request that
 * could not start within one interval of its plan (every connection busy) is counted as late.
 * This is the first sender, on the main event loop over undici; runs now use ./open-generator.ts, and this one stays
 * for the bench, which measures the two side by side, and for the proxies bench (bench/proxies.ts), whose earlier
 * figures it keeps comparable.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { performance } from "node:perf_hooks";
import { Pool } from "undici";
import { createLatencyHistogram, recordMs } from "../../results/histogram.js";
import type { RawRequestSpec } from "./raw-request.js";
import type { LoadRun } from "./run-load.js";

export interface Clock {
  /** Milliseconds, fractional. */
  now(): number;
  /** Resolves at `time` (ms on this clock), never early. */
  sleepUntil(time: number): Promise<void>;
}

/** Sleeps coarsely with timers, then yields until the exact moment: sub-millisecond sends without a busy loop. */
export const realClock: Clock = {
  now: () => performance.now(),
  async sleepUntil(time) {
    const wait = time - performance.now();
    if (wait > 2) await sleep(wait - 1.5);
    while (performance.now() < time) await new Promise<void>((resolve) => setImmediate(resolve));
  },
};

/** Sends one request and resolves with its status when the whole answer has arrived; rejects on a failure. */
export type Sender = () => Promise<number>;

export interface OpenLoadSettings {
  /** Requests per second, planned evenly. */
  rate: number;
  durationMs: number;
  /** Requests in flight at most (the connection pool's size). */
  connections: number;
  signal?: AbortSignal;
}

export interface OpenLoadRun extends LoadRun {
  /** Requests that started more than one interval after their planned time. */
  late: number;
  /** Of those, the ones that had a free connection: the generator itself could not keep the schedule. */
  schedulerLate: number;
  /** Planned and actual send times, relative to the start (ms), for inspection in tests. */
  sends: Array<{ planned: number; actual: number }>;
}

export async function runOpenLoad(
  settings: OpenLoadSettings,
  send: Sender,
  clock: Clock = realClock,
  keepSends = false,
): Promise<OpenLoadRun> {
  const histogram = createLatencyHistogram();
  const interval = 1000 / settings.rate;
  const total = Math.floor((settings.rate * settings.durationMs) / 1000);
  const start = clock.now();
  const sends: OpenLoadRun["sends"] = [];
  const slotWaiters: Array<() => void> = [];
  const inFlight = new Set<Promise<void>>();
  let responses = 0;
  let ok2xx = 0;
  let errors = 0;
  let late = 0;
  let schedulerLate = 0;
  let requests = 0;

  for (let i = 0; i < total && !settings.signal?.aborted; i++) {
    const planned = start + i * interval;
    await clock.sleepUntil(planned);
    const slotFree = inFlight.size < settings.connections;
    while (inFlight.size >= settings.connections) await new Promise<void>((resolve) => slotWaiters.push(resolve));
    const actual = clock.now();
    if (actual - planned > interval) {
      late++;
      if (slotFree) schedulerLate++;
    }
    if (keepSends) sends.push({ planned: planned - start, actual: actual - start });
    requests++;
    const request: Promise<void> = send()
      .then((status) => {
        responses++;
        if (status >= 200 && status < 300) {
          ok2xx++;
          // From the plan, not from the send: the wait for a free connection is part of what the client saw.
          recordMs(histogram, clock.now() - planned);
        }
      })
      .catch(() => {
        errors++;
      })
      .finally(() => {
        inFlight.delete(request);
        slotWaiters.shift()?.();
      });
    inFlight.add(request);
  }
  await Promise.all(inFlight);
  return {
    histogram,
    durationMs: clock.now() - start,
    requests,
    responses,
    ok2xx,
    non2xx: responses - ok2xx,
    errors,
    timeouts: 0,
    late,
    schedulerLate,
    sends,
  };
}

/** A sender over an undici keep-alive pool of `connections`, for one URL, Host and method. */
export function httpSender(
  options: RawRequestSpec & { url: string; connections: number; timeoutMs?: number; ca?: string | null },
): {
  send: Sender;
  close(): Promise<void>;
} {
  const pool = new Pool(options.url, {
    connections: options.connections,
    headersTimeout: options.timeoutMs ?? 10_000,
    bodyTimeout: options.timeoutMs ?? 10_000,
    ...(options.ca ? { connect: { ca: options.ca } } : {}),
  });
  const send: Sender = async () => {
    const response = await pool.request({
      path: options.path,
      method: options.method as "GET",
      headers: { host: options.host },
      ...(options.body !== null ? { body: options.body } : {}),
    });
    for await (const chunk of response.body) void chunk;
    return response.statusCode;
  };
  return { send, close: () => pool.close() };
}
