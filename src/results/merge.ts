/**
 * `edgebench merge`: results from several runners (probe runs sharded by scenario, engine or probe; load rounds from
 * several generators) as one result per scenario and engine. Results that name the same scenario but describe it
 * differently are refused: they did not measure the same thing.
 */
import { evaluateThresholds } from "./thresholds.js";
import type { LoadResult, ProbesResult, RunResult } from "./types.js";
import { decideVerdict } from "./verdict.js";
import { loadResultFromPhases, type ImportedPhase } from "./import/phases.js";

export class MergeError extends Error {
  readonly code = "ERR_MERGE";
  constructor(message: string) {
    super(message);
    this.name = "MergeError";
  }
}

export interface LabelledResult {
  /** Where it came from (a file name), for messages. */
  label: string;
  result: RunResult;
}

/** What must be equal for two results to be parts of one run. */
function definition(result: RunResult): string {
  const { name, description, policyHosts, policyProfile, knobs, proxyEngine, tls } = result.scenario;
  return JSON.stringify({ name, description, policyHosts, policyProfile, knobs, proxyEngine, tls: tls ?? "off" });
}

function mergeProbes(parts: readonly LabelledResult[]): ProbesResult | null {
  const withProbes = parts.filter((part) => part.result.probes);
  if (withProbes.length === 0) return null;
  const views = new Set(withProbes.map((part) => part.result.probes!.view));
  if (views.size > 1) {
    const labels = withProbes.map((p) => p.label).join(", ");
    throw new MergeError(`${labels}: probes graded on the app and on the wire alone cannot be merged`);
  }
  const seen = new Map<string, string>();
  const results = withProbes.flatMap((part) =>
    part.result.probes!.results.map((probe) => {
      const key = `${probe.probe} on ${probe.deployment}${probe.via === "bypass" ? " (bypass)" : ""}`;
      const earlier = seen.get(key);
      if (earlier) {
        throw new MergeError(`probe ${key} is in both ${earlier} and ${part.label}: shards must not overlap`);
      }
      seen.set(key, part.label);
      return probe;
    }),
  );
  const passed = results.filter((r) => r.pass).length;
  const skipped = [...new Set(withProbes.flatMap((part) => part.result.probes!.skipped))];
  return { view: [...views][0]!, results, passed, failed: results.length - passed, skipped };
}

/** Each generator's rounds stay paired among themselves: the second generator's round 1 becomes round n + 1. */
function mergeLoad(parts: readonly LabelledResult[]): LoadResult | null {
  const loads = parts.filter((part) => part.result.load).map((part) => part.result.load!);
  const labels = parts.map((p) => p.label).join(", ");
  if (loads.length === 0) return null;
  if (loads.length === 1) return loads[0]!;
  const settings = ({ rounds: _rounds, ...rest }: LoadResult["settings"]): string => JSON.stringify(rest);
  if (new Set(loads.map((load) => settings(load.settings))).size > 1) {
    throw new MergeError(
      `${labels}: load settings differ (model, rate, connections, duration, request): not rounds of the same load`,
    );
  }
  const phases: ImportedPhase[] = [];
  let offset = 0;
  for (const load of loads) {
    for (const topology of load.deployments) {
      for (const sample of topology.rounds) {
        const { position, durationMs, requests, responses, ok2xx, non2xx, errors, timeouts, latency } = sample;
        const figures = { position, durationMs, requests, responses, ok2xx, non2xx, errors, timeouts, latency };
        phases.push({ ...figures, deployment: topology.deployment, round: sample.round + offset });
      }
    }
    offset += Math.max(0, ...load.deployments.flatMap((t) => t.rounds.map((r) => r.round)));
  }
  const urls = Object.fromEntries(loads[0]!.deployments.map((t) => [t.deployment, t.url]));
  return loadResultFromPhases({ phases, settings: { ...loads[0]!.settings, rounds: offset }, urls }, labels);
}

function mergeGroup(parts: readonly LabelledResult[]): RunResult {
  const first = parts[0]!.result;
  if (parts.length === 1) return first;
  const load = mergeLoad(parts);
  const probes = mergeProbes(parts);
  const loadParts = parts.filter((part) => part.result.load).length;
  const warnings = [...new Set(parts.flatMap((part) => part.result.warnings))];
  warnings.push(`merged from ${parts.length} results: ${parts.map((p) => p.label).join(", ")}`);
  if (loadParts > 1) {
    warnings.push(
      `load rounds of ${loadParts} generators: each one's rounds stay paired, throughput is per generator, ` +
        "and latency over all rounds is a count-weighted mean of their percentiles",
    );
  }
  const byExpression = new Map(parts.flatMap((part) => part.result.thresholds).map((t) => [t.expression, t]));
  const thresholds = [...byExpression.values()].map(({ expression, metric, operator, value }) => ({
    expression,
    metric,
    operator,
    value,
  }));
  const merged: RunResult = {
    ...first,
    startedAt: parts.map((p) => p.result.startedAt).sort()[0]!,
    finishedAt: parts.map((p) => p.result.finishedAt).sort().at(-1)!,
    interrupted: parts.some((p) => p.result.interrupted),
    scenario: { ...first.scenario, topologies: [...new Set(parts.flatMap((p) => p.result.scenario.topologies))] },
    warnings,
    load,
    probes,
    thresholds: [],
  };
  merged.thresholds = evaluateThresholds(thresholds, merged);
  merged.verdict = decideVerdict(load, probes, merged.thresholds);
  return merged;
}

/** One result per scenario and proxy engine, in the order they first appear. */
export function mergeResults(parts: readonly LabelledResult[]): RunResult[] {
  if (parts.length === 0) throw new MergeError("nothing to merge");
  const groups = new Map<string, LabelledResult[]>();
  for (const part of parts) {
    const key = `${part.result.scenario.name}\u0000${part.result.scenario.proxyEngine}`;
    const group = groups.get(key) ?? [];
    const other = group[0];
    if (other && definition(other.result) !== definition(part.result)) {
      throw new MergeError(
        `${part.label} and ${other.label} both name scenario '${part.result.scenario.name}' ` +
          `(${part.result.scenario.proxyEngine}) but describe it differently (policy, profile, TLS or description): ` +
          "not runs of the same scenario",
      );
    }
    groups.set(key, [...group, part]);
  }
  return [...groups.values()].map(mergeGroup);
}
