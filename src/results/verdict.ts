/** Pass or fail of a run, with one line per failure: thresholds, failed probes, load that did not get answers. */
import type { ThresholdResult } from "./thresholds.js";
import type { LoadResult, ProbeResult, ProbesResult, RunResult, DeploymentLoad, Verdict } from "./types.js";
import { failedRequests } from "./failed-requests.js";

/** Above this share of failed requests the load numbers describe errors, not the deployment. */
export const MAX_FAILED_SHARE = 0.01;

/** Why a run failed, as data: reporters pick the kinds they show, and the saved verdict keeps each as a sentence. */
export type VerdictFailure =
  | { kind: "threshold"; threshold: ThresholdResult }
  | { kind: "probe"; probe: ProbeResult }
  | { kind: "load"; deployment: DeploymentLoad; failed: number; attempted: number };

export function verdictFailures(
  load: LoadResult | null,
  probes: ProbesResult | null,
  thresholds: readonly ThresholdResult[] = [],
): VerdictFailure[] {
  const failures: VerdictFailure[] = [];
  for (const threshold of thresholds) if (!threshold.passed) failures.push({ kind: "threshold", threshold });
  for (const probe of probes?.results ?? []) if (!probe.pass) failures.push({ kind: "probe", probe });
  for (const deployment of load?.deployments ?? []) {
    const failed = failedRequests(deployment);
    const attempted = deployment.responses + deployment.errors + deployment.timeouts;
    if (attempted > 0 && failed / attempted > MAX_FAILED_SHARE)
      failures.push({ kind: "load", deployment, failed, attempted });
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
      const { probe, deployment, via, explanation } = failure.probe;
      return `probe ${probe} on ${deployment}${via === "bypass" ? " (bypassing the proxy)" : ""}: ${explanation}`;
    }
    case "load": {
      const { deployment, failed, attempted } = failure;
      return `load on ${deployment.deployment}: ${failed} of ${attempted} requests failed (${deployment.non2xx} non-2xx, ${deployment.errors} errors, ${deployment.timeouts} timeouts)`;
    }
  }
}

/** The failures of a result that only the verdict shows: probes and thresholds have their own sections. */
export function loadFailures(result: Pick<RunResult, "load" | "probes" | "thresholds">): string[] {
  return verdictFailures(result.load, result.probes, result.thresholds)
    .filter((failure) => failure.kind === "load")
    .map(describeFailure);
}

export function decideVerdict(
  load: LoadResult | null,
  probes: ProbesResult | null,
  thresholds: readonly ThresholdResult[] = [],
): Verdict {
  const failures = verdictFailures(load, probes, thresholds).map(describeFailure);
  return { passed: failures.length === 0, failures };
}
