/** The human report: load table, proxy overhead with its interval, probe matrix, failures and a one-line verdict. */
import { Chalk } from "chalk";
import type { Overhead, RunResult, TopologyLoad } from "../results/types.js";
import { formatBytes, ttfbRows, TTFB_HEADER } from "./format.js";
import { deploymentLabel, formatDuration, formatRate, formatRatio, formatSignedDuration, observedStatuses, probeMatrix, probeTargetLabel, formatSplit, describeDeployment, table, wrap } from "./format.js";
import { categoryLines, causesSection } from "./terminal-causes.js";
import { OPEN_MODEL_DEFINITIONS, OPEN_MODEL_HEADER, openModelRows } from "./open-model.js";

export interface TerminalOptions {
  color: boolean;
  /** Terminal width; wide tables are narrowed to fit (default 80). */
  width?: number;
  /** Every probe's row and every failure's explanation, not one line per category and the causes. */
  verbose?: boolean;
}

const METRIC_LABEL: Record<Overhead["metric"], string> = { p50: "p50", p90: "p90", p99: "p99", p999: "p99.9", rps: "req/s" };

/** A bold title with dim details after it, wrapped to the width. */
function heading(c: InstanceType<typeof Chalk>, title: string, details: string, width: number): string[] {
  return wrap(`${title} · ${details}`, width, "  ").map((line, i) => (i === 0 ? c.bold(title) + c.dim(line.slice(title.length)) : c.dim(line)));
}

const SKETCH_PERCENTILES = [
  { label: "p50", pick: (t: TopologyLoad) => t.latency.p50Us },
  { label: "p99", pick: (t: TopologyLoad) => t.latency.p99Us },
] as const;

/** Bars on a log scale from 10 µs, so the proxy's added latency is seen at a glance at p50 and p99. */
function latencySketch(topologies: readonly TopologyLoad[], width: number, c: InstanceType<typeof Chalk>): string[] {
  const values = topologies.flatMap((t) => SKETCH_PERCENTILES.map((p) => p.pick(t)));
  const floor = 10;
  const top = Math.max(floor * 10, ...values);
  const nameWidth = Math.max(...topologies.map((t) => t.topology.length));
  const barWidth = Math.max(10, width - nameWidth - 20);
  const cells = (us: number): number => Math.round((Math.log10(Math.max(us, floor) / floor) / Math.log10(top / floor)) * barWidth * 8);
  const lines = [c.dim(`  latency, log scale from 10µs to ${formatDuration(top)}`)];
  for (const p of SKETCH_PERCENTILES) {
    topologies.forEach((t, i) => {
      const eighths = cells(p.pick(t));
      const bar = "█".repeat(Math.floor(eighths / 8)) + (eighths % 8 ? "▏▎▍▌▋▊▉"[(eighths % 8) - 1] : "");
      lines.push(`  ${(i === 0 ? p.label : "").padEnd(4)} ${t.topology.padEnd(nameWidth)}  ${(t.topology === "edge" ? c.blue : c.yellow)(bar.padEnd(barWidth))} ${formatDuration(p.pick(t))}`);
    });
  }
  return lines;
}

