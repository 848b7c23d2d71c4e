/**
 * The open-model generator's sending thread (started by ./open-generator.ts). It owns nothing but its sockets and
 * three histograms, so no result bookkeeping or other work shares its event loop, and it sleeps in the event loop
 * between answers and wake-ups: a clock thread of its own (./open-clock.ts) wakes it shortly before each planned
 * send; it waits the last µs on the clock and writes the prepared bytes on a free connection. The only allocation
 * per request is the clock's small wake-up message; no promise or closure is made per request.
 */
import { connect as connectTcp, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { connect as connectTls } from "node:tls";
import { parentPort, Worker, workerData } from "node:worker_threads";
import * as hdr from "hdr-histogram-js";
import { createLatencyHistogram, recordMs } from "../../results/histogram.js";
import { CLOCK_RUNNING, CLOCK_STOPPED, type ClockSettings } from "./open-clock-state.js";
import { lateThresholdMs, type OpenGeneratorSettings, type OpenWorkerReport } from "./open-generator.js";
import { rawRequestBytes } from "./raw-request.js";
import { ResponseReader } from "./response-reader.js";

/**
 * The clock thread wakes this one this long before each planned send: a message between threads takes some tens of
 * µs to arrive, and what is left when it has is waited on the clock here.
 */
const LEAD_MS = 0.02;
/** A wake-up this early or earlier (a late message, or one for an earlier request) is not acted on yet. */
const EARLY_MS = 0.2;
/** A connection that could not connect is tried again after this pause, not in a tight loop. */
const RECONNECT_PAUSE_MS = 50;
const READ_BUFFER_BYTES = 64 * 1024;

const settings = workerData as OpenGeneratorSettings;
const target = new URL(settings.url);
const secure = target.protocol === "https:";
const address = { host: target.hostname.replace(/^\[|\]$/g, ""), port: Number(target.port || (secure ? 443 : 80)) };
const request = rawRequestBytes(settings);
const intervalMs = 1000 / settings.rate;
const lateMs = lateThresholdMs(settings.rate);
const total = Math.floor((settings.rate * settings.durationMs) / 1000);

const responseTime = createLatencyHistogram();
/** From each planned send to the answer's first bytes, like responseTime to its last. */
const firstByte = createLatencyHistogram();
const serviceTime = createLatencyHistogram();
const sendLateness = createLatencyHistogram();
const counts = { requests: 0, responses: 0, ok2xx: 0, errors: 0, timeouts: 0, late: 0, schedulerLate: 0 };

let start = 0;
let next = 0;
let stopping = false;
let inFlight = 0;
/** Set while a due request waits for a connection; a connection coming free resumes the schedule. */
let parked = false;
/** Requests planned before this moment waited for a busy connection: their lateness is not the scheduler's. */
let unparkedAt = -Infinity;
let finished = false;

class Connection {
  socket: Socket | null = null;
  connected = false;
  busy = false;
  timedOut = false;
  planned = 0;
  sent = 0;
  private receivedAt = 0;
  private firstByteAt = 0;
  private readonly reader = new ResponseReader(
    (status, keepAlive) => this.answered(status, keepAlive),
    settings.method === "HEAD",
  );
  /** Plain TCP reads into this buffer, reused for every read (TLS hands over a new chunk each time). */
  private readonly readBuffer = secure ? null : Buffer.allocUnsafe(READ_BUFFER_BYTES);
  private readonly onData = (chunk: Buffer, length = chunk.length): boolean => {
    this.receivedAt = performance.now();
    if (this.firstByteAt === 0) this.firstByteAt = this.receivedAt;
    try {
      this.reader.feed(chunk, length);
    } catch {
      this.socket?.destroy();
    }
    return true;
  };
  private readonly onRead = (length: number): boolean => this.onData(this.readBuffer!, length);
  private readonly onReady = (): void => {
    this.connected = true;
    release(this);
  };
  private readonly onTimeout = (): void => {
    if (!this.busy) return;
    this.timedOut = true;
    this.socket?.destroy();
  };
  private readonly onClose = (): void => this.closed();

  open(): void {
    this.reader.reset();
    this.connected = false;
    this.timedOut = false;
    const socket = secure
      ? connectTls({ ...address, ca: settings.ca ?? undefined })
      : connectTcp({ ...address, onread: { buffer: this.readBuffer!, callback: this.onRead } });
    socket.setNoDelay(true);
    socket.setTimeout(settings.timeoutMs);
    socket.once(secure ? "secureConnect" : "connect", this.onReady);
    if (secure) socket.on("data", this.onData);
    socket.on("timeout", this.onTimeout);
    socket.on("error", () => undefined); // every error ends in 'close', which counts it
    socket.once("close", this.onClose);
    this.socket = socket;
  }

  send(planned: number): void {
    this.busy = true;
    this.planned = planned;
    this.sent = performance.now();
    this.firstByteAt = 0;
    this.socket!.write(request);
    inFlight++;
    counts.requests++;
    const late = this.sent - planned;
    sendLateness.recordValue(late > 0 ? Math.min(60_000_000, Math.round(late * 1000)) : 0);
    if (late > lateMs) {
      counts.late++;
      if (planned >= unparkedAt) counts.schedulerLate++;
    }
  }

  private answered(status: number, keepAlive: boolean): void {
    if (!this.busy) return; // an answer nobody asked for: ignored, the connection is closed below
    this.busy = false;
    inFlight--;
    counts.responses++;
    if (status >= 200 && status < 300) {
      counts.ok2xx++;
      recordMs(responseTime, this.receivedAt - this.planned);
      recordMs(firstByte, this.firstByteAt - this.planned);
      recordMs(serviceTime, this.receivedAt - this.sent);
    }
    if (keepAlive) release(this);
    else this.socket?.destroy();
  }

  private closed(): void {
    const wasConnected = this.connected;
    this.connected = false;
    if (this.reader.endsAtClose && this.busy) this.reader.end();
    if (this.busy) {
      this.busy = false;
      inFlight--;
      if (this.timedOut) counts.timeouts++;
      else counts.errors++;
    }
    removeFree(this);
    if (stopping || finished) return finishWhenDrained();
    if (wasConnected) this.open();
    else {
      failDueRequest();
      setTimeout(() => stopping || finished || this.open(), RECONNECT_PAUSE_MS);
    }
  }
}

const connections = Array.from({ length: settings.connections }, () => new Connection());
/** Free connections as a stack of indices into `connections`. */
const free: Connection[] = [];

function release(connection: Connection): void {
  free.push(connection);
  if (parked) {
    parked = false;
    unparkedAt = performance.now();
    tick();
  } else if (next >= total || stopping) finishWhenDrained();
}

function removeFree(connection: Connection): void {
  const at = free.indexOf(connection);
  if (at >= 0) free.splice(at, 1);
}

/** A due request whose connection could not be opened fails, as it would with any client: counted, not waited on. */
function failDueRequest(): void {
  if (next >= total || stopping || start === 0 || performance.now() < start + next * intervalMs) return;
  next++;
  counts.requests++;
  counts.errors++;
}

/** Sends every request that is due or about to be; the clock thread calls again for the next one. */
function tick(): void {
  while (next < total && !stopping) {
    const planned = start + next * intervalMs;
    if (planned - performance.now() > EARLY_MS) return;
    const connection = free.pop();
    if (!connection) {
      parked = true;
      return;
    }
    while (performance.now() < planned) continue;
    connection.send(planned);
    next++;
  }
  finishWhenDrained();
}

function finishWhenDrained(): void {
  if (finished || (next < total && !stopping) || inFlight > 0) return;
  finished = true;
  Atomics.store(clockState, 0, CLOCK_STOPPED);
  Atomics.notify(clockState, 0);
  const durationMs = performance.now() - start;
  for (const connection of connections) connection.socket?.destroy();
  const report: OpenWorkerReport = {
    durationMs,
    ...counts,
    responseTime: hdr.encodeIntoCompressedBase64(responseTime),
    firstByte: hdr.encodeIntoCompressedBase64(firstByte),
    serviceTime: hdr.encodeIntoCompressedBase64(serviceTime),
    sendLateness: hdr.encodeIntoCompressedBase64(sendLateness),
  };
  parentPort!.postMessage(report);
  parentPort!.close();
}

/** Starts the schedule once every connection is open (or after a timeout's worth of trying). */
function startWhenConnected(): void {
  const began = performance.now();
  const poll = (): void => {
    if (stopping) return finishWhenDrained();
    const opening = free.length < connections.length && performance.now() - began < settings.timeoutMs;
    if (opening) return void setTimeout(poll, 1);
    start = performance.now() + 1;
    setTimeout(() => stopAll(), settings.durationMs + settings.timeoutMs).unref();
    startEpoch[0] = performance.timeOrigin + start;
    Atomics.store(clockState, 0, CLOCK_RUNNING);
    Atomics.notify(clockState, 0);
  };
  poll();
}

/** Stops sending; answers under way are awaited unless the run is past its deadline, which ends them as timeouts. */
function stopAll(): void {
  stopping = true;
  for (const connection of connections) if (connection.busy) connection.timedOut = true;
  for (const connection of connections) connection.socket?.destroy();
  finishWhenDrained();
}

parentPort!.on("message", (message: unknown) => {
  if (message !== "stop") return;
  stopping = true;
  finishWhenDrained();
});
const clockShared = new SharedArrayBuffer(16);
const clockState = new Int32Array(clockShared, 0, 1);
const startEpoch = new Float64Array(clockShared, 8, 1);
const clockSettings: ClockSettings = { shared: clockShared, intervalMs, total, leadMs: LEAD_MS };
const clock = new Worker(new URL("./open-clock.js", import.meta.url), { workerData: clockSettings });
clock.on("message", tick);
clock.unref();
for (const connection of connections) connection.open();
startWhenConnected();
