/** Pass or fail of a run, with one line per failure: thresholds, failed probes, load that did not get answers. */
import type { ThresholdResult } from "./thresholds.js";
import type { LoadResult, ProbesResult, Verdict } from "./types.js";

/** Above this share of failed requests the load numbers describe errors, not the deployment. */
export const MAX_FAILED_SHARE = 0.01;

export function decideVerdict(load: LoadResult | null, probes: ProbesResult | null, thresholds: readonly ThresholdResult[] = []): Verdict {
  const failures: string[] = [];
  for (const threshold of thresholds) {
    if (!threshold.passed) {
      failures.push(`threshold ${threshold.expression}: ${threshold.actual === null ? "not measured by this run" : `measured ${threshold.actual}`}`);
    }
  }
  for (const result of probes?.results ?? []) {
    if (!result.pass) failures.push(`probe ${result.probe} on ${result.deployment}${result.via === "bypass" ? " (bypassing the proxy)" : ""}: ${result.explanation}`);
  }
  for (const topology of load?.deployments ?? []) {
    const failed = topology.non2xx + topology.errors + topology.timeouts;
    const attempted = topology.responses + topology.errors + topology.timeouts;
    if (attempted > 0 && failed / attempted > MAX_FAILED_SHARE) {
      failures.push(
        `load on ${topology.deployment}: ${failed} of ${attempted} requests failed (${topology.non2xx} non-2xx, ${topology.errors} errors, ${topology.timeouts} timeouts)`,
      );
    }
  }
  return { passed: failures.length === 0, failures };
}
