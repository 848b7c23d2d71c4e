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
import {
  connectionTokens,
  headerValues,
  KESTREL_LIMITS,
  parseHeaderFields,
  parseRequestLine,
  type HeaderField,
  type ParserLimits,
  type RequestHead,
  type RequestLine,
} from "./parser.js";

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
  if (tls)
    return createTlsServer(
      { key: tls.key, cert: tls.cert, allowHalfOpen: true, ALPNProtocols: ["http/1.1"] },
      (socket) => handleHttp1Connection(socket, options),
    );
  return createServer({ allowHalfOpen: true }, (socket) => handleHttp1Connection(socket, options));
}

export function handleHttp1Connection(socket: Socket, options: Http1ConnectionOptions): void {
  new Http1Connection(socket, options);
}

/**
 * The state of one connection and the answers to it. It is also the ResponseSink handed to each request in turn:
 * answers are written in order, one at a time.
 */
class Http1Connection implements ResponseSink {
  private readonly limits: ParserLimits;
  private readonly secure: boolean;
  private readonly timers: ReturnType<typeof createRequestTimers>;
  private buffer: Buffer = EMPTY;
  private state: State = "head";
  private pendingLine: { line: RequestLine; next: number; bareLineFeed: boolean } | null = null;
  private decoder: BodyDecoder | null = null;
  private exchange: Http1Exchange | null = null;
  private bodyStream: Readable | null = null;
  private closeAfterResponse = false;
  private clientEnded = false;
  private expectsContinue = false;
  private requestNumber = 0;
  private answeredNumber = 0;

  constructor(
    private readonly socket: Socket,
    private readonly options: Http1ConnectionOptions,
  ) {
    this.limits = options.limits ?? KESTREL_LIMITS;
    this.secure = "encrypted" in socket;
    this.timers = createRequestTimers(options, {
      headersTooSlow: () => {
        if (this.state === "head" && this.buffer.length > 0)
          this.refuse(new HttpRequestError(408, "Request headers timeout."));
        else if (this.state === "head") this.endIfIdle();
      },
      bodyTooSlow: () => {
        if (this.state === "body") this.refuse(new HttpRequestError(408, "Request body too slow."));
      },
    });
    this.listen();
    // The first request's head is timed from the connection's start, as Kestrel does.
    this.timers.headStarted();
  }

