/**
 * What each deployment costs: its figures minus the reference deployment's (edge), paired round by round, and its
 * throughput and added p50 as ratios to a reference proxy's, each with its spread and a bootstrap interval.
 */
import { bootstrapMedianInterval, median } from "../runners/load/stats.js";
import type {
  DeploymentLoad,
  DeploymentOverhead,
  Overhead,
  OverheadMetric,
  ReferenceRatio,
  RoundSample,
} from "./types.js";

const LATENCY_FIELD: Record<Exclude<OverheadMetric, "rps">, keyof RoundSample["latency"]> = {
  p50: "p50Us",
  p90: "p90Us",
  p99: "p99Us",
  p999: "p999Us",
};

/** Differences smaller than these are noise whatever the interval says: 5 µs of latency, 1 % of throughput. */
export const NOISE_FLOOR = { us: 5, ratio: 0.01 } as const;

function overheadOf(metric: OverheadMetric, unit: Overhead["unit"], perRound: number[]): Overhead {
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
    significant:
      perRound.length > 1 &&
      !(ci95[0] <= neutral && neutral <= ci95[1]) &&
      Math.abs(median(perRound) - neutral) >= NOISE_FLOOR[unit],
  };
}

/** Rounds both deployments ran with answers, by round number (an interrupted run misses some). */
function pairedRounds(reference: DeploymentLoad, other: DeploymentLoad): Array<[RoundSample, RoundSample]> {
  const pairs: Array<[RoundSample, RoundSample]> = [];
  for (const sample of other.rounds) {
    const partner = reference.rounds.find((r) => r.round === sample.round);
    if (partner && partner.latency.count > 0 && sample.latency.count > 0) pairs.push([partner, sample]);
  }
  return pairs;
}

/** `other` minus `reference` at each percentile (µs) and other / reference for req/s; null without a paired round. */
export function computeOverhead(reference: DeploymentLoad, other: DeploymentLoad): Overhead[] | null {
  const pairs = pairedRounds(reference, other);
  if (pairs.length === 0) return null;
  const overheads: Overhead[] = (Object.keys(LATENCY_FIELD) as Array<Exclude<OverheadMetric, "rps">>).map((metric) =>
    overheadOf(
      metric,
      "us",
      pairs.map(([e, p]) => p.latency[LATENCY_FIELD[metric]] - e.latency[LATENCY_FIELD[metric]]),
    ),
  );
  overheads.push(
    overheadOf(
      "rps",
      "ratio",
      pairs.map(([e, p]) => (e.rps > 0 ? p.rps / e.rps : 0)),
    ),
  );
  return overheads;
}

/** Every deployment other than `reference` against it. */
export function computeOverheads(deployments: readonly DeploymentLoad[], reference: string): DeploymentOverhead[] {
  const base = deployments.find((d) => d.deployment === reference);
  if (!base) return [];
  return deployments.flatMap((d) => {
    const figures = d === base ? null : computeOverhead(base, d);
    return figures ? [{ deployment: d.deployment, reference, figures }] : [];
  });
}

/**
 * Each of `proxies` other than `reference` as ratios to it, round by round: req/s, and the p50 it adds over `edge`
 * over the p50 the reference adds in the same round (a round where the reference adds nothing is left out).
 */
export function computeRatios(
  deployments: readonly DeploymentLoad[],
  edge: string,
  proxies: readonly string[],
  reference: string,
): ReferenceRatio[] {
  const byName = new Map(deployments.map((d) => [d.deployment, d]));
  const base = byName.get(reference);
  const zero = byName.get(edge);
  if (!base || !zero) return [];
  return proxies.flatMap((name) => {
    const other = byName.get(name);
    if (!other || other === base) return [];
    const pairs = pairedRounds(base, other);
    const added = pairs.flatMap(([r, o]) => {
      const edgeRound = zero.rounds.find((e) => e.round === o.round);
      const referenceAdds = edgeRound ? r.latency.p50Us - edgeRound.latency.p50Us : 0;
      return edgeRound && referenceAdds > 0 ? [(o.latency.p50Us - edgeRound.latency.p50Us) / referenceAdds] : [];
    });
    if (pairs.length === 0 || added.length === 0) return [];
    return [
      {
        deployment: name,
        reference,
        rps: overheadOf(
          "rps",
          "ratio",
          pairs.map(([r, o]) => (r.rps > 0 ? o.rps / r.rps : 0)),
        ),
        addedP50: overheadOf("p50", "ratio", added),
      },
    ];
  });
}
