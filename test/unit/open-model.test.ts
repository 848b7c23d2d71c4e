import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runOpenLoad, type Clock } from "../../src/runners/load/open-model.js";

/** A clock that jumps from one waiter to the next: exact times, no waiting. */
class FakeClock implements Clock {
  time = 0;
  private waiters: Array<{ at: number; resolve: () => void }> = [];
  now(): number {
    return this.time;
  }
  sleepUntil(at: number): Promise<void> {
    if (at <= this.time) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ at, resolve }));
  }
  /** Drives time forward until `work` settles. */
  async drive<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    void work.finally(() => (settled = true));
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (settled) return work;
      this.waiters.sort((a, b) => a.at - b.at);
      const next = this.waiters.shift();
      if (!next) throw new Error("nothing to wait for, and the work did not finish");
      this.time = next.at;
      next.resolve();
    }
  }
}

const within = (actual: number, expected: number): boolean => Math.abs(actual - expected) <= expected * 0.002;

describe("open-model scheduler", () => {
  it("sends at the planned times, evenly, and measures from the plan", async () => {
    const clock = new FakeClock();
    const send = (): Promise<number> => clock.sleepUntil(clock.now() + 5).then(() => 200);
    const run = await clock.drive(runOpenLoad({ rate: 100, durationMs: 100, connections: 10 }, send, clock, true));
    assert.deepEqual(
      run.sends.map((s) => s.actual),
      [0, 10, 20, 30, 40, 50, 60, 70, 80, 90],
    );
    assert.equal(run.late, 0);
    assert.equal(run.ok2xx, 10);
    assert.equal(run.histogram.totalCount, 10);
    assert.ok(within(run.histogram.minNonZeroValue, 5000) && within(run.histogram.maxValue, 5000));
  });

  it("charges the requests that waited behind a slow server (no coordinated omission) and counts them late", async () => {
    const clock = new FakeClock();
    const send = (): Promise<number> => clock.sleepUntil(clock.now() + 25).then(() => 200);
    const run = await clock.drive(runOpenLoad({ rate: 100, durationMs: 100, connections: 1 }, send, clock, true));
    assert.deepEqual(
      run.sends.map((s) => [s.planned, s.actual]),
      Array.from({ length: 10 }, (_, i) => [i * 10, i * 25]),
    );
    assert.equal(run.late, 9);
    // Latency of request i is 15i + 25 ms: from its plan at 10i to its end at 25i + 25.
    assert.ok(within(run.histogram.minNonZeroValue, 25_000));
    assert.ok(within(run.histogram.maxValue, 160_000), String(run.histogram.maxValue));
  });

  it("counts failures and non-2xx answers apart", async () => {
    const clock = new FakeClock();
    let n = 0;
    const send = (): Promise<number> =>
      clock
        .sleepUntil(clock.now() + 1)
        .then(() => (++n % 3 === 0 ? Promise.reject(new Error("reset")) : n % 3 === 1 ? 200 : 503));
    const run = await clock.drive(runOpenLoad({ rate: 1000, durationMs: 9, connections: 4 }, send, clock));
    assert.deepEqual([run.requests, run.ok2xx, run.non2xx, run.errors], [9, 3, 3, 3]);
  });
});
