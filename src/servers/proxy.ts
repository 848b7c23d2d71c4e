/**
 * The builtin reverse proxy: strict HTTP/1 parsing of what clients send, Host routing to upstream apps, hop-by-hop
 * and client-forged forwarding headers removed, X-Forwarded-For/-Proto/-Host set, undici keep-alive pools upstream,
 * 502 when an app cannot be reached or fails, 504 when it is too slow.
 */
import { Pool, errors as undiciErrors } from "undici";
import { createHttp1Server, type Http1Exchange, type ResponseSink } from "../http1/connection.js";
import { HttpRequestError, reasonPhrase } from "../http1/errors.js";
import { connectionTokens, headerValues, type HeaderField, type RequestHead } from "../http1/parser.js";
import { hostMatchesAny } from "../policy/host-string.js";
import { isHostHeaderValid } from "../policy/host-syntax.js";
import { plainPeerAddress } from "../policy/ip-address.js";
import { listen, type ListeningServer } from "./listen.js";

export interface ProxyRoute {
  /** Host patterns this upstream serves (HostFiltering syntax); the first route also takes unmatched hosts. */
  hosts: string[];
  /** The app's origin, e.g. http://127.0.0.1:5000. */
  upstream: string;
}

export interface ProxyOptions {
  routes: ProxyRoute[];
  /** Pass the client's Host upstream (true) or the upstream's address with the client's Host in X-Forwarded-Host. */
  preserveHost?: boolean;
  /** X-Forwarded-For: append the peer to what the client sent, or replace it. Default replace. */
  forwardedFor?: "append" | "replace";
  /** Drop client-sent forwarding and host-override headers. Default true. */
  stripClientForwarded?: boolean;
  /** Proxy-side Host allowlist: other hosts get 421. Null or absent: no list. */
  allowedHosts?: string[] | null;
  /** Upstream answer limit before 504, ms. Default 30 s. */
  upstreamTimeoutMs?: number;
  /** Local address upstream connections come from (a loopback alias lets the app tell its proxy apart). */
  sourceAddress?: string;
  host?: string;
  port?: number;
}

export interface RunningProxy extends ListeningServer {
  readonly counts: ReadonlyMap<number, number>;
}

/** RFC 9110 §7.6.1 hop-by-hop fields, never forwarded. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"]);

/** Fields a client can use to forge its address, scheme or host further down (PROBES.md, spoofing). */
const CLIENT_FORWARDING = new Set([
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-prefix",
  "x-forwarded-port",
  "x-forwarded-server",
  "forwarded",
  "x-real-ip",
  "x-host",
  "x-http-host-override",
  "x-original-host",
  "x-original-for",
  "x-original-proto",
]);

interface Upstream {
  pool: Pool;
  authority: string;
}

/** The target's path and the effective Host (RFC 9112 §3.2.2: an absolute-form target's authority wins). */
function resolveTarget(head: RequestHead, host: string): { path: string; host: string } {
  if (head.target.startsWith("/")) return { path: head.target, host };
  if (head.target.startsWith("http://") || head.target.startsWith("https://")) {
    let url: URL;
    try {
      url = new URL(head.target);
    } catch {
      throw new HttpRequestError(400, "Invalid request target.");
    }
    if (url.hostname === "") throw new HttpRequestError(400, "Invalid request target.");
    return { path: `${url.pathname}${url.search}`, host: url.host };
  }
  if (head.target === "*" && head.method === "OPTIONS") return { path: "*", host };
  if (head.method === "CONNECT") throw new HttpRequestError(405, "This proxy does not tunnel CONNECT.", "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS");
  throw new HttpRequestError(400, "Invalid request target.");
}

function errorStatus(error: unknown): number {
  if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) return 504;
  if (error instanceof undiciErrors.ConnectTimeoutError) return 504;
  if (error instanceof undiciErrors.InvalidArgumentError) return 400;
  return 502;
}

