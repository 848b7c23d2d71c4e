/**
 * The open-model generator's connection thread (started by ./open-generator.ts). It opens the keep-alive sockets
 * before the schedule starts, reads every answer the moment it arrives and times it, and reopens what closes; the
 * sending thread it starts (./open-sender.ts) keeps the schedule and writes the requests. The two share each
 * connection's state and send times (./open-shared.ts), so no message or allocation passes per request. This thread
 * owns four histograms and the counts, and posts them when the run ends.
 */
import { Socket, type ConnectOpts, type SocketConstructorOpts } from "node:net";
import { performance } from "node:perf_hooks";
import { connect as connectTls } from "node:tls";
import { parentPort, Worker, workerData } from "node:worker_threads";
import * as hdr from "hdr-histogram-js";
import { createLatencyHistogram, recordMs } from "../../results/histogram.js";
import { lateThresholdMs, type OpenGeneratorSettings, type OpenWorkerReport } from "./open-generator.js";
import type { SenderSettings } from "./open-sender.js";
import {
  decodeSlotMessage,
  RUN,
  RUN_RUNNING,
  SENDER_DONE,
  SharedSchedule,
  SLOT_BUSY,
  SLOT_CONNECTING,
  SLOT_DOWN,
  SLOT_FREE,
  UNSENT_FAILURES,
  UNSENT_TIMEOUTS,
} from "./open-shared.js";
import { rawRequestBytes } from "./raw-request.js";
import { ResponseReader } from "./response-reader.js";

/** A connection that could not connect is tried again after this pause, not in a tight loop. */
const RECONNECT_PAUSE_MS = 50;
const READ_BUFFER_BYTES = 64 * 1024;
/**
 * Larger requests go through the socket here, not with one direct write from the sender, which could write only
 * part (a loopback socket's send buffer holds far more than this).
 */
const DIRECT_WRITE_LIMIT_BYTES = 16 * 1024;

const settings = workerData as OpenGeneratorSettings;
const target = new URL(settings.url);
const secure = target.protocol === "https:";
const address = { host: target.hostname.replace(/^\[|\]$/g, ""), port: Number(target.port || (secure ? 443 : 80)) };
const request = rawRequestBytes(settings);
const directWrites = !secure && request.length <= DIRECT_WRITE_LIMIT_BYTES;
const lateMs = lateThresholdMs(settings.rate);
const shared = SharedSchedule.create(settings.connections);

const responseTime = createLatencyHistogram();
/** From each planned send to the answer's first bytes, like responseTime to its last. */
const firstByte = createLatencyHistogram();
const serviceTime = createLatencyHistogram();
const sendLateness = createLatencyHistogram();
const counts = { requests: 0, responses: 0, ok2xx: 0, errors: 0, timeouts: 0, late: 0, schedulerLate: 0 };

/** This thread's clock at the schedule's start; 0 until it starts. */
let start = 0;
/** A stop was asked for (the caller's, or the deadline's): nothing new opens or is sent; before the start, none. */
let stopRequested = false;
/** The sending thread has started and waits for the schedule's start (a thread takes some ms to start). */
let senderReady = false;
let finished = false;
const now = (): number => performance.now() - start;

/** A request's end, whatever it was: its send lateness is recorded and it is counted once. */
function settle(slot: number): void {
  counts.requests++;
  const late = shared.sent(slot) - shared.planned(slot);
  sendLateness.recordValue(late > 0 ? Math.min(60_000_000, Math.round(late * 1000)) : 0);
  if (late > lateMs) {
    counts.late++;
    if (!shared.waited(slot)) counts.schedulerLate++;
  }
}

/**
 * A plain TCP socket that takes its slot away from the sender before Node closes the descriptor, whoever closes it
 * (this thread, or Node itself on a reset or the server's FIN): `_destroy` is where the handle is closed.
 */
class SlotSocket extends Socket {
  constructor(
    private readonly beforeClose: () => void,
    options: SocketConstructorOpts & ConnectOpts,
  ) {
    super(options);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.beforeClose();
    super._destroy(error, callback);
  }
}

