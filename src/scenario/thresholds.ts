/**
 * A threshold as the scenario declares it: `overhead.p99 < 2ms`, `proxied.rps > 10000`, `probes.failed == 0`, or
 * for one deployment of a run with several, `proxied/nginx.p99 < 2ms`, `proxied/caddy.overhead.p50 < 300us`;
 * parsed with clear errors into the metric's own unit. results/thresholds.ts evaluates them on a run's result.
 */
import { EdgebenchError } from "../support/errors.js";
import { suggest } from "../support/suggest.js";

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

/** Scopes with a meaning of their own; any other name before the metric names one deployment of the run. */
const RESERVED_SCOPES = ["edge", "proxied", "overhead", "probes"];
/** A deployment's name, then the metric: `proxied/nginx.p99`, `proxied/nginx/typical/h2.rps`, `yarp.p99`. */
const DEPLOYMENT_SCOPE = /^([A-Za-z][A-Za-z0-9_/-]*)\.(.+)$/;

/** The deployment a threshold names (`proxied/nginx` in `proxied/nginx.p99`), or null for edge/proxied/overhead/probes. */
export function thresholdDeployment(metric: string): { deployment: string; metric: string } | null {
  const match = DEPLOYMENT_SCOPE.exec(metric);
  if (!match || RESERVED_SCOPES.includes(match[1]!)) return null;
  return { deployment: match[1]!, metric: match[2]! };
}

/** A metric's unit kind: the table's, or for a named deployment, what `proxied.X` or `overhead.X` has. */
export function thresholdKind(metric: string): MetricKind | undefined {
  const scoped = thresholdDeployment(metric);
  if (!scoped) return THRESHOLD_METRICS[metric];
  const generic = scoped.metric.startsWith("overhead.") ? scoped.metric : `proxied.${scoped.metric}`;
  return THRESHOLD_METRICS[generic];
}

/**
 * Whether a threshold may name this deployment before the run's deployments are known: a planned proxied one
 * (`proxied/…`, whatever the engines chosen), or one of the running deployments given (`--deployment NAME=URL`).
 * Anything else is a typo of a metric, refused where it is written.
 */
function nameable(deployment: string, running: readonly string[]): boolean {
  return deployment.startsWith("proxied/") || running.includes(deployment);
}

/** A threshold naming a deployment the run does not have would fail only after the run: it stops it before. */
export function checkThresholdDeployments(thresholds: readonly Threshold[], deployments: readonly string[]): void {
  for (const threshold of thresholds) {
    const scoped = thresholdDeployment(threshold.metric);
    if (!scoped || deployments.includes(scoped.deployment)) continue;
    const near = suggest(scoped.deployment, deployments);
    throw new ThresholdError(
      threshold.expression,
      `this run has no deployment ${scoped.deployment}; it has ${deployments.join(", ")}` +
        (near ? ` (did you mean ${near}?)` : ""),
    );
  }
}

export class ThresholdError extends EdgebenchError {
  constructor(expression: string, reason: string) {
    super("ERR_THRESHOLD", `threshold '${expression}': ${reason}`);
  }
}

const UNIT_US: Record<string, number> = { us: 1, µs: 1, ms: 1000, s: 1_000_000 };

export function parseThreshold(expression: string): Threshold {
  return parseThresholdNaming(expression, []);
}

/** As parseThreshold, where the deployments already running (`--deployment NAME=URL`) may be named too. */
export function parseThresholdNaming(expression: string, running: readonly string[]): Threshold {
  const match = /^\s*([a-z0-9./_-]+)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*([a-zµ%]*)\s*$/i.exec(expression);
  if (!match)
    throw new ThresholdError(
      expression,
      "expected METRIC OPERATOR VALUE, such as 'overhead.p99 < 2ms' or 'probes.failed == 0'",
    );
  const [, metric, operator, number, unit] = match as unknown as [string, string, ThresholdOperator, string, string];
  const scoped = thresholdDeployment(metric);
  const kind = scoped && !nameable(scoped.deployment, running) ? undefined : thresholdKind(metric);
  if (!kind)
    throw new ThresholdError(
      expression,
      `unknown metric '${metric}'; known: ${Object.keys(THRESHOLD_METRICS).join(", ")}; ` +
        "and for one deployment, its name before a proxied or overhead metric: proxied/nginx.p99, " +
        "proxied/nginx.overhead.p99, or with --deployment nginx=URL, nginx.p99",
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
