/**
 * The open-model generator's clock: a thread that only sleeps and wakes. Blocked in Atomics.wait until shortly
 * before each planned send, it waits the last µs on the clock and then wakes the sending thread with a message,
 * a little ahead of time (the wake-up itself takes some µs). A thread that mostly sleeps is woken promptly by the
 * kernel even on a busy machine, where a thread that spins is made to wait its turn for milliseconds.
 */
import { performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import { CLOCK_RUNNING, CLOCK_WAITING, type ClockSettings } from "./open-clock-state.js";

/** Atomics.wait wakes up to about 50 µs late (the kernel's timer slack): sleep until this far ahead, then spin. */
const SLACK_MS = 0.06;
/** Sleep in slices no longer than this, so a stop is seen even when a notification is missed. */
const LONGEST_SLEEP_MS = 100;

function run(settings: ClockSettings): void {
  const state = new Int32Array(settings.shared, 0, 1);
  const startEpoch = new Float64Array(settings.shared, 8, 1);
  while (Atomics.load(state, 0) === CLOCK_WAITING) Atomics.wait(state, 0, CLOCK_WAITING, LONGEST_SLEEP_MS);
  const start = startEpoch[0]! - performance.timeOrigin;
  let next = 0;
  while (next < settings.total && Atomics.load(state, 0) === CLOCK_RUNNING) {
    const wakeAt = start + next * settings.intervalMs - settings.leadMs;
    const wait = wakeAt - performance.now();
    if (wait > SLACK_MS) {
      Atomics.wait(state, 0, CLOCK_RUNNING, Math.min(wait - SLACK_MS, LONGEST_SLEEP_MS));
      continue;
    }
    while (performance.now() < wakeAt) continue;
    // Behind schedule, one message covers every request already due: the sender sends all that are due.
    const now = performance.now() + settings.leadMs;
    next = Math.max(next + 1, Math.min(settings.total, Math.floor((now - start) / settings.intervalMs) + 1));
    parentPort!.postMessage(next);
  }
}

run(workerData as ClockSettings);
