/**
 * The builtin reverse proxy on raw sockets: strict HTTP/1 parsing of what clients send, ambiguous framing refused
 * before anything is forwarded, Host routing to upstream apps (several instances balanced), hop-by-hop and
 * client-forged forwarding fields removed, X-Forwarded-* (and optionally Forwarded) set, keep-alive connection pools
 * upstream over TCP or TLS, bodies streamed both ways with backpressure and size limits, 502 when an app cannot be
 * reached or fails, 504 when it is too slow.
 */
import type { Readable } from "node:stream";
import { createHttp1Server, type Http1Exchange, type ResponseSink, type StreamedResponse, type TlsIdentity } from "../http1/connection.js";
import { HttpRequestError, reasonPhrase } from "../http1/errors.js";
import { headerValues, type HeaderField } from "../http1/parser.js";
import type { ResponseFraming, ResponseHead } from "../http1/response-head.js";
import { hostMatchesAny } from "../policy/host-string.js";
import { isHostHeaderValid } from "../policy/host-syntax.js";
import { plainPeerAddress } from "../policy/ip-address.js";
import { listen, type ListeningServer } from "./listen.js";
import { createBalancer, type BalancingStrategy } from "./proxy/balancer.js";
import { createExposedPathFilter } from "./proxy/exposed-paths.js";
import { forwardedRequestFields, forwardedResponseFields, HOP_BY_HOP, resolveTarget, type ForwardingPolicy } from "./proxy/forwarding.js";
import { createFrontDoorServer, type FrontDoor } from "./proxy/h2-front-door.js";
import { UpstreamPool, type ExchangeListener, type UpstreamConnection } from "./proxy/upstream-pool.js";

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
  if (secure && !options.upstreamCa) throw new Error(`upstream ${origin} is https but the proxy was given no CA to trust`);
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

