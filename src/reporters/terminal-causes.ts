/** The terminal's probe summary: one line per category, the causes with their changes, failures without a cause. */
import type { Chalk } from "chalk";
import type { ProbeResult, RunResult } from "../results/types.js";
import {
  ALL_ENGINES,
  categorySummaries,
  causesHeadline,
  changeBlocks,
  describeProbeSet,
  probeSets,
  runEngines,
  unexplainedFailures,
} from "./causes.js";
import {
  deploymentLabels,
  observedAnswers,
  probeTargetLabel,
  table,
  targetLabel,
  wrap,
  type DeploymentLabel,
} from "./format.js";

type Colors = InstanceType<typeof Chalk>;

/** `allowlist  15/15 ✓ on edge, proxied, proxied→app`, one line per category. */
export function categoryLines(results: readonly ProbeResult[], c: Colors, label?: DeploymentLabel): string[] {
  const rows = categorySummaries(results, label && targetLabel(label)).map((s) => [
    s.category,
    `${s.passed}/${s.total}`,
    s.failed.length === 0 ? c.green("✓") : c.red("✗"),
    c.dim(`on ${s.targets.join(", ")}`),
  ]);
  return table(rows, new Set([1])).map((line) => `  ${line}`);
}

function failureLines(failures: readonly ProbeResult[], c: Colors, width: number, label: DeploymentLabel): string[] {
  const out: string[] = [];
  for (const r of failures) {
    const [first, ...rest] = wrap(
      `${r.probe} on ${probeTargetLabel(r, label)} (${r.reference}; ${observedAnswers(r)})`,
      width - 4,
      "  ",
    );
    out.push(`  ${c.red("✗")} ${first}`, ...rest.map((line) => `  ${c.dim(line)}`));
    out.push(...wrap(r.explanation, width - 4).map((line) => `    ${line}`));
  }
  return out;
}

function colorDiff(line: string, c: Colors): string {
  return line.startsWith("+") ? c.green(line) : line.startsWith("-") ? c.red(line) : c.dim(line);
}

export interface CausesStyle {
  c: Colors;
  width: number;
  verbose: boolean;
  /** Point at `edgebench fix` (not when it is what is running). */
  fixHint?: boolean;
}

export function causesSection(result: RunResult, style: CausesStyle): string[] {
  const { c, width } = style;
  const results = result.probes?.results ?? [];
  const failed = results.filter((r) => !r.pass);
  if (failed.length === 0) return [];
  const out: string[] = [];
  const causes = result.causes ?? [];
  if (causes.length > 0) {
    out.push("", c.bold("Causes") + c.dim(` · ${causesHeadline(causes, failed.length)}`));
    causes.forEach((cause, index) => {
      const number = `${index + 1}. `;
      const [first, ...rest] = wrap(
        `${cause.fact} (${cause.failures} failure${cause.failures === 1 ? "" : "s"})`,
        width - 2 - number.length,
        " ".repeat(number.length),
      );
      out.push(`  ${number}${c.bold(first!)}`, ...rest.map((line) => `  ${line}`));
      for (const set of probeSets(cause, targetLabel(deploymentLabels(result.deployments))))
        out.push(...wrap(describeProbeSet(set), width - 5, "  ").map((line) => `     ${c.dim(line)}`));
      for (const block of changeBlocks(cause.change, style.verbose ? [...ALL_ENGINES] : runEngines(result))) {
        out.push(
          `     ${block.where}:`,
          ...block.lines.map((line) => `       ${block.diff ? colorDiff(line, c) : line}`),
        );
      }
    });
    if (result.scenario.file && style.fixHint !== false)
      out.push(c.dim(`  Try them on a copy, probes re-run: edgebench fix ${result.scenario.file}`));
  }
  const unexplained = style.verbose ? failed : unexplainedFailures(results);
  if (unexplained.length > 0) {
    out.push("", c.bold(style.verbose ? "Why they failed" : "Failures without a known configuration cause"));
    out.push(...failureLines(unexplained, c, width, deploymentLabels(result.deployments)));
  }
  return out;
}
