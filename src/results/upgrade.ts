/**
 * Reading results saved by an earlier edgebench: schema version 1 (one edge and one proxied topology per run, the
 * engine in the scenario) becomes version 2 (a list of named deployments), so `report` and `compare` read both.
 */
import type { DeploymentLoad, LoadResult, Overhead, ProbeResult, RunResult } from "./types.js";

type V1Load = Omit<LoadResult, "deployments" | "overheads" | "ratios" | "order"> & {
  order: string[][];
  topologies: Array<Omit<DeploymentLoad, "deployment"> & { topology: string }>;
  overhead: Overhead[] | null;
};

/** The parts of a version 1 result that differ from version 2. */
export type RunResultV1 = Omit<
  RunResult,
  "schemaVersion" | "load" | "probes" | "deployments" | "referenceProxy" | "scenario"
> & {
  schemaVersion: 1;
  scenario: RunResult["scenario"] & { proxyEngineVersion?: string; proxyProfile?: "typical" | "hardened" };
  load: V1Load | null;
  probes:
    | (Omit<NonNullable<RunResult["probes"]>, "results"> & {
        results: Array<Omit<ProbeResult, "deployment"> & { topology: string }>;
      })
    | null;
};

export function upgradeFromV1(old: RunResultV1): RunResult {
  const { proxyEngineVersion, proxyProfile, ...scenario } = old.scenario;
  const engine = scenario.proxyEngine;
  // Version 1 had one proxied topology, behind the scenario's engine: version 2 names it after that engine.
  const rename = (topology: string): string => (topology === "proxied" ? `proxied/${engine}` : topology);
  const deployments: RunResult["deployments"] = scenario.topologies.map((topology) => ({
    name: rename(topology),
    topology,
    engine: topology === "proxied" ? { name: engine, version: proxyEngineVersion ?? "" } : null,
    ...(topology === "proxied" && proxyProfile ? { profile: proxyProfile } : {}),
  }));
  let load: LoadResult | null = null;
  if (old.load) {
    const { topologies, overhead, order, ...rest } = old.load;
    load = {
      ...rest,
      order: order.map((round) => round.map(rename)),
      deployments: topologies.map(({ topology, ...figures }) => ({ deployment: rename(topology), ...figures })),
      overheads: overhead ? [{ deployment: rename("proxied"), reference: "edge", figures: overhead }] : [],
      ratios: [],
    };
  }
  const probes = old.probes
    ? {
        ...old.probes,
        results: old.probes.results.map(({ topology, ...probe }) => ({ ...probe, deployment: rename(topology) })),
      }
    : null;
  const { tool, startedAt, finishedAt, interrupted, environment, warnings, thresholds, verdict } = old;
  return {
    schemaVersion: 2,
    tool,
    startedAt,
    finishedAt,
    interrupted,
    scenario,
    environment,
    deployments,
    referenceProxy: null,
    warnings,
    load,
    probes,
    ...(old.causes ? { causes: old.causes } : {}),
    thresholds,
    verdict,
  };
}
