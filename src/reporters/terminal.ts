/** The human report: load table, proxy overhead with its interval, probe matrix, failures and a one-line verdict. */
import { Chalk, type ChalkInstance } from "chalk";
import type { DeploymentLoad, LoadResult, Overhead, ProbesResult, RunResult } from "../results/types.js";
import {
  deploymentLabels,
  formatDuration,
  measuredText,
  METRIC_LABEL,
  formatRate,
  formatRatio,
  formatSignedDuration,
  observedStatuses,
  probeMatrix,
  probeTargetLabel,
  formatBytes,
  ttfbRows,
  TTFB_HEADER,
  formatSplit,
  describeDeployment,
  proxiesInRun,
  table,
  wrap,
  type DeploymentLabel,
} from "./format.js";
import { categoryLines, causesSection } from "./terminal-causes.js";
import { OPEN_MODEL_DEFINITIONS, OPEN_MODEL_HEADER, openModelRows } from "./open-model.js";
import { failedRequests } from "../results/failed-requests.js";
import { loadFailures } from "../results/verdict.js";

export interface TerminalOptions {
  color: boolean;
  /** Terminal width; wide tables are narrowed to fit (default 80). */
  width?: number;
  /** Every probe's row and every failure's explanation, not one line per category and the causes. */
  verbose?: boolean;
}

/** A bold title with dim details after it, wrapped to the width. */
function heading(c: InstanceType<typeof Chalk>, title: string, details: string, width: number): string[] {
  return wrap(`${title} · ${details}`, width, "  ").map((line, i) =>
    i === 0 ? c.bold(title) + c.dim(line.slice(title.length)) : c.dim(line),
  );
}

const SKETCH_PERCENTILES = [
  { label: "p50", pick: (t: DeploymentLoad) => t.latency.p50Us },
  { label: "p99", pick: (t: DeploymentLoad) => t.latency.p99Us },
] as const;

/** Bars on a log scale from 10 µs, so the proxy's added latency is seen at a glance at p50 and p99. */
function latencySketch(
  topologies: readonly DeploymentLoad[],
  label: DeploymentLabel,
  width: number,
  c: InstanceType<typeof Chalk>,
): string[] {
  const values = topologies.flatMap((t) => SKETCH_PERCENTILES.map((p) => p.pick(t)));
  const floor = 10;
  const top = Math.max(floor * 10, ...values);
  const nameWidth = Math.max(...topologies.map((t) => label(t.deployment).length));
  const barWidth = Math.max(10, width - nameWidth - 20);
  const cells = (us: number): number =>
    Math.round((Math.log10(Math.max(us, floor) / floor) / Math.log10(top / floor)) * barWidth * 8);
  const lines = [c.dim(`  latency, log scale from 10µs to ${formatDuration(top)}`)];
  for (const p of SKETCH_PERCENTILES) {
    topologies.forEach((t, i) => {
      const eighths = cells(p.pick(t));
      const bar = "█".repeat(Math.floor(eighths / 8)) + (eighths % 8 ? "▏▎▍▌▋▊▉"[(eighths % 8) - 1] : "");
      lines.push(
        `  ${(i === 0 ? p.label : "").padEnd(4)} ${label(t.deployment).padEnd(nameWidth)}  ${(t.deployment === "edge" ? c.blue : c.yellow)(bar.padEnd(barWidth))} ${formatDuration(p.pick(t))}`,
      );
    });
  }
  return lines;
}

/** The marker and median of a figure, `~` when its interval cannot tell it from none. */
function marked(o: Overhead, fmt: (value: number) => string, c: InstanceType<typeof Chalk>): string[] {
  return [`${o.significant ? "" : c.yellow("~")}${fmt(o.median)}`, c.dim(`[${fmt(o.ci95[0])} … ${fmt(o.ci95[1])}]`)];
}

