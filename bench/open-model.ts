/**
 * The open-model generator, old sender (undici on the main event loop) beside the new one (its own thread, raw
 * sockets), in the same run: how late each starts its requests against nginx answering `return 200` at rising
 * rates, and, against the default scenario's edge app, whether the open-model tail at 6k req/s stays within 1.5× of
 * the closed-model tail at 10 connections (a tenth of the load cannot honestly have a worse tail).
 */
import { createLatencyHistogram, summarize, type LatencyHistogram } from "../src/runners/load/histogram.js";
import { lateThresholdMs, runOpenGenerator } from "../src/runners/load/open-generator.js";
import { httpSender, runOpenLoad } from "../src/runners/load/open-model.js";
import { runLoad } from "../src/runners/load/run-load.js";
import { loadScenario } from "../src/scenario/load.js";
import { startTopology } from "../src/topology/start.js";
import { startReturningNginx } from "./nginx-return.js";

const HOST = "app.example.com";
const CONNECTIONS = 10;
export const OPEN_RATES = [1000, 3000, 6000, 10_000];
const APP_RATE = 6000;
const GOALS = { lateShare: 0.001, p99LatenessUs: 100, openOverClosedP99: 1.5 };

interface SenderFigures {
  requests: number;
  late: number;
  lateShare: number;
  p99LatenessUs: number;
  p99Us: number;
  p999Us: number;
  /** New sender only: from the actual send. */
  serviceP99Us?: number;
}

export interface OpenModelFigures {
  roundMs: number;
  connections: number;
  nginx: Array<{ rate: number; undici: SenderFigures; worker: SenderFigures }>;
  edgeApp: { rate: number; closedP99Us: number; undici: SenderFigures; worker: SenderFigures; undiciRatio: number; workerRatio: number };
  goals: typeof GOALS;
}

/** The old sender, with its planned and actual send times kept so its lateness is measured the same way. */
async function undiciRun(url: string, rate: number, durationMs: number): Promise<SenderFigures> {
  const sender = httpSender({ url, host: HOST, method: "GET", path: "/", body: null, connections: CONNECTIONS });
  try {
    const run = await runOpenLoad({ rate, durationMs, connections: CONNECTIONS }, sender.send, undefined, true);
    const lateness = createLatencyHistogram();
    for (const send of run.sends) lateness.recordValue(Math.max(0, Math.round((send.actual - send.planned) * 1000)));
    const late = run.sends.filter((s) => s.actual - s.planned > lateThresholdMs(rate)).length;
    return figures(run.requests, late, lateness, run.histogram);
  } finally {
    await sender.close();
  }
}

async function workerRun(url: string, rate: number, durationMs: number): Promise<SenderFigures> {
  const run = await runOpenGenerator({ url, host: HOST, method: "GET", path: "/", body: null, rate, durationMs, connections: CONNECTIONS, timeoutMs: 10_000, ca: null });
  return { ...figures(run.requests, run.late, run.latenessHistogram, run.histogram), serviceP99Us: summarize(run.serviceHistogram).p99Us };
}

function figures(requests: number, late: number, lateness: LatencyHistogram, response: LatencyHistogram): SenderFigures {
  const latency = summarize(response);
  return { requests, late, lateShare: requests > 0 ? late / requests : 0, p99LatenessUs: summarize(lateness).p99Us, p99Us: latency.p99Us, p999Us: latency.p999Us };
}