export function createProxyHandler(options: ProxyOptions) {
  if (options.routes.length === 0 || options.routes.some((route) => route.upstreams.length === 0)) throw new Error("a proxy needs at least one route, each with an upstream");
  const policy: ForwardingPolicy = {
    preserveHost: options.preserveHost ?? true,
    appendForwardedFor: options.forwardedFor === "append",
    stripClientForwarded: options.stripClientForwarded ?? true,
    forwarded: options.forwarded ?? false,
  };
  const allowedHosts = options.allowedHosts && options.allowedHosts.length > 0 ? options.allowedHosts : null;
  const isExposed = createExposedPathFilter(options.exposedPaths ?? null);
  const timeoutMs = options.upstreamTimeoutMs ?? 30_000;
  const maxRequestBody = options.maxRequestBodyBytes ?? 10 * 1024 * 1024;
  const maxResponseBody = options.maxResponseBodyBytes ?? 100 * 1024 * 1024;
  const counts = new Map<number, number>();
  const count = (status: number): void => {
    counts.set(status, (counts.get(status) ?? 0) + 1);
  };
  const instances: Instance[] = [];
  const routes = options.routes.map((route) => {
    const members = route.upstreams.map((origin) => createInstance(origin, options, timeoutMs));
    instances.push(...members);
    return { hosts: route.hosts, pick: createBalancer(members, options.balancing ?? "round-robin") };
  });

  const routeFor = (host: string) => {
    if (routes.length > 1 && host.length > 0) {
      for (const candidate of routes) {
        try {
          if (hostMatchesAny(host, candidate.hosts)) return candidate;
        } catch {
          break;
        }
      }
    }
    return routes[0]!;
  };

  const formatRejection = (error: HttpRequestError): Buffer => {
    count(error.status);
    const body = `${error.message}\n`;
    let text = `HTTP/1.1 ${error.status} ${reasonPhrase(error.status)}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\nServer: edgebench-proxy\r\n`;
    if (error.allow) text += `Allow: ${error.allow}\r\n`;
    return Buffer.from(`${text}\r\n${body}`, "latin1");
  };

  /** A refusal as HTTP/2 sends it: a status and a body. */
  const rejectionAnswer = (error: HttpRequestError): { status: number; body: string } => {
    count(error.status);
    return { status: error.status, body: `${error.message}\n` };
  };

  const answer = (response: ResponseSink, status: number, message: string): void => {
    count(status);
    response.send(status, [["Content-Type", "text/plain"], ["Server", "edgebench-proxy"]], `${message}\n`, { close: status >= 500 || status === 413 });
  };

  /** Checks the request and decides where it goes; an HttpRequestError refuses it before anything is forwarded. */
  function admit(exchange: Http1Exchange): { path: string; host: string } {
    const { head } = exchange;
    const hosts = headerValues(head, "host");
    if (hosts.length > 1) throw new HttpRequestError(400, "Multiple Host headers.");
    if (hosts.length === 0 && head.version === "1.1") throw new HttpRequestError(400, "Request is missing Host header.");
    const clientHost = hosts[0] ?? "";
    if (!isHostHeaderValid(clientHost)) throw new HttpRequestError(400, "Invalid Host header.");
    // RFC 9112 §6.1: a proxy must not forward a message with both; it is how requests are smuggled past one hop.
    if (head.names.includes("transfer-encoding") && head.names.includes("content-length")) {
      throw new HttpRequestError(400, "Both Transfer-Encoding and Content-Length: ambiguous framing is refused.");
    }
    if (exchange.framing.kind === "length" && exchange.framing.length > maxRequestBody) throw new HttpRequestError(413, `Request body over ${maxRequestBody} bytes.`);
    return resolveTarget(head, clientHost);
  }

  const onRequest = (exchange: Http1Exchange, response: ResponseSink): void => {
    let target: { path: string; host: string };
    try {
      target = admit(exchange);
    } catch (error) {
      if (error instanceof HttpRequestError) return response.reject(error);
      throw error;
    }
    if (allowedHosts && (target.host.length === 0 || !hostMatchesAny(target.host, allowedHosts))) {
      return answer(response, 421, "Misdirected Request: this proxy does not serve that host.");
    }
    if (!isExposed(target.path)) return answer(response, 404, "Not Found: this proxy does not publish that path.");
    const instance = routeFor(target.host).pick();
    const fields = forwardedRequestFields(
      exchange.head,
      { peer: plainPeerAddress(exchange.remoteAddress), secure: exchange.secure, host: target.host, upstreamAuthority: instance.authority },
      policy,
    );
    const start = `${exchange.head.method} ${target.path} HTTP/1.1\r\n${fields}`;
    if (!exchange.body) {
      forward(exchange, response, instance, { start, body: EMPTY, rest: null });
      return;
    }
    readBodyStart(exchange.body, exchange, response, (body, complete) => forward(exchange, response, instance, { start, body, rest: complete ? null : exchange.body }));
  };

  /** Reads the body until it ends or BODY_BUFFER_BYTES are in hand; a parse error in that stretch forwards nothing. */
  function readBodyStart(body: Readable, exchange: Http1Exchange, response: ResponseSink, then: (body: Buffer, complete: boolean) => void): void {
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
      if (size > maxRequestBody) {
        cleanup();
        body.destroy();
        answer(response, 413, `Payload Too Large: request body over ${maxRequestBody} bytes.`);
      } else if (size >= BODY_BUFFER_BYTES && !(exchange.framing.kind === "length" && size >= exchange.framing.length)) {
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

  interface Outgoing {
    start: string;
    body: Buffer;
    /** The rest of a body too large to hold, streamed after what is in hand. */
    rest: Readable | null;
  }

  function requestBytes(exchange: Http1Exchange, outgoing: Outgoing): Buffer | string {
    if (!outgoing.rest) {
      const framing = outgoing.body.length > 0 || exchange.framing.kind !== "none" ? `Content-Length: ${outgoing.body.length}\r\n` : "";
      const head = `${outgoing.start}${framing}\r\n`;
      return outgoing.body.length === 0 ? head : Buffer.concat([Buffer.from(head, "latin1"), outgoing.body]);
    }
    // A body too large to hold: a known length is kept, a chunked one is re-chunked from decoded data.
    if (exchange.framing.kind === "length") return Buffer.concat([Buffer.from(`${outgoing.start}Content-Length: ${exchange.framing.length}\r\n\r\n`, "latin1"), outgoing.body]);
    return Buffer.concat([Buffer.from(`${outgoing.start}Transfer-Encoding: chunked\r\n\r\n${outgoing.body.length.toString(16)}\r\n`, "latin1"), outgoing.body, Buffer.from("\r\n")]);
  }

  function streamRest(rest: Readable, connection: UpstreamConnection, chunked: boolean, total: number): void {
    let size = total;
    const socket = connection.socket;
    rest.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxRequestBody) {
        connection.retire();
        connection.destroy();
        rest.destroy();
        return;
      }
      const ok = chunked ? socket.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`, "latin1"), chunk, Buffer.from("\r\n")])) : socket.write(chunk);
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

  function forward(exchange: Http1Exchange, response: ResponseSink, instance: Instance, outgoing: Outgoing, attempt = 0): void {
    const connection = attempt === 0 ? instance.pool.acquire() : instance.pool.fresh();
    instance.pool.pending++;
    let writer: StreamedResponse | null = null;
    /** A length-framed answer is held until complete (up to the buffer size), to go out in one write. */
    let held: { status: number; fields: HeaderField[]; length: number; chunks: Buffer[]; size: number } | null = null;
    let received = 0;
    let settled = false;
    const settle = (): void => {
      if (!settled) {
        settled = true;
        instance.pool.pending--;
      }
    };
    const startStream = (status: number, fields: HeaderField[], length: number | null): StreamedResponse => {
      count(status);
      return response.stream(status, fields, length);
    };
    const write = (chunk: Buffer): void => {
      if (!writer!.write(chunk)) {
        connection.socket.pause();
        void writer!.drained().then(() => connection.socket.resume());
      }
    };
    const listener: ExchangeListener = {
      whole(head: ResponseHead, bytes: Buffer) {
        // Passed on byte for byte when there is nothing to take out: no hop-by-hop field, HTTP/1.1 framing.
        if (head.version !== "1.1" || head.names.some((name) => HOP_BY_HOP.has(name))) return false;
        if (!response.sendVerbatim(bytes)) return false;
        settle();
        count(head.status);
        return true;
      },
      head(head: ResponseHead, framing: ResponseFraming) {
        const fields = forwardedResponseFields(head.fields, head.names);
        if (framing.kind === "none") {
          // HEAD keeps the app's Content-Length (the size a GET would have had); no body follows either way.
          const declared = headerValues(head, "content-length")[0];
          writer = startStream(head.status, fields, exchange.head.method === "HEAD" && declared !== undefined ? Number(declared) : 0);
        } else if (framing.kind === "length" && framing.length <= BODY_BUFFER_BYTES) {
          held = { status: head.status, fields, length: framing.length, chunks: [], size: 0 };
        } else if (framing.kind === "length") {
          if (framing.length > maxResponseBody) throw new Error("response too large");
          writer = startStream(head.status, fields, framing.length);
        } else {
          writer = startStream(head.status, fields, null);
        }
      },
      data(chunk: Buffer) {
        received += chunk.length;
        if (held) {
          held.chunks.push(chunk);
          held.size += chunk.length;
          return;
        }
        if (received > maxResponseBody) {
          connection.retire();
          connection.destroy();
          return;
        }
        write(chunk);
      },
      end() {
        settle();
        if (held) {
          count(held.status);
          response.send(held.status, held.fields, held.chunks.length === 1 ? held.chunks[0]! : Buffer.concat(held.chunks));
          return;
        }
        writer!.end();
      },
      fail(kind, message, retryable) {
        settle();
        if (retryable && attempt === 0 && !outgoing.rest) {
          forward(exchange, response, instance, outgoing, 1);
          return;
        }
        if (writer) {
          // The status is already sent, so only a cut connection tells the client the answer is incomplete.
          count(502);
          response.abort();
          return;
        }
        if (kind === "timeout") answer(response, 504, "Gateway Timeout: the app did not answer in time.");
        else answer(response, 502, `Bad Gateway: ${message}`);
      },
    };
    connection.send(exchange.head.method, requestBytes(exchange, outgoing), listener);
    if (outgoing.rest) streamRest(outgoing.rest, connection, exchange.framing.kind === "chunked", outgoing.body.length);
  }

  const close = async (): Promise<void> => {
    for (const instance of instances) instance.pool.close();
  };

  return { onRequest, formatRejection, rejectionAnswer, counts, close };
}

/** Starts the builtin proxy on 127.0.0.1 (ephemeral port unless `port` is given), HTTPS when given a certificate. */
export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const handler = createProxyHandler(options);
  const connection = {
    bodyMode: "stream" as const,
    headersTimeoutMs: options.headerTimeoutMs ?? 60_000,
    onRequest: handler.onRequest,
    formatRejection: handler.formatRejection,
  };
  const frontDoor = options.frontDoor ?? "http1";
  const server =
    frontDoor === "http1" ? createHttp1Server(connection, options.tls) : createFrontDoorServer(frontDoor, connection, handler.rejectionAnswer, options.tls);
  const listening = await listen(server, options.host ?? "127.0.0.1", options.port ?? 0, options.tls ? "https" : "http");
  return {
    ...listening,
    counts: handler.counts,
    close: async () => {
      await listening.close();
      await handler.close();
    },
  };
}
