/**
 * The open-model sender's clock with nothing else to do: no sockets, no other thread. How late it is on this
 * machine is the floor under the sender's own lateness (./schedule-floor.ts).
 */
import { parentPort, workerData } from "node:worker_threads";
import { performance } from "node:perf_hooks";
import * as hdr from "hdr-histogram-js";
import { createLatencyHistogram } from "../src/results/histogram.js";
import { RUN, RUN_RUNNING } from "../src/runners/load/open-shared.js";
import { ScheduleClock } from "../src/runners/load/schedule-clock.js";
import { preferThisThread } from "../src/support/thread-priority.js";

export interface FloorSettings {
  rate: number;
  durationMs: number;
}

export interface FloorReport {
  moments: number;
  late: number;
  lateness: string;
}

const { rate, durationMs } = workerData as FloorSettings;
preferThisThread(); // as the sender does
const intervalMs = 1000 / rate;
const control = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * (RUN + 1)));
Atomics.store(control, RUN, RUN_RUNNING);
const clock = new ScheduleClock(control, intervalMs);
clock.begin(performance.timeOrigin + performance.now() + 5);
const lateness = createLatencyHistogram();
const moments = Math.floor((rate * durationMs) / 1000);
let late = 0;
for (let i = 0; i < moments; i++) {
  const planned = i * intervalMs;
  clock.sleepUntil(planned);
  const lateMs = clock.now() - planned;
  lateness.recordValue(Math.round(lateMs * 1000));
  if (lateMs > intervalMs) late++;
}
const report: FloorReport = { moments, late, lateness: hdr.encodeIntoCompressedBase64(lateness) };
parentPort!.postMessage(report);
