/**
 * How late this machine lets a sleeping thread be: the sender's clock run alone in a thread started as the
 * generator's are (fine timer slack), at the same rate. The sender cannot be more punctual than this.
 */
import { Worker } from "node:worker_threads";
import * as hdr from "hdr-histogram-js";
import { summarize } from "../src/results/histogram.js";
import { withFineTimerSlack } from "../src/support/timer-slack.js";
import type { FloorReport, FloorSettings } from "./schedule-floor-worker.js";

export interface ScheduleFloor {
  moments: number;
  late: number;
  lateShare: number;
  p99LatenessUs: number;
}

export async function measureScheduleFloor(rate: number, durationMs: number): Promise<ScheduleFloor> {
  const workerData: FloorSettings = { rate, durationMs };
  const url = new URL("./schedule-floor-worker.js", import.meta.url);
  const worker = withFineTimerSlack(() => new Worker(url, { workerData }));
  const report = await new Promise<FloorReport>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  await worker.terminate();
  const lateness = hdr.decodeFromCompressedBase64(report.lateness, 32, false);
  const { moments, late } = report;
  return { moments, late, lateShare: late / moments, p99LatenessUs: summarize(lateness).p99Us };
}
