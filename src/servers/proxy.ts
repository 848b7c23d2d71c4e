/**
 * The builtin reverse proxy on raw sockets: strict HTTP/1 parsing of what clients send, ambiguous framing refused
 * before anything is forwarded, Host routing to upstream apps (several instances balanced), hop-by-hop and
 * client-forged forwarding fields removed, X-Forwarded-* (and optionally Forwarded) set, keep-alive connection pools
 * upstream over TCP or TLS, bodies streamed both ways with backpressure and size limits, 502 when an app cannot be
 * reached or fails, 504 when it is too slow.
 */
import type { Readable } from "node:stream";
import {
  createHttp1Server,
  type Http1Exchange,
  type ResponseSink,
  type StreamedResponse,
  type TlsIdentity,
} from "../http1/connection.js";
import { HttpRequestError, reasonPhrase } from "../http1/errors.js";
import { headerValues, type HeaderField } from "../http1/parser.js";
import type { ResponseFraming, ResponseHead } from "../http1/response-head.js";
import { hostMatchesAny } from "../policy/host-string.js";
import { isHostHeaderValid } from "../policy/host-syntax.js";
import { plainPeerAddress } from "../policy/ip-address.js";
import { listen, type ListeningServer } from "../network/listen.js";
import { createBalancer, type BalancingStrategy } from "./proxy/balancer.js";
import { createExposedPathFilter } from "./proxy/exposed-paths.js";
import {
  forwardedRequestFields,
  forwardedResponseFields,
  HOP_BY_HOP,
  resolveTarget,
  type ForwardingPolicy,
} from "./proxy/forwarding.js";
import { createFrontDoorServer, type FrontDoor } from "./proxy/h2-front-door.js";
import { UpstreamPool, type ExchangeListener, type UpstreamConnection } from "./proxy/upstream-pool.js";
import { proxySpec } from "../scenario/schema.js";
import { defaultsOf } from "../scenario/spec.js";

/** A scenario's proxy section and the builtin proxy started by hand have the same defaults: the field table's. */
const PROXY_DEFAULTS = defaultsOf(proxySpec.fields);

export interface ProxyRoute {
  /** Host patterns this route serves (HostFiltering syntax); the first route also takes unmatched hosts. */
  hosts: string[];
  /** The app instances' origins, e.g. http://127.0.0.1:5000; several are balanced. */
  upstreams: string[];
}

export interface ProxyOptions {
  routes: ProxyRoute[];
  /** Pass the client's Host upstream (true) or the upstream's address with the client's Host in X-Forwarded-Host. */
  preserveHost?: boolean;
  /** X-Forwarded-For: append the peer to what the client sent, or replace it. Default replace. */
  forwardedFor?: "append" | "replace";
  /** Also send RFC 7239 Forwarded (for, proto, host). Default false. */
  forwarded?: boolean;
  /** Drop client-sent forwarding and host-override headers. Default true. */
  stripClientForwarded?: boolean;
  /** Proxy-side Host allowlist: other hosts get 421. Null or absent: no list. */
  allowedHosts?: string[] | null;
  /** Path prefixes forwarded; other paths get 404. Null or absent: every path. */
  exposedPaths?: string[] | null;
  /** No byte from the app for this long while awaiting its answer: 504. Default 30 s. */
  upstreamTimeoutMs?: number;
  /** How long a client may take to send a whole request head before a 408 (default 60 s, nginx's client_header_timeout). */
  headerTimeoutMs?: number;
  /** Balancing across a route's instances. Default round robin. */
  balancing?: BalancingStrategy;
  /** Larger request bodies get 413. Default 10 MiB. */
  maxRequestBodyBytes?: number;
  /** Larger response bodies are cut off (502 when nothing was sent yet). Default 100 MiB. */
  maxResponseBodyBytes?: number;
  /** The protocols clients may speak to it (default http1). */
  frontDoor?: FrontDoor;
  /** Terminate TLS: serve HTTPS with this certificate. */
  tls?: TlsIdentity;
  /** Re-encrypt: speak TLS to https:// upstreams, trusting this CA (PEM). */
  upstreamCa?: string;
  /** Local address upstream connections come from (a loopback alias lets the app tell its proxy apart). */
  sourceAddress?: string;
  host?: string;
  port?: number;
}

