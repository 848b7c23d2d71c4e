/** What `edgebench fix` did: the causes and their changes, failures before → after on the copy, files written. */
import { Chalk } from "chalk";
import type { RunResult } from "../results/types.js";
import { wrap } from "./format.js";
import { causesSection } from "./terminal-causes.js";

export interface FixReportOptions {
  color: boolean;
  width?: number;
  verbose?: boolean;
  /** Files written (paths as the user gave the folder), or null when nothing was written. */
  written: string[] | null;
}

const failedCount = (result: RunResult): number => result.probes?.failed ?? 0;

/** The runs before and after the fix, and the fixed files' names. */
export interface FixRuns {
  before: RunResult;
  after: RunResult | null;
  files: ReadonlyArray<{ name: string }>;
}

export function renderFix(outcome: FixRuns, options: FixReportOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const width = options.width ?? 80;
  const { before, after } = outcome;
  const out = [
    c.bold(`edgebench fix · scenario ${before.scenario.name}`) +
      (before.scenario.file ? c.dim(` (${before.scenario.file})`) : ""),
  ];
  const style = { c, width, verbose: options.verbose ?? false, fixHint: false };
  if (!after) {
    out.push(
      failedCount(before) === 0
        ? c.green("Nothing to fix: every probe met the policy.")
        : c.yellow("No failure has a configuration cause edgebench knows how to change."),
    );
    out.push(...causesSection(before, style));
    return `${out.join("\n")}\n`;
  }
  out.push(...causesSection(before, style));
  const remaining = failedCount(after);
  const mark = remaining === 0 ? c.green.bold("✓") : c.red.bold("✗");
  out.push(
    "",
    `${mark} ${c.bold("Probes re-run on the fixed copy:")} ${failedCount(before)} failed → ${remaining} failed ` +
      c.dim(`(${after.probes?.results.length ?? 0} probe runs)`),
  );
  if (remaining > 0) out.push(...causesSection(after, { ...style, verbose: true }));
  out.push("");
  if (options.written) out.push(...wrap(`Wrote ${options.written.join(", ")}`, width, "  "));
  else
    out.push(
      ...wrap(
        `Nothing written: --write DIR puts the fixed ${outcome.files.map((f) => f.name).join(", ")} in DIR; ` +
          "--in-place changes yours.",
        width,
        "  ",
      ).map((line) => c.dim(line)),
    );
  return `${out.join("\n")}\n`;
}
