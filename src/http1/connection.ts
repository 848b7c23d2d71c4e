/**
 * One HTTP/1.x server connection on a raw socket: parses each request with the strict parser, frames its body,
 * hands it to the handler, and writes answers in order. Pipelined requests wait in the buffer until the answer
 * before them is finished, so each is parsed and validated on its own.
 */
import { Readable } from "node:stream";
import { createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { BodyDecoder, requestBodyFraming, type BodyFraming } from "./body.js";
import { createRequestTimers } from "./request-timers.js";
import { HttpRequestError, reasonPhrase } from "./errors.js";
import { connectionTokens, headerValues, KESTREL_LIMITS, parseHeaderFields, parseRequestLine, type HeaderField, type ParserLimits, type RequestHead, type RequestLine } from "./parser.js";

export interface Http1Exchange {
  head: RequestHead;
  framing: BodyFraming;
  remoteAddress: string;
  remotePort: number;
  secure: boolean;
  /** Whether the client asked to keep the connection open after this answer. */
  keepAlive: boolean;
  /** The request body as a stream (body mode "stream"), or null. */
  body: Readable | null;
  /** Body bytes received (complete in body mode "discard"). */
  bodyLength: number;
}

export interface StreamedResponse {
  write(chunk: Buffer): boolean;
  end(): void;
  /** Resolves when the socket can take more (after write returned false). */
  drained(): Promise<void>;
}

export interface ResponseSink {
  /** A whole answer with a body of known length (a string body is sent as UTF-8). */
  send(status: number, headers: readonly HeaderField[], body?: Buffer | string, options?: { close?: boolean }): void;
  /** An answer whose body follows: Content-Length when known, chunked otherwise. */
  stream(status: number, headers: readonly HeaderField[], contentLength: number | null): StreamedResponse;
  /**
   * A complete HTTP/1.1 answer already framed by Content-Length, written as it is (a proxy passing an app's answer
   * on). Only where nothing must be added: an HTTP/1.1 client keeping the connection. False: use send or stream.
   */
  sendVerbatim(bytes: Buffer): boolean;
  /** A server-generated refusal (formatRejection), then the connection is closed. */
  reject(error: HttpRequestError): void;
  /** Cuts the connection: no answer, or an answer that could not be finished. */
  abort(): void;
}

export interface Http1ConnectionOptions {
  limits?: ParserLimits;
  /** "discard": the handler runs once the body is read (its length counted); "stream": at once, body as a stream. */
  bodyMode: "discard" | "stream";
  /** Checks run on the request line before any header is read; throw HttpRequestError to refuse. */
  checkRequestLine?: (line: RequestLine) => void;
  onRequest: (exchange: Http1Exchange, response: ResponseSink) => void;
  /** The bytes of a server-generated refusal (the connection is closed after it); `unparsed`: the head refused. */
  formatRejection: (error: HttpRequestError, unparsed?: Buffer) => Buffer;
  /** Idle keep-alive limit; a partial request head at that point gets 408. */
  idleTimeoutMs?: number;
  /**
   * The most a request head may take to arrive, counted from its first byte (from the connection's start for the
   * first request), however slowly the bytes trickle in; then 408 (Kestrel's RequestHeadersTimeout). Default: none.
   */
  headersTimeoutMs?: number;
  /** A body arriving slower than this, once the grace period is over, gets 408 (Kestrel's MinRequestBodyDataRate). */
  minBodyDataRate?: { bytesPerSecond: number; graceMs: number };
}

type State = "head" | "body" | "responding" | "closed";

const EMPTY = Buffer.alloc(0);

export function serializeHead(status: number, headers: readonly HeaderField[]): string {
  let text = `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\n`;
  for (const [name, value] of headers) text += `${name}: ${value}\r\n`;
  return text;
}

function asksContinue(head: RequestHead): boolean {
  return headerValues(head, "expect").some((value) => value.trim().toLowerCase() === "100-continue");
}

function wantsKeepAlive(head: RequestHead): boolean {
  if (!head.names.includes("connection")) return head.version === "1.1";
  const tokens = connectionTokens(head);
  if (tokens.has("close")) return false;
  return head.version === "1.1" || tokens.has("keep-alive");
}

const NONE: BodyFraming = { kind: "none" };
const NO_BODY = new BodyDecoder(NONE);
const NO_VALUES: readonly string[] = [];

/** A certificate and its private key, PEM. */
export interface TlsIdentity {
  key: string;
  cert: string;
}

/** A TCP (or, with `tls`, TLS) server whose connections speak HTTP/1.x through {@link handleHttp1Connection}. */
export function createHttp1Server(options: Http1ConnectionOptions, tls?: TlsIdentity): Server {
  if (tls) return createTlsServer({ key: tls.key, cert: tls.cert, allowHalfOpen: true, ALPNProtocols: ["http/1.1"] }, (socket) => handleHttp1Connection(socket, options));
  return createServer({ allowHalfOpen: true }, (socket) => handleHttp1Connection(socket, options));
}

export function handleHttp1Connection(socket: Socket, options: Http1ConnectionOptions): void {
  const limits = options.limits ?? KESTREL_LIMITS;
  let buffer: Buffer = EMPTY;
  let state: State = "head";
  let pendingLine: { line: RequestLine; next: number; bareLineFeed: boolean } | null = null;
  let decoder: BodyDecoder | null = null;
  let exchange: Http1Exchange | null = null;
  let bodyStream: Readable | null = null;
  let closeAfterResponse = false;
  let clientEnded = false;
  let expectsContinue = false;
  const secure = "encrypted" in socket;

  socket.setNoDelay(true);
  socket.setTimeout(options.idleTimeoutMs ?? 130_000);
  socket.on("timeout", () => {
    if (state === "head" && buffer.length > 0) reject(new HttpRequestError(408, "Request headers timeout."));
    else socket.destroy();
  });
  socket.on("error", () => socket.destroy());
  const timers = createRequestTimers(options, {
    headersTooSlow: () => {
      if (state === "head" && buffer.length > 0) reject(new HttpRequestError(408, "Request headers timeout."));
      else if (state === "head") endIfIdle();
    },
    bodyTooSlow: () => {
      if (state === "body") reject(new HttpRequestError(408, "Request body too slow."));
    },
  });
  // The first request's head is timed from the connection's start, as Kestrel does.
  timers.headStarted();
  socket.on("close", () => {
    state = "closed";
    timers.stop();
    bodyStream?.destroy();
  });
  socket.on("data", (chunk: Buffer) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    pump();
  });
  // The server is half-open: a client that sends its request and then FIN still gets its answers.
  socket.on("end", () => {
    clientEnded = true;
    if (state === "head") endIfIdle();
    else if (state === "body") bodyStream?.destroy(new Error("client closed the connection mid-body"));
  });

  function endIfIdle(): void {
    if (state !== "closed") {
      state = "closed";
      socket.end();
    }
  }

  function reject(error: HttpRequestError): void {
    if (state === "closed") return;
    // A head refused while being read is still in the buffer: the server may want to know what it was.
    const unparsed = state === "head" ? buffer : undefined;
    state = "closed";
    buffer = EMPTY;
    bodyStream?.destroy();
    socket.end(options.formatRejection(error, unparsed));
  }

  function pump(): void {
    try {
      while (state !== "closed") {
        if (state === "head") {
          if (!readHead()) {
            if (clientEnded) endIfIdle();
            return;
          }
        } else if (state === "body") {
          if (!readBody()) return;
        } else {
          // Responding: hold what follows until this answer is written; stop reading if a lot piles up.
          if (buffer.length > limits.maxHeaderBytes + limits.maxRequestLineBytes) socket.pause();
          return;
        }
      }
    } catch (error) {
      if (error instanceof HttpRequestError) reject(error);
      else throw error;
    }
  }

  function readHead(): boolean {
    if (buffer.length === 0) return false;
    timers.headStarted();
    if (!pendingLine) {
      pendingLine = parseRequestLine(buffer, 0, buffer.length, limits);
      if (!pendingLine) return false;
      options.checkRequestLine?.(pendingLine.line);
    }
    const fields = parseHeaderFields(buffer, pendingLine.next, buffer.length, limits);
    if (!fields) return false;
    const { line } = pendingLine;
    const head: RequestHead = {
      method: line.method,
      target: line.target,
      version: line.version,
      fields: fields.fields,
      names: fields.names,
      length: fields.next,
      bareLineFeed: pendingLine.bareLineFeed || fields.bareLineFeed,
    };
    pendingLine = null;
    buffer = buffer.subarray(fields.next);
    // Most requests carry neither field: no body, nothing to look up.
    const hasFraming = head.names.includes("content-length") || head.names.includes("transfer-encoding");
    const contentLength = hasFraming ? headerValues(head, "content-length") : NO_VALUES;
    const framing: BodyFraming = hasFraming ? requestBodyFraming(headerValues(head, "transfer-encoding"), contentLength) : NONE;
    decoder = framing.kind === "none" ? NO_BODY : new BodyDecoder(framing);
    const keepAlive = wantsKeepAlive(head);
    // Both framings at once is ambiguous (RFC 9112 §6.3): chunked wins, and the connection is not reused.
    closeAfterResponse = !keepAlive || (framing.kind === "chunked" && contentLength.length > 0);
    expectsContinue = framing.kind !== "none" && head.version === "1.1" && head.names.includes("expect") && asksContinue(head);
    const read = (): void => {
      sendContinue();
      socket.resume();
    };
    bodyStream = options.bodyMode === "stream" && framing.kind !== "none" ? new Readable({ read }) : null;
    exchange = {
      head,
      framing,
      remoteAddress: socket.remoteAddress ?? "",
      remotePort: socket.remotePort ?? 0,
      secure,
      keepAlive,
      body: bodyStream,
      bodyLength: 0,
    };
    state = "body";
    timers.headDone(framing.kind !== "none");
    if (options.bodyMode === "stream") options.onRequest(exchange, nextSink());
    // "discard": the server reads the body now, as an app that reads it at once.
    else sendContinue();
    return true;
  }

  /**
   * `100 Continue` when the body is first read (Kestrel sends it when the app reads the body), if this request asked
   * for it (HTTP/1.1, `Expect: 100-continue`, a body) and nothing was answered yet; at most once. The builtin proxy
   * reads the body before forwarding it, so it answers its client's expectation itself, as nginx does.
   */
  function sendContinue(): void {
    if (!expectsContinue || state !== "body") return;
    expectsContinue = false;
    socket.write("HTTP/1.1 100 Continue\r\n\r\n", "latin1");
  }

  function readBody(): boolean {
    const active = decoder!;
    if (!active.done) {
      if (buffer.length === 0) return false;
      const step = active.feed(buffer, 0, buffer.length);
      buffer = buffer.subarray(step.consumed);
      exchange!.bodyLength = active.received;
      timers.bodyReceived(active.received);
      if (bodyStream) {
        let wantsMore = true;
        for (const piece of step.data) wantsMore = bodyStream.push(Buffer.from(piece)) && wantsMore;
        if (!wantsMore) socket.pause();
      }
      if (!step.done) return false;
    }
    timers.bodyDone();
    bodyStream?.push(null);
    state = "responding";
    if (options.bodyMode === "discard") options.onRequest(exchange!, nextSink());
    return true;
  }

  function finishResponse(close: boolean): void {
    if (state === "closed") return;
    if (close || closeAfterResponse) {
      state = "closed";
      socket.end();
      return;
    }
    if (state === "body") {
      // Answered before the body was read (as a proxy may): the rest of the body cannot be framed away safely.
      state = "closed";
      socket.end();
      return;
    }
    state = "head";
    exchange = null;
    bodyStream = null;
    socket.resume();
    if (buffer.length > 0) setImmediate(pump);
    else if (clientEnded) endIfIdle();
  }

  function connectionLine(close: boolean): string {
    if (close || closeAfterResponse) return "Connection: close\r\n";
    return exchange?.head.version === "1.0" ? "Connection: keep-alive\r\n" : "";
  }

  // One sink per connection, handed to each request in turn: answers are written in order, one at a time.
  let requestNumber = 0;
  let answeredNumber = 0;
  const claim = (): void => {
    if (answeredNumber === requestNumber) throw new Error("a response was already started for this request");
    answeredNumber = requestNumber;
    // Answered before the body was asked for: no 100 Continue any more (the client may send the body or not).
    expectsContinue = false;
  };
  const sink: ResponseSink = createSink();
  function nextSink(): ResponseSink {
    requestNumber++;
    return sink;
  }

  function createSink(): ResponseSink {
    return {
      send(status, headers, body = EMPTY, sendOptions = {}) {
        claim();
        if (state === "closed") return;
        const close = sendOptions.close ?? false;
        const length = typeof body === "string" ? Buffer.byteLength(body) : body.length;
        const head = `${serializeHead(status, headers)}Content-Length: ${length}\r\n${connectionLine(close)}\r\n`;
        // One write per answer: a corked pair of writes costs a writev, measurably slower on small answers.
        if (typeof body === "string") socket.write(head + body);
        else if (body.length === 0) socket.write(head, "latin1");
        else socket.write(Buffer.concat([Buffer.from(head, "latin1"), body]));
        finishResponse(close);
      },
      stream(status, headers, contentLength) {
        claim();
        // An HTTP/1.0 client cannot read chunked framing: a body of unknown length ends when the connection does.
        const untilClose = contentLength === null && exchange?.head.version === "1.0";
        const chunked = contentLength === null && !untilClose;
        const framing = chunked ? "Transfer-Encoding: chunked\r\n" : untilClose ? "" : `Content-Length: ${contentLength}\r\n`;
        socket.write(`${serializeHead(status, headers)}${framing}${connectionLine(untilClose)}\r\n`, "latin1");
        return {
          write(chunk) {
            if (state === "closed" || chunk.length === 0) return true;
            if (!chunked) return socket.write(chunk);
            socket.cork();
            socket.write(`${chunk.length.toString(16)}\r\n`, "latin1");
            socket.write(chunk);
            const ok = socket.write("\r\n", "latin1");
            socket.uncork();
            return ok;
          },
          end() {
            if (state === "closed") return;
            if (chunked) socket.write("0\r\n\r\n", "latin1");
            finishResponse(untilClose);
          },
          drained() {
            return new Promise((resolve) => {
              if (!socket.writableNeedDrain || state === "closed") return resolve();
              // Whichever comes first removes both: a long answer waits thousands of times on one socket.
              const done = (): void => {
                socket.off("drain", done);
                socket.off("close", done);
                resolve();
              };
              socket.on("drain", done);
              socket.on("close", done);
            });
          },
        };
      },
      sendVerbatim(bytes) {
        if (closeAfterResponse || exchange?.head.version !== "1.1" || state === "closed") return false;
        claim();
        socket.write(bytes);
        finishResponse(false);
        return true;
      },
      reject(error) {
        claim();
        reject(error);
      },
      abort() {
        state = "closed";
        socket.destroy();
      },
    };
  }
}
