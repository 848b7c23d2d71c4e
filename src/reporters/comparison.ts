/** The text of `edgebench compare`: each figure's change with its interval, regressions marked. */
import { Chalk } from "chalk";
import type { Comparison } from "../results/regression.js";
import { formatDuration, formatRate, METRIC_LABEL, table } from "./format.js";

export function renderComparison(comparison: Comparison, options: { color: boolean }): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const percent = (value: number): string => `${value > 0 ? "+" : ""}${(value * 100).toFixed(1)} %`;
  const rows = [["deployment", "metric", "baseline", "current", "change", "95% interval", ""].map((h) => c.dim(h))];
  for (const row of comparison.rows) {
    const fmt = row.metric === "rps" ? formatRate : formatDuration;
    rows.push([
      row.deployment,
      METRIC_LABEL[row.metric],
      fmt(row.baseline),
      fmt(row.current),
      percent(row.change),
      c.dim(`${percent(row.ci95[0])} … ${percent(row.ci95[1])}`),
      row.regression ? c.red("regression") : "",
    ]);
  }
  const verdict =
    comparison.regressions.length === 0
      ? c.green.bold("PASS") +
        c.dim(` · no change worse than ±${(comparison.tolerance * 100).toFixed(0)} % beyond its interval`)
      : c.red.bold("FAIL") +
        ` · ${comparison.regressions.length} regression${comparison.regressions.length === 1 ? "" : "s"}`;
  return `${table(rows, new Set([2, 3, 4])).join("\n")}\n\n${verdict}\n`;
}