/** Several deployments: each one's overhead over edge, then its ratios to the reference proxy, one row each. */
function overheadsTable(
  load: LoadResult,
  label: DeploymentLabel,
  width: number,
  c: InstanceType<typeof Chalk>,
): string[] {
  const out = [""];
  const rounds = load.overheads[0]?.figures[0]?.perRound.length ?? 0;
  out.push(
    ...heading(c, "Proxy overhead", `each − edge, median of ${rounds} paired rounds [95% bootstrap interval]`, width),
  );
  const rows = [["", "p50", "", "p99", "", "req/s"].map((h) => c.dim(h))];
  for (const { deployment, figures } of load.overheads) {
    const pick = (metric: Overhead["metric"]) => figures.find((o) => o.metric === metric);
    const [p50, p99, rps] = [pick("p50"), pick("p99"), pick("rps")];
    rows.push([
      label(deployment),
      ...(p50 ? marked(p50, formatSignedDuration, c) : ["–", ""]),
      ...(p99 ? marked(p99, formatSignedDuration, c) : ["–", ""]),
      rps ? `${formatRatio(rps.median)}` : "–",
    ]);
  }
  out.push(...table(rows, new Set([1, 3, 5])).map((line) => `  ${line}`));
  const reference = load.ratios[0]?.reference;
  if (reference) {
    out.push("");
    out.push(
      ...heading(
        c,
        `Against ${label(reference)}`,
        `ratio per round to ${label(reference)} in the same round, median [95% bootstrap interval]`,
        width,
      ),
    );
    const ratioRows = [["", "req/s", "", "added p50", ""].map((h) => c.dim(h))];
    ratioRows.push([label(reference), "×1.00", "", "×1.00", ""]);
    for (const r of load.ratios)
      ratioRows.push([label(r.deployment), ...marked(r.rps, formatRatio, c), ...marked(r.addedP50, formatRatio, c)]);
    out.push(...table(ratioRows, new Set([1, 3])).map((line) => `  ${line}`));
  }
  const figures = [...load.overheads.flatMap((o) => o.figures), ...load.ratios.flatMap((r) => [r.rps, r.addedP50])];
  if (figures.some((o) => !o.significant))
    out.push(c.dim("  ~: the interval includes no difference; more rounds would tell"));
  return out;
}

export function renderTerminal(result: RunResult, options: TerminalOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const width = options.width ?? 80;
  const ctx: Context = { c, width, label: deploymentLabels(result.deployments) };
  const out = headerLines(result, ctx);
  if (result.load) out.push(...loadLines(result.load, ctx));
  if (result.probes) out.push(...probeLines(result, result.probes, ctx, options.verbose ?? false));
  out.push(...thresholdLines(result, ctx), ...verdictLines(result, ctx));
  return `${out.join("\n")}\n`;
}

/** What every section needs: colours, the width to wrap at, and how deployments are named. */
interface Context {
  c: ChalkInstance;
  width: number;
  label: DeploymentLabel;
}

/** The scenario, its deployments, the rules it is graded by, and any warning. */
function headerLines(result: RunResult, { c, width }: Context): string[] {
  const out: string[] = [];
  const { scenario } = result;
  out.push(
    c.bold(`edgebench ${result.tool.version} · scenario ${scenario.name}`) +
      (scenario.file ? c.dim(` (${scenario.file})`) : ""),
  );
  if (scenario.description) out.push(...wrap(scenario.description, width).map((line) => c.dim(line)));
  const proxies = proxiesInRun(result);
  const hostsAndProxies = `policy hosts: ${scenario.policyHosts.join(", ")} · ${proxies.length > 1 ? "proxies" : "proxy"}: ${proxies.join(", ")}`;
  out.push(...wrap(hostsAndProxies, width, "  ").map((line) => c.dim(line)));
  for (const line of describeDeployment(scenario)) out.push(...wrap(line, width, "  ").map((l) => c.dim(l)));
  if (result.probes) {
    const k = scenario.knobs;
    const rules =
      `rules (${scenario.policyProfile}): wildcard ${k.wildcardDepth === "one" ? "one label" : "any depth"}, trailing dot ${k.trailingDot}, ` +
      `other port ${k.nonDefaultPort}, empty port ${k.emptyPort}, underscores ${k.underscoreLabels}, ` +
      `DNS length ${k.dnsLengthLimits ? "enforced" : "not enforced"}, https over cleartext ${k.schemeCheck}` +
      (result.probes.results.some((r) => r.category === "h2-downgrade")
        ? `, malformed HTTP/2 ${k.h2Malformed ?? "harmless"}`
        : "");
    out.push(...wrap(rules, width, "  ").map((line) => c.dim(line)));
  }
  if (result.interrupted) out.push(c.yellow("Interrupted: the report holds what was measured before the stop."));
  for (const warning of result.warnings ?? []) out.push(c.yellow(`Warning: ${warning}`));
  return out;
}

