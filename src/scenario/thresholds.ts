/**
 * A threshold as the scenario declares it: `overhead.p99 < 2ms`, `proxied.rps > 10000`, `probes.failed == 0`, or
 * for one proxied deployment of a run with several, `proxied/nginx.p99 < 2ms`, `proxied/caddy.overhead.p50 < 300us`;
 * parsed with clear errors into the metric's own unit. results/thresholds.ts evaluates them on a run's result.
 */
import { EdgebenchError } from "../support/errors.js";

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

export const LATENCIES = ["p50", "p90", "p99", "p999", "max", "mean"] as const;
export type Latency = (typeof LATENCIES)[number];
/** Every metric a threshold can name, with its unit kind. */
export const THRESHOLD_METRICS: Readonly<Record<string, "duration" | "rate" | "ratio" | "count">> = Object.freeze({
  ...Object.fromEntries(
    ["edge", "proxied"].flatMap((t) => [
      ...LATENCIES.map((l) => [`${t}.${l}`, "duration"]),
      [`${t}.rps`, "rate"],
      [`${t}.errors`, "count"],
    ]),
  ),
  ...Object.fromEntries(["p50", "p90", "p99", "p999"].map((l) => [`overhead.${l}`, "duration"])),
  "overhead.rps": "ratio",
  "probes.failed": "count",
  "probes.passed": "count",
});

type MetricKind = (typeof THRESHOLD_METRICS)[string];

/** A deployment's name before the metric: `proxied/nginx`, `proxied/nginx/typical/h2` (no dots in a name). */
const DEPLOYMENT_SCOPE = /^(proxied\/[a-z0-9/_-]+)\.(.+)$/;

/** The deployment a threshold names (`proxied/nginx` in `proxied/nginx.p99`), or null for edge/proxied/overhead/probes. */
export function thresholdDeployment(metric: string): { deployment: string; metric: string } | null {
  const match = DEPLOYMENT_SCOPE.exec(metric);
  return match ? { deployment: match[1]!, metric: match[2]! } : null;
}

/** A metric's unit kind: the table's, or for a named deployment, what `proxied.X` or `overhead.X` has. */
export function thresholdKind(metric: string): MetricKind | undefined {
  const scoped = thresholdDeployment(metric);
  if (!scoped) return THRESHOLD_METRICS[metric];
  const generic = scoped.metric.startsWith("overhead.") ? scoped.metric : `proxied.${scoped.metric}`;
  return THRESHOLD_METRICS[generic];
}

export class ThresholdError extends EdgebenchError {
  constructor(expression: string, reason: string) {
    super("ERR_THRESHOLD", `threshold '${expression}': ${reason}`);
  }
}

const UNIT_US: Record<string, number> = { us: 1, µs: 1, ms: 1000, s: 1_000_000 };

export function parseThreshold(expression: string): Threshold {
  const match = /^\s*([a-z0-9./_-]+)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*([a-zµ%]*)\s*$/i.exec(expression);
  if (!match)
    throw new ThresholdError(
      expression,
      "expected METRIC OPERATOR VALUE, such as 'overhead.p99 < 2ms' or 'probes.failed == 0'",
    );
  const [, metric, operator, number, unit] = match as unknown as [string, string, ThresholdOperator, string, string];
  const kind = thresholdKind(metric);
  if (!kind)
    throw new ThresholdError(
      expression,
      `unknown metric '${metric}'; known: ${Object.keys(THRESHOLD_METRICS).join(", ")}; ` +
        "and for one proxied deployment, its name before a proxied or overhead metric: " +
        "proxied/nginx.p99, proxied/nginx.overhead.p99",
    );
  let value = Number(number);
  if (kind === "duration") {
    const factor = UNIT_US[unit.toLowerCase() || "ms"];
    if (factor === undefined)
      throw new ThresholdError(expression, `expected a time unit (us, ms, s) for ${metric}, found '${unit}'`);
    value *= factor;
  } else if (unit === "%" && kind === "ratio") {
    value /= 100;
  } else if (unit !== "" && !(kind === "rate" && unit.toLowerCase() === "k")) {
    throw new ThresholdError(
      expression,
      `${metric} takes no unit${kind === "rate" ? " (or k for thousands)" : ""}, found '${unit}'`,
    );
  } else if (unit.toLowerCase() === "k") {
    value *= 1000;
  }
  return { expression: expression.trim(), metric, operator, value };
}
