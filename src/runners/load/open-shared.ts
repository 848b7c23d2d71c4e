/**
 * What the open-model generator's two threads share: the sending thread (./open-sender.ts) keeps the schedule and
 * writes requests; the connection thread (./open-worker.ts) opens the sockets, reads the answers and times them.
 * Each connection is a slot whose state both change with Atomics, so a connection carries one request at a time
 * without a message per request.
 */
import { performance } from "node:perf_hooks";

/** Run states, in `control[RUN]`. */
export const RUN_WAITING = 0;
export const RUN_RUNNING = 1;
export const RUN_STOPPED = 2;

/**
 * Slot states. The connection thread moves Down → Connecting → Free; the sender moves Free → Writing while it
 * writes, then Busy; an answer moves Busy → Free. Only the sender leaves Free for Writing, and only the connection
 * thread closes a socket, after taking its slot out of Free and waiting out a write (`retire`: a plain socket
 * retires before Node closes its descriptor; a TLS one, never written directly, before its close is counted). So
 * the sender never writes to a descriptor that was closed, or reused by anything else in the process.
 */
export const SLOT_DOWN = 0;
export const SLOT_CONNECTING = 1;
export const SLOT_FREE = 2;
export const SLOT_BUSY = 3;
export const SLOT_WRITING = 4;

/** Indices into `control`. */
export const RUN = 0;
/** Counts connections coming free, so a sender waiting for one can sleep on it. */
export const FREED = 1;
/** Set by the sender when its schedule has ended (every request sent, or stopped). */
export const SENDER_DONE = 2;
/** Requests that found every connection down (refused or unreachable): failed without a send, at their time. */
export const UNSENT_FAILURES = 3;
/** Set with a stop at the run's deadline: requests still unsent then have waited longer than the timeout. */
export const PAST_DEADLINE = 4;
/** Requests never sent because the deadline came while they waited for a connection: timed out, like any client's. */
export const UNSENT_TIMEOUTS = 5;
const CONTROL_WORDS = 6;
/** While the sender writes, a slot's state is looked at again after this long (ms): a write takes µs. */
const WRITE_WAIT_MS = 0.05;
const WRITE_GIVE_UP_MS = 1000;

/**
 * Per slot in `times`: planned and actual send of its request, in ms from the schedule's start (each thread turns its
 * own clock into that once, so the figures keep µs precision), and 1 when the request waited for a connection.
 */
const TIMES_PER_SLOT = 3;

export interface SharedBuffers {
  times: SharedArrayBuffer;
  words: SharedArrayBuffer;
}

/** Typed views over the shared buffers; each thread builds its own from the same buffers. */
export class SharedSchedule {
  readonly control: Int32Array;
  readonly slots: Int32Array;
  /** The socket's file descriptor per slot (-1 when there is none to write to directly). */
  readonly fds: Int32Array;
  /** How many times the sender has taken each slot: a message about a slot names the take it is about. */
  readonly claims: Int32Array;
  /** Index 0: the schedule's start (epoch ms, set when every connection is open); then TIMES_PER_SLOT per slot. */
  private readonly times: Float64Array;

  constructor(
    readonly buffers: SharedBuffers,
    readonly connections: number,
  ) {
    this.times = new Float64Array(buffers.times);
    this.control = new Int32Array(buffers.words, 0, CONTROL_WORDS);
    this.slots = new Int32Array(buffers.words, CONTROL_WORDS * 4, connections);
    this.fds = new Int32Array(buffers.words, (CONTROL_WORDS + connections) * 4, connections);
    this.claims = new Int32Array(buffers.words, (CONTROL_WORDS + 2 * connections) * 4, connections);
  }

  static create(connections: number): SharedSchedule {
    const times = new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT * (1 + TIMES_PER_SLOT * connections));
    const words = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * (CONTROL_WORDS + 3 * connections));
    const shared = new SharedSchedule({ times, words }, connections);
    shared.fds.fill(-1);
    return shared;
  }

  get startEpoch(): number {
    return this.times[0]!;
  }

  set startEpoch(epochMs: number) {
    this.times[0] = epochMs;
  }

  setPlanned(slot: number, plannedMs: number, waited: boolean): void {
    this.times[1 + slot * TIMES_PER_SLOT] = plannedMs;
    this.times[3 + slot * TIMES_PER_SLOT] = waited ? 1 : 0;
  }

  setSent(slot: number, sentMs: number): void {
    this.times[2 + slot * TIMES_PER_SLOT] = sentMs;
  }

  planned(slot: number): number {
    return this.times[1 + slot * TIMES_PER_SLOT]!;
  }

  sent(slot: number): number {
    return this.times[2 + slot * TIMES_PER_SLOT]!;
  }

  waited(slot: number): boolean {
    return this.times[3 + slot * TIMES_PER_SLOT] === 1;
  }

  /** Wakes a sender sleeping on the run state or waiting for a connection. */
  stop(pastDeadline: boolean): void {
    if (pastDeadline) Atomics.store(this.control, PAST_DEADLINE, 1);
    Atomics.store(this.control, RUN, RUN_STOPPED);
    Atomics.notify(this.control, RUN);
    Atomics.notify(this.control, FREED);
  }

  /**
   * The slot's state once no write is under way on it. A write takes µs; one still under way after WRITE_GIVE_UP_MS
   * means the sending thread is gone (its error reaches the caller), and Writing is returned rather than waiting on.
   */
  settledState(slot: number): number {
    let state = Atomics.load(this.slots, slot);
    if (state !== SLOT_WRITING) return state; // nearly always: no clock read on every answer
    const giveUpAt = performance.now() + WRITE_GIVE_UP_MS;
    while (state === SLOT_WRITING && performance.now() < giveUpAt) {
      Atomics.wait(this.slots, slot, SLOT_WRITING, WRITE_WAIT_MS);
      state = Atomics.load(this.slots, slot);
    }
    return state;
  }

  /**
   * Takes a slot away from the sender before its socket is closed: a free slot goes down, and a write under way is
   * waited out (it then counts as the request on that connection).
   */
  retire(slot: number): void {
    this.fds[slot] = -1;
    while (Atomics.compareExchange(this.slots, slot, SLOT_FREE, SLOT_DOWN) === SLOT_WRITING) {
      if (this.settledState(slot) === SLOT_WRITING) return;
    }
  }

  /** Hands a slot back: Busy → Free, and wakes a sender waiting for a connection. */
  free(slot: number): void {
    Atomics.store(this.slots, slot, SLOT_FREE);
    Atomics.add(this.control, FREED, 1);
    Atomics.notify(this.control, FREED);
  }
}

/**
 * A message from the sender about one take of a slot, as one number: ask the connection thread to write the request
 * (≥ 0), or tell it the direct write failed (< 0). Naming the take lets a message that arrives after its connection
 * closed and the slot was taken again be told apart and ignored.
 */
export function encodeSlotMessage(slot: number, claim: number, connections: number, failed: boolean): number {
  const value = claim * connections + slot;
  return failed ? -value - 1 : value;
}

export function decodeSlotMessage(
  message: number,
  connections: number,
): { slot: number; claim: number; failed: boolean } {
  const failed = message < 0;
  const value = failed ? -message - 1 : message;
  return { slot: value % connections, claim: Math.floor(value / connections), failed };
}
