/**
 * The one place where an engine's phases become edgebench's rounds: phase → (deployment, round) → figures. Every
 * importer produces `ImportedPhase`s; this maps them onto today's `LoadResult` (a topology per deployment, rounds
 * paired by number), so a change of the result's shape changes only this file.
 */
import { median } from "../../runners/load/stats.js";
import type { TopologyKind } from "../../scenario/types.js";
import { computeOverheads } from "../compare.js";
import type { DeploymentLoad, LatencySummary, LoadResult, RequestCounts, RoundSample } from "../types.js";

/** What an engine measured in one phase: one deployment in one round (round 0, the warm-up, is dropped). */
export interface ImportedPhase extends RequestCounts {
  deployment: string;
  round: number;
  /** Place within its round (0 = ran first). */
  position: number;
  latency: LatencySummary;
}

export class ImportError extends Error {
  readonly code = "ERR_IMPORT";
  constructor(message: string) {
    super(message);
    this.name = "ImportError";
  }
}

const TOPOLOGIES: readonly TopologyKind[] = ["edge", "proxied"];

function sample(phase: ImportedPhase): RoundSample {
  const { deployment: _deployment, ...figures } = phase;
  const rps = phase.durationMs > 0 ? (phase.ok2xx * 1000) / phase.durationMs : 0;
  return { ...figures, rps: Math.round(rps * 10) / 10, generatorUtilization: 0 };
}

/** All rounds' latency together, from per-round summaries: exact counts, extremes and mean; percentiles approximate. */
export function combineSummaries(summaries: readonly LatencySummary[]): LatencySummary {
  const count = summaries.reduce((sum, s) => sum + s.count, 0);
  const weighted = (field: keyof LatencySummary): number =>
    count > 0 ? Math.round(summaries.reduce((sum, s) => sum + s[field] * s.count, 0) / count) : 0;
  return {
    count,
    minUs: Math.min(...summaries.map((s) => s.minUs)),
    meanUs: weighted("meanUs"),
    p50Us: weighted("p50Us"),
    p90Us: weighted("p90Us"),
    p99Us: weighted("p99Us"),
    p999Us: weighted("p999Us"),
    maxUs: Math.max(...summaries.map((s) => s.maxUs)),
  };
}

function topologyLoad(
  topology: string,
  url: string,
  rounds: RoundSample[],
  latency: LatencySummary | undefined,
): DeploymentLoad {
  const total = (field: "responses" | "non2xx" | "errors" | "timeouts"): number =>
    rounds.reduce((sum, r) => sum + r[field], 0);
  return {
    deployment: topology,
    url,
    rounds,
    latency: latency ?? combineSummaries(rounds.map((r) => r.latency)),
    medianRps: Math.round(median(rounds.map((r) => r.rps)) * 10) / 10 || 0,
    medianP50Us: median(rounds.map((r) => r.latency.p50Us)) || 0,
    responses: total("responses"),
    non2xx: total("non2xx"),
    errors: total("errors"),
    timeouts: total("timeouts"),
    serverCounts: {},
    generatorSaturated: false,
  };
}

export interface PhasesInput {
  phases: readonly ImportedPhase[];
  settings: LoadResult["settings"];
  /** Where each deployment was (unknown: the engine's name). */
  urls?: Readonly<Record<string, string>>;
  /** A deployment's latency over all its rounds, when the engine has it exactly. */
  totals?: Readonly<Record<string, LatencySummary>>;
}

/** Deployments are edge and proxied ones (`proxied`, `proxied/nginx`): other names are refused rather than dropped. */
export function loadResultFromPhases(input: PhasesInput, source: string): LoadResult {
  const measured = input.phases.filter((phase) => phase.round > 0);
  const names = [...new Set(measured.map((p) => p.deployment))];
  const known = (name: string): boolean => TOPOLOGIES.includes(name as TopologyKind) || name.startsWith("proxied/");
  const unknown = names.filter((name) => !known(name));
  if (unknown.length > 0) {
    const listed = unknown.join(", ");
    throw new ImportError(`${source}: deployment ${listed}: this edgebench reads the deployments edge and proxied (or proxied/ENGINE)`);
  }
  if (measured.length === 0) {
    throw new ImportError(`${source}: no measured round (only a warm-up, or not a run of an edgebench export)`);
  }
  const inOrder = [...names.filter((name) => name === "edge"), ...names.filter((name) => name !== "edge")];
  const topologies = inOrder.map((t) =>
    topologyLoad(
      t,
      input.urls?.[t] ?? "",
      measured.filter((p) => p.deployment === t).sort((a, b) => a.round - b.round).map(sample),
      input.totals?.[t],
    ),
  );
  const roundNumbers = [...new Set(measured.map((p) => p.round))].sort((a, b) => a - b);
  const order = roundNumbers.map((round) =>
    measured
      .filter((p) => p.round === round)
      .sort((a, b) => a.position - b.position)
      .map((p) => p.deployment),
  );
  return { settings: input.settings, order, deployments: topologies, overheads: computeOverheads(topologies, "edge"), ratios: [] };
}
