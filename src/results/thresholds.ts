/**
 * Thresholds: `overhead.p99 < 2ms`, `proxied.rps > 10000`, `probes.failed == 0`. Parsed with clear errors, evaluated
 * on a run's result; a failed one fails the run (exit 1), and every reporter shows each as pass or fail.
 */
import type { RunResult } from "./types.js";

export const THRESHOLD_OPERATORS = ["<=", ">=", "==", "!=", "<", ">"] as const;
export type ThresholdOperator = (typeof THRESHOLD_OPERATORS)[number];

export interface Threshold {
  /** As written. */
  expression: string;
  metric: string;
  operator: ThresholdOperator;
  /** In the metric's unit: µs for latencies, req/s, a ratio, or a count. */
  value: number;
}

export interface ThresholdResult extends Threshold {
  /** The measured value, or null when the run did not measure it (no load, or no proxied topology). */
  actual: number | null;
  passed: boolean;
}

const LATENCIES = ["p50", "p90", "p99", "p999", "max", "mean"] as const;
type Latency = (typeof LATENCIES)[number];
const LATENCY_FIELD: Record<Latency, "p50Us" | "p90Us" | "p99Us" | "p999Us" | "maxUs" | "meanUs"> = {
  p50: "p50Us",
  p90: "p90Us",
  p99: "p99Us",
  p999: "p999Us",
  max: "maxUs",
  mean: "meanUs",
};

/** Every metric a threshold can name, with its unit kind. */
export const THRESHOLD_METRICS: Readonly<Record<string, "duration" | "rate" | "ratio" | "count">> = Object.freeze({
  ...Object.fromEntries(["edge", "proxied"].flatMap((t) => [...LATENCIES.map((l) => [`${t}.${l}`, "duration"]), [`${t}.rps`, "rate"], [`${t}.errors`, "count"]])),
  ...Object.fromEntries(["p50", "p90", "p99", "p999"].map((l) => [`overhead.${l}`, "duration"])),
  "overhead.rps": "ratio",
  "probes.failed": "count",
  "probes.passed": "count",
});

export class ThresholdError extends Error {
  readonly code = "ERR_THRESHOLD";
  constructor(expression: string, reason: string) {
    super(`threshold '${expression}': ${reason}`);
    this.name = "ThresholdError";
  }
}

const UNIT_US: Record<string, number> = { us: 1, µs: 1, ms: 1000, s: 1_000_000 };

export function parseThreshold(expression: string): Threshold {
  const match = /^\s*([a-z0-9.]+)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*([a-zµ%]*)\s*$/i.exec(expression);
  if (!match) throw new ThresholdError(expression, "expected METRIC OPERATOR VALUE, such as 'overhead.p99 < 2ms' or 'probes.failed == 0'");
  const [, metric, operator, number, unit] = match as unknown as [string, string, ThresholdOperator, string, string];
  const kind = THRESHOLD_METRICS[metric];
  if (!kind) throw new ThresholdError(expression, `unknown metric '${metric}'; known: ${Object.keys(THRESHOLD_METRICS).join(", ")}`);
  let value = Number(number);
  if (kind === "duration") {
    const factor = UNIT_US[unit.toLowerCase() || "ms"];
    if (factor === undefined) throw new ThresholdError(expression, `expected a time unit (us, ms, s) for ${metric}, found '${unit}'`);
    value *= factor;
  } else if (unit === "%" && kind === "ratio") {
    value /= 100;
  } else if (unit !== "" && !(kind === "rate" && unit.toLowerCase() === "k")) {
    throw new ThresholdError(expression, `${metric} takes no unit${kind === "rate" ? " (or k for thousands)" : ""}, found '${unit}'`);
  } else if (unit.toLowerCase() === "k") {
    value *= 1000;
  }
  return { expression: expression.trim(), metric, operator, value };
}

/** `proxied` (and `overhead`) name the run's first proxied deployment: the scenario's own unless --engine chose. */
function firstProxied(result: RunResult): string | undefined {
  return result.deployments.find((d) => d.topology === "proxied")?.name;
}

function measured(metric: string, result: RunResult): number | null {
  const [scope, name] = metric.split(".") as [string, string];
  if (scope === "probes") return result.probes ? (name === "failed" ? result.probes.failed : result.probes.passed) : null;
  const proxied = firstProxied(result);
  if (scope === "overhead") return result.load?.overheads.find((o) => o.deployment === proxied)?.figures.find((o) => o.metric === name)?.median ?? null;
  const deployment = scope === "proxied" ? proxied : scope;
  const topology = result.load?.deployments.find((t) => t.deployment === deployment);
  if (!topology) return null;
  if (name === "rps") return topology.medianRps;
  if (name === "errors") return topology.errors + topology.timeouts + topology.non2xx;
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
export function evaluateThresholds(thresholds: readonly Threshold[], result: RunResult): ThresholdResult[] {
  return thresholds.map((threshold) => {
    const actual = measured(threshold.metric, result);
    return { ...threshold, actual, passed: actual !== null && holds(actual, threshold.operator, threshold.value) };
  });
}