function loadLines(load: LoadResult, ctx: Context): string[] {
  const { c, width, label } = ctx;
  const out: string[] = [];
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
  for (const t of load.deployments) {
    const failed = failedRequests(t);
    rows.push([
      label(t.deployment),
      formatRate(t.medianRps),
      formatDuration(t.latency.p50Us),
      formatDuration(t.latency.p90Us),
      formatDuration(t.latency.p99Us),
      formatDuration(t.latency.p999Us),
      formatDuration(t.latency.maxUs),
      failed > 0 ? c.red(String(failed)) : "0",
    ]);
  }
  if (load.deployments.length > 2) {
    const shared = `one warm-up and ${load.order.length} rounds shared by all ${load.deployments.length} deployments, each round in a shuffled order`;
    out.push(...wrap(shared, width - 2, "  ").map((line) => c.dim(`  ${line}`)));
  }
  out.push(...table(rows, new Set([1, 2, 3, 4, 5, 6, 7])).map((line) => `  ${line}`));
  out.push(c.dim("  req/s: median of rounds; percentiles: all rounds' responses, µs resolution"));
  const firstByte = ttfbRows(load.deployments, label);
  if (firstByte.length > 0) {
    const rows = [TTFB_HEADER.map((h) => c.dim(h)), ...firstByte];
    out.push(...table(rows, new Set([1, 2, 3, 4])).map((line) => `  ${line}`));
  }
  const hops = load.deployments.filter((t) => t.hops).map((t) => `${label(t.deployment)} ${t.hops!.join(" → ")}`);
  if (hops.length > 0) out.push(c.dim(`  protocol per hop: ${hops.join(" · ")} (app last)`));
  out.push(...latencySketch(load.deployments, label, Math.min(width, 100), c));
  for (const t of load.deployments) {
    if (t.instanceSplit)
      out.push(
        ...wrap(`split over instances (${label(t.deployment)}): ${formatSplit(t.instanceSplit)}`, width - 2, "  ").map(
          (line) => `  ${line}`,
        ),
      );
  }
  const openRows = openModelRows(load, label);
  if (openRows.length > 0) {
    out.push(
      ...table([OPEN_MODEL_HEADER.map((h) => c.dim(h)), ...openRows], new Set([1, 2, 3, 4, 5])).map(
        (line) => `  ${line}`,
      ),
    );
    out.push(...wrap(OPEN_MODEL_DEFINITIONS, width - 2, "  ").map((line) => c.dim(`  ${line}`)));
  }
  out.push(...overheadLines(load, ctx));
  return out;
}

/** One proxy: its figures against the reference; several: the table of every deployment's overhead. */
function overheadLines(load: LoadResult, { c, width, label }: Context): string[] {
  const out: string[] = [];
  const [only] = load.overheads;
  if (load.overheads.length === 1 && only) {
    out.push("");
    out.push(
      ...heading(
        c,
        "Proxy overhead",
        `${label(only.deployment)} − ${only.reference}, median of ${only.figures[0]?.perRound.length ?? 0} paired rounds [95% bootstrap interval] (min … max)`,
        width,
      ),
    );
    const overheadRows = only.figures.map((o) => {
      const fmt = o.unit === "ratio" ? formatRatio : formatSignedDuration;
      const marker = o.significant ? " " : c.yellow("~");
      return [
        METRIC_LABEL[o.metric],
        `${marker}${fmt(o.median)}`,
        c.dim(`[${fmt(o.ci95[0])} … ${fmt(o.ci95[1])}]`),
        c.dim(`(${fmt(o.min)} … ${fmt(o.max)})`),
      ];
    });
    out.push(...table(overheadRows, new Set([1])).map((line) => `  ${line}`));
    if (only.figures.some((o) => !o.significant))
      out.push(c.dim("  ~: the interval includes no difference; more rounds would tell"));
  } else if (load.overheads.length > 1) out.push(...overheadsTable(load, label, width, c));
  return out;
}

