/**
 * The open-model generator, old sender (undici on the main event loop) beside the new one (its own thread, raw
 * sockets), in the same run: how late each starts its requests against nginx answering `return 200` at rising
 * rates, and, against the default scenario's edge app, whether the open-model tail at 6k req/s stays within 1.5× of
 * the closed-model tail at 10 connections (a tenth of the load cannot honestly have a worse tail).
 */
import { loadavg } from "node:os";
import { createLatencyHistogram, summarize, type LatencyHistogram } from "../src/runners/load/histogram.js";
import { lateThresholdMs, runOpenGenerator } from "../src/runners/load/open-generator.js";
import { httpSender, runOpenLoad } from "../src/runners/load/open-model.js";
import { runLoad } from "../src/runners/load/run-load.js";
import { loadScenario } from "../src/scenario/load.js";
import { startTopology } from "../src/topology/start.js";
import { startReturningNginx } from "./nginx-return.js";

const HOST = "app.example.com";
/** The closed-model reference runs at 10 connections, as the comparison does. */
const CLOSED_CONNECTIONS = 10;
/**
 * Open-model runs may hold this many requests in flight: enough that a server's hiccup does not leave the generator
 * without a free connection, so what is late is the generator's doing (both senders alike).
 */
const CONNECTIONS = 32;
export const OPEN_RATES = [1000, 3000, 6000, 10_000];
const APP_RATE = 6000;
const GOALS = { lateShare: 0.001, p99LatenessUs: 100, openOverClosedP99: 1.5 };

interface SenderFigures {
  requests: number;
  late: number;
  /** Of the late ones, those that had a free connection: the sender's own doing, not the server's. */
  schedulerLate: number;
  lateShare: number;
  p99LatenessUs: number;
  p99Us: number;
  p999Us: number;
  /** New sender only: from the actual send. */
  serviceP99Us?: number;
  /**
   * CPU time of this whole process per request sent, µs: against nginx (a process of its own) that is the sender's
   * cost alone, a figure the machine's other load barely moves. Not given against the edge app, which runs in here.
   */
  cpuUsPerRequest?: number;
}

interface SenderPair {
  rate: number;
  undici: SenderFigures;
  worker: SenderFigures;
}

export interface OpenModelFigures {
  roundMs: number;
  /** The machine's one-minute load average when the part ended: how shared the two cores were. */
  loadAverage: number;
  connections: number;
  closedConnections: number;
  nginx: SenderPair[];
  edgeApp: SenderPair & { closedP99Us: number; undiciRatio: number; workerRatio: number };
  goals: typeof GOALS;
}

type Sender = (url: string, rate: number, durationMs: number) => Promise<SenderFigures>;

/** The old sender, with its planned and actual send times kept so its lateness is measured the same way. */
const undiciRun: Sender = async (url, rate, durationMs) => {
  const sender = httpSender({ url, host: HOST, method: "GET", path: "/", body: null, connections: CONNECTIONS });
  try {
    const run = await runOpenLoad({ rate, durationMs, connections: CONNECTIONS }, sender.send, undefined, true);
    const lateness = createLatencyHistogram();
    for (const send of run.sends) lateness.recordValue(Math.max(0, Math.round((send.actual - send.planned) * 1000)));
    const late = run.sends.filter((s) => s.actual - s.planned > lateThresholdMs(rate)).length;
    return figures(run.requests, late, run.schedulerLate, lateness, run.histogram);
  } finally {
    await sender.close();
  }
};

const workerRun: Sender = async (url, rate, durationMs) => {
  const request = { url, host: HOST, method: "GET", path: "/", body: null };
  const load = { rate, durationMs, connections: CONNECTIONS, timeoutMs: 10_000, ca: null };
  const run = await runOpenGenerator({ ...request, ...load });
  const measured = figures(run.requests, run.late, run.schedulerLate, run.latenessHistogram, run.histogram);
  return { ...measured, serviceP99Us: summarize(run.serviceHistogram).p99Us };
};

function figures(
  requests: number,
  late: number,
  schedulerLate: number,
  lateness: LatencyHistogram,
  response: LatencyHistogram,
): SenderFigures {
  const { p99Us, p999Us } = summarize(response);
  const lateShare = requests > 0 ? late / requests : 0;
  return { requests, late, schedulerLate, lateShare, p99LatenessUs: summarize(lateness).p99Us, p99Us, p999Us };
}

/** A sender's run with the process's CPU time per request beside its figures. */
async function withCpu(sender: Sender, url: string, rate: number, durationMs: number): Promise<SenderFigures> {
  const before = process.cpuUsage();
  const measured = await sender(url, rate, durationMs);
  const used = process.cpuUsage(before);
  const perRequest = (used.user + used.system) / Math.max(1, measured.requests);
  return { ...measured, cpuUsPerRequest: Math.round(perRequest * 10) / 10 };
}

/** Old and new sender back to back at one rate, alternating which goes first so drift falls on both. */
async function pair(
  url: string,
  rate: number,
  durationMs: number,
  workerFirst: boolean,
  cpu: boolean,
): Promise<SenderPair> {
  const run = (sender: Sender): Promise<SenderFigures> =>
    cpu ? withCpu(sender, url, rate, durationMs) : sender(url, rate, durationMs);
  const first = await run(workerFirst ? workerRun : undiciRun);
  const second = await run(workerFirst ? undiciRun : workerRun);
  return { rate, worker: workerFirst ? first : second, undici: workerFirst ? second : first };
}

