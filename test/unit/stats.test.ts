import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { computeOverhead } from "../../src/results/compare.js";
import type { RoundSample, DeploymentLoad } from "../../src/results/types.js";
import { createLatencyHistogram, recordMs, summarize } from "../../src/results/histogram.js";
import { bootstrapMedianInterval, median, seededRandom } from "../../src/results/stats.js";
import { createDeliveryClock } from "../../src/network/shaper.js";
import { createBalancer } from "../../src/servers/proxy/balancer.js";
import { roundSample } from "../helpers/round-sample.js";

function topology(kind: "edge" | "proxied", rounds: RoundSample[]): DeploymentLoad {
  return {
    deployment: kind,
    url: "",
    rounds,
    latency: rounds[0]!.latency,
    medianRps: 0,
    medianP50Us: 0,
    responses: 0,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    serverCounts: {},
    generatorSaturated: false,
  };
}

describe("statistics", () => {
  it("takes medians of odd and even samples", () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
  });

  it("gives a reproducible bootstrap interval that contains the median", () => {
    const values = [10, 12, 11, 13, 9, 30, 11];
    const first = bootstrapMedianInterval(values);
    assert.deepEqual(first, bootstrapMedianInterval(values));
    assert.ok(first[0] <= median(values) && median(values) <= first[1]);
    assert.deepEqual(bootstrapMedianInterval([5]), [5, 5]);
  });

  it("keeps response times at microsecond resolution", () => {
    const histogram = createLatencyHistogram();
    for (const ms of [0.101, 0.102, 0.103, 0.25, 1.5]) recordMs(histogram, ms);
    const summary = summarize(histogram);
    assert.equal(summary.count, 5);
    assert.equal(summary.minUs, 101);
    assert.equal(summary.p50Us, 103);
    assert.equal(summary.maxUs, 1500);
  });

  it("pairs rounds by number for the overhead and marks an interval through zero as not significant", () => {
    const edge = topology("edge", [roundSample(1, 100, 1000), roundSample(2, 110, 1000), roundSample(3, 90, 1000)]);
    const proxied = topology("proxied", [roundSample(2, 160, 500), roundSample(1, 150, 500), roundSample(3, 140, 500)]);
    const overhead = computeOverhead(edge, proxied)!;
    const p50 = overhead.find((o) => o.metric === "p50")!;
    assert.deepEqual(p50.perRound, [50, 50, 50]);
    assert.equal(p50.median, 50);
    assert.equal(p50.significant, true);
    const rps = overhead.find((o) => o.metric === "rps")!;
    assert.equal(rps.median, 0.5);
    const tiny = computeOverhead(
      edge,
      topology("proxied", [roundSample(1, 102, 1000), roundSample(2, 112, 1000), roundSample(3, 92, 1000)]),
    )!;
    assert.equal(tiny.find((o) => o.metric === "p50")!.significant, false, "2 µs is under the noise floor");
    const noisy = computeOverhead(
      edge,
      topology("proxied", [roundSample(1, 90, 1000), roundSample(2, 120, 1000), roundSample(3, 95, 1000)]),
    )!;
    assert.equal(noisy.find((o) => o.metric === "p50")!.significant, false);
  });
});

describe("shaped hop delivery clock", () => {
  const shape = { latencyMs: 2, jitterMs: 5, bandwidthMbps: null, resetProbability: 0, stallProbability: 0 };
  it("never lets a chunk leave before the one before it, whatever the jitter", () => {
    const clock = createDeliveryClock(shape, seededRandom(7));
    let last = 0;
    for (let i = 0; i < 1000; i++) {
      const due = clock(i * 0.01, 100);
      assert.ok(due >= last, `chunk ${i} due at ${due} before ${last}`);
      assert.ok(due >= i * 0.01 + 2, "latency is a floor");
      last = due;
    }
  });

  it("serialises at the link rate: 1,000 bytes at 8 Mbit/s take 1 ms", () => {
    const clock = createDeliveryClock({ ...shape, latencyMs: 0, jitterMs: 0, bandwidthMbps: 8 }, seededRandom(1));
    assert.equal(clock(0, 1000), 1);
    assert.equal(clock(0, 1000), 2, "the second chunk waits for the link");
    assert.equal(clock(10, 500), 10.5, "an idle link starts afresh");
  });
});

describe("balancer", () => {
  it("round robin cycles; least pending picks the idlest, ties in turn", () => {
    const instances = [{ pending: 0 }, { pending: 0 }, { pending: 0 }];
    const roundRobin = createBalancer(instances, "round-robin");
    assert.deepEqual(
      [roundRobin(), roundRobin(), roundRobin(), roundRobin()],
      [instances[0], instances[1], instances[2], instances[0]],
    );
    const least = createBalancer(instances, "least-pending");
    instances[0]!.pending = 3;
    instances[1]!.pending = 1;
    assert.equal(least(), instances[2]);
    instances[2]!.pending = 5;
    assert.equal(least(), instances[1]);
  });
});