/** A row per shown probe, a column per target: ✓ or ✗ and the statuses observed. */
function matrixRows(
  shown: readonly string[],
  columns: readonly string[],
  cell: ReturnType<typeof probeMatrix>["cell"],
  width: number,
  c: ChalkInstance,
): string[][] {
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
  return rows;
}

function probeLines(result: RunResult, probes: ProbesResult, { c, width, label }: Context, verbose: boolean): string[] {
  const out: string[] = [];
  out.push("");
  if (probes.view === "wire")
    out.push(
      c.yellow(
        "Graded on the wire alone: what the app believed cannot be seen from outside, so 2xx answers are taken as served.",
      ),
    );
  out.push(
    c.bold("Host probes") +
      c.dim(
        ` · ${probes.passed} passed, ${probes.failed} failed${probes.skipped.length ? `, ${probes.skipped.length} not applicable to this policy` : ""}`,
      ),
  );
  // Several proxies: a column per deployment's entry, and the probes whose verdicts differ between them too.
  const several = proxiesInRun(result).length > 1;
  const { ids, columns, cell } = probeMatrix(
    several ? probes.results.filter((r) => r.via === "entry") : probes.results,
    label,
  );
  if (!verbose) out.push(...categoryLines(probes.results, c, label));
  const differs = (id: string): boolean =>
    several && new Set(columns.map((col) => cell(id, col)?.pass ?? true)).size > 1;
  // Without --verbose only the failed probes get rows: a passing run reads in one line per category.
  const shown = verbose
    ? ids
    : ids.filter((id) => columns.some((column) => cell(id, column)?.pass === false) || differs(id));
  const rows = matrixRows(shown, columns, cell, width, c);
  if (shown.length > 0) out.push(...(verbose ? [] : [""]), ...table(rows).map((line) => `  ${line}`));
  if (several) {
    const bypassFailed = probes.results.filter((r) => r.via === "bypass" && !r.pass).length;
    const note = `${ids.length - shown.length} other probes pass on every deployment; sent straight to the apps behind the proxies, ${bypassFailed} failed`;
    out.push(...wrap(note, width - 2, "  ").map((line) => c.dim(`  ${line}`)));
  }
  const observed = probes.results.filter((r) => r.observation);
  if (observed.length > 0) {
    out.push("");
    out.push(c.bold("Timed probes"));
    for (const r of observed)
      out.push(
        ...wrap(`${r.probe} on ${probeTargetLabel(r, label)}: ${r.observation}`, width - 2).map((line) => `  ${line}`),
      );
  }
  out.push(...causesSection(result, { c, width, verbose: verbose }));
  return out;
}

function thresholdLines(result: RunResult, { c }: Context): string[] {
  const out: string[] = [];
  if (result.thresholds?.length) {
    out.push("");
    out.push(c.bold("Thresholds"));
    for (const t of result.thresholds) {
      const shown = measuredText(t);
      out.push(`  ${t.passed ? c.green("✓") : c.red("✗")} ${t.expression} ${c.dim(`(measured ${shown})`)}`);
    }
  }
  return out;
}

function verdictLines(result: RunResult, { c }: Context): string[] {
  const out: string[] = [];
  out.push("");
  if (result.verdict.passed) {
    const what = [result.probes ? "every probe met the policy" : null, result.load ? "the load was answered" : null]
      .filter(Boolean)
      .join(" and ");
    out.push(c.green.bold("PASS") + c.dim(` · ${what || "nothing failed"}`));
  } else {
    out.push(
      c.red.bold("FAIL") +
        ` · ${result.verdict.failures.length} problem${result.verdict.failures.length === 1 ? "" : "s"}`,
    );
    const otherFailures = loadFailures(result);
    for (const failure of otherFailures) out.push(`  ${c.red("✗")} ${failure}`);
  }
  return out;
}
