/**
 * Thresholds: `overhead.p99 < 2ms`, `proxied.rps > 10000`, `probes.failed == 0`. Parsed with clear errors, evaluated
 * on a run's result; a failed one fails the run (exit 1), and every reporter shows each as pass or fail.
 */
import type { MeasuredRun } from "./types.js";
import { thresholdDeployment, type Latency, type Threshold, type ThresholdOperator } from "../scenario/thresholds.js";
import { failedRequests } from "./failed-requests.js";

export {
  parseThreshold,
  thresholdDeployment,
  ThresholdError,
  THRESHOLD_METRICS,
  THRESHOLD_OPERATORS,
} from "../scenario/thresholds.js";
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

/**
 * `proxied` (and `overhead`) name the run's first proxied deployment: the scenario's own unless --engine chose. Of
 * deployments already running (`--deployment`), whose topology edgebench does not know, the first not named edge.
 */
function firstProxied(result: MeasuredRun): string | undefined {
  const proxied = result.deployments.find((d) => d.topology === "proxied");
  if (proxied) return proxied.name;
  return result.deployments.find((d) => d.topology === "external" && d.name !== "edge")?.name;
}

function overhead(deployment: string | undefined, name: string, result: MeasuredRun): number | null {
  const figures = result.load?.overheads.find((o) => o.deployment === deployment)?.figures;
  return figures?.find((o) => o.metric === name)?.median ?? null;
}

function measured(metric: string, result: MeasuredRun): number | null {
  const scoped = thresholdDeployment(metric);
  if (scoped) {
    const [scope, name] = scoped.metric.split(".") as [string, string | undefined];
    return scope === "overhead" ? overhead(scoped.deployment, name!, result) : load(scoped.deployment, scope, result);
  }
  const [scope, name] = metric.split(".") as [string, string];
  if (scope === "probes")
    return result.probes ? (name === "failed" ? result.probes.failed : result.probes.passed) : null;
  const proxied = firstProxied(result);
  if (scope === "overhead") return overhead(proxied, name, result);
  return load(scope === "proxied" ? proxied : scope, name, result);
}

/** A deployment's own load figure: latency, rps or errors. */
function load(deployment: string | undefined, name: string, result: MeasuredRun): number | null {
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
export function evaluateThresholds(thresholds: readonly Threshold[], result: MeasuredRun): ThresholdResult[] {
  return thresholds.map((threshold) => {
    const actual = measured(threshold.metric, result);
    return { ...threshold, actual, passed: actual !== null && holds(actual, threshold.operator, threshold.value) };
  });
}
