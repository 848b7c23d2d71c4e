/**
 * `edgebench compare`: two saved runs of the same scenario, deployment by deployment (matched by name). Each figure's change is the
 * difference of the per-round medians with a bootstrap 95 % interval (rounds of the two runs resampled
 * independently); a regression is a change worse than the tolerance with the whole interval on the worse side.
 */
import { median, seededRandom } from "../runners/load/stats.js";
import { SCHEMA_VERSION, type RoundSample, type RunResult } from "./types.js";
import { upgradeFromV1, type RunResultV1 } from "./upgrade.js";

export type ComparedMetric = "p50" | "p90" | "p99" | "rps";

export interface ComparisonRow {
  /** The deployment's name. */
  deployment: string;
  metric: ComparedMetric;
  baseline: number;
  current: number;
  /** current / baseline − 1 (for rps, a drop is negative). */
  change: number;
  /** Bootstrap 95 % interval of the relative change. */
  ci95: [number, number];
  regression: boolean;
}

export interface Comparison {
  tolerance: number;
  rows: ComparisonRow[];
  regressions: string[];
}

export class CompareError extends Error {
  readonly code = "ERR_COMPARE";
  constructor(message: string) {
    super(message);
    this.name = "CompareError";
  }
}

const FIELD: Record<ComparedMetric, (round: RoundSample) => number> = {
  p50: (r) => r.latency.p50Us,
  p90: (r) => r.latency.p90Us,
  p99: (r) => r.latency.p99Us,
  rps: (r) => r.rps,
};

function relativeChangeInterval(baseline: number[], current: number[], resamples = 2000): [number, number] {
  const random = seededRandom(7);
  const resample = (values: number[]): number[] => values.map(() => values[Math.floor(random() * values.length)]!);
  const changes: number[] = [];
  for (let i = 0; i < resamples; i++) changes.push(median(resample(current)) / median(resample(baseline)) - 1);
  changes.sort((a, b) => a - b);
  return [changes[Math.floor(0.025 * (resamples - 1))]!, changes[Math.ceil(0.975 * (resamples - 1))]!];
}

/**
 * A saved JSON report checked for what reading it needs (`needLoad`: compare needs measured load), in the current
 * schema version: an older one is upgraded.
 */
export function asRunResult(value: unknown, label: string, needLoad = true): RunResult {
  const candidate = value as { schemaVersion?: unknown; load?: unknown } | null;
  if (typeof candidate !== "object" || candidate === null || candidate.schemaVersion === undefined) {
    throw new CompareError(`${label}: not an edgebench JSON report (no schemaVersion); write one with --reporter json:FILE`);
  }
  if (candidate.schemaVersion !== SCHEMA_VERSION && candidate.schemaVersion !== 1) {
    throw new CompareError(`${label}: schemaVersion ${String(candidate.schemaVersion)}, this edgebench reads 1 and ${SCHEMA_VERSION}`);
  }
  if (needLoad && !candidate.load) throw new CompareError(`${label}: has no load results (made by 'probe'?); compare runs of 'run' or 'bench'`);
  return candidate.schemaVersion === 1 ? upgradeFromV1(candidate as RunResultV1) : (candidate as RunResult);
}

export function compareRuns(baseline: RunResult, current: RunResult, tolerance = 0.1): Comparison {
  const rows: ComparisonRow[] = [];
  for (const before of baseline.load?.deployments ?? []) {
    const after = current.load?.deployments.find((t) => t.deployment === before.deployment);
    if (!after || before.rounds.length === 0 || after.rounds.length === 0) continue;
    for (const metric of Object.keys(FIELD) as ComparedMetric[]) {
      const a = before.rounds.map(FIELD[metric]);
      const b = after.rounds.map(FIELD[metric]);
      const change = median(b) / median(a) - 1;
      const ci95 = relativeChangeInterval(a, b);
      // Latency is worse when it grows, throughput when it falls.
      const regression = metric === "rps" ? change < -tolerance && ci95[1] < 0 : change > tolerance && ci95[0] > 0;
      rows.push({ deployment: before.deployment, metric, baseline: median(a), current: median(b), change, ci95, regression });
    }
  }
  if (rows.length === 0) throw new CompareError("the two runs have no deployment with measured rounds in common");
  const regressions = rows
    .filter((row) => row.regression)
    .map((row) => `${row.deployment} ${row.metric}: ${(row.change * 100).toFixed(1)} % (interval ${(row.ci95[0] * 100).toFixed(1)} … ${(row.ci95[1] * 100).toFixed(1)} %), beyond ±${(tolerance * 100).toFixed(0)} %`);
  return { tolerance, rows, regressions };
}
