/**
 * The simulated app: Kestrel's request rules over raw sockets, then HostFilteringMiddleware, then
 * ForwardedHeadersMiddleware, in the order the default builders run them (docs/kestrel-rules.md §1). An accepted
 * request is answered with what the app believed, as JSON.
 */
import { createHttp1Server, type Http1Exchange, type ResponseSink, type TlsIdentity } from "../http1/connection.js";
import { HttpRequestError, reasonPhrase } from "../http1/errors.js";
import type { HeaderField, RequestHead } from "../http1/parser.js";
import {
  createForwardedHeadersApplier,
  type ForwardedHeadersOptions,
  type ForwardedRequest,
} from "../policy/forwarded-headers.js";
import { createHostFilter, INVALID_HOSTNAME_BODY } from "../policy/host-filter.js";
import { checkHeaderValuesAscii, checkHost } from "./kestrel/host-rules.js";
import { classifyTarget } from "./kestrel/request-target.js";
import { kestrelRequestPath, routeEndpoint } from "./kestrel/request-path.js";
import { httpDate } from "./http-date.js";
import { createHttp2Frontend } from "./kestrel/http2.js";
import { plainPeerAddress } from "../policy/ip-address.js";
import { hostFromUriComponent } from "../policy/host-string.js";
import { listen, type ListeningServer } from "../network/listen.js";
import { createServer } from "node:net";
import { afterMs, hasWork, NO_WORK, padAnswer, serviceTimeSampler, splitChunks, type AppWork } from "./app-work.js";
import { appendRecord, probeToken, probeTokenInRawHead, PROBE_TOKEN_FIELD } from "../http1/echo-contract.js";
import { appSpec } from "../scenario/schema.js";
import { defaultsOf } from "../scenario/spec.js";

/** An app of a scenario and the simulated app started by hand have the same defaults: the field table's. */
const APP_DEFAULTS = defaultsOf(appSpec.fields);

export interface AppOptions {
  /** HostFilteringOptions.AllowedHosts; default ['*'] (what the default builder uses when none are configured). */
  allowedHosts?: string[];
  /** Default true. */
  allowEmptyHosts?: boolean;
  /** Default true. */
  includeFailureMessage?: boolean;
  /** KestrelServerOptions.AllowHostHeaderOverride; default false. */
  allowHostHeaderOverride?: boolean;
  /** ForwardedHeadersOptions; absent means the middleware is not in the pipeline. */
  forwardedHeaders?: ForwardedHeadersOptions;
  /** Kestrel's AddServerHeader; default true. */
  addServerHeader?: boolean;
  /**
   * Kestrel's endpoint protocols. On cleartext, `Http1` and `Http1AndHttp2` (Kestrel's default) serve HTTP/1.1, and
   * `Http2` serves HTTP/2 with prior knowledge only, as Kestrel does without TLS.
   */
  protocols?: "Http1" | "Http2" | "Http1AndHttp2";
  /** Name reported in each answer, to tell apps apart behind one proxy. */
  name?: string;
  /** KestrelServerLimits.RequestHeadersTimeout; default 30 s. */
  requestHeadersTimeoutMs?: number;
  /** KestrelServerLimits.MinRequestBodyDataRate in bytes/s; default 240; 0 turns it off. */
  minRequestBodyDataRate?: number;
  /** Its grace period; default 5 s. */
  minRequestBodyDataRateGraceMs?: number;
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /** Port to bind; default 0 (ephemeral). */
  port?: number;
  /**
   * Simulation of where peers connect from. On this machine every client is on loopback, which ASP.NET Core's
   * default KnownNetworks trusts; a real edge client is not. When set, a peer whose address is not one of
   * `proxyAddresses` is seen by the app as `clientAddress` (for example 203.0.113.10).
   */
  clientAddress?: string;
  proxyAddresses?: string[];
  /** Serve HTTPS with this certificate (HTTP/1.1 over TLS). */
  tls?: TlsIdentity;
  /** The echo contract's record file: every HTTP/1.1 request carrying a probe token is recorded there. */
  recordFile?: string;
  /** Endpoints routed by literal templates (/admin, /metrics); every other path goes to the catch-all. */
  internalPaths?: readonly string[];
  /** The work done for each accepted request (service time, answer size, streaming); HTTP/1.1 only. */
  work?: AppWork;
}

