/**
 * A bounded slowloris check: a handful of connections each trickle a request head one byte at a time and never finish
 * it, for a fixed hold time. What is seen per connection: cut by the server (an answer such as 408, a close, a reset)
 * and when, or still held when the hold time ran out. A server's real header timeout (Kestrel's 30 s, nginx's 60 s)
 * is longer than any probe should take, so "held for at least N s" is what such a server honestly shows.
 */
import { connect, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";

export interface SlowSend {
  /** Connections trickling at once. */
  connections: number;
  /** One byte every intervalMs. */
  intervalMs: number;
  /** How long the probe holds them; what is still open then is "held". */
  holdMs: number;
}

export interface SlowConnection {
  /** "held": still open when the hold time ran out. */
  end: "held" | "answered" | "closed" | "reset" | "error";
  /** The status line's code when the server answered. */
  status: number | null;
  ms: number;
}

export interface SlowTarget {
  host: string;
  port: number;
  ca?: string;
  localAddress?: string;
}

function trickle(head: Buffer, slow: SlowSend, target: SlowTarget, signal?: AbortSignal): Promise<SlowConnection> {
  return new Promise((resolve) => {
    const started = performance.now();
    const address = {
      host: target.host,
      port: target.port,
      ...(target.localAddress ? { localAddress: target.localAddress } : {}),
    };
    const socket: Socket = target.ca
      ? connectTls({ ...address, ca: target.ca, ALPNProtocols: ["http/1.1"] })
      : connect(address);
    let received = "";
    let sent = 0;
    let reset = false;
    // The head is never finished: its last two bytes (the empty line) are never sent.
    const drip = setInterval(() => {
      if (sent < head.length - 2 && socket.writable) socket.write(head.subarray(sent, ++sent));
    }, slow.intervalMs);
    const finish = (end: SlowConnection["end"]): void => {
      clearInterval(drip);
      clearTimeout(hold);
      signal?.removeEventListener("abort", stop);
      socket.destroy();
      const status = /^HTTP\/\d\.\d (\d{3})/.exec(received)?.[1];
      resolve({
        end: status ? "answered" : end,
        status: status ? Number(status) : null,
        ms: performance.now() - started,
      });
    };
    const hold = setTimeout(() => finish("held"), slow.holdMs);
    // Ctrl-C: stop holding at once (what was held until then is still reported).
    const stop = (): void => finish("held");
    signal?.addEventListener("abort", stop, { once: true });
    socket.on("data", (chunk: Buffer) => {
      if (received.length < 64) received += chunk.toString("latin1");
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNRESET") reset = true;
      finish(reset ? "reset" : "error");
    });
    socket.on("close", () => finish(reset ? "reset" : "closed"));
  });
}

/** Runs slow.connections trickling connections at once; resolves when each was cut or held for slow.holdMs. */
export function sendSlowly(
  head: Buffer,
  slow: SlowSend,
  target: SlowTarget,
  signal?: AbortSignal,
): Promise<SlowConnection[]> {
  return Promise.all(Array.from({ length: slow.connections }, () => trickle(head, slow, target, signal)));
}

/** What the slow connections saw, in one sentence: how many were held for the whole time, how many were cut how. */
export function describeSlow(connections: readonly SlowConnection[], slow: SlowSend): string {
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const held = connections.filter((connection) => connection.end === "held");
  const cut = connections.filter((connection) => connection.end !== "held");
  const parts: string[] = [];
  if (held.length > 0) {
    parts.push(
      `${held.length} of ${connections.length} slow connections held for at least ${seconds(slow.holdMs)} (its header timeout, if any, is longer)`,
    );
  }
  if (cut.length > 0) {
    const latest = Math.max(...cut.map((connection) => connection.ms));
    const how = [
      ...new Set(cut.map((connection) => (connection.status !== null ? `${connection.status}` : connection.end))),
    ].join(", ");
    parts.push(`${cut.length} of ${connections.length} cut within ${seconds(latest)} (${how})`);
  }
  return `one byte every ${slow.intervalMs} ms: ${parts.join("; ")}`;
}