export interface RunningProxy extends ListeningServer {
  readonly counts: ReadonlyMap<number, number>;
}

/** Request bodies up to this size are read whole before anything is forwarded, so a malformed one never leaves. */
const BODY_BUFFER_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);

interface Instance {
  pool: UpstreamPool;
  authority: string;
  readonly pending: number;
}

function createInstance(origin: string, options: ProxyOptions, timeoutMs: number): Instance {
  const url = new URL(origin);
  const secure = url.protocol === "https:";
  if (secure && !options.upstreamCa)
    throw new Error(`upstream ${origin} is https but the proxy was given no CA to trust`);
  const pool = new UpstreamPool({
    target: {
      host: url.hostname.replace(/^\[|\]$/g, ""),
      port: Number(url.port || (secure ? 443 : 80)),
      ...(secure ? { tls: { ca: options.upstreamCa!, servername: "localhost" } } : {}),
    },
    timeoutMs,
    ...(options.sourceAddress ? { localAddress: options.sourceAddress } : {}),
  });
  return {
    pool,
    authority: url.host,
    get pending() {
      return pool.pending;
    },
  };
}

export function createProxyHandler(options: ProxyOptions): ProxyHandler {
  return new ProxyHandler(options);
}

interface Outgoing {
  start: string;
  body: Buffer;
  /** The rest of a body too large to hold, streamed after what is in hand. */
  rest: Readable | null;
}

interface Route {
  hosts: string[];
  pick: () => Instance;
}

/** The proxy's decisions for each client request: admit, route, forward; and the count of statuses it answered. */
export class ProxyHandler {
  readonly counts = new Map<number, number>();
  private readonly policy: ForwardingPolicy;
  private readonly allowedHosts: string[] | null;
  private readonly isExposed: (path: string) => boolean;
  readonly maxRequestBody: number;
  readonly maxResponseBody: number;
  private readonly instances: Instance[] = [];
  private readonly routes: Route[];

  constructor(options: ProxyOptions) {
    if (options.routes.length === 0 || options.routes.some((route) => route.upstreams.length === 0))
      throw new Error("a proxy needs at least one route, each with an upstream");
    this.policy = {
      preserveHost: options.preserveHost ?? PROXY_DEFAULTS.preserveHost,
      appendForwardedFor: options.forwardedFor === "append",
      stripClientForwarded: options.stripClientForwarded ?? PROXY_DEFAULTS.stripClientForwarded,
      forwarded: options.forwarded ?? PROXY_DEFAULTS.forwarded,
    };
    this.allowedHosts = options.allowedHosts && options.allowedHosts.length > 0 ? options.allowedHosts : null;
    this.isExposed = createExposedPathFilter(options.exposedPaths ?? null);
    const timeoutMs = options.upstreamTimeoutMs ?? PROXY_DEFAULTS.upstreamTimeout;
    this.maxRequestBody = options.maxRequestBodyBytes ?? PROXY_DEFAULTS.maxRequestBodyBytes;
    this.maxResponseBody = options.maxResponseBodyBytes ?? PROXY_DEFAULTS.maxResponseBodyBytes;
    this.routes = options.routes.map((route) => {
      const members = route.upstreams.map((origin) => createInstance(origin, options, timeoutMs));
      this.instances.push(...members);
      return { hosts: route.hosts, pick: createBalancer(members, options.balancing ?? PROXY_DEFAULTS.balancing) };
    });
  }

  count(status: number): void {
    this.counts.set(status, (this.counts.get(status) ?? 0) + 1);
  }

  /** The bytes of a refusal the connection sends itself (a request it could not parse); the connection then closes. */
  readonly formatRejection = (error: HttpRequestError): Buffer => {
    this.count(error.status);
    const body = `${error.message}\n`;
    let text = `HTTP/1.1 ${error.status} ${reasonPhrase(error.status)}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\nServer: edgebench-proxy\r\n`;
    if (error.allow) text += `Allow: ${error.allow}\r\n`;
    return Buffer.from(`${text}\r\n${body}`, "latin1");
  };

