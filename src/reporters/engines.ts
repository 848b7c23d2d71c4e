/**
 * The side-by-side report of one scenario run once per proxy engine (`--engine`): each engine's proxied figures
 * against the edge of its own run, with intervals, and the probe verdicts where engines differ.
 */
import { Chalk } from "chalk";
import type { Overhead, RunResult } from "../results/types.js";
import { deploymentLabel, formatDuration, formatRate, formatRatio, formatSignedDuration, observedAnswers, observedStatuses, table, wrap } from "./format.js";

/** Results of one scenario that ran with two or more engines, in the order they ran; others stay alone. */
export function groupByEngine(results: readonly RunResult[]): Array<RunResult[]> {
  const groups = new Map<string, RunResult[]>();
  for (const result of results) {
    const key = `${result.scenario.file ?? ""}\u0000${result.scenario.name}`;
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  return [...groups.values()].flatMap((group) => (new Set(group.map((r) => deploymentLabel(r.scenario))).size > 1 ? [group] : group.map((r) => [r])));
}

const find = (overhead: Overhead[] | null | undefined, metric: Overhead["metric"]) => overhead?.find((o) => o.metric === metric);

export function renderEngineComparison(group: readonly RunResult[], options: { color: boolean; width?: number }): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const width = options.width ?? 80;
  const first = group[0]!;
  const out: string[] = [];
  out.push(c.bold(`edgebench ${first.tool.version} · scenario ${first.scenario.name} · ${group.length} proxy deployments side by side`));
  out.push(...wrap("Each engine ran the scenario on its own: edge and proxied in alternating rounds, the overhead paired round by round against that run's edge.", width).map((l) => c.dim(l)));
  const warnings = [...new Set(group.flatMap((r) => r.warnings))];
  for (const warning of warnings) out.push(...wrap(`Warning: ${warning}`, width, "  ").map((l) => c.yellow(l)));

  if (group.some((r) => r.load)) {
    out.push("", c.bold("Load"));
    const rows = [["engine", "version", "req/s", "×edge", "p50", "p99", "failed"].map((h) => c.dim(h))];
    for (const r of group) {
      const proxied = r.load?.topologies.find((t) => t.topology === "proxied");
      const ratio = find(r.load?.overhead, "rps");
      rows.push([
        deploymentLabel(r.scenario),
        r.scenario.proxyEngineVersion ?? "",
        proxied ? formatRate(proxied.medianRps) : "–",
        ratio ? formatRatio(ratio.median) : "–",
        proxied ? formatDuration(proxied.latency.p50Us) : "–",
        proxied ? formatDuration(proxied.latency.p99Us) : "–",
        proxied ? String(proxied.non2xx + proxied.errors + proxied.timeouts) : "–",
      ]);
    }
    out.push(...table(rows, new Set([2, 3, 4, 5, 6])).map((line) => `  ${line}`));
    out.push("", c.bold("Proxy overhead") + c.dim(" · proxied − edge, median of paired rounds [95% interval]"));
    const overheadRows = [["engine", "p50", "", "p99", ""].map((h) => c.dim(h))];
    for (const r of group) {
      const cells = (["p50", "p99"] as const).flatMap((metric) => {
        const o = find(r.load?.overhead, metric);
        return o ? [`${o.significant ? "" : "~"}${formatSignedDuration(o.median)}`, c.dim(`[${formatSignedDuration(o.ci95[0])} … ${formatSignedDuration(o.ci95[1])}]`)] : ["–", ""];
      });
      overheadRows.push([deploymentLabel(r.scenario), ...cells]);
    }
    out.push(...table(overheadRows, new Set([1, 3])).map((line) => `  ${line}`));
  }

  if (group.some((r) => r.probes)) {
    // Columns: the edge (the same app without a proxy, from the first run), then each engine's proxied entry.
    const columns = [{ label: "edge", result: first, topology: "edge" }, ...group.map((r) => ({ label: deploymentLabel(r.scenario), result: r, topology: "proxied" }))];
    const cell = (column: (typeof columns)[number], probe: string) =>
      column.result.probes?.results.find((p) => p.probe === probe && p.topology === column.topology && p.via === "entry");
    const ids = [...new Set(group.flatMap((r) => r.probes?.results.map((p) => p.probe) ?? []))];
    // An internal endpoint reached anywhere (exposed at the edge) is shown too: which engines hid it is the point.
    const exposed = (id: string) => columns.some((column) => cell(column, id)?.observed.some((o) => o.outcome === "exposed"));
    const differing = ids.filter(
      (id) => new Set(columns.map((column) => `${cell(column, id)?.pass}`)).size > 1 || columns.some((column) => cell(column, id)?.pass === false) || exposed(id),
    );
    out.push("", c.bold("Host probes") + c.dim(` · ${group.map((r) => `${deploymentLabel(r.scenario)} ${r.probes?.failed ?? 0} failed`).join(", ")}`));
    if (differing.length === 0) out.push(c.dim(`  every probe has the same verdict everywhere (${ids.length} probes)`));
    else {
      const rows = [["", ...columns.map((column) => column.label)].map((h) => c.dim(h))];
      for (const id of differing) {
        rows.push([
          id,
          ...columns.map((column) => {
            const r = cell(column, id);
            return r ? (r.pass ? c.green(`✓ ${observedStatuses(r)}`) : c.red(`✗ ${observedStatuses(r)}`)) : c.dim("·");
          }),
        ]);
      }
      out.push(...table(rows).map((line) => `  ${line}`));
      out.push(c.dim(`  ${ids.length - differing.length} other probes pass everywhere; what reached the app decided each verdict`));
      out.push("", c.bold("Why they failed"));
      for (const column of columns.slice(1)) {
        for (const id of differing) {
          const r = cell(column, id);
          if (!r || r.pass) continue;
          const [head, ...rest] = wrap(`${id} with ${column.label} (${observedAnswers(r)}): ${r.explanation}`, width - 4, "  ");
          out.push(`  ${c.red("✗")} ${head}`, ...rest.map((line) => `  ${line}`));
        }
      }
    }
  }

  out.push("");
  for (const r of group) {
    out.push(`${r.verdict.passed ? c.green.bold("PASS") : c.red.bold("FAIL")} ${deploymentLabel(r.scenario)}${r.verdict.passed ? "" : c.dim(` · ${r.verdict.failures.length} problem${r.verdict.failures.length === 1 ? "" : "s"}`)}`);
  }
  return `${out.join("\n")}\n`;
}
