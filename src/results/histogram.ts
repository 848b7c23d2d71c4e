/** Response times at microsecond resolution in an HDR histogram (autocannon's own stores whole milliseconds). */
import * as hdr from "hdr-histogram-js";
import type { LatencySummary } from "./types.js";

export type LatencyHistogram = hdr.Histogram;

/** 1 µs to 60 s, 3 significant digits: constant memory whatever the request count. */
export function createLatencyHistogram(): LatencyHistogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

/** Records a response time given in (fractional) milliseconds. */
export function recordMs(histogram: LatencyHistogram, ms: number): void {
  histogram.recordValue(Math.min(60_000_000, Math.max(1, Math.round(ms * 1000))));
}

export function summarize(histogram: LatencyHistogram): LatencySummary {
  const count = histogram.totalCount;
  if (count === 0) return { count: 0, minUs: 0, meanUs: 0, p50Us: 0, p90Us: 0, p99Us: 0, p999Us: 0, maxUs: 0 };
  return {
    count,
    minUs: histogram.minNonZeroValue,
    meanUs: Math.round(histogram.mean * 10) / 10,
    p50Us: histogram.getValueAtPercentile(50),
    p90Us: histogram.getValueAtPercentile(90),
    p99Us: histogram.getValueAtPercentile(99),
    p999Us: histogram.getValueAtPercentile(99.9),
    maxUs: histogram.maxValue,
  };
}
