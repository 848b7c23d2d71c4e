/** The proxy's cost: proxied minus edge, paired round by round, with its spread and a bootstrap interval. */
import { bootstrapMedianInterval, median } from "./stats.js";
import type { Overhead, OverheadMetric, RoundSample, TopologyLoad } from "./types.js";

const LATENCY_FIELD: Record<Exclude<OverheadMetric, "rps">, keyof RoundSample["latency"]> = {
  p50: "p50Us",
  p90: "p90Us",
  p99: "p99Us",
  p999: "p999Us",
};

/** Differences smaller than these are noise whatever the interval says: 5 µs of latency, 1 % of throughput. */
export const NOISE_FLOOR = { us: 5, ratio: 0.01 } as const;

function overheadOf(metric: OverheadMetric, perRound: number[]): Overhead {
  const unit = metric === "rps" ? "ratio" : "us";
  const ci95 = bootstrapMedianInterval(perRound);
  const neutral = unit === "ratio" ? 1 : 0;
  const round = (value: number): number => (unit === "ratio" ? Math.round(value * 1000) / 1000 : Math.round(value));
  return {
    metric,
    unit,
    perRound: perRound.map(round),
    median: round(median(perRound)),
    min: round(Math.min(...perRound)),
    max: round(Math.max(...perRound)),
    ci95: [round(ci95[0]), round(ci95[1])],
    significant: perRound.length > 1 && !(ci95[0] <= neutral && neutral <= ci95[1]) && Math.abs(median(perRound) - neutral) >= NOISE_FLOOR[unit],
  };
}

/** Pairs rounds by number; rounds missing on either side (an interrupted run) are left out. */
export function computeOverhead(edge: TopologyLoad, proxied: TopologyLoad): Overhead[] | null {
  const pairs: Array<[RoundSample, RoundSample]> = [];
  for (const sample of proxied.rounds) {
    const partner = edge.rounds.find((r) => r.round === sample.round);
    if (partner && partner.latency.count > 0 && sample.latency.count > 0) pairs.push([partner, sample]);
  }
  if (pairs.length === 0) return null;
  const overheads: Overhead[] = (Object.keys(LATENCY_FIELD) as Array<Exclude<OverheadMetric, "rps">>).map((metric) =>
    overheadOf(
      metric,
      pairs.map(([e, p]) => p.latency[LATENCY_FIELD[metric]] - e.latency[LATENCY_FIELD[metric]]),
    ),
  );
  overheads.push(overheadOf("rps", pairs.map(([e, p]) => (e.rps > 0 ? p.rps / e.rps : 0))));
  return overheads;
}
