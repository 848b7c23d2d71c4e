/** One closed-model load run with autocannon, every response time recorded by edgebench at µs resolution. */
import autocannon from "autocannon";
import type { RequestCounts } from "../../results/types.js";
import type { RawRequestSpec } from "./raw-request.js";
import { createLatencyHistogram, recordMs, type LatencyHistogram } from "../../results/histogram.js";

export interface LoadRunSettings extends RawRequestSpec {
  url: string;
  connections: number;
  pipelining: number;
  durationMs: number;
  signal?: AbortSignal;
}

export interface LoadRun extends RequestCounts {
  histogram: LatencyHistogram;
  /** Times to the answer's head of the 2xx answers, when the generator could see them. */
  ttfb?: LatencyHistogram;
}

/** What an autocannon client exposes of its queue of requests in flight (not in its published types). */
interface ClientInternals {
  on(event: "headers", listener: (head: { statusCode: number }) => void): void;
  pipelinedRequests?: { peek(): { startTime: [number, number] } | undefined };
}

/**
 * Records each 2xx answer's time to its head, from the same start autocannon times the whole answer from, so the
 * two figures are measured alike. One clock read per answer, on autocannon's own `headers` event.
 */
function recordTimeToHead(client: ClientInternals, histogram: LatencyHistogram): void {
  const queue = client.pipelinedRequests;
  if (typeof queue?.peek !== "function") return;
  client.on("headers", (head) => {
    const started = queue.peek()?.startTime;
    if (!started || head.statusCode < 200 || head.statusCode >= 300) return;
    const [seconds, nanoseconds] = process.hrtime(started);
    recordMs(histogram, seconds * 1e3 + nanoseconds / 1e6);
  });
}

const SAMPLE_INTERVAL_MS = 20;

export function runLoad(settings: LoadRunSettings): Promise<LoadRun> {
  const histogram = createLatencyHistogram();
  const ttfb = createLatencyHistogram();
  let responses = 0;
  let ok2xx = 0;
  return new Promise((resolve, reject) => {
    if (settings.signal?.aborted) {
      resolve({ histogram, durationMs: 0, requests: 0, responses: 0, ok2xx: 0, non2xx: 0, errors: 0, timeouts: 0 });
      return;
    }
    const started = process.hrtime.bigint();
    const instance = autocannon(
      {
        url: new URL(settings.path, settings.url).href,
        method: settings.method as autocannon.Request["method"],
        headers: { host: settings.host },
        ...(settings.body !== null ? { body: settings.body } : {}),
        connections: settings.connections,
        pipelining: settings.pipelining,
        duration: settings.durationMs / 1000,
        // autocannon checks its stop flag once per sample interval (1 s by default): a round of 500 ms would run 1 s.
        sampleInt: SAMPLE_INTERVAL_MS,
        timeout: 10,
        setupClient: (client) => recordTimeToHead(client as unknown as ClientInternals, ttfb),
      },
      (error, result) => {
        settings.signal?.removeEventListener("abort", stop);
        if (error) return reject(error);
        const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
        resolve({
          histogram,
          ...(ttfb.totalCount > 0 ? { ttfb } : {}),
          durationMs,
          requests: result.requests.sent,
          responses,
          ok2xx,
          non2xx: responses - ok2xx,
          errors: result.errors,
          timeouts: result.timeouts,
        });
      },
    );
    instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
      responses++;
      if (statusCode >= 200 && statusCode < 300) {
        ok2xx++;
        recordMs(histogram, responseTimeMs);
      }
    });
    const stop = (): void => instance.stop();
    settings.signal?.addEventListener("abort", stop, { once: true });
  });
}
