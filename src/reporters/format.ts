/** Number formatting shared by the text reporters: µs/ms/s, k req/s, signed differences. */
import type { ThresholdResult } from "../results/thresholds.js";
import type { DeploymentLoad, H2ProbeAnswer, Overhead, ProbeResult, RunResult } from "../results/types.js";
import { thresholdKind } from "../scenario/thresholds.js";
import type { AppWork, DirectionShape } from "../scenario/types.js";

/** How every reporter names an overhead figure. */
export const METRIC_LABEL: Readonly<Record<Overhead["metric"], string>> = {
  p50: "p50",
  p90: "p90",
  p99: "p99",
  p999: "p99.9",
  rps: "req/s",
};

/** A threshold's measured value in its metric's unit (from the table that parses thresholds), or "not measured". */
export function measuredText(threshold: Pick<ThresholdResult, "metric" | "actual">): string {
  const { metric, actual } = threshold;
  if (actual === null) return "not measured";
  return thresholdKind(metric) === "duration" ? formatDuration(actual) : String(actual);
}

export function formatDuration(us: number): string {
  if (!Number.isFinite(us)) return "–";
  const abs = Math.abs(us);
  if (abs < 1000) return `${Math.round(us)}µs`;
  if (abs < 1_000_000) return `${(us / 1000).toFixed(abs < 10_000 ? 2 : 1)}ms`;
  return `${(us / 1_000_000).toFixed(2)}s`;
}

export function formatSignedDuration(us: number): string {
  return `${us > 0 ? "+" : us < 0 ? "−" : "±"}${formatDuration(Math.abs(us))}`;
}

export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return "–";
  if (perSecond >= 10_000) return `${(perSecond / 1000).toFixed(1)}k`;
  return `${Math.round(perSecond)}`;
}

export function formatRatio(ratio: number): string {
  return `×${ratio.toFixed(2)}`;
}

/** Visible width of a string that may hold ANSI colour codes. */
export function visibleLength(text: string): number {
  return text.replace(/\x1b\[[0-9;]*m/g, "").length;
}

export function padEnd(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - visibleLength(text)));
}

export function padStart(text: string, width: number): string {
  return " ".repeat(Math.max(0, width - visibleLength(text))) + text;
}

/** Aligns rows into columns; `right` marks the columns aligned to the right. */
export function table(rows: string[][], right: ReadonlySet<number> = new Set(), gap = 2): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))));
  return rows.map((row) =>
    row
      .map((cell, i) =>
        right.has(i) ? padStart(cell, widths[i]!) : i === row.length - 1 ? cell : padEnd(cell, widths[i]!),
      )
      .join(" ".repeat(gap))
      .trimEnd(),
  );
}

/** A deployment's name as reports show it. */
export type DeploymentLabel = (name: string) => string;

/**
 * Short labels for a run's deployments: `proxied` when it has one proxied deployment (as reports always read), the
 * engine (`nginx`, `builtin`) when it has several; other names as they are.
 */
export function deploymentLabels(deployments: RunResult["deployments"]): DeploymentLabel {
  const proxied = deployments.filter((d) => d.topology === "proxied").map((d) => d.name);
  return (name) => (!proxied.includes(name) ? name : proxied.length === 1 ? "proxied" : name.replace(/^proxied\//, ""));
}

/** The proxies a run measured, each with its version (edgebench's own proxy without), or the scenario's engine. */
export function proxiesInRun(result: RunResult): string[] {
  const proxied = result.deployments.flatMap((d) => (d.engine ? [{ ...d.engine, profile: d.profile }] : []));
  if (proxied.length === 0) return [result.scenario.proxyEngine];
  return proxied.map((e) => [e.name, e.profile, e.name === "builtin" ? "" : e.version].filter(Boolean).join(" "));
}

/** A failure target (`proxied/nginx`, `proxied/nginx→app`, `target`) with the deployment shown by its label. */
export function targetLabel(label: DeploymentLabel): (target: string) => string {
  return (target) => {
    const [deployment, ...rest] = target.split("→");
    return [label(deployment!), ...rest].join("→");
  };
}

/** Where a probe went, as a column label: the deployment, `proxied→app` for the bypass, `target` for a URL. */
export function probeTargetLabel(result: ProbeResult, label: DeploymentLabel = (name) => name): string {
  return result.via === "bypass"
    ? `${label(result.deployment)}→app`
    : result.deployment === "external"
      ? "target"
      : label(result.deployment);
}

/** An HTTP/2 probe's streams, short: `400`, `RST` (RST_STREAM), `GOAWAY`, joined by `+` (`RST+200`). */
function h2Statuses(h2: H2ProbeAnswer, timedOut: boolean): string {
  const streams = h2.streams.map((s) =>
    s.reset !== null
      ? "RST"
      : s.status !== null
        ? String(s.status)
        : h2.goaway !== null
          ? "GOAWAY"
          : timedOut
            ? "hang"
            : "closed",
  );
  return streams.filter((text, i) => i === 0 || text !== "GOAWAY").join("+");
}

/** The answers a probe got, short: `400+200`, or `hang` / `closed` when there was none. */
export function observedStatuses(result: ProbeResult): string {
  if (result.h2) return h2Statuses(result.h2, result.timedOut);
  return (
    result.observed.map((o) => (o.outcome === "exposed" ? `${o.status} exposed` : o.status)).join("+") ||
    (result.timedOut ? "hang" : "closed")
  );
}

/** One answer with who gave it: `400 from the proxy`, or `400 (who answered is unknown)` without an app record. */
export function answerWithSource(observed: ProbeResult["observed"][number]): string {
  if (observed.answeredBy === "unknown") return `${observed.status} (who answered is unknown)`;
  return `${observed.status} from the ${observed.answeredBy}`;
}

/** The answers a probe got, with who answered each. */
export function observedAnswers(result: ProbeResult): string {
  if (result.h2) {
    const streams = result.h2.streams.map(
      (s, i) => `stream ${2 * i + 1}: ${s.reset !== null ? `RST_STREAM ${s.reset}` : (s.status ?? "no answer")}`,
    );
    return `${streams.join(", ")}${result.h2.goaway !== null ? `, GOAWAY ${result.h2.goaway}` : ""}`;
  }
  return (
    result.observed.map(answerWithSource).join(", then ") ||
    (result.timedOut ? "no answer (hang)" : "closed without an answer")
  );
}

/** Rows and columns of the probe matrix: probe ids in catalog order, targets in first-seen order. */
export function probeMatrix(
  results: readonly ProbeResult[],
  label?: DeploymentLabel,
): { ids: string[]; columns: string[]; cell(id: string, column: string): ProbeResult | undefined } {
  const byKey = new Map(results.map((r) => [`${r.probe}\u0000${probeTargetLabel(r, label)}`, r]));
  return {
    ids: [...new Set(results.map((r) => r.probe))],
    columns: [...new Set(results.map((r) => probeTargetLabel(r, label)))],
    cell: (id, column) => byKey.get(`${id}\u0000${column}`),
  };
}

/** Word-wraps plain text to `width` columns, continuation lines indented by `indent`. */
export function wrap(text: string, width: number, indent = ""): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : `${lines.length ? indent : ""}${word}`;
    if (visibleLength(candidate) > width && line.trim()) {
      lines.push(line);
      line = `${indent}${word}`;
    } else line = candidate;
  }
  if (line) lines.push(line);
  return lines;
}

