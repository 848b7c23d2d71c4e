/** A measured round with round figures: p90, p99, p99.9 and max as multiples of the p50, every request answered. */
import type { RoundSample } from "../../src/results/types.js";

export function roundSample(round: number, p50Us: number, rps: number): RoundSample {
  const latency = {
    count: 100,
    minUs: 1,
    meanUs: p50Us,
    p50Us,
    p90Us: p50Us * 2,
    p99Us: p50Us * 3,
    p999Us: p50Us * 4,
    maxUs: p50Us * 5,
  };
  return {
    round,
    position: 0,
    generatorUtilization: 0.5,
    durationMs: 1000,
    requests: 100,
    responses: 100,
    ok2xx: 100,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    rps,
    latency,
  };
}
