/**
 * Root causes of failed probes: the configuration fact behind each failure, as a typed id set by the oracle, grouped
 * so that each fact is told once with every probe it explains and the change that removes them.
 */
import type { ProbeResult } from "./types.js";

export const CAUSE_IDS = [
  "app-allows-any-host",
  "app-allows-empty-host",
  "app-trusts-any-peer",
  "proxy-passes-client-forwarding",
  "proxy-forwards-any-host",
] as const;
export type CauseId = (typeof CAUSE_IDS)[number];

/** The configuration fact each cause names, in one line. */
export const CAUSE_FACTS = {
  "app-allows-any-host": "AllowedHosts is '*': the app serves every Host it is sent",
  "app-allows-empty-host": "AllowEmptyHosts is true: the app serves requests without a Host",
  "app-trusts-any-peer": "KnownProxies/KnownNetworks are empty: the app applies X-Forwarded-* from any peer",
  "proxy-passes-client-forwarding": "the proxy passes the client's X-Forwarded-* (and Forwarded, X-Host, …) through",
  "proxy-forwards-any-host": "the proxy has no Host allowlist: it forwards every Host to the app",
} satisfies Record<CauseId, string>;

/** A scenario field to set, by its path in the file (`apps[0].allowedHosts` is `["apps", 0, "allowedHosts"]`). */
export interface ScenarioFieldChange {
  path: Array<string | number>;
  value: string | boolean | string[];
}

/** The change that removes a cause, in each place the user may keep that configuration. */
export interface CauseChange {
  /** Fields of the scenario file (the builtin proxy's and the simulated app's settings). */
  scenario: ScenarioFieldChange[];
  /**
   * The app's appsettings.json: `diff` is a unified diff of the file the scenario names; without a file, `add` is
   * the JSON to add. Null: the setting cannot be expressed in configuration (see `programCs`).
   */
  appsettings: { file: string | null; add: Record<string, string>; diff: string | null } | null;
  /** Lines for Program.cs, where configuration cannot express the setting. */
  programCs: string[];
  /** The engine configuration lines, as a unified diff of the configuration edgebench writes for that engine. */
  engines: Partial<Record<"nginx" | "haproxy" | "caddy" | "yarp", string>>;
}

/** Only the changed lines of a unified diff (`+…`, `-…`), without its file headers and context. */
export function changedLines(diff: string): string[] {
  return diff.split("\n").filter((line) => /^[+-](?![+-]{2} )/.test(line));
}

/** Where a probe failed, as the report names it: `edge`, `proxied`, `proxied→app`, `target`. */
export function failureTarget(result: Pick<ProbeResult, "via" | "deployment">): string {
  return result.via === "bypass"
    ? `${result.deployment}→app`
    : result.deployment === "external"
      ? "target"
      : result.deployment;
}

export interface Cause {
  id: CauseId;
  /** The configuration fact, in words. */
  fact: string;
  /** Failed probe runs (a probe on one target) this cause explains: what its change removes. */
  failures: number;
  /** Each probe once, with the targets it failed on. */
  probes: Array<{ probe: string; targets: string[] }>;
  change: CauseChange;
}

/** Failed probes by cause, the cause that explains the most failures first (ties in CAUSE_IDS order). */
export function groupCauses(results: readonly ProbeResult[], changeOf: (id: CauseId) => CauseChange): Cause[] {
  const byCause = new Map<CauseId, Map<string, string[]>>();
  const counts = new Map<CauseId, number>();
  for (const result of results) {
    if (result.pass || !result.cause) continue;
    const probes = byCause.get(result.cause) ?? new Map<string, string[]>();
    byCause.set(result.cause, probes);
    const targets = probes.get(result.probe) ?? [];
    probes.set(result.probe, targets);
    const target = failureTarget(result);
    if (!targets.includes(target)) targets.push(target);
    counts.set(result.cause, (counts.get(result.cause) ?? 0) + 1);
  }
  return CAUSE_IDS.filter((id) => byCause.has(id))
    .map((id) => ({
      id,
      fact: CAUSE_FACTS[id],
      failures: counts.get(id) ?? 0,
      probes: [...byCause.get(id)!].map(([probe, targets]) => ({ probe, targets })),
      change: changeOf(id),
    }))
    .sort((a, b) => b.failures - a.failures || CAUSE_IDS.indexOf(a.id) - CAUSE_IDS.indexOf(b.id));
}

/** Failed probes no known configuration fact explains (a protocol-level problem, a target edgebench did not start). */
export function unexplainedFailures(results: readonly ProbeResult[]): ProbeResult[] {
  return results.filter((result) => !result.pass && !result.cause);
}