/** `web#1 33.4 % (1,234) · web#2 …`: how a balancing proxy spread the answers. */
export function formatSplit(split: ReadonlyArray<{ instance: string; answers: number; share: number }>): string {
  return split.map((s) => `${s.instance} ${(s.share * 100).toFixed(1)} % (${s.answers})`).join(" · ");
}

const TLS_PLACEMENT = {
  off: null,
  terminate: "TLS terminated where clients connect (the edge app; the proxy, plain HTTP to the app)",
  reencrypt: "TLS where clients connect and again from the proxy to the app (re-encrypted)",
} as const;

function describeDirection(d: DirectionShape): string {
  const parts = [
    `${formatDuration(d.latencyMs * 1000)}${d.jitterMs > 0 ? ` ±${formatDuration(d.jitterMs * 1000)}` : ""}`,
  ];
  if (d.bandwidthMbps !== null) parts.push(`${d.bandwidthMbps} Mbit/s`);
  if (d.resetProbability > 0) parts.push(`resets ${(d.resetProbability * 100).toFixed(0)} %`);
  if (d.stallProbability > 0) parts.push(`stalls ${(d.stallProbability * 100).toFixed(0)} %`);
  return parts.join(", ");
}

/** The deployment's shape in words: TLS placement and shaped hops, one line each (none for a plain run). */
export function describeDeployment(scenario: RunResult["scenario"]): string[] {
  const lines: string[] = [];
  if (scenario.appRuntime) lines.push(`app runtime: ${scenario.appRuntime}`);
  const tls = TLS_PLACEMENT[scenario.tls ?? "off"];
  if (tls) lines.push(tls);
  for (const { app, work } of scenario.appWork ?? []) lines.push(`app ${app}: ${describeWork(work)}`);
  for (const [name, hop] of [
    ["client hop", scenario.hops?.client],
    ["app hop", scenario.hops?.app],
  ] as const) {
    if (!hop) continue;
    const toServer = describeDirection(hop.toServer);
    const toClient = describeDirection(hop.toClient);
    lines.push(
      `${name}: ${toServer === toClient ? `${toServer} each way` : `${toServer} toward the server, ${toClient} back`}`,
    );
  }
  return lines;
}

/** What an app does per request: `5ms service time, 16KiB answers, streamed in 4 chunks 1ms apart`. */
function describeWork(work: AppWork): string {
  const parts: string[] = [];
  const time = work.serviceTime;
  if (time?.distribution === "fixed") parts.push(`${time.ms}ms service time`);
  if (time?.distribution === "uniform") parts.push(`service time uniform ${time.minMs}–${time.maxMs}ms`);
  if (time?.distribution === "lognormal") {
    parts.push(`service time log-normal, median ${time.medianMs}ms, p99 ${time.p99Ms}ms`);
  }
  if (work.answerBytes !== null) parts.push(`${formatBytes(work.answerBytes)} answers`);
  if (work.chunks > 1) parts.push(`streamed in ${work.chunks} chunks ${work.chunkDelayMs}ms apart`);
  return parts.join(", ");
}

/** Bytes in the largest binary unit that divides them: 1MiB, 16KiB, 1000B. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 2 && bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2}MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024}KiB`;
  return `${bytes}B`;
}

/** Time to first byte beside the whole answer's time, per topology, when the load measured it. */
export function ttfbRows(deployments: readonly DeploymentLoad[], label: DeploymentLabel): string[][] {
  return deployments.flatMap((t) =>
    t.ttfb
      ? [[label(t.deployment), ...[t.ttfb.p50Us, t.latency.p50Us, t.ttfb.p99Us, t.latency.p99Us].map(formatDuration)]]
      : [],
  );
}

export const TTFB_HEADER = ["first byte / whole answer", "p50 first", "p50 whole", "p99 first", "p99 whole"];
