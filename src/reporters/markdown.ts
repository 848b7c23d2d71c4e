/** A Markdown summary for a pull-request comment or GitHub's step summary: load, overhead, thresholds, failures. */
import type { RunResult } from "../results/types.js";
import { ttfbRows, TTFB_HEADER } from "./format.js";
import { deploymentLabel, describeDeployment, formatDuration, formatRate, formatRatio, formatSignedDuration, formatSplit, probeTargetLabel } from "./format.js";
import { cell, markdownProbes } from "./markdown-causes.js";
import { OPEN_MODEL_DEFINITIONS, OPEN_MODEL_HEADER, openModelRows } from "./open-model.js";

export function renderMarkdown(results: readonly RunResult[]): string {
  const out: string[] = [];
  for (const result of results) {
    const verdict = result.verdict.passed ? "✅ PASS" : `❌ FAIL (${result.verdict.failures.length})`;
    const engine = result.scenario.proxyEngine === "builtin" ? "" : ` · ${deploymentLabel(result.scenario)} ${result.scenario.proxyEngineVersion ?? ""}`.trimEnd();
    out.push(`### edgebench · ${cell(result.scenario.name)}${engine} · ${verdict}`, "");
    if (result.scenario.description) out.push(result.scenario.description, "");
    for (const line of describeDeployment(result.scenario)) out.push(`> ${line}`, "");
    if (result.interrupted) out.push("> Interrupted: what was measured before the stop.", "");
    for (const warning of result.warnings) out.push(`> Warning: ${warning}`, "");
    const load = result.load;
    if (load) {
      out.push("| topology | req/s | p50 | p90 | p99 | p99.9 | failed |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
      for (const t of load.topologies) {
        out.push(
          `| ${t.topology} | ${formatRate(t.medianRps)} | ${formatDuration(t.latency.p50Us)} | ${formatDuration(t.latency.p90Us)} | ${formatDuration(t.latency.p99Us)} | ${formatDuration(t.latency.p999Us)} | ${t.non2xx + t.errors + t.timeouts} |`,
        );
      }
      out.push("");
      const firstByte = ttfbRows(load.topologies);
      if (firstByte.length > 0) {
        out.push(`| ${TTFB_HEADER.join(" | ")} |`, "| --- | ---: | ---: | ---: | ---: |");
        for (const row of firstByte) out.push(`| ${row.join(" | ")} |`);
        out.push("");
      }
      const openRows = openModelRows(load);
      if (openRows.length > 0) {
        out.push(`| ${OPEN_MODEL_HEADER.join(" | ")} |`, `| --- |${" ---: |".repeat(OPEN_MODEL_HEADER.length - 1)}`);
        for (const row of openRows) out.push(`| ${row.map(cell).join(" | ")} |`);
        out.push("", OPEN_MODEL_DEFINITIONS, "");
      }
      for (const t of load.topologies) if (t.instanceSplit) out.push(`Split over instances (${t.topology}): ${formatSplit(t.instanceSplit)}`, "");
      if (load.overhead) {
        out.push(`Proxy overhead (proxied − edge, median of ${load.overhead[0]?.perRound.length ?? 0} paired rounds, 95% interval):`, "");
        out.push("| | overhead | interval |", "| --- | ---: | --- |");
        for (const o of load.overhead) {
          const fmt = o.unit === "ratio" ? formatRatio : formatSignedDuration;
          out.push(`| ${o.metric === "rps" ? "req/s" : o.metric} | ${o.significant ? "" : "~"}${fmt(o.median)} | ${fmt(o.ci95[0])} … ${fmt(o.ci95[1])} |`);
        }
        out.push("");
      }
    }
    if (result.probes) {
      out.push(`Host probes: ${result.probes.passed} passed, ${result.probes.failed} failed${result.probes.view === "wire" ? " (graded on the wire alone)" : ""}.`, "");
      for (const r of result.probes.results.filter((r) => r.observation)) out.push(`- \`${r.probe}\` on ${probeTargetLabel(r)}: ${cell(r.observation!)}`);
      if (result.probes.results.some((r) => r.observation)) out.push("");
      out.push(...markdownProbes(result));
    }
    if (result.thresholds.length > 0) {
      out.push("| threshold | measured | |", "| --- | ---: | --- |");
      for (const t of result.thresholds) out.push(`| \`${cell(t.expression)}\` | ${t.actual ?? "not measured"} | ${t.passed ? "✅" : "❌"} |`);
      out.push("");
    }
  }
  return `${out.join("\n")}\n`;
}
