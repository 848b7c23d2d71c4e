/** The open-model sender's pure parts: how early it wakes, and the one-number messages about a slot. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { seededRandom } from "../../src/results/stats.js";
import { decodeSlotMessage, encodeSlotMessage } from "../../src/runners/load/open-shared.js";
import { MAX_LEAD_MS, MAX_SPIN_SHARE, MIN_LEAD_MS, WakeLead } from "../../src/runners/load/wake-lead.js";

/** Feeds `lead` wake-ups late by `overslept()` and returns the share of them later than the lead at the time. */
function lateShare(lead: WakeLead, overslept: () => number, wakeUps: number): number {
  let late = 0;
  for (let i = 0; i < wakeUps; i++) {
    const value = overslept();
    if (value > lead.leadMs) late++;
    lead.observe(value);
  }
  return late / wakeUps;
}

describe("wake lead", () => {
  it("follows the 99th percentile of how late wake-ups are, so about one in a hundred is late", () => {
    const random = seededRandom(7);
    // 20–60 µs mostly, with one wake-up in fifty at 150 µs: the 99th percentile is 150 µs.
    const overslept = (): number => (random() < 0.02 ? 0.15 : 0.02 + 0.04 * random());
    const lead = new WakeLead(10);
    lateShare(lead, overslept, 20_000);
    const share = lateShare(lead, overslept, 20_000);
    assert.ok(share > 0.002 && share < 0.03, `late share ${share}`);
    assert.ok(lead.leadMs > 0.12 && lead.leadMs < 0.2, `lead ${lead.leadMs} ms`);
  });

  it("comes down when wake-ups become prompt", () => {
    const lead = new WakeLead(10);
    lateShare(lead, () => 0.3, 2_000);
    const high = lead.leadMs;
    lateShare(lead, () => 0.005, 100_000);
    assert.ok(lead.leadMs < high / 2, `${high} → ${lead.leadMs} ms`);
    assert.equal(lead.leadMs, MIN_LEAD_MS);
  });

  it("never spins longer than its share of the interval, nor longer than the cap", () => {
    const fast = new WakeLead(0.1);
    const slow = new WakeLead(100);
    lateShare(fast, () => 5, 10_000);
    lateShare(slow, () => 5, 10_000);
    assert.equal(fast.leadMs, 0.1 * MAX_SPIN_SHARE);
    assert.equal(slow.leadMs, MAX_LEAD_MS);
  });
});

describe("slot messages", () => {
  it("carry slot, take and whether the write failed in one number, both ways", () => {
    for (const [slot, claim, failed] of [
      [0, 1, false],
      [31, 1, true],
      [5, 123_456, false],
      [0, 0, true],
    ] as const) {
      const message = encodeSlotMessage(slot, claim, 32, failed);
      assert.equal(message < 0, failed);
      assert.deepEqual(decodeSlotMessage(message, 32), { slot, claim, failed });
    }
  });
});
