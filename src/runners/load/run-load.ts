/** One closed-model load run with autocannon, every response time recorded by edgebench at µs resolution. */
import autocannon from "autocannon";
import type { RequestCounts } from "../../results/types.js";
import { createLatencyHistogram, recordMs, type LatencyHistogram } from "./histogram.js";

export interface LoadRunSettings {
  url: string;
  host: string;
  method: string;
  path: string;
  body: string | null;
  connections: number;
  pipelining: number;
  durationMs: number;
  signal?: AbortSignal;
}

export interface LoadRun extends RequestCounts {
  histogram: LatencyHistogram;
}

const SAMPLE_INTERVAL_MS = 20;

export function runLoad(settings: LoadRunSettings): Promise<LoadRun> {
  const histogram = createLatencyHistogram();
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
      },
      (error, result) => {
        settings.signal?.removeEventListener("abort", stop);
        if (error) return reject(error);
        const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
        resolve({
          histogram,
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