export function createProxyHandler(options: ProxyOptions) {
  if (options.routes.length === 0) throw new Error("a proxy needs at least one route");
  const preserveHost = options.preserveHost ?? true;
  const appendForwardedFor = options.forwardedFor === "append";
  const strip = options.stripClientForwarded ?? true;
  const allowedHosts = options.allowedHosts && options.allowedHosts.length > 0 ? options.allowedHosts : null;
  const timeout = options.upstreamTimeoutMs ?? 30_000;
  const counts = new Map<number, number>();
  const count = (status: number): void => {
    counts.set(status, (counts.get(status) ?? 0) + 1);
  };
  const upstreams = new Map<string, Upstream>();
  const upstreamFor = (origin: string): Upstream => {
    let upstream = upstreams.get(origin);
    if (!upstream) {
      upstream = {
        authority: new URL(origin).host,
        pool: new Pool(origin, {
          connections: 256,
          keepAliveTimeout: 30_000,
          headersTimeout: timeout,
          bodyTimeout: timeout,
          connectTimeout: Math.min(timeout, 10_000),
          ...(options.sourceAddress ? { localAddress: options.sourceAddress } : {}),
        }),
      };
      upstreams.set(origin, upstream);
    }
    return upstream;
  };
  for (const route of options.routes) upstreamFor(route.upstream);

  const route = (host: string): ProxyRoute => {
    if (options.routes.length > 1 && host.length > 0) {
      for (const candidate of options.routes) {
        try {
          if (hostMatchesAny(host, candidate.hosts)) return candidate;
        } catch {
          break;
        }
      }
    }
    return options.routes[0]!;
  };

  const formatRejection = (error: HttpRequestError): Buffer => {
    count(error.status);
    const body = `${error.message}\n`;
    let text = `HTTP/1.1 ${error.status} ${reasonPhrase(error.status)}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\nServer: edgebench-proxy\r\n`;
    if (error.allow) text += `Allow: ${error.allow}\r\n`;
    return Buffer.from(`${text}\r\n${body}`, "latin1");
  };

  const answer = (response: ResponseSink, status: number, message: string): void => {
    count(status);
    response.send(status, [["Content-Type", "text/plain"], ["Server", "edgebench-proxy"]], Buffer.from(`${message}\n`), { close: status >= 500 });
  };

  const onRequest = (exchange: Http1Exchange, response: ResponseSink): void => {
    void forward(exchange, response).catch(() => response.abort());
  };

  async function forward(exchange: Http1Exchange, response: ResponseSink): Promise<void> {
    const { head } = exchange;
    let target: { path: string; host: string };
    try {
      const hosts = headerValues(head, "host");
      if (hosts.length > 1) throw new HttpRequestError(400, "Multiple Host headers.");
      if (hosts.length === 0 && head.version === "1.1") throw new HttpRequestError(400, "Request is missing Host header.");
      const clientHost = hosts[0] ?? "";
      if (!isHostHeaderValid(clientHost)) throw new HttpRequestError(400, "Invalid Host header.");
      target = resolveTarget(head, clientHost);
    } catch (error) {
      if (error instanceof HttpRequestError) return response.reject(error);
      throw error;
    }
    if (allowedHosts && (target.host.length === 0 || !hostMatchesAny(target.host, allowedHosts))) {
      return answer(response, 421, "Misdirected Request: this proxy does not serve that host.");
    }
    const upstreamRoute = route(target.host);
    const upstream = upstreamFor(upstreamRoute.upstream);
    const dropped = connectionTokens(head);
    const headers: string[] = [];
    const clientValues: Record<"x-forwarded-for" | "x-forwarded-host" | "x-forwarded-proto", string[]> = {
      "x-forwarded-for": [],
      "x-forwarded-host": [],
      "x-forwarded-proto": [],
    };
    for (const [name, value] of head.fields) {
      const lower = name.toLowerCase();
      // Host and Content-Length are set from what this proxy decided, below.
      if (lower === "host" || lower === "content-length" || HOP_BY_HOP.has(lower) || dropped.has(lower)) continue;
      if (lower in clientValues) {
        clientValues[lower as keyof typeof clientValues].push(value);
        continue;
      }
      if (strip && (CLIENT_FORWARDING.has(lower) || lower.includes("_"))) continue;
      headers.push(name, value);
    }
    // Each hop appends to what came before; stripping starts the lists afresh at this, the first hop.
    const chain = (name: keyof typeof clientValues, own: string, keepClient: boolean): string =>
      keepClient && clientValues[name].length > 0 ? `${clientValues[name].join(", ")}, ${own}` : own;
    const peer = plainPeerAddress(exchange.remoteAddress);
    headers.push("Host", preserveHost ? target.host : upstream.authority);
    headers.push("X-Forwarded-For", chain("x-forwarded-for", peer, appendForwardedFor));
    headers.push("X-Forwarded-Proto", chain("x-forwarded-proto", exchange.secure ? "https" : "http", !strip));
    if (target.host.length > 0) headers.push("X-Forwarded-Host", chain("x-forwarded-host", target.host, !strip));
    if (exchange.framing.kind === "length") headers.push("Content-Length", String(exchange.framing.length));

    let upstreamResponse;
    try {
      upstreamResponse = await upstream.pool.request({
        path: target.path,
        method: head.method,
        headers,
        body: exchange.body ?? undefined,
      });
    } catch (error) {
      const status = errorStatus(error);
      return answer(response, status, status === 504 ? "Gateway Timeout: the app did not answer in time." : `Bad Gateway: ${(error as Error).message}`);
    }
    const { statusCode, headers: responseHeaders, body } = upstreamResponse;
    const responseDropped = new Set(
      String(responseHeaders.connection ?? "")
        .split(",")
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    );
    const fields: HeaderField[] = [];
    let contentLength: number | null = null;
    for (const [name, value] of Object.entries(responseHeaders)) {
      if (value === undefined || HOP_BY_HOP.has(name) || responseDropped.has(name)) continue;
      if (name === "content-length") {
        contentLength = Number(value);
        continue;
      }
      for (const item of Array.isArray(value) ? value : [value]) fields.push([name, item]);
    }
    count(statusCode);
    const bodiless = head.method === "HEAD" || statusCode === 204 || statusCode === 304;
    const writer = response.stream(statusCode, fields, bodiless ? (contentLength ?? 0) : contentLength);
    if (bodiless) {
      body.resume();
      writer.end();
      return;
    }
    try {
      for await (const chunk of body) {
        if (!writer.write(chunk as Buffer)) await writer.drained();
      }
      writer.end();
    } catch {
      // The app failed mid-answer: the status is already sent, so only a cut connection tells the client.
      count(502);
      response.abort();
    }
  }

  const close = async (): Promise<void> => {
    await Promise.all([...upstreams.values()].map((upstream) => upstream.pool.destroy()));
  };

  return { onRequest, formatRejection, counts, close };
}

/** Starts the builtin proxy on 127.0.0.1 (ephemeral port unless `port` is given). */
export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const handler = createProxyHandler(options);
  const server = createHttp1Server({ bodyMode: "stream", onRequest: handler.onRequest, formatRejection: handler.formatRejection });
  const listening = await listen(server, options.host ?? "127.0.0.1", options.port ?? 0);
  return {
    ...listening,
    counts: handler.counts,
    close: async () => {
      await listening.close();
      await handler.close();
    },
  };
}
