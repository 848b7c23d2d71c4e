/**
 * The one grouping every reporter shows: probes by category (passed of total, on which targets), failures by cause
 * (each probe once, the change per place), and the failures no known cause explains. Structured here, formatted by
 * each reporter.
 */
import {
  CAUSE_FACTS,
  changedLines,
  failureTarget,
  unexplainedFailures,
  type Cause,
  type CauseChange,
} from "../results/causes.js";
import type { ProbeResult, RunResult } from "../results/types.js";
import { PROBE_CATEGORIES, type ProbeCategory } from "../runners/probes/types.js";

export interface CategorySummary {
  category: ProbeCategory;
  /** Probes that passed on every target they went to. */
  passed: number;
  /** Probes of the category that ran. */
  total: number;
  /** Targets the category's probes went to, in first-seen order. */
  targets: string[];
  failed: ProbeResult[];
}

/** One summary per probe category that ran, in catalog category order. */
export function categorySummaries(
  results: readonly ProbeResult[],
  label: (target: string) => string = (target) => target,
): CategorySummary[] {
  return PROBE_CATEGORIES.map((category) => {
    const own = results.filter((r) => r.category === category);
    const ids = new Set(own.map((r) => r.probe));
    const failedIds = new Set(own.filter((r) => !r.pass).map((r) => r.probe));
    return {
      category,
      passed: ids.size - failedIds.size,
      total: ids.size,
      targets: [...new Set(own.map((r) => label(failureTarget(r))))],
      failed: own.filter((r) => !r.pass),
    };
  }).filter((summary) => summary.total > 0);
}

/** `2 changes fix all 12 failures` or `1 change fixes 10 of 12 failures`. */
export function causesHeadline(causes: readonly Cause[], failed: number): string {
  const fixed = causes.reduce((sum, cause) => sum + cause.failures, 0);
  const changes = causes.length === 1 ? "1 change fixes" : `${causes.length} changes fix`;
  return `${changes} ${fixed === failed ? `all ${failed}` : `${fixed} of ${failed}`} failure${failed === 1 ? "" : "s"}`;
}

/** A cause's probes, those failing on the same targets together: `xfh-override, xff-spoof on edge, proxied→app`. */
export function probeSets(
  cause: Cause,
  label: (target: string) => string = (target) => target,
): Array<{ probes: string[]; targets: string[] }> {
  const sets = new Map<string, { probes: string[]; targets: string[] }>();
  for (const { probe, targets: named } of cause.probes) {
    const targets = named.map(label);
    const key = targets.join(",");
    const set = sets.get(key) ?? { probes: [], targets };
    set.probes.push(probe);
    sets.set(key, set);
  }
  return [...sets.values()];
}

export function describeProbeSet(set: { probes: string[]; targets: string[] }): string {
  return `${set.probes.join(", ")} on ${set.targets.join(", ")}`;
}

/** `apps[0].allowedHosts` from `["apps", 0, "allowedHosts"]`. */
function fieldPath(path: ReadonlyArray<string | number>): string {
  return path.map((part, i) => (typeof part === "number" ? `[${part}]` : `${i ? "." : ""}${part}`)).join("");
}

/** One place to change and its lines. */
export interface ChangeBlock {
  /** `scenario`, `appsettings.json`, `Program.cs`, `nginx`, … */
  where: string;
  lines: string[];
  /** The lines are a unified diff (`+`/`-` lines). */
  diff: boolean;
}

const ENGINE_LABEL = { nginx: "nginx", haproxy: "HAProxy", caddy: "Caddy", yarp: "YARP" } as const;

/**
 * Where to change what, for a cause. `engines`: which engines' lines to include (the run's engine alone in the
 * terminal; every engine in Markdown and HTML).
 */
export function changeBlocks(change: CauseChange, engines: readonly string[]): ChangeBlock[] {
  const blocks: ChangeBlock[] = [];
  if (change.scenario.length > 0) {
    const lines = change.scenario.map((field) => `${fieldPath(field.path)}: ${JSON.stringify(field.value)}`);
    blocks.push({ where: "scenario", lines, diff: false });
  }
  const settings = change.appsettings;
  if (settings?.diff)
    blocks.push({
      where: settings.file?.split("/").pop() ?? "appsettings.json",
      lines: settings.diff.trimEnd().split("\n"),
      diff: true,
    });
  else if (settings)
    blocks.push({
      where: "appsettings.json (add)",
      lines: Object.entries(settings.add).map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`),
      diff: false,
    });
  if (change.programCs.length > 0) blocks.push({ where: "Program.cs", lines: change.programCs, diff: false });
  for (const name of ALL_ENGINES) {
    const diff = change.engines[name];
    if (diff && engines.includes(name))
      blocks.push({ where: ENGINE_LABEL[name], lines: changedLines(diff), diff: true });
  }
  return blocks;
}

/** The engines whose lines a short report shows: the run's own, when it is not the builtin proxy. */
export function runEngines(result: RunResult): string[] {
  return result.scenario.proxyEngine === "builtin" ? [] : [result.scenario.proxyEngine];
}

export const ALL_ENGINES = ["nginx", "haproxy", "caddy", "yarp"] as const;

/** The cause of a failed probe, in words, for a report that names it beside the failure (JUnit, the matrix). */
export function causeOf(result: ProbeResult): string | null {
  return result.cause ? CAUSE_FACTS[result.cause] : null;
}

export { unexplainedFailures };
