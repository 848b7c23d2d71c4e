/** A Markdown summary for a pull-request comment or GitHub's step summary: load, overhead, thresholds, failures. */
import type { LoadResult, Overhead, ProbesResult, RunResult } from "../results/types.js";
import {
  deploymentLabels,
  describeDeployment,
  formatDuration,
  formatRate,
  formatRatio,
  formatSignedDuration,
  formatSplit,
  METRIC_LABEL,
  probeTargetLabel,
  ttfbRows,
  TTFB_HEADER,
  proxiesInRun,
  type DeploymentLabel,
  measuredText,
} from "./format.js";
import { cell, markdownProbes } from "./markdown-causes.js";
import { OPEN_MODEL_DEFINITIONS, OPEN_MODEL_HEADER, openModelRows } from "./open-model.js";
import { failedRequests } from "../results/failed-requests.js";

const median = (o: Overhead | undefined, fmt: (value: number) => string): string =>
  o ? `${o.significant ? "" : "~"}${fmt(o.median)} (${fmt(o.ci95[0])} … ${fmt(o.ci95[1])})` : "–";

/** Several deployments: one row each against edge, then against the reference proxy. */
function overheadsTable(load: LoadResult, label: DeploymentLabel): string[] {
  const out = [
    `Proxy overhead (each − edge, median of ${load.overheads[0]?.figures[0]?.perRound.length ?? 0} paired rounds, 95% interval):`,
    "",
  ];
  out.push("| deployment | p50 | p99 | req/s ×edge |", "| --- | ---: | ---: | ---: |");
  for (const { deployment, figures } of load.overheads) {
    const pick = (metric: Overhead["metric"]) => figures.find((o) => o.metric === metric);
    out.push(
      `| ${label(deployment)} | ${median(pick("p50"), formatSignedDuration)} | ${median(pick("p99"), formatSignedDuration)} | ${median(pick("rps"), formatRatio)} |`,
    );
  }
  const reference = load.ratios[0]?.reference;
  if (reference) {
    out.push(
      "",
      `Against ${label(reference)} (ratio per round to ${label(reference)} in the same round, 95% interval):`,
      "",
    );
    out.push(`| deployment | req/s | added p50 |`, "| --- | ---: | ---: |", `| ${label(reference)} | ×1.00 | ×1.00 |`);
    for (const r of load.ratios)
      out.push(`| ${label(r.deployment)} | ${median(r.rps, formatRatio)} | ${median(r.addedP50, formatRatio)} |`);
  }
  out.push("");
  return out;
}

export function renderMarkdown(results: readonly RunResult[]): string {
  const out: string[] = [];
  for (const result of results) {
    const verdict = result.verdict.passed ? "✅ PASS" : `❌ FAIL (${result.verdict.failures.length})`;
    const label = deploymentLabels(result.deployments);
    const proxies = proxiesInRun(result);
    const engine = proxies.length === 1 && proxies[0]!.startsWith("builtin") ? "" : ` · ${proxies.join(", ")}`;
    out.push(`### edgebench · ${cell(result.scenario.name)}${engine} · ${verdict}`, "");
    if (result.scenario.description) out.push(result.scenario.description, "");
    for (const line of describeDeployment(result.scenario)) out.push(`> ${line}`, "");
    if (result.interrupted) out.push("> Interrupted: what was measured before the stop.", "");
    for (const warning of result.warnings) out.push(`> Warning: ${warning}`, "");
    if (result.load) out.push(...loadSection(result.load, label));
    if (result.probes) out.push(...probeSection(result, result.probes, label));
    if (result.thresholds.length > 0) out.push(...thresholdSection(result));
  }
  return `${out.join("\n")}\n`;
}

function loadSection(load: LoadResult, label: DeploymentLabel): string[] {
  const out: string[] = [];
  out.push(
    "| deployment | req/s | p50 | p90 | p99 | p99.9 | failed |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const t of load.deployments) {
    out.push(
      `| ${label(t.deployment)} | ${formatRate(t.medianRps)} | ${formatDuration(t.latency.p50Us)} | ${formatDuration(t.latency.p90Us)} | ${formatDuration(t.latency.p99Us)} | ${formatDuration(t.latency.p999Us)} | ${failedRequests(t)} |`,
    );
  }
  out.push("");
  const firstByte = ttfbRows(load.deployments, label);
  if (firstByte.length > 0) {
    out.push(`| ${TTFB_HEADER.join(" | ")} |`, "| --- | ---: | ---: | ---: | ---: |");
    for (const row of firstByte) out.push(`| ${row.map(cell).join(" | ")} |`);
    out.push("");
  }
  const openRows = openModelRows(load, label);
  if (openRows.length > 0) {
    out.push(`| ${OPEN_MODEL_HEADER.join(" | ")} |`, `| --- |${" ---: |".repeat(OPEN_MODEL_HEADER.length - 1)}`);
    for (const row of openRows) out.push(`| ${row.map(cell).join(" | ")} |`);
    out.push("", OPEN_MODEL_DEFINITIONS, "");
  }
  for (const t of load.deployments)
    if (t.instanceSplit) out.push(`Split over instances (${label(t.deployment)}): ${formatSplit(t.instanceSplit)}`, "");
  const [only] = load.overheads;
  if (load.overheads.length > 1) out.push(...overheadsTable(load, label));
  else if (only) {
    out.push(
      `Proxy overhead (${label(only.deployment)} − ${only.reference}, median of ${only.figures[0]?.perRound.length ?? 0} paired rounds, 95% interval):`,
      "",
    );
    out.push("| | overhead | interval |", "| --- | ---: | --- |");
    for (const o of only.figures) {
      const fmt = o.unit === "ratio" ? formatRatio : formatSignedDuration;
      out.push(
        `| ${METRIC_LABEL[o.metric]} | ${o.significant ? "" : "~"}${fmt(o.median)} | ${fmt(o.ci95[0])} … ${fmt(o.ci95[1])} |`,
      );
    }
    out.push("");
  }
  return out;
}

function probeSection(result: RunResult, probes: ProbesResult, label: DeploymentLabel): string[] {
  const out: string[] = [];
  out.push(
    `Host probes: ${probes.passed} passed, ${probes.failed} failed${probes.view === "wire" ? " (graded on the wire alone)" : ""}.`,
    "",
  );
  for (const r of probes.results.filter((r) => r.observation))
    out.push(`- \`${r.probe}\` on ${probeTargetLabel(r, label)}: ${cell(r.observation!)}`);
  if (probes.results.some((r) => r.observation)) out.push("");
  out.push(...markdownProbes(result));
  return out;
}

function thresholdSection(result: RunResult): string[] {
  const out: string[] = [];
  out.push("| threshold | measured | |", "| --- | ---: | --- |");
  for (const t of result.thresholds)
    out.push(`| \`${cell(t.expression)}\` | ${measuredText(t)} | ${t.passed ? "✅" : "❌"} |`);
  out.push("");
  return out;
}
