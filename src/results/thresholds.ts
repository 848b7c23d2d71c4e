/**
 * Thresholds: `overhead.p99 < 2ms`, `proxied.rps > 10000`, `probes.failed == 0`. Parsed with clear errors, evaluated
 * on a run's result; a failed one fails the run (exit 1), and every reporter shows each as pass or fail.
 */
import type { RunResult } from "./types.js";
import type { Latency, Threshold, ThresholdOperator } from "../scenario/thresholds.js";
import { failedRequests } from "./failed-requests.js";

export { parseThreshold, ThresholdError, THRESHOLD_METRICS, THRESHOLD_OPERATORS } from "../scenario/thresholds.js";
export type { Threshold, ThresholdOperator } from "../scenario/thresholds.js";

export interface ThresholdResult extends Threshold {
  /** The measured value, or null when the run did not measure it (no load, or no proxied topology). */
  actual: number | null;
  passed: boolean;
}

const LATENCY_FIELD: Record<Latency, "p50Us" | "p90Us" | "p99Us" | "p999Us" | "maxUs" | "meanUs"> = {
  p50: "p50Us",
  p90: "p90Us",
  p99: "p99Us",
  p999: "p999Us",
  max: "maxUs",
  mean: "meanUs",
};

/** `proxied` (and `overhead`) name the run's first proxied deployment: the scenario's own unless --engine chose. */
function firstProxied(result: Omit<RunResult, "thresholds" | "verdict">): string | undefined {
  return result.deployments.find((d) => d.topology === "proxied")?.name;
}

function measured(metric: string, result: Omit<RunResult, "thresholds" | "verdict">): number | null {
  const [scope, name] = metric.split(".") as [string, string];
  if (scope === "probes")
    return result.probes ? (name === "failed" ? result.probes.failed : result.probes.passed) : null;
  const proxied = firstProxied(result);
  if (scope === "overhead")
    return (
      result.load?.overheads.find((o) => o.deployment === proxied)?.figures.find((o) => o.metric === name)?.median ??
      null
    );
  const deployment = scope === "proxied" ? proxied : scope;
  const topology = result.load?.deployments.find((t) => t.deployment === deployment);
  if (!topology) return null;
  if (name === "rps") return topology.medianRps;
  if (name === "errors") return failedRequests(topology);
  return topology.latency[LATENCY_FIELD[name as Latency]];
}

function holds(actual: number, operator: ThresholdOperator, value: number): boolean {
  switch (operator) {
    case "<":
      return actual < value;
    case "<=":
      return actual <= value;
    case ">":
      return actual > value;
    case ">=":
      return actual >= value;
    case "==":
      return actual === value;
    case "!=":
      return actual !== value;
  }
}

/** Evaluates thresholds; one whose metric the run did not measure fails (a gate must not pass by omission). */
export function evaluateThresholds(
  thresholds: readonly Threshold[],
  result: Omit<RunResult, "thresholds" | "verdict">,
): ThresholdResult[] {
  return thresholds.map((threshold) => {
    const actual = measured(threshold.metric, result);
    return { ...threshold, actual, passed: actual !== null && holds(actual, threshold.operator, threshold.value) };
  });
}