const ms = (us: number): string => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us} µs`);
const percent = (share: number): string => `${(share * 100).toFixed(2)} %`;
const columns = (cells: string[]): string =>
  `  ${cells[0]!.padEnd(11)} ${cells[1]!.padEnd(7)} ${cells[2]!.padStart(21)} ${cells[3]!.padStart(24)}` +
  ` ${cells[4]!.padStart(13)} ${cells[5]!.padStart(10)} ${cells[6]!.padStart(12)} ${cells[7]!.padStart(8)}`;
const row = (label: string, sender: string, f: SenderFigures): string =>
  columns([
    label,
    sender,
    `${ms(f.p99Us)} / ${ms(f.p999Us)}`,
    `${f.late} of ${f.requests} (${percent(f.lateShare)})`,
    String(f.schedulerLate),
    ms(f.p99LatenessUs),
    f.serviceP99Us !== undefined ? ms(f.serviceP99Us) : "–",
    f.cpuUsPerRequest !== undefined ? `${f.cpuUsPerRequest} µs` : "–",
  ]);
const printPair = (line: (text: string) => void, label: string, result: SenderPair): void => {
  line(row(label, "undici", result.undici));
  line(row("", "worker", result.worker));
};

async function againstNginx(roundMs: number, line: (text: string) => void): Promise<SenderPair[]> {
  const nginx = await startReturningNginx();
  const results: SenderPair[] = [];
  try {
    const request = { url: nginx.url, host: HOST, method: "GET", path: "/", body: null, pipelining: 1 };
    await runLoad({ ...request, connections: CLOSED_CONNECTIONS, durationMs: 500 });
    for (const [index, rate] of OPEN_RATES.entries()) {
      const result = await pair(nginx.url, rate, roundMs, index % 2 === 0, true);
      results.push(result);
      printPair(line, `${rate / 1000}k req/s`, result);
    }
  } finally {
    await nginx.close();
  }
  return results;
}

type Line = (text: string) => void;

async function againstEdgeApp(scenarioPath: string, roundMs: number, line: Line): Promise<OpenModelFigures["edgeApp"]> {
  const scenario = await loadScenario(scenarioPath);
  const topology = await startTopology({ ...scenario, topologies: ["edge"] });
  try {
    const url = topology.running.find((t) => t.kind === "edge")!.entry.url;
    const request = { url, host: scenario.load.host, method: "GET", path: "/", body: null, pipelining: 1 };
    const closed = (durationMs: number) => runLoad({ ...request, connections: CLOSED_CONNECTIONS, durationMs });
    await closed(1000);
    const closedP99Us = summarize((await closed(roundMs)).histogram).p99Us;
    const result = await pair(url, APP_RATE, roundMs, true, false);
    printPair(line, `edge ${APP_RATE / 1000}k`, result);
    const ratio = (f: SenderFigures): number => Math.round((f.p99Us / closedP99Us) * 1000) / 1000;
    return { ...result, closedP99Us, undiciRatio: ratio(result.undici), workerRatio: ratio(result.worker) };
  } finally {
    await topology.close();
  }
}

export async function compareOpenModel(scenarioPath: string, roundMs: number, line: Line): Promise<OpenModelFigures> {
  line(
    `open-model generator: old sender (undici, main event loop) beside new (worker thread, raw sockets), ` +
      `at most ${CONNECTIONS} in flight, ${roundMs} ms per run, load average ${loadavg()[0]!.toFixed(1)}`,
  );
  const header = ["target", "sender", "p99 / p99.9", "started late", "conn. free", "p99 late", "service p99", "CPU/req"];
  line(columns(header));
  const nginx = await againstNginx(roundMs, line);
  const edgeApp = await againstEdgeApp(scenarioPath, roundMs, line);
  const worst = (pick: (f: SenderFigures) => number): number => Math.max(...nginx.map((r) => pick(r.worker)));
  line(
    `  nginx return 200, new sender: worst late ${percent(worst((f) => f.lateShare))} ` +
      `(goal ≤ ${percent(GOALS.lateShare)}), ` +
      `worst p99 lateness ${ms(worst((f) => f.p99LatenessUs))} (goal ≤ ${GOALS.p99LatenessUs} µs)`,
  );
  line(
    `  edge app at ${APP_RATE / 1000}k req/s: open p99 / closed p99 (${CLOSED_CONNECTIONS} connections, ` +
      `${ms(edgeApp.closedP99Us)}): new ×${edgeApp.workerRatio.toFixed(2)}, old ×${edgeApp.undiciRatio.toFixed(2)} ` +
      `(goal ≤ ${GOALS.openOverClosedP99})`,
  );
  const cpuRatio = (r: SenderPair): number => (r.worker.cpuUsPerRequest ?? 0) / (r.undici.cpuUsPerRequest ?? 1);
  const cpu = nginx.map((r) => `${r.rate / 1000}k ×${cpuRatio(r).toFixed(2)}`);
  line(`  sender CPU per request against nginx, new / old: ${cpu.join(", ")}`);
  const loadAverage = loadavg()[0]!;
  const settings = { roundMs, loadAverage, connections: CONNECTIONS, closedConnections: CLOSED_CONNECTIONS };
  return { ...settings, nginx, edgeApp, goals: GOALS };
}