const ms = (us: number): string => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us} µs`);
const row = (label: string, sender: string, f: SenderFigures): string =>
  `  ${label.padEnd(11)} ${sender.padEnd(7)} ${`${ms(f.p99Us)} / ${ms(f.p999Us)}`.padStart(20)} ` +
  `${`${f.late} of ${f.requests} (${(f.lateShare * 100).toFixed(2)} %)`.padStart(22)} ${ms(f.p99LatenessUs).padStart(10)}` +
  `${f.serviceP99Us !== undefined ? ms(f.serviceP99Us).padStart(12) : "".padStart(12)}`;

/** Each rate: old and new sender back to back, alternating which goes first. */
async function againstNginx(roundMs: number, line: (text: string) => void): Promise<OpenModelFigures["nginx"]> {
  const nginx = await startReturningNginx();
  const results: OpenModelFigures["nginx"] = [];
  try {
    await runLoad({ url: nginx.url, host: HOST, method: "GET", path: "/", body: null, connections: CONNECTIONS, pipelining: 1, durationMs: 500 });
    for (const [index, rate] of OPEN_RATES.entries()) {
      const workerFirst = index % 2 === 0;
      const first = await (workerFirst ? workerRun : undiciRun)(nginx.url, rate, roundMs);
      const second = await (workerFirst ? undiciRun : workerRun)(nginx.url, rate, roundMs);
      const result = { rate, worker: workerFirst ? first : second, undici: workerFirst ? second : first };
      results.push(result);
      line(row(`${rate / 1000}k req/s`, "undici", result.undici));
      line(row("", "worker", result.worker));
    }
  } finally {
    await nginx.close();
  }
  return results;
}

async function againstEdgeApp(scenarioPath: string, roundMs: number, line: (text: string) => void): Promise<OpenModelFigures["edgeApp"]> {
  const scenario = await loadScenario(scenarioPath);
  const topology = await startTopology({ ...scenario, topologies: ["edge"] });
  try {
    const url = topology.running.find((t) => t.kind === "edge")!.entry.url;
    const closed = (durationMs: number) => runLoad({ url, host: scenario.load.host, method: "GET", path: "/", body: null, connections: CONNECTIONS, pipelining: 1, durationMs });
    await closed(1000);
    const closedP99Us = summarize((await closed(roundMs)).histogram).p99Us;
    const worker = await workerRun(url, APP_RATE, roundMs);
    const undici = await undiciRun(url, APP_RATE, roundMs);
    line(row(`edge ${APP_RATE / 1000}k`, "undici", undici));
    line(row("", "worker", worker));
    return { rate: APP_RATE, closedP99Us, undici, worker, undiciRatio: round3(undici.p99Us / closedP99Us), workerRatio: round3(worker.p99Us / closedP99Us) };
  } finally {
    await topology.close();
  }
}

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

export async function compareOpenModel(scenarioPath: string, roundMs: number, line: (text: string) => void): Promise<OpenModelFigures> {
  line(`open-model generator, old sender (undici, main event loop) beside new (worker thread, raw sockets), ${CONNECTIONS} connections, ${roundMs} ms per run`);
  line(`  ${"target".padEnd(11)} ${"sender".padEnd(7)} ${"p99 / p99.9".padStart(20)} ${"started late".padStart(22)} ${"p99 late".padStart(10)}${"service p99".padStart(12)}`);
  const nginx = await againstNginx(roundMs, line);
  const edgeApp = await againstEdgeApp(scenarioPath, roundMs, line);
  const worst = (pick: (f: SenderFigures) => number) => Math.max(...nginx.map((r) => pick(r.worker)));
  line(
    `  nginx return 200, new sender: worst late ${(worst((f) => f.lateShare) * 100).toFixed(2)} % (goal ≤ ${GOALS.lateShare * 100} %), ` +
      `worst p99 lateness ${ms(worst((f) => f.p99LatenessUs))} (goal ≤ ${GOALS.p99LatenessUs} µs)`,
  );
  line(
    `  edge app at ${APP_RATE / 1000}k req/s: open p99 / closed p99 (10 connections, ${ms(edgeApp.closedP99Us)}): ` +
      `new ×${edgeApp.workerRatio.toFixed(2)}, old ×${edgeApp.undiciRatio.toFixed(2)} (goal ≤ ${GOALS.openOverClosedP99})`,
  );
  return { roundMs, connections: CONNECTIONS, nginx, edgeApp, goals: GOALS };
}
