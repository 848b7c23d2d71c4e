/**
 * Reads k6's JSON output (`k6 run --out json=FILE`: one JSON object a line) of a script `edgebench export --to k6`
 * wrote: every request's `http_req_duration` point, tagged with its phase, goes into a µs histogram per phase.
 */
import { createLatencyHistogram, recordMs, summarize, type LatencyHistogram } from "../../runners/load/histogram.js";
import { ImportError, type ImportedPhase } from "./phases.js";

export const K6_RESOLUTION =
  "latency comes from k6's own per-request http_req_duration (milliseconds with sub-millisecond decimals), " +
  "recorded by edgebench " +
  "into µs HDR histograms (3 significant digits)";

interface K6Point {
  type: "Point";
  metric: string;
  data: { time: string; value: number; tags?: Record<string, string> };
}

interface PhaseAccumulator {
  tags: Record<string, string>;
  requests: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  histogram: LatencyHistogram;
}

export interface K6Import {
  phases: ImportedPhase[];
  plan: { rate: number | null; connections: number | null };
  warnings: string[];
}

/** True when the text looks like k6's line-delimited JSON output. */
export function isK6Output(text: string): boolean {
  return /^\s*\{"(type|metric)":/.test(text) && /"type":"(Metric|Point)"/.test(text.slice(0, 4096));
}

function parseLine(line: string, number: number, source: string): K6Point | null {
  let value: { type?: string; metric?: string; data?: K6Point["data"] };
  try {
    value = JSON.parse(line) as typeof value;
  } catch (error) {
    throw new ImportError(`${source}:${number}: not JSON (${(error as Error).message})`);
  }
  return value.type === "Point" && value.metric === "http_req_duration" && value.data ? (value as K6Point) : null;
}

function accumulate(text: string, source: string): Map<string, PhaseAccumulator> {
  const phases = new Map<string, PhaseAccumulator>();
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    const point = parseLine(line, index + 1, source);
    const tags = point?.data.tags;
    if (!point || !tags?.deployment || tags.round === undefined) continue;
    const key = `${tags.deployment}.r${tags.round}`;
    let phase = phases.get(key);
    if (!phase) {
      phase = { tags, requests: 0, ok2xx: 0, non2xx: 0, errors: 0, histogram: createLatencyHistogram() };
      phases.set(key, phase);
    }
    phase.requests++;
    const status = Number(tags.status ?? 0);
    if (status === 0) {
      phase.errors++;
      continue;
    }
    if (status >= 200 && status < 300) phase.ok2xx++;
    else phase.non2xx++;
    recordMs(phase.histogram, point.data.value);
  }
  return phases;
}

export function readK6Output(text: string, source: string): K6Import {
  const accumulated = accumulate(text, source);
  if (accumulated.size === 0) {
    throw new ImportError(
      `${source}: no http_req_duration point tagged by edgebench: ` +
        "run a script made by 'edgebench export --to k6' with --out json=FILE",
    );
  }
  const phases: ImportedPhase[] = [...accumulated.values()].map((phase) => ({
    deployment: phase.tags.deployment!,
    round: Number(phase.tags.round),
    position: Number(phase.tags.position ?? 0),
    durationMs: Number(phase.tags.planned_ms ?? 0),
    requests: phase.requests,
    responses: phase.ok2xx + phase.non2xx,
    ok2xx: phase.ok2xx,
    non2xx: phase.non2xx,
    errors: phase.errors,
    timeouts: 0,
    latency: summarize(phase.histogram),
  }));
  const first = [...accumulated.values()][0]!.tags;
  const numberOrNull = (tag: string | undefined): number | null => (tag !== undefined ? Number(tag) : null);
  const plan = { rate: numberOrNull(first.rate), connections: numberOrNull(first.connections) };
  return { phases, plan, warnings: [K6_RESOLUTION] };
}
