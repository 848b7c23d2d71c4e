/**
 * Sends exact bytes on a fresh TCP (or TLS) connection and collects everything the server sends until it closes, goes quiet,
 * or the time limit passes. undici and node:http refuse to send malformed Host headers; a probe must.
 */
import { connect, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";
import { couldBeHttp, parseResponses, type RawResponse } from "./raw-response.js";

export interface RawExchangeOptions {
  host: string;
  port: number;
  /** The whole exchange's limit; a server that neither answers nor closes by then is a hang. */
  timeoutMs?: number;
  /** Stop once this many responses have arrived, instead of waiting for the server to close. */
  expectResponses?: number;
  /** Source address to connect from (loopback aliases let a server tell simulated peers apart). */
  localAddress?: string;
  /** More requests for the same connection, each sent once the answers to everything before it have arrived. */
  then?: readonly Buffer[];
  /**
   * Half-close after the last part. Off by default: Go's net/http (Caddy) and nginx take a client's FIN as "gone"
   * and drop the request, which would grade the proxy on something other than Host handling.
   */
  halfClose?: boolean;
  /** Speak TLS, trusting this CA (PEM); the certificate is verified as for the address connected to. */
  ca?: string;
  /** Bytes kept of what the server sends (default 1 MiB): an endless answer is cut there, not held in memory. */
  maxReceivedBytes?: number;
  /** Stop as soon as what comes back cannot be HTTP/1.x (default true; false for HTTP/2 frames). */
  expectHttp1?: boolean;
}

export interface RawExchange {
  responses: RawResponse[];
  /** Raw bytes received. */
  received: Buffer;
  /** The server closed the connection (EOF or reset) before the time limit. */
  closedByServer: boolean;
  reset: boolean;
  timedOut: boolean;
  /** A connection-level failure (refused, unreachable). */
  error?: string;
  /** Bytes after the last complete response: an answer that is not HTTP, or one cut short. */
  unparsed: Buffer;
  /** The answer reached maxReceivedBytes and was cut there. */
  truncated: boolean;
  elapsedMs: number;
}

const DEFAULT_MAX_RECEIVED_BYTES = 1024 * 1024;

export function sendRaw(bytes: Buffer, options: RawExchangeOptions): Promise<RawExchange> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxReceived = options.maxReceivedBytes ?? DEFAULT_MAX_RECEIVED_BYTES;
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    let settled = false;
    let reset = false;
    let error: string | undefined;
    const address = { host: options.host, port: options.port, ...(options.localAddress ? { localAddress: options.localAddress } : {}) };
    const socket: Socket = options.ca ? connectTls({ ...address, ca: options.ca, ALPNProtocols: ["http/1.1"] }) : connect(address);
    const finish = (closedByServer: boolean, timedOut: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const received = Buffer.concat(chunks);
      const parsed = parseResponses(received);
      resolve({
        responses: parsed.responses,
        received,
        unparsed: received.subarray(received.length - parsed.trailing),
        truncated,
        closedByServer,
        reset,
        timedOut,
        error,
        elapsedMs: Number(process.hrtime.bigint() - started) / 1e6,
      });
    };
    const timer = setTimeout(() => finish(false, true), timeoutMs);
    const parts = [bytes, ...(options.then ?? [])];
    let sent = 0;
    const sendNext = (): void => {
      const part = parts[sent++]!;
      if (sent === parts.length && options.halfClose) socket.end(part);
      else socket.write(part);
    };
    socket.on(options.ca ? "secureConnect" : "connect", sendNext);
    socket.on("data", (chunk: Buffer) => {
      const kept = chunk.subarray(0, maxReceived - size);
      chunks.push(kept);
      size += kept.length;
      truncated = kept.length < chunk.length;
      const all = Buffer.concat(chunks);
      const parsed = parseResponses(all);
      const rest = all.subarray(all.length - parsed.trailing);
      // Garbage (not HTTP) or an answer past the size limit will not become a response by waiting.
      if (truncated || (options.expectHttp1 !== false && !couldBeHttp(rest))) finish(false, false);
      else if (sent < parts.length && parsed.responses.length >= sent) sendNext();
      else if (options.expectResponses !== undefined && parsed.responses.length >= options.expectResponses) finish(false, false);
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ECONNRESET" || err.code === "EPIPE") reset = true;
      else error = `${err.code ?? "ERROR"}: ${err.message}`;
      finish(reset, false);
    });
    socket.on("close", () => finish(true, false));
  });
}
