/**
 * The open-model generator, old sender (undici on the main event loop) beside the new one (a sending thread that
 * writes to raw sockets, a connection thread that reads them), in the same run: how late each starts its requests against nginx answering `return 200` at rising
 * rates, and, against the default scenario's edge app, whether the open-model tail at 6k req/s stays within 1.5× of
 * the closed-model tail at 10 connections (a tenth of the load cannot honestly have a worse tail).
 */
import { loadavg } from "node:os";
import { createLatencyHistogram, summarize, type LatencyHistogram } from "../src/results/histogram.js";
import { lateThresholdMs, runOpenGenerator } from "../src/runners/load/open-generator.js";
import { httpSender, runOpenLoad } from "../src/runners/load/open-model.js";
import { runLoad } from "../src/runners/load/run-load.js";
import { median } from "../src/results/stats.js";
import { loadScenario } from "../src/scenario/load.js";
import { startTopology } from "../src/topology/start.js";
import { startReturningNginx } from "./nginx-return.js";
import { measureScheduleFloor, type ScheduleFloor } from "./schedule-floor.js";

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
/** Each printed figure is the median of this many interleaved repeats: one run on a shared machine is one draw. */
const REPEATS = Number(process.env.BENCH_OPEN_MODEL_REPEATS ?? 3);
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

/** Medians over the repeats, and each repeat as measured. */
type RepeatedPair<T extends SenderPair = SenderPair> = T & { repeats: T[] };
type EdgePair = SenderPair & { closedP99Us: number; undiciRatio: number; workerRatio: number };

/** A rate against nginx: both senders, and the floor under them (the sender's clock alone, medians as for them). */
type NginxRate = RepeatedPair & { floor: ScheduleFloor; floors: ScheduleFloor[] };

