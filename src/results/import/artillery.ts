/**
 * Reads Artillery's JSON report (`artillery run --output FILE`) of a script `edgebench export --to artillery` wrote:
 * the processor's per-phase metrics `edgebench.<deployment>.r<round>.*` become imported phases.
 */
import type { LatencySummary } from "../types.js";
import { ImportError, type ImportedPhase } from "./phases.js";

interface ArtillerySummary {
  min: number;
  max: number;
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
}

interface ArtilleryReport {
  aggregate: { counters: Record<string, number>; summaries: Record<string, ArtillerySummary> };
}

export interface ArtilleryImport {
  phases: ImportedPhase[];
  totals: Record<string, LatencySummary>;
  plan: { rate: number | null; connections: number | null };
  warnings: string[];
}

export const ARTILLERY_RESOLUTION =
  "latency percentiles come from Artillery's own histograms " +
  "(DDSketch, 1 % relative accuracy, summaries rounded to 0.1 of the unit): " +
  "the exported processor times each request in µs (process.hrtime, Artillery's own request handling included); " +
  "Artillery's http.response_time itself keeps whole milliseconds";

const PHASE_FIELDS = "requests|responses|ok2xx|non2xx|latency_us|planned_ms|position";
const PHASE_METRIC = new RegExp(`^edgebench\\.([A-Za-z][A-Za-z0-9_-]*)\\.r(\\d+)\\.(${PHASE_FIELDS})$`);

export function isArtilleryReport(value: unknown): value is ArtilleryReport {
  const aggregate = (value as { aggregate?: { counters?: unknown; summaries?: unknown } } | null)?.aggregate;
  if (typeof aggregate !== "object" || aggregate === null) return false;
  return typeof aggregate.counters === "object" && typeof aggregate.summaries === "object";
}

function latencyOf(summary: ArtillerySummary | undefined): LatencySummary {
  if (!summary) return { count: 0, minUs: 0, meanUs: 0, p50Us: 0, p90Us: 0, p99Us: 0, p999Us: 0, maxUs: 0 };
  const us = (value: number): number => Math.round(value);
  return {
    count: summary.count,
    minUs: us(summary.min),
    meanUs: us(summary.mean),
    p50Us: us(summary.p50),
    p90Us: us(summary.p90),
    p99Us: us(summary.p99),
    p999Us: us(summary.p999),
    maxUs: us(summary.max),
  };
}

function phaseKeys(report: ArtilleryReport): Map<string, { deployment: string; round: number }> {
  const keys = new Map<string, { deployment: string; round: number }>();
  for (const name of [...Object.keys(report.aggregate.counters), ...Object.keys(report.aggregate.summaries)]) {
    const match = PHASE_METRIC.exec(name);
    if (match) keys.set(`${match[1]}.r${match[2]}`, { deployment: match[1]!, round: Number(match[2]) });
  }
  return keys;
}

export function readArtilleryReport(report: ArtilleryReport, source: string): ArtilleryImport {
  const { counters, summaries } = report.aggregate;
  const keys = phaseKeys(report);
  if (keys.size === 0) {
    throw new ImportError(
      `${source}: an Artillery report without edgebench's per-phase metrics: ` +
        "run a script made by 'edgebench export --to artillery'",
    );
  }
  const phases: ImportedPhase[] = [];
  for (const [tag, { deployment, round }] of keys) {
    const count = (name: string): number => counters[`edgebench.${tag}.${name}`] ?? 0;
    const planned = summaries[`edgebench.${tag}.planned_ms`];
    if (!planned) throw new ImportError(`${source}: phase ${tag} has no edgebench.${tag}.planned_ms`);
    const requests = count("requests");
    const responses = count("responses");
    phases.push({
      deployment,
      round,
      position: summaries[`edgebench.${tag}.position`]?.min ?? 0,
      durationMs: planned.max,
      requests,
      responses,
      ok2xx: count("ok2xx"),
      non2xx: count("non2xx"),
      // Artillery does not tell a timeout from another error per phase: requests left unanswered count as errors.
      errors: Math.max(0, requests - responses),
      timeouts: 0,
      latency: latencyOf(summaries[`edgebench.${tag}.latency_us`]),
    });
  }
  const deployments = [...new Set(phases.map((p) => p.deployment))];
  const totals = Object.fromEntries(
    deployments
      .filter((d) => summaries[`edgebench.${d}.latency_us`])
      .map((d) => [d, latencyOf(summaries[`edgebench.${d}.latency_us`])]),
  );
  const plan = {
    rate: summaries["edgebench.plan.rate"]?.max ?? null,
    connections: summaries["edgebench.plan.connections"]?.max ?? null,
  };
  return { phases, totals, plan, warnings: [ARTILLERY_RESOLUTION] };
}
