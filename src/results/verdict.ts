/** Pass or fail of a run, with one line per failure: thresholds, failed probes, load that did not get answers. */
import type { ThresholdResult } from "./thresholds.js";
import type { LoadResult, ProbeResult, ProbesResult, RunResult, TopologyLoad, Verdict } from "./types.js";
import { failedRequests } from "./failed-requests.js";

/** Above this share of failed requests the load numbers describe errors, not the deployment. */
export const MAX_FAILED_SHARE = 0.01;

/** Why a run failed, as data: reporters pick the kinds they show, and the saved verdict keeps each as a sentence. */
export type VerdictFailure =
  | { kind: "threshold"; threshold: ThresholdResult }
  | { kind: "probe"; probe: ProbeResult }
  | { kind: "load"; topology: TopologyLoad; failed: number; attempted: number };

export function verdictFailures(load: LoadResult | null, probes: ProbesResult | null, thresholds: readonly ThresholdResult[] = []): VerdictFailure[] {
  const failures: VerdictFailure[] = [];
  for (const threshold of thresholds) if (!threshold.passed) failures.push({ kind: "threshold", threshold });
  for (const probe of probes?.results ?? []) if (!probe.pass) failures.push({ kind: "probe", probe });
  for (const topology of load?.topologies ?? []) {
    const failed = failedRequests(topology);
    const attempted = topology.responses + topology.errors + topology.timeouts;
    if (attempted > 0 && failed / attempted > MAX_FAILED_SHARE) failures.push({ kind: "load", topology, failed, attempted });
  }
  return failures;
}

/** The sentence a failure is saved and shown as. */
export function describeFailure(failure: VerdictFailure): string {
  switch (failure.kind) {
    case "threshold": {
      const { expression, actual } = failure.threshold;
      return `threshold ${expression}: ${actual === null ? "not measured by this run" : `measured ${actual}`}`;
    }
    case "probe": {
      const { probe, topology, via, explanation } = failure.probe;
      return `probe ${probe} on ${topology}${via === "bypass" ? " (bypassing the proxy)" : ""}: ${explanation}`;
    }
    case "load": {
      const { topology, failed, attempted } = failure;
      return `load on ${topology.topology}: ${failed} of ${attempted} requests failed (${topology.non2xx} non-2xx, ${topology.errors} errors, ${topology.timeouts} timeouts)`;
    }
  }
}

/** The failures of a result that only the verdict shows: probes and thresholds have their own sections. */
export function loadFailures(result: Pick<RunResult, "load" | "probes" | "thresholds">): string[] {
  return verdictFailures(result.load, result.probes, result.thresholds)
    .filter((failure) => failure.kind === "load")
    .map(describeFailure);
}

export function decideVerdict(load: LoadResult | null, probes: ProbesResult | null, thresholds: readonly ThresholdResult[] = []): Verdict {
  const failures = verdictFailures(load, probes, thresholds).map(describeFailure);
  return { passed: failures.length === 0, failures };
}