export interface OpenModelFigures {
  roundMs: number;
  /** The machine's one-minute load average when the part ended: how shared the two cores were. */
  loadAverage: number;
  connections: number;
  closedConnections: number;
  repeats: number;
  nginx: NginxRate[];
  edgeApp: RepeatedPair<EdgePair>;
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

function medianFigures(runs: readonly SenderFigures[]): SenderFigures {
  const mid = (pick: (f: SenderFigures) => number | undefined): number => median(runs.map((f) => pick(f) ?? NaN));
  const first = runs[0]!;
  return {
    requests: mid((f) => f.requests),
    late: mid((f) => f.late),
    schedulerLate: mid((f) => f.schedulerLate),
    lateShare: mid((f) => f.lateShare),
    p99LatenessUs: mid((f) => f.p99LatenessUs),
    p99Us: mid((f) => f.p99Us),
    p999Us: mid((f) => f.p999Us),
    ...(first.serviceP99Us !== undefined ? { serviceP99Us: mid((f) => f.serviceP99Us) } : {}),
    ...(first.cpuUsPerRequest !== undefined ? { cpuUsPerRequest: mid((f) => f.cpuUsPerRequest) } : {}),
  };
}

type Medians<T> = { undici: SenderFigures; worker: SenderFigures; repeats: T[] };

function medianPair<T extends SenderPair>(repeats: T[]): Medians<T> {
  const undici = medianFigures(repeats.map((p) => p.undici));
  return { undici, worker: medianFigures(repeats.map((p) => p.worker)), repeats };
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

function medianFloor(floors: readonly ScheduleFloor[]): ScheduleFloor {
  const mid = (pick: (f: ScheduleFloor) => number): number => median(floors.map(pick));
  const lateness = { lateShare: mid((f) => f.lateShare), p99LatenessUs: mid((f) => f.p99LatenessUs) };
  return { moments: mid((f) => f.moments), late: mid((f) => f.late), ...lateness };
}

const floorRow = (f: ScheduleFloor): string =>
  columns([
    "",
    "clock",
    "–",
    `${f.late} of ${f.moments} (${percent(f.lateShare)})`,
    "–",
    ms(f.p99LatenessUs),
    "–",
    "–",
  ]);

async function againstNginx(roundMs: number, line: (text: string) => void): Promise<NginxRate[]> {
  const nginx = await startReturningNginx();
  const results: NginxRate[] = [];
  try {
    const request = { url: nginx.url, host: HOST, method: "GET", path: "/", body: null, pipelining: 1 };
    await runLoad({ ...request, connections: CLOSED_CONNECTIONS, durationMs: 500 });
    for (const [index, rate] of OPEN_RATES.entries()) {
      const repeats: SenderPair[] = [];
      const floors: ScheduleFloor[] = [];
      for (let r = 0; r < REPEATS; r++) {
        floors.push(await measureScheduleFloor(rate, roundMs));
        repeats.push(await pair(nginx.url, rate, roundMs, (index + r) % 2 === 0, true));
      }
      const result = { rate, ...medianPair(repeats), floor: medianFloor(floors), floors };
      results.push(result);
      printPair(line, `${rate / 1000}k req/s`, result);
      line(floorRow(result.floor));
    }
  } finally {
    await nginx.close();
  }
  return results;
}

type Line = (text: string) => void;

async function againstEdgeApp(scenarioPath: string, roundMs: number, line: Line): Promise<RepeatedPair<EdgePair>> {
  const scenario = await loadScenario(scenarioPath);
  const topology = await startTopology({ ...scenario, topologies: ["edge"] });
  try {
    const url = topology.running.find((t) => t.kind === "edge")!.entry.url;
    const request = { url, host: scenario.load.host, method: "GET", path: "/", body: null, pipelining: 1 };
    const closed = (durationMs: number) => runLoad({ ...request, connections: CLOSED_CONNECTIONS, durationMs });
    await closed(1000);
    const repeats: EdgePair[] = [];
    for (let r = 0; r < REPEATS; r++) {
      // The closed-model reference just before each pair, so both see the same moment of the machine.
      const closedP99Us = summarize((await closed(roundMs)).histogram).p99Us;
      const measured = await pair(url, APP_RATE, roundMs, r % 2 === 0, false);
      const ratio = (f: SenderFigures): number => Math.round((f.p99Us / closedP99Us) * 1000) / 1000;
      const ratios = { undiciRatio: ratio(measured.undici), workerRatio: ratio(measured.worker) };
      repeats.push({ ...measured, closedP99Us, ...ratios });
    }
    const result = { rate: APP_RATE, ...medianPair(repeats) };
    printPair(line, `edge ${APP_RATE / 1000}k`, result);
    const mid = (pick: (p: EdgePair) => number): number => median(repeats.map(pick));
    const ratios = { undiciRatio: mid((p) => p.undiciRatio), workerRatio: mid((p) => p.workerRatio) };
    return { ...result, closedP99Us: mid((p) => p.closedP99Us), ...ratios };
  } finally {
    await topology.close();
  }
}

export async function compareOpenModel(scenarioPath: string, roundMs: number, line: Line): Promise<OpenModelFigures> {
  line(
    `open-model generator: old sender (undici, main event loop) beside new (sending thread + connection thread, ` +
      `raw sockets), ` +
      `at most ${CONNECTIONS} in flight, ${roundMs} ms per run, medians of ${REPEATS} repeats, ` +
      `load average ${loadavg()[0]!.toFixed(1)}`,
  );
  const header = ["target", "sender", "p99 / p99.9", "started late", "conn. free", "p99 late", "service p99"];
  line(columns([...header, "CPU/req"]));
  const nginx = await againstNginx(roundMs, line);
  const edgeApp = await againstEdgeApp(scenarioPath, roundMs, line);
  const worst = (pick: (f: SenderFigures) => number): number => Math.max(...nginx.map((r) => pick(r.worker)));
  const worstFloor = (pick: (f: ScheduleFloor) => number): number => Math.max(...nginx.map((r) => pick(r.floor)));
  line(
    `  nginx return 200, new sender: worst late ${percent(worst((f) => f.lateShare))} ` +
      `(goal ≤ ${percent(GOALS.lateShare)}), ` +
      `worst p99 lateness ${ms(worst((f) => f.p99LatenessUs))} (goal ≤ ${GOALS.p99LatenessUs} µs)`,
  );
  line(
    `  its clock alone in a thread (no sockets, the floor this machine sets): worst late ` +
      `${percent(worstFloor((f) => f.lateShare))}, worst p99 lateness ${ms(worstFloor((f) => f.p99LatenessUs))}`,
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
  const connections = { connections: CONNECTIONS, closedConnections: CLOSED_CONNECTIONS };
  const settings = { roundMs, repeats: REPEATS, loadAverage, ...connections };
  return { ...settings, nginx, edgeApp, goals: GOALS };
}
