/**
 * One self-contained HTML file (inline CSS and SVG, no script, nothing fetched): latency percentile curves on log
 * axes, the overhead per round with its interval, throughput per round, the probe matrix, scenario and environment.
 */
import type { LatencySummary, LoadResult, Overhead, PercentilePoint, RunResult } from "../results/types.js";
import {
  deploymentLabels,
  formatDuration,
  METRIC_LABEL,
  formatRate,
  formatRatio,
  formatSignedDuration,
  formatSplit,
  describeDeployment,
  proxiesInRun,
  type DeploymentLabel,
  ttfbRows,
  TTFB_HEADER,
  measuredText,
} from "./format.js";
import { probesSection } from "./html-probes.js";
import { OPEN_MODEL_DEFINITIONS, OPEN_MODEL_HEADER, openModelRows } from "./open-model.js";
import { escapeXml as escapeHtml, groupedBarChart, intervalChart, lineChart, type Series } from "./svg.js";
import { failedRequests } from "../results/failed-requests.js";
import { loadFailures } from "../results/verdict.js";

const TOPOLOGY_COLORS: Record<string, string> = { edge: "#1f77b4", proxied: "#e8710a" };
const OTHER_COLORS = ["#2ca02c", "#9467bd", "#8c564b", "#d62728"];
const OVERHEAD_COLOR = "#6a3d9a";

function colorOf(name: string, index: number): string {
  return TOPOLOGY_COLORS[name] ?? OTHER_COLORS[index % OTHER_COLORS.length]!;
}

/** Percentiles on HdrHistogram's axis: x = log10(1 / (1 − q)), so 90 %, 99 %, 99.9 % sit evenly apart. */
const percentileX = (percentile: number, count: number): number =>
  percentile >= 100 ? Math.log10(Math.max(count, 10)) : -Math.log10(1 - percentile / 100);

/** `99.9%` for x = 3. */
function percentileLabel(x: number): string {
  const percentile = 100 * (1 - 10 ** -x);
  const shown =
    percentile >= 99 ? Number(percentile.toPrecision(Math.max(2, Math.round(x) + 2))) : Math.round(percentile);
  return `${shown}%`;
}

/** Older results kept only the summary: its points stand in for the series. */
function summaryPoints(l: LatencySummary): PercentilePoint[] {
  return [
    { percentile: 0, us: l.minUs },
    { percentile: 50, us: l.p50Us },
    { percentile: 90, us: l.p90Us },
    { percentile: 99, us: l.p99Us },
    { percentile: 99.9, us: l.p999Us },
    { percentile: 100, us: l.maxUs },
  ];
}

function percentileCurves(load: LoadResult, label: DeploymentLabel): string {
  const series: Series[] = load.deployments.map((t, i) => ({
    name: label(t.deployment),
    color: colorOf(label(t.deployment), i),
    points: (t.percentiles?.length ? t.percentiles : summaryPoints(t.latency)).map((p) => ({
      x: percentileX(p.percentile, t.latency.count),
      y: Math.max(1, p.us),
    })),
  }));
  const top = Math.ceil(Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.x))));
  const ticks = Array.from({ length: top + 1 }, (_, x) => ({ value: x, label: x === 0 ? "0%" : percentileLabel(x) }));
  return lineChart(
    {
      title: "Latency by percentile, up to the max (all rounds, µs)",
      x: { label: "percentile", ticks },
      y: { label: "latency", log: true },
      formatY: formatDuration,
    },
    series,
    percentileLabel,
  );
}

function overheadCharts(overhead: Overhead[], name: string): string {
  return overhead
    .map((o) => {
      const ratio = o.unit === "ratio";
      return intervalChart(
        {
          title: ratio
            ? `req/s, ${name} ÷ edge, per round`
            : `Overhead${name === "proxied" ? "" : ` of ${name}`} at ${METRIC_LABEL[o.metric]} per round`,
          width: 360,
          height: 220,
          x: { label: "round" },
          y: { label: ratio ? "ratio" : "added latency", fromZero: true },
          formatY: ratio ? formatRatio : formatSignedDuration,
        },
        { values: o.perRound, median: o.median, interval: o.ci95, color: OVERHEAD_COLOR },
      );
    })
    .join("\n");
}

