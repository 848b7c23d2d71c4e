/**
 * The HTML report's probes: the matrix grouped by category (a heading row with passed of total), each failed cell
 * marked with the number of its cause, and the causes beside it with their changes.
 */
import type { RunResult } from "../results/types.js";
import {
  ALL_ENGINES,
  categorySummaries,
  causesHeadline,
  changeBlocks,
  describeProbeSet,
  probeSets,
  unexplainedFailures,
} from "./causes.js";
import {
  deploymentLabels,
  observedAnswers,
  observedStatuses,
  probeMatrix,
  probeTargetLabel,
  targetLabel,
} from "./format.js";
import { escapeXml as escapeHtml } from "./svg.js";

const ENGINE_NAMES = new Set(["nginx", "HAProxy", "Caddy", "YARP"]);

function matrix(result: RunResult): string {
  const results = result.probes!.results;
  const label = deploymentLabels(result.deployments);
  const { columns, cell } = probeMatrix(results, label);
  const causeNumber = new Map((result.causes ?? []).map((cause, i) => [cause.id, i + 1]));
  const header = `<tr><th>probe</th>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr>`;
  const body = categorySummaries(results, targetLabel(label)).map((summary) => {
    const mark = summary.failed.length === 0 ? `<span class="pass">✓</span>` : `<span class="fail">✗</span>`;
    const title = `${escapeHtml(summary.category)} ${summary.passed}/${summary.total} ${mark}`;
    const heading = `<tr class="category"><th colspan="${columns.length + 1}">${title}</th></tr>`;
    const ids = [...new Set(results.filter((r) => r.category === summary.category).map((r) => r.probe))];
    const rows = ids.map((id) => {
      const cells = columns.map((column) => {
        const r = cell(id, column);
        if (!r) return `<td class="dim">·</td>`;
        const number = r.cause ? causeNumber.get(r.cause) : undefined;
        const why = `${r.pass ? "" : `. ${r.explanation}`}${number ? ` Cause ${number}.` : ""}`;
        const title = escapeHtml(`${r.title} (${r.reference}): ${observedAnswers(r)}${why}`);
        const sup = number ? `<sup>${number}</sup>` : "";
        const text = `${r.pass ? "✓" : "✗"} ${escapeHtml(observedStatuses(r))}${sup}`;
        return `<td class="${r.pass ? "pass" : "fail"}" title="${title}">${text}</td>`;
      });
      return `<tr class="probe"><th>${escapeHtml(id)}</th>${cells.join("")}</tr>`;
    });
    return heading + rows.join("");
  });
  return `<table class="matrix">${header}${body.join("")}</table>`;
}

function causesList(result: RunResult): string {
  const causes = result.causes ?? [];
  const results = result.probes!.results;
  const failed = results.filter((r) => !r.pass).length;
  const parts: string[] = [];
  if (causes.length > 0) {
    const items = causes.map((cause) => {
      const blocks = changeBlocks(cause.change, ALL_ENGINES).map(
        (block) =>
          `<details${ENGINE_NAMES.has(block.where) ? "" : " open"}><summary>${escapeHtml(block.where)}</summary>` +
          `<pre>${escapeHtml(block.lines.join("\n"))}</pre></details>`,
      );
      const probes = probeSets(cause, targetLabel(deploymentLabels(result.deployments)))
        .map((set) => escapeHtml(describeProbeSet(set)))
        .join("<br>");
      const count = `${cause.failures} failure${cause.failures === 1 ? "" : "s"}`;
      const head = `<b>${escapeHtml(cause.fact)}</b> <span class="dim">(${count})</span>`;
      return `<li>${head}<br><span class="dim">${probes}</span>${blocks.join("")}</li>`;
    });
    parts.push(`<h4>Causes · ${escapeHtml(causesHeadline(causes, failed))}</h4><ol>${items.join("")}</ol>`);
    if (result.scenario.file)
      parts.push(`<p class="dim">Proof on a copy: <code>edgebench fix ${escapeHtml(result.scenario.file)}</code></p>`);
  }
  const unexplained = unexplainedFailures(results);
  if (unexplained.length > 0) {
    const items = unexplained.map(
      (r) =>
        `<li><b>${escapeHtml(r.probe)}</b> on ${escapeHtml(probeTargetLabel(r, deploymentLabels(result.deployments)))} ` +
        `<span class="dim">(${escapeHtml(r.reference)}; ${escapeHtml(observedAnswers(r))})</span>` +
        `<br>${escapeHtml(r.explanation)}</li>`,
    );
    parts.push(`<h4>Failures without a known configuration cause</h4><ul class="failures">${items.join("")}</ul>`);
  }
  return parts.length ? `<div class="causes">${parts.join("")}</div>` : "";
}

export function probesSection(result: RunResult): string {
  const probes = result.probes!;
  return [
    `<h3>Host probes · ${probes.passed} passed, ${probes.failed} failed</h3>`,
    probes.view === "wire"
      ? `<p class="warn">Graded on the wire alone: what the app believed cannot be seen from outside.</p>`
      : "",
    `<div class="probes">${matrix(result)}${causesList(result)}</div>`,
  ].join("\n");
}