/** What the app believed about an accepted request (the JSON body of its 200). */
export interface AppAnswer {
  app: string;
  method: string;
  /** HttpRequest.Path: decoded (except %2F) and without dot segments, as Kestrel hands it over. */
  path: string;
  /** Routing's decision: the internal path whose endpoint served the request, or null for the catch-all. */
  endpoint: string | null;
  query: string;
  target: string;
  protocol: string;
  host: string;
  scheme: string;
  remoteIp: string | null;
  remotePort: number;
  pathBase: string;
  headers: Record<string, string>;
  bodyLength: number;
}

export interface RunningApp extends ListeningServer {
  /** Requests answered, by status. */
  readonly counts: ReadonlyMap<number, number>;
}

/** Sets an own property even for a client-chosen name such as `__proto__`, which plain assignment would not. */
function setField(record: Record<string, string>, key: string, value: string): void {
  if (key === "__proto__")
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

function headerRecord(head: RequestHead): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i < head.names.length; i++) {
    const key = head.names[i]!;
    const value = head.fields[i]![1];
    setField(record, key, Object.hasOwn(record, key) ? `${record[key]}, ${value}` : value);
  }
  return record;
}

/** The middleware writes X-Original-* in its own casing; the answer lists every field in lower case. */
function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  let changed = false;
  for (const key in headers) if (key !== key.toLowerCase()) changed = true;
  if (!changed) return headers;
  const record: Record<string, string> = {};
  for (const key in headers) setField(record, key.toLowerCase(), headers[key]!);
  return record;
}

/** A request that passed the server's own (Kestrel) rules, whatever the protocol it came in on. */
export interface ServerRequest {
  method: string;
  target: string;
  /** As Kestrel hands it over (kestrelRequestPath). */
  path: string;
  query: string;
  protocol: string;
  /** The Host the middleware sees ("" when there was none) and whether there was one. */
  host: string;
  hostPresent: boolean;
  /** Fields by lower-case name (repeated fields joined with ", "). */
  headers: Record<string, string>;
  remoteAddress: string;
  remotePort: number;
  secure: boolean;
  bodyLength: number;
}

/** What the middleware pipeline answers: HostFiltering's refusal, or 200 with what the app believed. */
export type PipelineAnswer =
  | { status: number; contentType: string | null; body: Buffer | string }
  | { status: 200; contentType: string; body: string; answer: AppAnswer };

/**
 * The app's middleware pipeline after the server: HostFiltering, then ForwardedHeaders, then the app itself, as the
 * default builders order them (docs/kestrel-rules.md §1). Shared by the HTTP/1.1 and HTTP/2 front ends.
 */
export function createAppPipeline(options: AppOptions = {}) {
  const hostFilter = createHostFilter({
    allowedHosts: options.allowedHosts ?? APP_DEFAULTS.allowedHosts,
    allowEmptyHosts: options.allowEmptyHosts,
    includeFailureMessage: options.includeFailureMessage,
  });
  const applyForwarded = options.forwardedHeaders
    ? createForwardedHeadersApplier(options.forwardedHeaders, { caseInsensitiveView: false })
    : null;
  const includeFailureMessage = options.includeFailureMessage ?? APP_DEFAULTS.includeFailureMessage;
  const proxyAddresses = new Set(options.proxyAddresses ?? []);
  const name = options.name ?? "app";
  const internalPaths = options.internalPaths ?? [];
  const counts = new Map<number, number>();
  const count = (status: number): void => {
    counts.set(status, (counts.get(status) ?? 0) + 1);
  };

  const handle = (request: ServerRequest): PipelineAnswer => {
    const decision = hostFilter(request.hostPresent ? request.host : undefined);
    if (!decision.allowed) {
      count(decision.status);
      const withPage = decision.status === 400 && includeFailureMessage;
      return {
        status: decision.status,
        contentType: withPage ? "text/html" : null,
        body: withPage ? INVALID_HOSTNAME_BODY : "",
      };
    }
    const peer = plainPeerAddress(request.remoteAddress);
    const remoteIp = options.clientAddress && !proxyAddresses.has(peer) ? options.clientAddress : peer;
    let believed: ForwardedRequest = {
      remoteIp,
      remotePort: request.remotePort,
      scheme: request.secure ? "https" : "http",
      host: request.host,
      pathBase: "",
      headers: request.headers,
    };
    if (applyForwarded) believed = applyForwarded(believed);
    const answer: AppAnswer = {
      app: name,
      method: request.method,
      path: request.path,
      endpoint: routeEndpoint(request.path, internalPaths),
      query: request.query,
      target: request.target,
      protocol: request.protocol,
      // HttpRequest.Host reads the field with HostString.FromUriComponent: punycode labels come back in Unicode.
      host: hostFromUriComponent(believed.host),
      scheme: believed.scheme,
      remoteIp: believed.remoteIp,
      remotePort: believed.remotePort,
      pathBase: believed.pathBase,
      headers: lowerCaseKeys(believed.headers),
      bodyLength: request.bodyLength,
    };
    count(200);
    return { status: 200, contentType: "application/json; charset=utf-8", body: JSON.stringify(answer), answer };
  };

  return { handle, count, counts };
}

