/**
 * The open-model sender's clock: it sleeps in Atomics.wait until shortly before each planned moment (how early:
 * ./wake-lead.ts) and waits the rest on the high-resolution clock. Kept apart from the sender so the bench can run
 * the same clock with nothing else to do, and show how late this machine lets any sleeping thread be.
 */
import { performance } from "node:perf_hooks";
import { RUN, RUN_RUNNING } from "./open-shared.js";
import { WakeLead } from "./wake-lead.js";

/** Sleep in slices no longer than this, so a stop is seen even if a notification is missed. */
const LONGEST_SLEEP_MS = 100;

export class ScheduleClock {
  private readonly lead: WakeLead;
  /** This thread's clock reading at the schedule's start. */
  private start = 0;

  /** `control[RUN]` says whether the schedule runs; a stop is a store there and a notify. */
  constructor(
    private readonly control: Int32Array,
    intervalMs: number,
  ) {
    this.lead = new WakeLead(intervalMs);
  }

  /** Starts the schedule at an epoch time (ms), shared between threads whose clocks have different origins. */
  begin(startEpochMs: number): void {
    this.start = startEpochMs - performance.timeOrigin;
  }

  running(): boolean {
    return Atomics.load(this.control, RUN) === RUN_RUNNING;
  }

  /** Ms since the schedule's start. */
  now(): number {
    return performance.now() - this.start;
  }

  /** Returns at `planned` (ms from the start) or as soon after as the machine allows; false when stopped. */
  sleepUntil(planned: number): boolean {
    for (;;) {
      const wakeAt = planned - this.lead.leadMs;
      const wait = wakeAt - this.now();
      if (wait <= 0) break;
      Atomics.wait(this.control, RUN, RUN_RUNNING, Math.min(wait, LONGEST_SLEEP_MS));
      if (!this.running()) return false;
      if (wait <= LONGEST_SLEEP_MS) {
        this.lead.observe(this.now() - wakeAt);
        break;
      }
    }
    while (this.now() < planned) continue;
    return this.running();
  }
}