  /** A refusal as HTTP/2 sends it: a status and a body. */
  readonly rejectionAnswer = (error: HttpRequestError): { status: number; body: string } => {
    this.count(error.status);
    return { status: error.status, body: `${error.message}\n` };
  };

  /** An answer of the proxy's own (421, 404, 413, 502, 504). */
  answer(response: ResponseSink, status: number, message: string): void {
    this.count(status);
    response.send(
      status,
      [
        ["Content-Type", "text/plain"],
        ["Server", "edgebench-proxy"],
      ],
      `${message}\n`,
      { close: status >= 500 || status === 413 },
    );
  }

  readonly onRequest = (exchange: Http1Exchange, response: ResponseSink): void => {
    let target: { path: string; host: string };
    try {
      target = this.admit(exchange);
    } catch (error) {
      if (error instanceof HttpRequestError) return response.reject(error);
      throw error;
    }
    if (this.allowedHosts && (target.host.length === 0 || !hostMatchesAny(target.host, this.allowedHosts))) {
      return this.answer(response, 421, "Misdirected Request: this proxy does not serve that host.");
    }
    if (!this.isExposed(target.path))
      return this.answer(response, 404, "Not Found: this proxy does not publish that path.");
    const instance = this.routeFor(target.host).pick();
    const fields = forwardedRequestFields(
      exchange.head,
      {
        peer: plainPeerAddress(exchange.remoteAddress),
        secure: exchange.secure,
        host: target.host,
        upstreamAuthority: instance.authority,
      },
      this.policy,
    );
    const start = `${exchange.head.method} ${target.path} HTTP/1.1\r\n${fields}`;
    const body = exchange.body;
    if (!body) return this.forward(exchange, response, instance, { start, body: EMPTY, rest: null });
    this.readBodyStart(body, exchange, response, (held, complete) =>
      this.forward(exchange, response, instance, { start, body: held, rest: complete ? null : body }),
    );
  };

  async close(): Promise<void> {
    for (const instance of this.instances) instance.pool.close();
  }

  /** Sends the request upstream and the answer back; the first attempt on a pooled connection is retried once. */
  forward(exchange: Http1Exchange, response: ResponseSink, instance: Instance, outgoing: Outgoing, attempt = 0): void {
    const connection = attempt === 0 ? instance.pool.acquire() : instance.pool.fresh();
    const listener = new ForwardedAnswer(this, exchange, response, instance, outgoing, attempt, connection);
    connection.send(exchange.head.method, requestBytes(exchange, outgoing), listener);
    if (outgoing.rest)
      this.streamRest(outgoing.rest, connection, exchange.framing.kind === "chunked", outgoing.body.length);
  }

  private routeFor(host: string): Route {
    if (this.routes.length > 1 && host.length > 0) {
      for (const candidate of this.routes) {
        try {
          if (hostMatchesAny(host, candidate.hosts)) return candidate;
        } catch {
          break;
        }
      }
    }
    return this.routes[0]!;
  }

  /** Checks the request and decides where it goes; an HttpRequestError refuses it before anything is forwarded. */
  private admit(exchange: Http1Exchange): { path: string; host: string } {
    const { head } = exchange;
    const hosts = headerValues(head, "host");
    if (hosts.length > 1) throw new HttpRequestError(400, "Multiple Host headers.");
    if (hosts.length === 0 && head.version === "1.1")
      throw new HttpRequestError(400, "Request is missing Host header.");
    const clientHost = hosts[0] ?? "";
    if (!isHostHeaderValid(clientHost)) throw new HttpRequestError(400, "Invalid Host header.");
    // RFC 9112 §6.1: a proxy must not forward a message with both; it is how requests are smuggled past one hop.
    if (head.names.includes("transfer-encoding") && head.names.includes("content-length")) {
      throw new HttpRequestError(400, "Both Transfer-Encoding and Content-Length: ambiguous framing is refused.");
    }
    if (exchange.framing.kind === "length" && exchange.framing.length > this.maxRequestBody)
      throw new HttpRequestError(413, `Request body over ${this.maxRequestBody} bytes.`);
    return resolveTarget(head, clientHost);
  }

