/** Pass or fail of a run, with one line per failure: failed probes, and load that did not get answers. */
import type { LoadResult, ProbesResult, Verdict } from "./types.js";

/** Above this share of failed requests the load numbers describe errors, not the deployment. */
export const MAX_FAILED_SHARE = 0.01;

export function decideVerdict(load: LoadResult | null, probes: ProbesResult | null): Verdict {
  const failures: string[] = [];
  for (const result of probes?.results ?? []) {
    if (!result.pass) failures.push(`probe ${result.probe} on ${result.topology}${result.via === "bypass" ? " (bypassing the proxy)" : ""}: ${result.explanation}`);
  }
  for (const topology of load?.topologies ?? []) {
    const failed = topology.non2xx + topology.errors + topology.timeouts;
    const attempted = topology.responses + topology.errors + topology.timeouts;
    if (attempted > 0 && failed / attempted > MAX_FAILED_SHARE) {
      failures.push(
        `load on ${topology.topology}: ${failed} of ${attempted} requests failed (${topology.non2xx} non-2xx, ${topology.errors} errors, ${topology.timeouts} timeouts)`,
      );
    }
  }
  return { passed: failures.length === 0, failures };
}