function throughputChart(load: LoadResult, label: DeploymentLabel): string {
  const rounds = Math.max(0, ...load.deployments.map((t) => t.rounds.length));
  const groups = Array.from({ length: rounds }, (_, i) => `round ${i + 1}`);
  return groupedBarChart(
    { title: "Throughput per round", x: { label: "round" }, y: { label: "req/s" }, formatY: formatRate },
    groups,
    load.deployments.map((t, i) => ({
      name: label(t.deployment),
      color: colorOf(label(t.deployment), i),
      values: groups.map((_, r) => t.rounds.find((x) => x.round === r + 1)?.rps ?? 0),
    })),
  );
}

function keyValueTable(rows: Array<[string, string]>): string {
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join("")}</table>`;
}

const intervalCells = (o: Overhead | undefined, fmt: (value: number) => string): string =>
  o
    ? `<td>${o.significant ? "" : "~"}${escapeHtml(fmt(o.median))}</td><td class="dim">${escapeHtml(`${fmt(o.ci95[0])} … ${fmt(o.ci95[1])}`)}</td>`
    : "<td>–</td><td></td>";

/** Several deployments: a row each against edge, a row each against the reference proxy, p50 per round each. */
function overheadsSection(load: LoadResult, label: DeploymentLabel): string {
  const rows = load.overheads
    .map(({ deployment, figures }) => {
      const pick = (metric: Overhead["metric"]) => figures.find((o) => o.metric === metric);
      return `<tr><th>${escapeHtml(label(deployment))}</th>${intervalCells(pick("p50"), formatSignedDuration)}${intervalCells(pick("p99"), formatSignedDuration)}${intervalCells(pick("rps"), formatRatio)}</tr>`;
    })
    .join("");
  const reference = load.ratios[0]?.reference;
  const ratioRows = load.ratios
    .map(
      (r) =>
        `<tr><th>${escapeHtml(label(r.deployment))}</th>${intervalCells(r.rps, formatRatio)}${intervalCells(r.addedP50, formatRatio)}</tr>`,
    )
    .join("");
  const charts = load.overheads
    .map(({ deployment, figures }) =>
      overheadCharts(
        figures.filter((o) => o.metric === "p50"),
        label(deployment),
      ),
    )
    .join("");
  return (
    `<h3>Proxy overhead</h3><p class="dim">each deployment − edge, median of ${load.overheads[0]?.figures[0]?.perRound.length ?? 0} paired rounds, 95% bootstrap interval; ~ marks a difference the interval cannot tell from none.</p>` +
    `<table class="numbers"><tr><th></th><th>p50</th><th></th><th>p99</th><th></th><th>req/s ×edge</th><th></th></tr>${rows}</table>` +
    (reference
      ? `<h3>Against ${escapeHtml(label(reference))}</h3><p class="dim">ratio per round to ${escapeHtml(label(reference))} in the same round: req/s, and the p50 each adds over edge.</p>` +
        `<table class="numbers"><tr><th></th><th>req/s</th><th></th><th>added p50</th><th></th></tr><tr><th>${escapeHtml(label(reference))}</th><td>×1.00</td><td></td><td>×1.00</td><td></td></tr>${ratioRows}</table>`
      : "") +
    `<div class="charts">${charts}</div>`
  );
}

/** Service time and calibration of an open-model run (none for the closed model). */
function openModelTable(load: LoadResult, label: DeploymentLabel): string[] {
  const rows = openModelRows(load, label);
  if (rows.length === 0) return [];
  return [`${numbersTable(OPEN_MODEL_HEADER, rows)}<p class="dim">${escapeHtml(OPEN_MODEL_DEFINITIONS)}</p>`];
}

/** A table of figures: a header row, then one row per deployment named in its first cell. */
function numbersTable(headings: readonly string[], rows: readonly string[][]): string {
  const header = `<tr>${headings.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr>`;
  const body = rows
    .map(
      ([name, ...cells]) =>
        `<tr><th>${escapeHtml(name!)}</th>${cells.map((v) => `<td>${escapeHtml(v)}</td>`).join("")}</tr>`,
    )
    .join("");
  return `<table class="numbers">${header}${body}</table>`;
}

/** Time to first byte beside the whole answer's time (when the load measured it). */
function firstByteTable(load: LoadResult, label: DeploymentLabel): string[] {
  const rows = ttfbRows(load.deployments, label);
  return rows.length === 0 ? [] : [numbersTable(TTFB_HEADER, rows)];
}

function loadSection(load: LoadResult, label: DeploymentLabel): string {
  const s = load.settings;
  const model =
    s.model === "open"
      ? `open model at ${formatRate(s.rate ?? 0)} req/s, at most ${s.connections} in flight`
      : `closed model, ${s.connections} connections${s.pipelining > 1 ? ` ×${s.pipelining} pipelined` : ""}`;
  const rows = load.deployments
    .map(
      (t) =>
        `<tr><th>${escapeHtml(label(t.deployment))}</th><td>${formatRate(t.medianRps)}</td>${[
          t.latency.p50Us,
          t.latency.p90Us,
          t.latency.p99Us,
          t.latency.p999Us,
          t.latency.maxUs,
        ]
          .map((v) => `<td>${formatDuration(v)}</td>`)
          .join("")}<td class="${failedRequests(t) > 0 ? "bad" : ""}">${failedRequests(t)}</td></tr>`,
    )
    .join("");
  const [only] = load.overheads;
  const overheadRows = (only?.figures ?? [])
    .map((o) => {
      const fmt = o.unit === "ratio" ? formatRatio : formatSignedDuration;
      return `<tr><th>${METRIC_LABEL[o.metric]}</th><td>${o.significant ? "" : "~"}${escapeHtml(fmt(o.median))}</td><td>${escapeHtml(`${fmt(o.ci95[0])} … ${fmt(o.ci95[1])}`)}</td><td>${escapeHtml(`${fmt(o.min)} … ${fmt(o.max)}`)}</td></tr>`;
    })
    .join("");
  return [
    `<h3>Load</h3>`,
    `<p class="dim">${escapeHtml(`${model}; ${load.order.length}/${s.rounds} rounds × ${formatDuration(s.durationMs * 1000)} (warm-up ${formatDuration(s.warmupMs * 1000)}); ${s.method} ${s.path}, Host: ${s.host}; order per round: ${load.order.map((o) => o.map(label).join(" → ")).join(" · ")}`)}</p>`,
    `<table class="numbers"><tr><th></th><th>req/s</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th><th>failed</th></tr>${rows}</table>`,
    ...firstByteTable(load, label),
    ...openModelTable(load, label),
    ...load.deployments
      .filter((t) => t.instanceSplit)
      .map(
        (t) =>
          `<p>Split over instances (${escapeHtml(label(t.deployment))}): ${escapeHtml(formatSplit(t.instanceSplit!))}</p>`,
      ),
    `<div class="charts">${percentileCurves(load, label)}${throughputChart(load, label)}</div>`,
    load.overheads.length > 1
      ? overheadsSection(load, label)
      : only
        ? `<h3>Proxy overhead</h3><p class="dim">${escapeHtml(label(only.deployment))} − ${escapeHtml(only.reference)}, median of ${only.figures[0]?.perRound.length ?? 0} paired rounds, 95% bootstrap interval; ~ marks a difference the interval cannot tell from none.</p>` +
          `<table class="numbers"><tr><th></th><th>median</th><th>95% interval</th><th>min … max</th></tr>${overheadRows}</table>` +
          `<div class="charts">${overheadCharts(only.figures, label(only.deployment))}</div>`
        : "",
  ].join("\n");
}

function resultSection(result: RunResult): string {
  const { scenario, environment } = result;
  const label = deploymentLabels(result.deployments);
  const proxies = proxiesInRun(result);
  // Probe and threshold failures are shown in their sections; the rest (a load that failed, say) only here.
  const otherFailures = loadFailures(result);
  const verdict = result.verdict.passed
    ? `<span class="badge pass">PASS</span>`
    : `<span class="badge fail">FAIL · ${result.verdict.failures.length}</span>`;
  const parts = [
    `<section><h2>${escapeHtml(scenario.name)}${proxies.length === 1 && proxies[0] === "builtin" ? "" : ` · ${escapeHtml(proxies.join(", "))}`} ${verdict}</h2>`,
    scenario.description ? `<p>${escapeHtml(scenario.description)}</p>` : "",
    result.interrupted ? `<p class="warn">Interrupted: the report holds what was measured before the stop.</p>` : "",
    ...result.warnings.map((w) => `<p class="warn">Warning: ${escapeHtml(w)}</p>`),
    `<div class="meta">`,
    keyValueTable([
      ["scenario file", scenario.file ?? "(built in code)"],
      ["deployments", result.deployments.map((d) => d.name).join(", ")],
      ["policy hosts", scenario.policyHosts.join(", ")],
      ["policy profile", scenario.policyProfile],
      [proxies.length > 1 ? "proxies" : "proxy", proxies.join(", ")],
      ...describeDeployment(scenario).map((line): [string, string] => ["deployment", line]),
    ]),
    keyValueTable([
      ["edgebench", result.tool.version],
      ["node", environment.node],
      ["platform", `${environment.platform} ${environment.arch}`],
      ["cpus", `${environment.cpus} × ${environment.cpuModel}`],
      ["run", `${result.startedAt} → ${result.finishedAt}`],
    ]),
    `</div>`,
    result.load ? loadSection(result.load, label) : "",
    result.probes ? probesSection(result) : "",
    result.thresholds.length
      ? `<h3>Thresholds</h3><ul>${result.thresholds
          .map(
            (t) =>
              `<li class="${t.passed ? "pass" : "fail"}">${t.passed ? "✓" : "✗"} <code>${escapeHtml(t.expression)}</code> <span class="dim">(${t.actual === null ? "not measured" : `measured ${escapeHtml(measuredText(t))}`})</span></li>`,
          )
          .join("")}</ul>`
      : "",
    otherFailures.length
      ? `<h3>Also failed</h3><ul>${otherFailures.map((f) => `<li class="fail">${escapeHtml(f)}</li>`).join("")}</ul>`
      : "",
    `</section>`,
  ];
  return parts.filter(Boolean).join("\n");
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1180px;padding:0 16px;color:#1d1d1f;background:#fff}
h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}h3{font-size:15px;margin-top:24px}
table{border-collapse:collapse;margin:8px 0}th,td{padding:3px 10px;text-align:right;border-bottom:1px solid #eee;font-variant-numeric:tabular-nums}
th:first-child{text-align:left}.kv th,.kv td{text-align:left}.meta{display:flex;gap:32px;flex-wrap:wrap}
.matrix td{text-align:left;white-space:nowrap;font-family:ui-monospace,monospace;font-size:12px}.matrix th{font-family:ui-monospace,monospace;font-size:12px;font-weight:normal}
.pass{color:#137333}.fail,.bad{color:#c5221f}.warn{color:#9a6700}.dim{color:#666}
.badge{font-size:12px;padding:2px 8px;border-radius:10px;color:#fff;vertical-align:middle}.badge.pass{background:#137333}.badge.fail{background:#c5221f}
.charts{display:flex;flex-wrap:wrap;gap:16px}.chart{background:#fafafa;border:1px solid #eee}
.chart .grid{stroke:#e3e3e3}.chart .axis{stroke:#888}.chart .tick{font-size:11px;fill:#555}.chart .label{font-size:12px;fill:#333}.chart .title{font-size:13px;font-weight:600;fill:#222}
.failures li{margin-bottom:6px}
.probes{display:flex;gap:24px;align-items:flex-start;flex-wrap:wrap}.matrix tr.category th{padding-top:10px;font-weight:600;font-family:inherit}
.causes{flex:1;min-width:340px}.causes li{margin-bottom:12px}.causes pre{background:#f6f8fa;padding:6px 8px;overflow-x:auto;font-size:12px;margin:4px 0}
.causes sup,.matrix sup{color:#c5221f}.causes details summary{cursor:pointer;color:#555}
`;

export function renderHtml(results: readonly RunResult[]): string {
  const title = `edgebench · ${results.map((r) => r.scenario.name).join(", ")}`;
  return [
    "<!DOCTYPE html>",
    `<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    ...results.map(resultSection),
    `</body></html>`,
    "",
  ].join("\n");
}
