/**
 * Load over HTTP/2: a number of connections (node:http2 sessions), each carrying a number of concurrent streams.
 * Closed model: every stream slot sends its next request when the last is answered; each response time is recorded
 * at µs resolution in the same histogram as the HTTP/1.1 path. The sender also serves the open model.
 */
import { connect, constants, type ClientHttp2Session } from "node:http2";
import { connect as connectTcp } from "node:net";
import type { Duplex } from "node:stream";
import { connect as connectTls } from "node:tls";
import { createLatencyHistogram, recordMs } from "./histogram.js";
import type { Sender } from "./open-model.js";
import type { LoadRun, LoadRunSettings } from "./run-load.js";

/** The HTTP/1.1 run's settings, with streams per connection instead of pipelining. */
export interface H2LoadSettings extends Omit<LoadRunSettings, "pipelining"> {
  /** Concurrent streams per connection. */
  streams: number;
  ca?: string | null;
  timeoutMs?: number;
}

/** The session's socket, Nagle off (HEADERS and DATA are small writes; delayed ACKs would add tens of ms). */
function openSocket(url: string, ca: string | null): Duplex {
  const { hostname, port, protocol } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, "");
  const address = { host, port: Number(port) };
  const socket =
    protocol === "https:"
      ? connectTls({ ...address, ...(ca ? { ca } : {}), servername: "localhost", ALPNProtocols: ["h2"] })
      : connectTcp(address);
  socket.setNoDelay(true);
  return socket;
}

/** A request that got no answer in time. */
class StreamTimeout extends Error {}

/** Senders over `connections` HTTP/2 sessions, requests spread over them in turn. */
export function h2Sender(settings: Omit<H2LoadSettings, "streams" | "durationMs" | "signal">): { send: Sender; close(): Promise<void> } {
  const sessions: ClientHttp2Session[] = [];
  const session = (index: number): ClientHttp2Session => {
    const existing = sessions[index];
    if (existing && !existing.closed && !existing.destroyed) return existing;
    const opened = connect(settings.url, { createConnection: () => openSocket(settings.url, settings.ca ?? null) });
    // A session's failure is each of its streams' failure; the next request opens a new session.
    opened.on("error", () => {});
    sessions[index] = opened;
    return opened;
  };
  let next = 0;
  const headers = { ":method": settings.method, ":path": settings.path, ":authority": settings.host };
  /** One attempt; `retry` when the server refused the stream unprocessed (a GOAWAY after its request limit). */
  const attempt = (): Promise<number | "retry"> =>
    new Promise((resolve, reject) => {
      const current = session(next++ % settings.connections);
      const stream = current.request(headers, { endStream: settings.body === null });
      stream.setTimeout(settings.timeoutMs ?? 10_000, () => {
        stream.close(constants.NGHTTP2_CANCEL);
        reject(new StreamTimeout("no answer in time"));
      });
      let status = 0;
      stream.on("response", (head) => (status = Number(head[":status"])));
      stream.on("data", () => {});
      stream.on("end", () => resolve(status));
      // RFC 9113 §8.7: a stream refused, or above a GOAWAY's last stream id, was not processed and may be sent again.
      const unprocessed = (): boolean => status === 0 && (stream.rstCode === constants.NGHTTP2_REFUSED_STREAM || current.closed);
      stream.on("error", (error) => (unprocessed() ? resolve("retry") : reject(error)));
      // A session that fails before the stream opens closes it without an error: that is a failed request too.
      stream.on("close", () => {
        if (unprocessed()) resolve("retry");
        else reject(new Error(`stream closed without an answer (code ${stream.rstCode})`));
      });
      if (settings.body !== null) stream.end(settings.body);
    });
  const send: Sender = async () => {
    const first = await attempt();
    if (first !== "retry") return first;
    const second = await attempt();
    if (second === "retry") throw new Error("the server refused the stream twice");
    return second;
  };
  const close = async (): Promise<void> => {
    const closing = (s: ClientHttp2Session) => new Promise<void>((resolve) => (s.closed || s.destroyed ? resolve() : s.close(() => resolve())));
    await Promise.all(sessions.map(closing));
  };
  return { send, close };
}

/** One closed-model run over HTTP/2. */
export async function runLoadH2(settings: H2LoadSettings): Promise<LoadRun> {
  const histogram = createLatencyHistogram();
  const run = { requests: 0, responses: 0, ok2xx: 0, errors: 0, timeouts: 0 };
  const sender = h2Sender(settings);
  const started = process.hrtime.bigint();
  const deadline = performance.now() + settings.durationMs;
  const slot = async (): Promise<void> => {
    while (performance.now() < deadline && !settings.signal?.aborted) {
      const sent = performance.now();
      run.requests++;
      try {
        const status = await sender.send();
        run.responses++;
        if (status >= 200 && status < 300) {
          run.ok2xx++;
          recordMs(histogram, performance.now() - sent);
        }
      } catch (error) {
        if (error instanceof StreamTimeout) run.timeouts++;
        else run.errors++;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: settings.connections * settings.streams }, slot));
  } finally {
    await sender.close();
  }
  const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
  return { histogram, durationMs, ...run, non2xx: run.responses - run.ok2xx };
}