class Connection {
  socket: Socket | null = null;
  private connected = false;
  private timedOut = false;
  private receivedAt = 0;
  private firstByteAt = 0;
  private readonly reader = new ResponseReader(
    (status, keepAlive) => this.answered(status, keepAlive),
    settings.method === "HEAD",
  );
  /** Plain TCP reads into this buffer, reused for every read (TLS hands over a new chunk each time). */
  private readonly readBuffer = secure ? null : Buffer.allocUnsafe(READ_BUFFER_BYTES);
  private readonly onData = (chunk: Buffer, length = chunk.length): boolean => {
    this.receivedAt = now();
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
    if (stopRequested) return;
    const fd = (this.socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
    // The descriptor lets the sender write without this thread; Node gives it on POSIX (not on Windows, not TLS).
    shared.fds[this.slot] = directWrites && typeof fd === "number" ? fd : -1;
    shared.free(this.slot);
  };
  private readonly onClose = (hadError: boolean): void => this.closed(hadError);
  private readonly retire = (): void => shared.retire(this.slot);

  constructor(readonly slot: number) {}

  get state(): number {
    return Atomics.load(shared.slots, this.slot);
  }

  get settledState(): number {
    return shared.settledState(this.slot);
  }

  open(): void {
    this.reader.reset();
    this.firstByteAt = 0;
    this.connected = false;
    this.timedOut = false;
    Atomics.store(shared.slots, this.slot, SLOT_CONNECTING);
    const socket = secure
      ? connectTls({ ...address, ca: settings.ca ?? undefined })
      : new SlotSocket(this.retire, { onread: { buffer: this.readBuffer!, callback: this.onRead } }).connect(address);
    socket.setNoDelay(true);
    socket.once(secure ? "secureConnect" : "connect", this.onReady);
    if (secure) socket.on("data", this.onData);
    socket.on("error", () => undefined); // every error ends in 'close', which counts it
    socket.once("close", this.onClose);
    this.socket = socket;
  }

  get busySince(): number {
    return this.state === SLOT_BUSY ? shared.sent(this.slot) : Infinity;
  }

  /** The sender took this slot and asks this thread to write (TLS, or a large request). */
  write(): void {
    this.firstByteAt = 0;
    shared.setSent(this.slot, now());
    this.socket!.write(request);
  }

  /** Ends the connection; a request on it counts as failed (or timed out) when it closes. */
  fail(timedOut: boolean): void {
    this.timedOut = timedOut;
    this.socket?.destroy();
  }

  private answered(status: number, keepAlive: boolean): void {
    // An answer nobody asked for (the slot is not taken): ignored, and the connection closed below.
    if (this.settledState !== SLOT_BUSY) return void this.socket?.destroy();
    const { slot } = this;
    settle(slot);
    counts.responses++;
    if (status >= 200 && status < 300) {
      counts.ok2xx++;
      const firstByteAt = this.firstByteAt === 0 ? this.receivedAt : this.firstByteAt;
      recordMs(responseTime, this.receivedAt - shared.planned(slot));
      recordMs(firstByte, firstByteAt - shared.planned(slot));
      recordMs(serviceTime, this.receivedAt - shared.sent(slot));
    }
    this.firstByteAt = 0;
    if (keepAlive && !stopRequested) shared.free(slot);
    else {
      Atomics.store(shared.slots, slot, SLOT_CONNECTING);
      this.socket?.destroy();
    }
    finishWhenDrained();
  }

  private closed(hadError: boolean): void {
    // A close-delimited body ends with the connection, unless a reset or the timeout cut it off.
    const endsBody = this.reader.endsAtClose && !hadError && !this.timedOut;
    if (endsBody && this.settledState === SLOT_BUSY) this.reader.end();
    // A TLS socket has no SlotSocket to retire its slot before it closes: a take under way is waited out here.
    shared.retire(this.slot);
    // One atomic step, so the sender cannot take the slot between a look at its state and the change.
    if (Atomics.exchange(shared.slots, this.slot, SLOT_DOWN) === SLOT_BUSY) {
      settle(this.slot);
      if (this.timedOut) counts.timeouts++;
      else counts.errors++;
    }
    finishWhenDrained();
    if (stopRequested || finished) return;
    if (this.connected) this.open();
    else setTimeout(() => stopRequested || finished || this.open(), RECONNECT_PAUSE_MS);
  }
}

const connections = Array.from({ length: settings.connections }, (_, slot) => new Connection(slot));

/** The sender's messages: write a request here, or close a connection whose direct write failed. */
function onSenderMessage(message: unknown): void {
  if (message === "ready") return void (senderReady = true);
  if (message === "done") return finishWhenDrained();
  const { slot, claim, failed } = decodeSlotMessage(message as number, settings.connections);
  const connection = connections[slot]!;
  // A message about an earlier take of the slot (its connection closed meanwhile) has nothing left to do.
  if (connection.state !== SLOT_BUSY || Atomics.load(shared.claims, slot) !== claim) return;
  if (failed) connection.fail(false);
  else connection.write();
}

/** A request unanswered this long after its send times out: its connection is closed and it is counted. */
function checkTimeouts(): void {
  const deadline = now() - settings.timeoutMs;
  for (const connection of connections) if (connection.busySince < deadline) connection.fail(true);
}

function finishWhenDrained(): void {
  if (finished || Atomics.load(shared.control, SENDER_DONE) !== 1) return;
  if (connections.some((c) => c.state === SLOT_BUSY)) return;
  finished = true;
  const durationMs = start === 0 ? 0 : now();
  for (const connection of connections) connection.socket?.destroy();
  const unsentFailures = Atomics.load(shared.control, UNSENT_FAILURES);
  const unsentTimeouts = Atomics.load(shared.control, UNSENT_TIMEOUTS);
  const report: OpenWorkerReport = {
    durationMs,
    ...counts,
    requests: counts.requests + unsentFailures + unsentTimeouts,
    errors: counts.errors + unsentFailures,
    timeouts: counts.timeouts + unsentTimeouts,
    // Never sent before the deadline: later than one interval, and held by busy connections, not by the sender.
    late: counts.late + unsentTimeouts,
    responseTime: hdr.encodeIntoCompressedBase64(responseTime),
    firstByte: hdr.encodeIntoCompressedBase64(firstByte),
    serviceTime: hdr.encodeIntoCompressedBase64(serviceTime),
    sendLateness: hdr.encodeIntoCompressedBase64(sendLateness),
  };
  parentPort!.postMessage(report);
  parentPort!.close();
  sender.unref();
}

/** Stops the schedule; answers under way are awaited, unless `deadline`: then they end as timeouts. */
function stop(deadline: boolean): void {
  stopRequested = true;
  shared.stop(deadline);
  if (deadline) for (const connection of connections) if (connection.settledState === SLOT_BUSY) connection.fail(true);
  finishWhenDrained();
}

/** Starts the schedule once the sender is ready and every connection open (or after a timeout's worth of trying). */
function startWhenConnected(): void {
  const began = performance.now();
  const poll = (): void => {
    if (stopRequested) return;
    const open = connections.filter((c) => c.state === SLOT_FREE).length;
    const opening = open < connections.length && performance.now() - began < settings.timeoutMs;
    if (opening || !senderReady) return void setTimeout(poll, 1);
    start = performance.now() + 1;
    shared.startEpoch = performance.timeOrigin + start;
    Atomics.store(shared.control, RUN, RUN_RUNNING);
    Atomics.notify(shared.control, RUN);
    setTimeout(() => stop(true), settings.durationMs + settings.timeoutMs).unref();
    setInterval(checkTimeouts, Math.min(100, settings.timeoutMs / 4)).unref();
  };
  poll();
}

const senderSettings: SenderSettings = {
  buffers: shared.buffers,
  connections: settings.connections,
  total: Math.floor((settings.rate * settings.durationMs) / 1000),
  intervalMs: 1000 / settings.rate,
  request,
};
const sender = new Worker(new URL("./open-sender.js", import.meta.url), { workerData: senderSettings });
sender.on("message", onSenderMessage);
// A sending thread that fails is a bug: this thread fails with it, and the caller's promise rejects.
sender.on("error", (error) => {
  throw error;
});
parentPort!.on("message", (message: unknown) => message === "stop" && stop(false));
for (const connection of connections) connection.open();
startWhenConnected();
