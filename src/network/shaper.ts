/**
 * A shaped hop, in the spirit of Toxiproxy but in-process: a TCP relay in front of a server that delays every chunk
 * by a latency with jitter, limits bandwidth, and can reset or stall connections, per direction. Chunks keep their
 * order (a chunk never leaves before the one before it), and delivery is timed with sub-millisecond precision: a
 * timer sleeps until a millisecond before a chunk is due, then the event loop is polled (setImmediate, so I/O still
 * runs) until the high-resolution clock says it is time.
 */
import { connect, createServer, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import type { DirectionShape, HopShape } from "../scenario/types.js";
import { listen, type ListeningServer } from "./listen.js";
import { seededRandom } from "../results/stats.js";

export interface ShaperOptions {
  target: { host: string; port: number };
  shape: HopShape;
  /** Scheme of what is relayed, for the URL only (TLS passes through untouched). */
  scheme?: "http" | "https";
  /** Local address of the relay's connections to the target (what the target sees as its peer). */
  sourceAddress?: string;
  host?: string;
  port?: number;
  /** Seed of the jitter and fault draws, so a run can be repeated. */
  seed?: number;
}

export interface RunningShaper extends ListeningServer {
  readonly counts: ReadonlyMap<number, number>;
}

/** Queued bytes past which the sending side is paused (backpressure through the hop). */
const HIGH_WATER = 1024 * 1024;
/** The last stretch before a chunk is due is polled rather than slept, since timers fire late by up to a millisecond. */
const SPIN_MS = 1;

interface Pending {
  chunk: Buffer;
  dueAt: number;
}

/** Delivery times for one direction: serialisation at the link rate, then latency and jitter, in order. */
export function createDeliveryClock(shape: DirectionShape, random: () => number) {
  let linkFreeAt = 0;
  let lastDueAt = 0;
  const bytesPerMs = shape.bandwidthMbps === null ? null : (shape.bandwidthMbps * 1_000_000) / 8 / 1000;
  return (now: number, bytes: number): number => {
    const sent = bytesPerMs === null ? now : (linkFreeAt = Math.max(now, linkFreeAt) + bytes / bytesPerMs);
    const dueAt = Math.max(sent + shape.latencyMs + random() * shape.jitterMs, lastDueAt);
    lastDueAt = dueAt;
    return dueAt;
  };
}

/** One direction of a relayed connection. */
function pipe(
  from: Socket,
  to: Socket,
  shape: DirectionShape,
  random: () => number,
  onFault: (kind: "reset" | "stall") => void,
): void {
  new ShapedDirection(from, to, shape, random, onFault);
}

/** One direction of a shaped connection: bytes held until their due time, or a reset or a stall drawn at the start. */
class ShapedDirection {
  private readonly clock: ReturnType<typeof createDeliveryClock>;
  private readonly queue: Pending[] = [];
  private queued = 0;
  private ended = false;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private seenBytes = false;
  private readonly reset: boolean;
  private readonly stall: boolean;
  private readonly immediate: boolean;

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
    shape: DirectionShape,
    random: () => number,
    private readonly onFault: (kind: "reset" | "stall") => void,
  ) {
    this.clock = createDeliveryClock(shape, random);
    this.reset = random() < shape.resetProbability;
    this.stall = !this.reset && random() < shape.stallProbability;
    this.immediate = shape.latencyMs === 0 && shape.jitterMs === 0 && shape.bandwidthMbps === null;
    from.on("data", (chunk: Buffer) => this.onData(chunk));
    if (this.stall) onFault("stall");
    from.on("end", () => {
      this.ended = true;
      if (this.stall) return;
      if (this.queue.length === 0 && !to.destroyed) to.end();
    });
  }

  private onData(chunk: Buffer): void {
    const { from, to } = this;
    if (this.stall) return;
    if (this.reset && this.seenBytes) return;
    if (this.reset) {
      this.seenBytes = true;
      this.onFault("reset");
      // The first bytes pass; then the connection is reset both ways, as a middlebox dropping it would.
      to.write(chunk, () => {
        from.resetAndDestroy();
        to.resetAndDestroy();
      });
      return;
    }
    if (this.immediate) {
      if (!to.write(chunk)) {
        from.pause();
        to.once("drain", () => from.resume());
      }
      return;
    }
    this.queue.push({ chunk, dueAt: this.clock(performance.now(), chunk.length) });
    this.queued += chunk.length;
    if (this.queued >= HIGH_WATER) from.pause();
    this.schedule();
  }

  private deliver(): void {
    this.timer = null;
    const now = performance.now();
    const queue = this.queue;
    while (queue.length > 0 && queue[0]!.dueAt <= now) {
      const { chunk } = queue.shift()!;
      this.queued -= chunk.length;
      if (!this.to.destroyed) this.to.write(chunk);
    }
    if (this.queued < HIGH_WATER && this.from.isPaused()) this.from.resume();
    if (queue.length > 0) this.schedule();
    else if (this.ended && !this.to.destroyed) this.to.end();
  }

  private readonly poll = (): void => {
    this.polling = false;
    if (this.queue.length > 0 && this.queue[0]!.dueAt > performance.now()) {
      this.polling = true;
      setImmediate(this.poll);
      return;
    }
    this.deliver();
  };

  private schedule(): void {
    if (this.timer || this.polling || this.queue.length === 0) return;
    const wait = this.queue[0]!.dueAt - performance.now();
    if (wait > SPIN_MS) this.timer = setTimeout(this.poll, wait - SPIN_MS);
    else {
      this.polling = true;
      setImmediate(this.poll);
    }
  }
}

/** Starts a shaped hop in front of `target`: clients connect to the returned URL. */
export async function startShaper(options: ShaperOptions): Promise<RunningShaper> {
  const random = seededRandom(options.seed ?? 1);
  // Counted per connection: how many were reset or stalled by the hop (by pseudo-status 0 = fault).
  const counts = new Map<number, number>();
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = connect({
      host: options.target.host,
      port: options.target.port,
      allowHalfOpen: true,
      ...(options.sourceAddress ? { localAddress: options.sourceAddress } : {}),
    });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const onFault = (): void => {
      counts.set(0, (counts.get(0) ?? 0) + 1);
    };
    pipe(client, upstream, options.shape.toServer, random, onFault);
    pipe(upstream, client, options.shape.toClient, random, onFault);
    const closeBoth = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", closeBoth);
    upstream.on("error", closeBoth);
    // A client gone for good leaves nothing to answer; an app that ends is passed on once its queued bytes are out.
    client.on("close", () => upstream.destroy());
  });
  const listening = await listen(server, options.host ?? "127.0.0.1", options.port ?? 0, options.scheme ?? "http");
  return { ...listening, counts };
}
