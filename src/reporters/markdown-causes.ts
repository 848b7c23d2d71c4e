/** The Markdown probe summary: a line per category, the causes with their changes, failures without a cause. */
import type { RunResult } from "../results/types.js";
import {
  ALL_ENGINES,
  categorySummaries,
  type ChangeBlock,
  causesHeadline,
  changeBlocks,
  describeProbeSet,
  probeSets,
  unexplainedFailures,
} from "./causes.js";
import { deploymentLabels, observedStatuses, probeTargetLabel, targetLabel } from "./format.js";

export function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function fenced(lines: readonly string[], language: string): string[] {
  const fence = lines.some((line) => line.includes("```")) ? "````" : "```";
  return [`${fence}${language}`, ...lines, fence];
}

const ENGINE_PLACES = new Set(["nginx", "HAProxy", "Caddy"]);

function blockLines(block: ChangeBlock): string[] {
  return [`   ${block.where}:`, "", ...fenced(block.lines, block.diff ? "diff" : "").map((line) => `   ${line}`), ""];
}

export function markdownProbes(result: RunResult): string[] {
  const results = result.probes?.results ?? [];
  const label = deploymentLabels(result.deployments);
  const out = ["| category | passed | on |", "| --- | ---: | --- |"];
  for (const s of categorySummaries(results, targetLabel(label)))
    out.push(
      `| ${s.category} | ${s.failed.length === 0 ? "✅" : "❌"} ${s.passed}/${s.total} | ${s.targets.join(", ")} |`,
    );
  out.push("");
  const causes = result.causes ?? [];
  const failed = results.filter((r) => !r.pass).length;
  if (causes.length > 0) {
    out.push(`**${causesHeadline(causes, failed)}:**`, "");
    causes.forEach((cause, index) => {
      out.push(
        `${index + 1}. **${cause.fact}** (${cause.failures} failure${cause.failures === 1 ? "" : "s"}: ${probeSets(
          cause,
          targetLabel(label),
        )
          .map((set) => describeProbeSet(set))
          .join("; ")})`,
        "",
      );
      const blocks = changeBlocks(cause.change, ALL_ENGINES);
      const engines = blocks.filter((block) => ENGINE_PLACES.has(block.where));
      for (const block of blocks.filter((b) => !ENGINE_PLACES.has(b.where))) out.push(...blockLines(block));
      // The engines' lines are long and only one applies: folded, so the comment stays short.
      if (engines.length > 0) {
        out.push(
          `   <details><summary>${engines.map((block) => block.where).join(", ")}</summary>`,
          "",
          ...engines.flatMap(blockLines),
          "   </details>",
          "",
        );
      }
    });
    if (result.scenario.file) out.push(`Proof on a copy: \`edgebench fix ${result.scenario.file}\``, "");
  }
  const unexplained = unexplainedFailures(results);
  if (unexplained.length > 0) {
    out.push(
      "Failures without a known configuration cause:",
      "",
      "| probe | target | observed | why |",
      "| --- | --- | --- | --- |",
    );
    for (const r of unexplained) {
      const seen = r.observed.map((o) => `${o.status} (${o.answeredBy === "unknown" ? "who answered is unknown" : o.answeredBy})`).join(", ") || observedStatuses(r);
      out.push(`| \`${r.probe}\` | ${probeTargetLabel(r, label)} | ${seen} | ${cell(r.explanation)} |`);
    }
    out.push("");
  }
  return out;
}