  /** Reads the body until it ends or BODY_BUFFER_BYTES are in hand; a parse error in that stretch forwards nothing. */
  private readBodyStart(
    body: Readable,
    exchange: Http1Exchange,
    response: ResponseSink,
    then: (body: Buffer, complete: boolean) => void,
  ): void {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      body.off("data", onData);
      body.off("end", onEnd);
      body.off("error", onError);
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > this.maxRequestBody) {
        cleanup();
        body.destroy();
        this.answer(response, 413, `Payload Too Large: request body over ${this.maxRequestBody} bytes.`);
      } else if (
        size >= BODY_BUFFER_BYTES &&
        !(exchange.framing.kind === "length" && size >= exchange.framing.length)
      ) {
        // More than it holds and more to come: forward what is in hand and stream the rest.
        cleanup();
        body.pause();
        then(Buffer.concat(chunks), false);
      }
    };
    const onEnd = (): void => {
      cleanup();
      then(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), true);
    };
    // The connection already answered 400 (an invalid chunk, say); nothing was forwarded.
    const onError = (): void => cleanup();
    body.on("data", onData);
    body.once("end", onEnd);
    body.once("error", onError);
  }

  private streamRest(rest: Readable, connection: UpstreamConnection, chunked: boolean, total: number): void {
    let size = total;
    const socket = connection.socket;
    rest.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > this.maxRequestBody) {
        connection.retire();
        connection.destroy();
        rest.destroy();
        return;
      }
      const ok = chunked
        ? socket.write(
            Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`, "latin1"), chunk, Buffer.from("\r\n")]),
          )
        : socket.write(chunk);
      if (!ok) {
        rest.pause();
        socket.once("drain", () => rest.resume());
      }
    });
    let ended = false;
    rest.once("end", () => {
      ended = true;
      if (chunked) socket.write("0\r\n\r\n", "latin1");
    });
    // The client's body broke off or was malformed after forwarding began: the app must not see a complete request.
    rest.once("close", () => {
      if (ended) return;
      connection.retire();
      connection.destroy();
    });
    rest.resume();
  }
}

function requestBytes(exchange: Http1Exchange, outgoing: Outgoing): Buffer | string {
  if (!outgoing.rest) {
    const framing =
      outgoing.body.length > 0 || exchange.framing.kind !== "none" ? `Content-Length: ${outgoing.body.length}\r\n` : "";
    const head = `${outgoing.start}${framing}\r\n`;
    return outgoing.body.length === 0 ? head : Buffer.concat([Buffer.from(head, "latin1"), outgoing.body]);
  }
  // A body too large to hold: a known length is kept, a chunked one is re-chunked from decoded data.
  if (exchange.framing.kind === "length")
    return Buffer.concat([
      Buffer.from(`${outgoing.start}Content-Length: ${exchange.framing.length}\r\n\r\n`, "latin1"),
      outgoing.body,
    ]);
  return Buffer.concat([
    Buffer.from(
      `${outgoing.start}Transfer-Encoding: chunked\r\n\r\n${outgoing.body.length.toString(16)}\r\n`,
      "latin1",
    ),
    outgoing.body,
    Buffer.from("\r\n"),
  ]);
}

/** One upstream answer on its way back to the client: passed on whole, held until complete, or streamed. */
class ForwardedAnswer implements ExchangeListener {
  private writer: StreamedResponse | null = null;
  /** A length-framed answer is held until complete (up to the buffer size), to go out in one write. */
  private held: { status: number; fields: HeaderField[]; length: number; chunks: Buffer[]; size: number } | null = null;
  private received = 0;
  private settled = false;

  constructor(
    private readonly proxy: ProxyHandler,
    private readonly exchange: Http1Exchange,
    private readonly response: ResponseSink,
    private readonly instance: Instance,
    private readonly outgoing: Outgoing,
    private readonly attempt: number,
    private readonly connection: UpstreamConnection,
  ) {
    instance.pool.pending++;
  }

  whole(head: ResponseHead, bytes: Buffer): boolean {
    // Passed on byte for byte when there is nothing to take out: no hop-by-hop field, HTTP/1.1 framing.
    if (head.version !== "1.1" || head.names.some((name) => HOP_BY_HOP.has(name))) return false;
    if (!this.response.sendVerbatim(bytes)) return false;
    this.settle();
    this.proxy.count(head.status);
    return true;
  }

  head(head: ResponseHead, framing: ResponseFraming): void {
    const fields = forwardedResponseFields(head.fields, head.names);
    if (framing.kind === "none") {
      // HEAD keeps the app's Content-Length (the size a GET would have had); no body follows either way.
      const declared = headerValues(head, "content-length")[0];
      this.writer = this.startStream(
        head.status,
        fields,
        this.exchange.head.method === "HEAD" && declared !== undefined ? Number(declared) : 0,
      );
    } else if (framing.kind === "length" && framing.length <= BODY_BUFFER_BYTES) {
      this.held = { status: head.status, fields, length: framing.length, chunks: [], size: 0 };
    } else if (framing.kind === "length") {
      if (framing.length > this.proxy.maxResponseBody) throw new Error("response too large");
      this.writer = this.startStream(head.status, fields, framing.length);
    } else {
      this.writer = this.startStream(head.status, fields, null);
    }
  }

  data(chunk: Buffer): void {
    this.received += chunk.length;
    if (this.held) {
      this.held.chunks.push(chunk);
      this.held.size += chunk.length;
      return;
    }
    if (this.received > this.proxy.maxResponseBody) {
      this.connection.retire();
      this.connection.destroy();
      return;
    }
    this.write(chunk);
  }

  end(): void {
    this.settle();
    const held = this.held;
    if (held) {
      this.proxy.count(held.status);
      this.response.send(
        held.status,
        held.fields,
        held.chunks.length === 1 ? held.chunks[0]! : Buffer.concat(held.chunks),
      );
      return;
    }
    this.writer!.end();
  }

  fail(kind: Parameters<ExchangeListener["fail"]>[0], message: string, retryable: boolean): void {
    this.settle();
    if (retryable && this.attempt === 0 && !this.outgoing.rest) {
      this.proxy.forward(this.exchange, this.response, this.instance, this.outgoing, 1);
      return;
    }
    if (this.writer) {
      // The status is already sent, so only a cut connection tells the client the answer is incomplete.
      this.proxy.count(502);
      this.response.abort();
      return;
    }
    if (kind === "timeout") this.proxy.answer(this.response, 504, "Gateway Timeout: the app did not answer in time.");
    else this.proxy.answer(this.response, 502, `Bad Gateway: ${message}`);
  }

  private settle(): void {
    if (!this.settled) {
      this.settled = true;
      this.instance.pool.pending--;
    }
  }

  private startStream(status: number, fields: HeaderField[], length: number | null): StreamedResponse {
    this.proxy.count(status);
    return this.response.stream(status, fields, length);
  }

  private write(chunk: Buffer): void {
    const writer = this.writer!;
    if (!writer.write(chunk)) {
      this.connection.socket.pause();
      void writer.drained().then(() => this.connection.socket.resume());
    }
  }
}

/** Starts the builtin proxy on 127.0.0.1 (ephemeral port unless `port` is given), HTTPS when given a certificate. */
export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const handler = createProxyHandler(options);
  const connection = {
    bodyMode: "stream" as const,
    headersTimeoutMs: options.headerTimeoutMs ?? PROXY_DEFAULTS.headerTimeout,
    onRequest: handler.onRequest,
    formatRejection: handler.formatRejection,
  };
  const frontDoor = options.frontDoor ?? "http1";
  const server =
    frontDoor === "http1"
      ? createHttp1Server(connection, options.tls)
      : createFrontDoorServer(frontDoor, connection, handler.rejectionAnswer, options.tls);
  const listening = await listen(
    server,
    options.host ?? "127.0.0.1",
    options.port ?? 0,
    options.tls ? "https" : "http",
  );
  return {
    ...listening,
    counts: handler.counts,
    close: async () => {
      await listening.close();
      await handler.close();
    },
  };
}
