/** Response times at microsecond resolution in an HDR histogram (autocannon's own stores whole milliseconds). */
import * as hdr from "hdr-histogram-js";
import type { LatencySummary, PercentilePoint } from "../../results/types.js";

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

/** Points per halving of the remaining share, as HdrHistogram's percentile distribution prints them. */
const TICKS_PER_HALF = 5;

/**
 * The whole distribution: HdrHistogram's percentile series (0 %, 50 %, 75 %, 87.5 %, … five points per halving of
 * what remains) until one response is left, then the max at 100 %.
 */
export function percentileSeries(histogram: LatencyHistogram): PercentilePoint[] {
  const count = histogram.totalCount;
  if (count === 0) return [];
  const points: PercentilePoint[] = [];
  const last = 100 * (1 - 1 / count);
  for (let tick = 0; ; tick++) {
    const percentile = 100 * (1 - 0.5 ** (tick / TICKS_PER_HALF));
    if (percentile > last) break;
    const us = histogram.getValueAtPercentile(percentile);
    points.push({ percentile: Math.round(percentile * 10_000) / 10_000, us });
  }
  points.push({ percentile: 100, us: histogram.maxValue });
  return points;
}
