/**
 * The open-model generator's sending thread: it keeps the schedule and nothing else. Request i is due at
 * start + i × interval; the thread sleeps in Atomics.wait until shortly before and waits the last µs on the clock
 * (./schedule-clock.ts), takes a free connection and writes the prepared request bytes straight to its socket with one
 * write(2). It has no event loop work, no promise and no allocation per request, so nothing but the machine delays
 * it. Answers are read on the connection thread (./open-worker.ts), which owns the sockets.
 *
 * Where a socket cannot be written directly (TLS, or a request too large for one write), the slot's number goes to
 * the connection thread as a message and that thread writes it: later by a message's delivery, which the measured
 * lateness shows.
 */
import { writeSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import {
  encodeSlotMessage,
  FREED,
  RUN,
  RUN_WAITING,
  SENDER_DONE,
  SharedSchedule,
  SLOT_BUSY,
  SLOT_CONNECTING,
  SLOT_FREE,
  SLOT_WRITING,
  PAST_DEADLINE,
  UNSENT_FAILURES,
  UNSENT_TIMEOUTS,
  type SharedBuffers,
} from "./open-shared.js";
import { preferThisThread } from "../../support/thread-priority.js";
import { ScheduleClock } from "./schedule-clock.js";

export interface SenderSettings {
  buffers: SharedBuffers;
  connections: number;
  total: number;
  intervalMs: number;
  request: Uint8Array;
}

/** While waiting for the schedule's start, look again at least this often. */
const START_WAIT_MS = 100;
/** While every connection is busy, look again at least this often. */
const FREE_WAIT_MS = 1;

class Sender {
  private readonly shared: SharedSchedule;
  private readonly clock: ScheduleClock;
  /** Where the search for a free connection starts: the one after the last used, so all take turns. */
  private cursor = 0;
  /** When a connection last came free after the sender waited for one (ms from start): requests planned before it
   * were held by busy connections, not by the sender. */
  private connectionFreeAt = -1;

  constructor(private readonly settings: SenderSettings) {
    this.shared = new SharedSchedule(settings.buffers, settings.connections);
    this.clock = new ScheduleClock(this.shared.control, settings.intervalMs);
  }

  run(): void {
    const { control } = this.shared;
    parentPort!.postMessage("ready");
    while (Atomics.load(control, RUN) === RUN_WAITING) Atomics.wait(control, RUN, RUN_WAITING, START_WAIT_MS);
    this.clock.begin(this.shared.startEpoch);
    const { total, intervalMs } = this.settings;
    let next = 0;
    for (; next < total && this.running(); next++) {
      const planned = next * intervalMs;
      if (!this.clock.sleepUntil(planned)) break;
      const slot = this.takeConnection();
      if (slot === STOPPED) break;
      if (slot === NONE_UP) Atomics.add(control, UNSENT_FAILURES, 1);
      else this.send(slot, planned);
    }
    // At the deadline every request not sent yet was due and waited longer than the timeout for a connection.
    if (Atomics.load(control, PAST_DEADLINE) === 1) Atomics.add(control, UNSENT_TIMEOUTS, total - next);
    Atomics.store(control, SENDER_DONE, 1);
    parentPort!.postMessage("done");
  }

  private running(): boolean {
    return this.clock.running();
  }

  private now(): number {
    return this.clock.now();
  }

  /** A free connection's slot (now Writing), NONE_UP when every connection is down, or STOPPED. */
  private takeConnection(): number {
    const { slots, control } = this.shared;
    const count = this.settings.connections;
    for (let waited = false; ; waited = true) {
      let anyUp = false;
      for (let k = 0; k < count; k++) {
        const slot = (this.cursor + k) % count;
        const state = Atomics.compareExchange(slots, slot, SLOT_FREE, SLOT_WRITING);
        if (state === SLOT_FREE) {
          this.cursor = (slot + 1) % count;
          if (waited) this.connectionFreeAt = this.now();
          return slot;
        }
        if (state === SLOT_BUSY || state === SLOT_CONNECTING) anyUp = true;
      }
      if (!anyUp) return NONE_UP;
      const freed = Atomics.load(control, FREED);
      Atomics.wait(control, FREED, freed, FREE_WAIT_MS);
      if (!this.running()) return STOPPED;
    }
  }

  private send(slot: number, planned: number): void {
    const { shared } = this;
    shared.setPlanned(slot, planned, planned < this.connectionFreeAt);
    const claim = Atomics.add(shared.claims, slot, 1) + 1;
    const fd = shared.fds[slot]!;
    const connections = this.settings.connections;
    shared.setSent(slot, this.now());
    if (fd < 0) {
      Atomics.store(shared.slots, slot, SLOT_BUSY);
      return parentPort!.postMessage(encodeSlotMessage(slot, claim, connections, false));
    }
    const request = this.settings.request;
    let written = 0;
    try {
      written = writeSync(fd, request);
    } catch {
      // Reset or full: the connection thread closes the connection and counts the request failed.
    }
    Atomics.store(shared.slots, slot, SLOT_BUSY);
    if (written !== request.length) parentPort!.postMessage(encodeSlotMessage(slot, claim, connections, true));
  }
}

const STOPPED = -1;
const NONE_UP = -2;

// Sleeping most of the time, the sender preempts the connection thread and the servers only for its µs of spin.
preferThisThread();
new Sender(workerData as SenderSettings).run();