/** The answer's fields change once a second (Date): built once a second per content type, not per request. */
function createAnswerFields(addServerHeader: boolean): (contentType: string | null) => HeaderField[] {
  let fieldsDate = "";
  const fieldsByType = new Map<string | null, HeaderField[]>();
  return (contentType) => {
    const date = httpDate();
    if (date !== fieldsDate) {
      fieldsDate = date;
      fieldsByType.clear();
    }
    let fields = fieldsByType.get(contentType);
    if (!fields) {
      fields = contentType ? [["Content-Type", contentType]] : [];
      fields.push(["Date", date]);
      if (addServerHeader) fields.push(["Server", "Kestrel"]);
      fieldsByType.set(contentType, fields);
    }
    return fields;
  };
}

/** The echo contract: what the app answered to a probe request, keyed by its token (nothing without a record file). */
function createRecorder(recordFile: string | undefined) {
  const tokenField = PROBE_TOKEN_FIELD.toLowerCase();
  const record = (token: string | null, status: number, host: string | null): void => {
    if (recordFile && token) appendRecord(recordFile, { token, status, host });
  };
  const recordHead = (head: RequestHead, status: number): void => {
    if (!recordFile) return;
    const hostIndex = head.names.indexOf("host");
    const token = probeToken(head.fields[head.names.indexOf(tokenField)]?.[1]);
    record(token, status, hostIndex < 0 ? null : head.fields[hostIndex]![1]);
  };
  return { record, recordHead };
}

/** Builds the HTTP/1.1 handler of one app (Kestrel's rules, then the pipeline), separate from any socket. */
export function createAppHandler(options: AppOptions = {}) {
  const pipeline = createAppPipeline(options);
  const addServerHeader = options.addServerHeader ?? true;
  const allowOverride = options.allowHostHeaderOverride ?? APP_DEFAULTS.allowHostHeaderOverride;

  const answerFields = createAnswerFields(addServerHeader);
  const { record, recordHead } = createRecorder(options.recordFile);
  const working = options.work !== undefined && hasWork(options.work);
  const answerWithWork = createWorkedAnswer(options.work ?? NO_WORK);

  /** Kestrel's own refusal: Content-Length: 0, Connection: close, Date, Server, Allow for 405; empty body. */
  const formatRejection = (error: HttpRequestError, unparsed?: Buffer): Buffer => {
    pipeline.count(error.status);
    if (unparsed && options.recordFile) record(probeTokenInRawHead(unparsed), error.status, null);
    let text = `HTTP/1.1 ${error.status} ${reasonPhrase(error.status)}\r\nContent-Length: 0\r\nConnection: close\r\nDate: ${httpDate()}\r\n`;
    if (addServerHeader) text += "Server: Kestrel\r\n";
    if (error.allow) text += `Allow: ${error.allow}\r\n`;
    return Buffer.from(`${text}\r\n`, "latin1");
  };

  const onRequest = (exchange: Http1Exchange, response: ResponseSink): void => {
    const { head } = exchange;
    let target;
    let hostCheck;
    let path;
    try {
      target = classifyTarget(head);
      path = kestrelRequestPath(target.path);
      checkHeaderValuesAscii(head);
      hostCheck = checkHost(head, target, allowOverride);
    } catch (error) {
      if (!(error instanceof HttpRequestError)) throw error;
      recordHead(head, error.status);
      response.reject(error);
      return;
    }
    const headers = headerRecord(head);
    if (hostCheck.overridden) headers.host = hostCheck.host;
    const result = pipeline.handle({
      method: head.method,
      target: head.target,
      path,
      query: target.query,
      protocol: `HTTP/${head.version}`,
      host: hostCheck.host,
      hostPresent: hostCheck.present,
      headers,
      remoteAddress: exchange.remoteAddress,
      remotePort: exchange.remotePort,
      secure: exchange.secure,
      bodyLength: exchange.bodyLength,
    });
    recordHead(head, result.status);
    const fields = answerFields(result.contentType);
    if (result.status === 200 && typeof result.body === "string" && working) {
      answerWithWork(response, fields, result.body);
    } else response.send(result.status, fields, result.body);
  };

  const checkRequestLine = (line: Parameters<typeof classifyTarget>[0]): void => {
    classifyTarget(line);
  };

  return { onRequest, formatRejection, checkRequestLine, counts: pipeline.counts };
}

