/**
 * The open-model generator that holds its schedule: a worker thread of its own (./open-worker.ts) sends request i
 * at start + i / rate over raw keep-alive sockets opened ahead of time, and records three µs histograms that come
 * back when the run ends: response time (from the planned send, coordinated-omission-correct), service time (from
 * the actual send) and send lateness (actual − planned send: the generator's own calibration).
 */
import { Worker } from "node:worker_threads";
import * as hdr from "hdr-histogram-js";
import type { LatencyHistogram } from "../../results/histogram.js";
import { withFineTimerSlack } from "../../support/timer-slack.js";
import type { RawRequestSpec } from "./raw-request.js";
import type { LoadRun } from "./run-load.js";

export interface OpenGeneratorSettings extends RawRequestSpec {
  /** Where connections go: http://host:port or https://host:port (the CA below must verify it). */
  url: string;
  /** Requests per second, planned evenly. */
  rate: number;
  durationMs: number;
  /** Keep-alive connections opened before the first send; a request never waits for a new one. */
  connections: number;
  timeoutMs: number;
  ca: string | null;
}

/** What the worker posts back: counts, and histograms encoded with hdr's compressed base64 format. */
export interface OpenWorkerReport {
  durationMs: number;
  requests: number;
  responses: number;
  ok2xx: number;
  errors: number;
  timeouts: number;
  late: number;
  schedulerLate: number;
  responseTime: string;
  firstByte: string;
  serviceTime: string;
  sendLateness: string;
}

export interface OpenGeneratorRun extends LoadRun {
  /** Requests that started more than `lateThresholdUs` after their planned time. */
  late: number;
  /** Of those, the ones that had a free connection: the generator itself fell behind. */
  schedulerLate: number;
  /** From each actual send to the whole answer (2xx only, like `histogram`). */
  serviceHistogram: LatencyHistogram;
  /** Actual − planned send of every request sent, µs (0 when on time). */
  latenessHistogram: LatencyHistogram;
  lateThresholdUs: number;
}

/** A request counts as late when it starts more than one interval after its plan: the next one is then already due. */
export function lateThresholdMs(rate: number): number {
  return 1000 / rate;
}

const decode = (encoded: string): LatencyHistogram => hdr.decodeFromCompressedBase64(encoded, 32, false);

export function runOpenGenerator(settings: OpenGeneratorSettings, signal?: AbortSignal): Promise<OpenGeneratorRun> {
  const worker = withFineTimerSlack(
    () => new Worker(new URL("./open-worker.js", import.meta.url), { workerData: settings }),
  );
  const stop = (): void => worker.postMessage("stop");
  signal?.addEventListener("abort", stop, { once: true });
  if (signal?.aborted) stop();
  return new Promise<OpenGeneratorRun>((resolve, reject) => {
    let report: OpenWorkerReport | null = null;
    worker.once("message", (message: OpenWorkerReport) => (report = message));
    worker.once("error", reject);
    worker.once("exit", () => {
      signal?.removeEventListener("abort", stop);
      if (!report) return reject(new Error("the open-model generator stopped without a report"));
      resolve({
        durationMs: report.durationMs,
        requests: report.requests,
        responses: report.responses,
        ok2xx: report.ok2xx,
        non2xx: report.responses - report.ok2xx,
        errors: report.errors,
        timeouts: report.timeouts,
        late: report.late,
        schedulerLate: report.schedulerLate,
        histogram: decode(report.responseTime),
        ttfb: decode(report.firstByte),
        serviceHistogram: decode(report.serviceTime),
        latenessHistogram: decode(report.sendLateness),
        lateThresholdUs: Math.round(lateThresholdMs(settings.rate) * 1000),
      });
    });
  });
}