  private listen(): void {
    const socket = this.socket;
    socket.setNoDelay(true);
    socket.setTimeout(this.options.idleTimeoutMs ?? 130_000);
    socket.on("timeout", () => {
      if (this.state === "head" && this.buffer.length > 0)
        this.refuse(new HttpRequestError(408, "Request headers timeout."));
      else socket.destroy();
    });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => {
      this.state = "closed";
      this.timers.stop();
      this.bodyStream?.destroy();
    });
    socket.on("data", (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.pump();
    });
    // The server is half-open: a client that sends its request and then FIN still gets its answers.
    socket.on("end", () => {
      this.clientEnded = true;
      if (this.state === "head") this.endIfIdle();
      else if (this.state === "body") this.bodyStream?.destroy(new Error("client closed the connection mid-body"));
    });
  }

  private endIfIdle(): void {
    if (this.state !== "closed") {
      this.state = "closed";
      this.socket.end();
    }
  }

  /** A server-generated refusal, then the connection is closed. */
  private refuse(error: HttpRequestError): void {
    if (this.state === "closed") return;
    // A head refused while being read is still in the buffer: the server may want to know what it was.
    const unparsed = this.state === "head" ? this.buffer : undefined;
    this.state = "closed";
    this.buffer = EMPTY;
    this.bodyStream?.destroy();
    this.socket.end(this.options.formatRejection(error, unparsed));
  }

  private pump(): void {
    try {
      while (this.state !== "closed") {
        if (this.state === "head") {
          if (!this.readHead()) {
            if (this.clientEnded) this.endIfIdle();
            return;
          }
        } else if (this.state === "body") {
          if (!this.readBody()) return;
        } else {
          // Responding: hold what follows until this answer is written; stop reading if a lot piles up.
          if (this.buffer.length > this.limits.maxHeaderBytes + this.limits.maxRequestLineBytes) this.socket.pause();
          return;
        }
      }
    } catch (error) {
      if (error instanceof HttpRequestError) this.refuse(error);
      else throw error;
    }
  }

  /** The next request head, once all of it is in the buffer; its exchange is handed on in body mode "stream". */
  private readHead(): boolean {
    const head = this.parseHead();
    if (!head) return false;
    // Most requests carry neither field: no body, nothing to look up.
    const hasFraming = head.names.includes("content-length") || head.names.includes("transfer-encoding");
    const contentLength = hasFraming ? headerValues(head, "content-length") : NO_VALUES;
    const framing: BodyFraming = hasFraming
      ? requestBodyFraming(headerValues(head, "transfer-encoding"), contentLength)
      : NONE;
    this.decoder = framing.kind === "none" ? NO_BODY : new BodyDecoder(framing);
    const keepAlive = wantsKeepAlive(head);
    // Both framings at once is ambiguous (RFC 9112 §6.3): chunked wins, and the connection is not reused.
    this.closeAfterResponse = !keepAlive || (framing.kind === "chunked" && contentLength.length > 0);
    this.expectsContinue =
      framing.kind !== "none" && head.version === "1.1" && head.names.includes("expect") && asksContinue(head);
    const read = (): void => {
      this.sendContinue();
      this.socket.resume();
    };
    this.bodyStream = this.options.bodyMode === "stream" && framing.kind !== "none" ? new Readable({ read }) : null;
    this.exchange = {
      head,
      framing,
      remoteAddress: this.socket.remoteAddress ?? "",
      remotePort: this.socket.remotePort ?? 0,
      secure: this.secure,
      keepAlive,
      body: this.bodyStream,
      bodyLength: 0,
    };
    this.state = "body";
    this.timers.headDone(framing.kind !== "none");
    if (this.options.bodyMode === "stream") this.options.onRequest(this.exchange, this.nextSink());
    // "discard": the server reads the body now, as an app that reads it at once.
    else this.sendContinue();
    return true;
  }

  /** The request line (checked as soon as it is complete) and the header fields, or null while they are incomplete. */
  private parseHead(): RequestHead | null {
    const buffer = this.buffer;
    if (buffer.length === 0) return null;
    this.timers.headStarted();
    if (!this.pendingLine) {
      this.pendingLine = parseRequestLine(buffer, 0, buffer.length, this.limits);
      if (!this.pendingLine) return null;
      this.options.checkRequestLine?.(this.pendingLine.line);
    }
    const fields = parseHeaderFields(buffer, this.pendingLine.next, buffer.length, this.limits);
    if (!fields) return null;
    const { line, bareLineFeed } = this.pendingLine;
    this.pendingLine = null;
    this.buffer = buffer.subarray(fields.next);
    return {
      method: line.method,
      target: line.target,
      version: line.version,
      fields: fields.fields,
      names: fields.names,
      length: fields.next,
      bareLineFeed: bareLineFeed || fields.bareLineFeed,
    };
  }

  /**
   * `100 Continue` when the body is first read (Kestrel sends it when the app reads the body), if this request asked
   * for it (HTTP/1.1, `Expect: 100-continue`, a body) and nothing was answered yet; at most once. The builtin proxy
   * reads the body before forwarding it, so it answers its client's expectation itself, as nginx does.
   */
  private sendContinue(): void {
    if (!this.expectsContinue || this.state !== "body") return;
    this.expectsContinue = false;
    this.socket.write("HTTP/1.1 100 Continue\r\n\r\n", "latin1");
  }

  private readBody(): boolean {
    const active = this.decoder!;
    if (!active.done) {
      if (this.buffer.length === 0) return false;
      const step = active.feed(this.buffer, 0, this.buffer.length);
      this.buffer = this.buffer.subarray(step.consumed);
      this.exchange!.bodyLength = active.received;
      this.timers.bodyReceived(active.received);
      if (this.bodyStream) {
        let wantsMore = true;
        for (const piece of step.data) wantsMore = this.bodyStream.push(Buffer.from(piece)) && wantsMore;
        if (!wantsMore) this.socket.pause();
      }
      if (!step.done) return false;
    }
    this.timers.bodyDone();
    this.bodyStream?.push(null);
    this.state = "responding";
    if (this.options.bodyMode === "discard") this.options.onRequest(this.exchange!, this.nextSink());
    return true;
  }

  private finishResponse(close: boolean): void {
    if (this.state === "closed") return;
    // Answered before the body was read (as a proxy may): the rest of the body cannot be framed away safely.
    if (close || this.closeAfterResponse || this.state === "body") {
      this.state = "closed";
      this.socket.end();
      return;
    }
    this.state = "head";
    this.exchange = null;
    this.bodyStream = null;
    this.socket.resume();
    if (this.buffer.length > 0) setImmediate(() => this.pump());
    else if (this.clientEnded) this.endIfIdle();
  }

  private connectionLine(close: boolean): string {
    if (close || this.closeAfterResponse) return "Connection: close\r\n";
    return this.exchange?.head.version === "1.0" ? "Connection: keep-alive\r\n" : "";
  }

  private nextSink(): ResponseSink {
    this.requestNumber++;
    return this;
  }

  private claim(): void {
    if (this.answeredNumber === this.requestNumber) throw new Error("a response was already started for this request");
    this.answeredNumber = this.requestNumber;
    // Answered before the body was asked for: no 100 Continue any more (the client may send the body or not).
    this.expectsContinue = false;
  }

  send(
    status: number,
    headers: readonly HeaderField[],
    body: Buffer | string = EMPTY,
    sendOptions: { close?: boolean } = {},
  ): void {
    this.claim();
    if (this.state === "closed") return;
    const close = sendOptions.close ?? false;
    const length = typeof body === "string" ? Buffer.byteLength(body) : body.length;
    const head = `${serializeHead(status, headers)}Content-Length: ${length}\r\n${this.connectionLine(close)}\r\n`;
    // One write per answer: a corked pair of writes costs a writev, measurably slower on small answers.
    if (typeof body === "string") this.socket.write(head + body);
    else if (body.length === 0) this.socket.write(head, "latin1");
    else this.socket.write(Buffer.concat([Buffer.from(head, "latin1"), body]));
    this.finishResponse(close);
  }

  stream(status: number, headers: readonly HeaderField[], contentLength: number | null): StreamedResponse {
    this.claim();
    // An HTTP/1.0 client cannot read chunked framing: a body of unknown length ends when the connection does.
    const untilClose = contentLength === null && this.exchange?.head.version === "1.0";
    const chunked = contentLength === null && !untilClose;
    const framing = chunked
      ? "Transfer-Encoding: chunked\r\n"
      : untilClose
        ? ""
        : `Content-Length: ${contentLength}\r\n`;
    this.socket.write(`${serializeHead(status, headers)}${framing}${this.connectionLine(untilClose)}\r\n`, "latin1");
    return new StreamedBody(
      this.socket,
      chunked,
      () => this.state === "closed",
      () => this.finishResponse(untilClose),
    );
  }

  sendVerbatim(bytes: Buffer): boolean {
    if (this.closeAfterResponse || this.exchange?.head.version !== "1.1" || this.state === "closed") return false;
    this.claim();
    this.socket.write(bytes);
    this.finishResponse(false);
    return true;
  }

  reject(error: HttpRequestError): void {
    this.claim();
    this.refuse(error);
  }

  abort(): void {
    this.state = "closed";
    this.socket.destroy();
  }
}

/** A response body being written: chunk-framed unless its length was given (or it ends with the connection). */
class StreamedBody implements StreamedResponse {
  constructor(
    private readonly socket: Socket,
    private readonly chunked: boolean,
    private readonly closed: () => boolean,
    private readonly finish: () => void,
  ) {}

  write(chunk: Buffer): boolean {
    if (this.closed() || chunk.length === 0) return true;
    if (!this.chunked) return this.socket.write(chunk);
    const socket = this.socket;
    socket.cork();
    socket.write(`${chunk.length.toString(16)}\r\n`, "latin1");
    socket.write(chunk);
    const ok = socket.write("\r\n", "latin1");
    socket.uncork();
    return ok;
  }

  end(): void {
    if (this.closed()) return;
    if (this.chunked) this.socket.write("0\r\n\r\n", "latin1");
    this.finish();
  }

  drained(): Promise<void> {
    const socket = this.socket;
    return new Promise((resolve) => {
      if (!socket.writableNeedDrain || this.closed()) return resolve();
      // Whichever comes first removes both: a long answer waits thousands of times on one socket.
      const done = (): void => {
        socket.off("drain", done);
        socket.off("close", done);
        resolve();
      };
      socket.on("drain", done);
      socket.on("close", done);
    });
  }
}
