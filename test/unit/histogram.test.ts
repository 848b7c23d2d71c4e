import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLatencyHistogram, percentileSeries, recordMs } from "../../src/runners/load/histogram.js";

describe("percentile series", () => {
  it("follows HdrHistogram's distribution: five points per halving, up to one response left, then the max", () => {
    const histogram = createLatencyHistogram();
    for (let i = 1; i <= 1024; i++) recordMs(histogram, i / 1000);
    const series = percentileSeries(histogram);
    assert.deepEqual(series[0], { percentile: 0, us: 1 });
    assert.equal(series[5]!.percentile, 50);
    assert.equal(series[10]!.percentile, 75);
    // 1024 responses: the last tick below 100 × (1 − 1/1024) is ten halvings in, then the max at 100 %.
    assert.equal(series.length, 10 * 5 + 1 + 1);
    assert.deepEqual(series.at(-1), { percentile: 100, us: 1024 });
    for (let i = 1; i < series.length; i++) {
      assert.ok(series[i]!.percentile > series[i - 1]!.percentile);
      assert.ok(series[i]!.us >= series[i - 1]!.us);
    }
    assert.ok(Math.abs(series[5]!.us - 512) <= 1);
    assert.deepEqual(percentileSeries(createLatencyHistogram()), []);
  });
});