export function renderTerminal(result: RunResult, options: TerminalOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const width = options.width ?? 80;
  const out: string[] = [];
  const { scenario } = result;
  out.push(c.bold(`edgebench ${result.tool.version} · scenario ${scenario.name}`) + (scenario.file ? c.dim(` (${scenario.file})`) : ""));
  if (scenario.description) out.push(...wrap(scenario.description, width).map((line) => c.dim(line)));
  const proxy = scenario.proxyEngine === "builtin" || !scenario.proxyEngineVersion ? deploymentLabel(scenario) : `${deploymentLabel(scenario)} ${scenario.proxyEngineVersion}`;
  out.push(c.dim(`policy hosts: ${scenario.policyHosts.join(", ")} · proxy: ${proxy}`));
  for (const line of describeDeployment(scenario)) out.push(...wrap(line, width, "  ").map((l) => c.dim(l)));
  if (result.probes) {
    const k = scenario.knobs;
    const rules =
      `rules (${scenario.policyProfile}): wildcard ${k.wildcardDepth === "one" ? "one label" : "any depth"}, trailing dot ${k.trailingDot}, ` +
      `other port ${k.nonDefaultPort}, empty port ${k.emptyPort}, underscores ${k.underscoreLabels}, ` +
      `DNS length ${k.dnsLengthLimits ? "enforced" : "not enforced"}, https over cleartext ${k.schemeCheck}`;
    out.push(...wrap(rules, width, "  ").map((line) => c.dim(line)));
  }
  if (result.interrupted) out.push(c.yellow("Interrupted: the report holds what was measured before the stop."));
  for (const warning of result.warnings ?? []) out.push(c.yellow(`Warning: ${warning}`));

  const load = result.load;
  if (load) {
    const s = load.settings;
    out.push("");
    out.push(
      ...heading(
        c,
        "Load",
        `${s.model === "open" ? `open model at ${formatRate(s.rate ?? 0)} req/s${s.rateSource === "auto" ? " (a fraction of the slower capacity)" : ""}, at most ${s.connections} in flight` : `closed model, ${s.connections} connection${s.connections === 1 ? "" : "s"}${s.pipelining > 1 ? ` ×${s.pipelining} pipelined` : ""}`}, ` +
            `${load.order.length}/${s.rounds} rounds × ${formatDuration(s.durationMs * 1000)} (warm-up ${formatDuration(s.warmupMs * 1000)}), ${s.method} ${s.path}${s.bodyBytes !== undefined ? ` (${formatBytes(s.bodyBytes)} body)` : ""} Host: ${s.host}`,
        width,
      ),
    );
    const rows = [["", "req/s", "p50", "p90", "p99", "p99.9", "max", "failed"].map((h) => c.dim(h))];
    for (const t of load.topologies) {
      const failed = t.non2xx + t.errors + t.timeouts;
      rows.push([
        t.topology,
        formatRate(t.medianRps),
        formatDuration(t.latency.p50Us),
        formatDuration(t.latency.p90Us),
        formatDuration(t.latency.p99Us),
        formatDuration(t.latency.p999Us),
        formatDuration(t.latency.maxUs),
        failed > 0 ? c.red(String(failed)) : "0",
      ]);
    }
    out.push(...table(rows, new Set([1, 2, 3, 4, 5, 6, 7])).map((line) => `  ${line}`));
    out.push(c.dim("  req/s: median of rounds; percentiles: all rounds' responses, µs resolution"));
    const firstByte = ttfbRows(load.topologies);
    if (firstByte.length > 0) {
      out.push(...table([TTFB_HEADER.map((h) => c.dim(h)), ...firstByte], new Set([1, 2, 3, 4])).map((line) => `  ${line}`));
    }
    out.push(...latencySketch(load.topologies, Math.min(width, 100), c));
    for (const t of load.topologies) {
      if (t.instanceSplit) out.push(...wrap(`split over instances (${t.topology}): ${formatSplit(t.instanceSplit)}`, width - 2, "  ").map((line) => `  ${line}`));
    }
    const openRows = openModelRows(load);
    if (openRows.length > 0) {
      out.push(...table([OPEN_MODEL_HEADER.map((h) => c.dim(h)), ...openRows], new Set([1, 2, 3, 4, 5])).map((line) => `  ${line}`));
      out.push(...wrap(OPEN_MODEL_DEFINITIONS, width - 2, "  ").map((line) => c.dim(`  ${line}`)));
    }
    if (load.overhead) {
      out.push("");
      out.push(...heading(c, "Proxy overhead", `proxied − edge, median of ${load.overhead[0]?.perRound.length ?? 0} paired rounds [95% bootstrap interval] (min … max)`, width));
      const overheadRows = load.overhead.map((o) => {
        const fmt = o.unit === "ratio" ? formatRatio : formatSignedDuration;
        const marker = o.significant ? " " : c.yellow("~");
        return [METRIC_LABEL[o.metric], `${marker}${fmt(o.median)}`, c.dim(`[${fmt(o.ci95[0])} … ${fmt(o.ci95[1])}]`), c.dim(`(${fmt(o.min)} … ${fmt(o.max)})`)];
      });
      out.push(...table(overheadRows, new Set([1])).map((line) => `  ${line}`));
      if (load.overhead.some((o) => !o.significant)) out.push(c.dim("  ~: the interval includes no difference; more rounds would tell"));
    }
  }

  const probes = result.probes;
  if (probes) {
    out.push("");
    if (probes.view === "wire") out.push(c.yellow("Graded on the wire alone: what the app believed cannot be seen from outside, so 2xx answers are taken as served."));
    out.push(c.bold("Host probes") + c.dim(` · ${probes.passed} passed, ${probes.failed} failed${probes.skipped.length ? `, ${probes.skipped.length} not applicable to this policy` : ""}`));
    const { ids, columns, cell } = probeMatrix(probes.results);
    if (!options.verbose) out.push(...categoryLines(probes.results, c));
    // Without --verbose only the failed probes get rows: a passing run reads in one line per category.
    const shown = options.verbose ? ids : ids.filter((id) => columns.some((column) => cell(id, column)?.pass === false));
    const cellWidth = Math.max(...columns.map((col) => col.length), 6);
    const idWidth = Math.max(10, width - 2 - columns.length * (cellWidth + 2));
    const rows = [["", ...columns].map((h) => c.dim(h))];
    for (const id of shown) {
      const label = id.length > idWidth ? `${id.slice(0, idWidth - 1)}…` : id;
      rows.push([
        label,
        ...columns.map((column) => {
          const r = cell(id, column);
          if (!r) return c.dim("·");
          return r.pass ? c.green(`✓ ${observedStatuses(r)}`) : c.red(`✗ ${observedStatuses(r)}`);
        }),
      ]);
    }
    if (shown.length > 0) out.push(...(options.verbose ? [] : [""]), ...table(rows).map((line) => `  ${line}`));
    const observed = probes.results.filter((r) => r.observation);
    if (observed.length > 0) {
      out.push("");
      out.push(c.bold("Timed probes"));
      for (const r of observed) out.push(...wrap(`${r.probe} on ${probeTargetLabel(r)}: ${r.observation}`, width - 2).map((line) => `  ${line}`));
    }
    out.push(...causesSection(result, { c, width, verbose: options.verbose ?? false }));
  }

  if (result.thresholds?.length) {
    out.push("");
    out.push(c.bold("Thresholds"));
    for (const t of result.thresholds) {
      const unitOf = t.metric.startsWith("overhead.") && t.metric !== "overhead.rps" ? "us" : /\.(p\d+|max|mean)$/.test(t.metric) ? "us" : "";
      const shown = t.actual === null ? "not measured" : unitOf === "us" ? formatDuration(t.actual) : String(t.actual);
      out.push(`  ${t.passed ? c.green("✓") : c.red("✗")} ${t.expression} ${c.dim(`(measured ${shown})`)}`);
    }
  }

  out.push("");
  if (result.verdict.passed) {
    const what = [result.probes ? "every probe met the policy" : null, result.load ? "the load was answered" : null].filter(Boolean).join(" and ");
    out.push(c.green.bold("PASS") + c.dim(` · ${what || "nothing failed"}`));
  } else {
    out.push(c.red.bold("FAIL") + ` · ${result.verdict.failures.length} problem${result.verdict.failures.length === 1 ? "" : "s"}`);
    const otherFailures = result.verdict.failures.filter((f) => !f.startsWith("probe ") && !f.startsWith("threshold "));
    for (const failure of otherFailures) out.push(`  ${c.red("✗")} ${failure}`);
  }
  return `${out.join("\n")}\n`;
}