/**
 * A 200 answered after the app's service time, padded to its answer size and, when it streams, sent in chunks with
 * a pause between them, each wait never shorter than asked (see afterMs).
 */
function createWorkedAnswer(work: AppWork) {
  const serviceTime = work.serviceTime ? serviceTimeSampler(work.serviceTime) : null;
  const stream = (response: ResponseSink, fields: readonly HeaderField[], body: Buffer): void => {
    const pieces = splitChunks(body, work.chunks);
    const sink = response.stream(200, fields, null);
    let next = 0;
    const writeNext = (): void => {
      sink.write(pieces[next++]!);
      if (next < pieces.length) afterMs(work.chunkDelayMs, writeNext);
      else sink.end();
    };
    writeNext();
  };
  return (response: ResponseSink, fields: readonly HeaderField[], json: string): void => {
    const text = work.answerBytes === null ? json : padAnswer(json, work.answerBytes);
    const answer = (): void => {
      if (work.chunks > 1) stream(response, fields, Buffer.from(text));
      else response.send(200, fields, text);
    };
    if (serviceTime) afterMs(serviceTime(), answer);
    else answer();
  };
}

// KestrelServerLimits' defaults (the others are the field table's).
const KESTREL_BODY_RATE_GRACE_MS = 5000;

/** Starts the simulated app on 127.0.0.1 (ephemeral port unless `port` is given). */

export async function startApp(options: AppOptions = {}): Promise<RunningApp> {
  if (options.protocols === "Http2") {
    const pipeline = createAppPipeline(options);
    const http2 = createHttp2Frontend(pipeline, { addServerHeader: options.addServerHeader ?? true });
    const server = createServer({ noDelay: true }, (socket) => http2.emit("connection", socket));
    const listening = await listen(server, options.host ?? "127.0.0.1", options.port ?? 0);
    return {
      ...listening,
      counts: pipeline.counts,
      close: async () => {
        await listening.close();
        await new Promise<void>((resolve) => http2.close(() => resolve()));
      },
    };
  }
  const handler = createAppHandler(options);
  const server = createHttp1Server(
    {
      bodyMode: "discard",
      headersTimeoutMs: options.requestHeadersTimeoutMs ?? APP_DEFAULTS.requestHeadersTimeout,
      minBodyDataRate: {
        bytesPerSecond: options.minRequestBodyDataRate ?? APP_DEFAULTS.minRequestBodyDataRate,
        graceMs: options.minRequestBodyDataRateGraceMs ?? KESTREL_BODY_RATE_GRACE_MS,
      },
      checkRequestLine: handler.checkRequestLine,
      onRequest: handler.onRequest,
      formatRejection: handler.formatRejection,
    },
    options.tls,
  );
  const listening = await listen(
    server,
    options.host ?? "127.0.0.1",
    options.port ?? 0,
    options.tls ? "https" : "http",
  );
  return { ...listening, counts: handler.counts };
}
