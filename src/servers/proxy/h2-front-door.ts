/**
 * The builtin proxy's HTTP/2 front door: each stream becomes the same exchange its HTTP/1.1 connections produce, so
 * the same checks, routing and HTTP/1.1 upstream apply. nghttp2 (in node:http2) refuses malformed streams first
 * (RFC 9113 §8.2.1, §8.3: invalid field bytes, uppercase names, connection-specific fields, pseudo-header order,
 * content-length against DATA); this adds what it leaves to the server: `:authority` against Host (§8.3.1).
 */
import { constants, createServer as createH2Server, type ServerHttp2Stream } from "node:http2";
import { createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import type { BodyFraming } from "../../http1/body.js";
import {
  handleHttp1Connection,
  type Http1ConnectionOptions,
  type Http1Exchange,
  type ResponseSink,
  type TlsIdentity,
} from "../../http1/connection.js";
import { HttpRequestError } from "../../http1/errors.js";
import type { HeaderField, RequestHead } from "../../http1/parser.js";
import { malformedField } from "../../http2/fields.js";
import { CLIENT_PREFACE } from "../../http2/frames.js";

/** Which protocols the front door speaks: HTTP/1.1 only, HTTP/2 only, or both (ALPN over TLS, preface sniffing on cleartext). */
export type FrontDoor = "http1" | "h2" | "both";

/** A refusal as HTTP/2 sends it: a status and a body (the proxy counts it). */
type Rejection = (error: HttpRequestError) => { status: number; body: string };

/** Fields HTTP/2 forbids in an answer (RFC 9113 §8.2.2): dropped from what the app sent. */
const CONNECTION_SPECIFIC = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"]);

/** The stream's request as the HTTP/1.1 head the proxy's checks read; a Host that contradicts :authority is refused. */
export function headFromStream(rawHeaders: readonly string[]): RequestHead {
  const pseudo: Record<string, string> = {};
  const fields: HeaderField[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    // §8.2.1: bytes HTTP/1.1 cannot carry would become other header lines once downgraded.
    const malformed = malformedField(name, rawHeaders[i + 1]!);
    if (malformed) throw new HttpRequestError(400, `Malformed HTTP/2 request: ${malformed}.`);
    if (name.startsWith(":")) pseudo[name] = rawHeaders[i + 1]!;
    else fields.push([name, rawHeaders[i + 1]!]);
  }
  const authority = pseudo[":authority"];
  const hosts = fields.filter(([name]) => name.toLowerCase() === "host");
  if (authority !== undefined) {
    // RFC 9113 §8.3.1: a Host naming another entity than :authority makes the request malformed.
    if (hosts.some(([, value]) => value.toLowerCase() !== authority.toLowerCase())) {
      throw new HttpRequestError(400, "Host disagrees with :authority.");
    }
    const others = fields.filter(([name]) => name.toLowerCase() !== "host");
    fields.length = 0;
    fields.push(["Host", authority], ...others);
  }
  return {
    method: pseudo[":method"] ?? "",
    target: pseudo[":path"] ?? "",
    version: "1.1",
    fields,
    names: fields.map(([name]) => name.toLowerCase()),
    length: 0,
    bareLineFeed: false,
  };
}

function responseFields(status: number, headers: readonly HeaderField[]): Record<string, string | string[] | number> {
  const out: Record<string, string | string[] | number> = { ":status": status };
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (CONNECTION_SPECIFIC.has(lower)) continue;
    const seen = out[lower];
    out[lower] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [String(seen), value];
  }
  return out;
}

function streamSink(stream: ServerHttp2Stream, formatRejection: Rejection): ResponseSink {
  const respond = (status: number, headers: readonly HeaderField[]): boolean => {
    if (stream.destroyed || stream.headersSent) return false;
    stream.respond(responseFields(status, headers));
    return true;
  };
  return {
    send(status, headers, body) {
      if (respond(status, headers)) stream.end(body ?? "");
    },
    stream(status, headers) {
      respond(status, headers);
      return {
        write: (chunk) => stream.write(chunk),
        end: () => stream.end(),
        drained: () => new Promise((resolve) => stream.once("drain", resolve)),
      };
    },
    sendVerbatim: () => false,
    reject(error) {
      const { status, body } = formatRejection(error);
      if (respond(status, [["content-type", "text/plain"], ["server", "edgebench-proxy"]])) stream.end(body);
    },
    abort: () => stream.close(constants.NGHTTP2_INTERNAL_ERROR),
  };
}

function framingOf(head: RequestHead, endStream: boolean): BodyFraming {
  if (endStream) return { kind: "none" };
  const length = head.fields.find(([name]) => name.toLowerCase() === "content-length");
  return length && /^\d+$/.test(length[1]) ? { kind: "length", length: Number(length[1]) } : { kind: "chunked" };
}

/** An HTTP/2 session handler that turns each stream into an exchange for `options.onRequest`. */
export function createH2StreamServer(options: Http1ConnectionOptions, rejection: Rejection) {
  const server = createH2Server({ maxSessionMemory: 64 });
  server.on("stream", (stream: ServerHttp2Stream, _headers: unknown, flags: number, rawHeaders: string[]) => {
    stream.on("error", () => stream.destroy());
    const sink = streamSink(stream, rejection);
    let head: RequestHead;
    try {
      head = headFromStream(rawHeaders);
    } catch (error) {
      if (error instanceof HttpRequestError) return sink.reject(error);
      throw error;
    }
    const endStream = Boolean(flags & constants.NGHTTP2_FLAG_END_STREAM);
    const socket = stream.session?.socket;
    const exchange: Http1Exchange = {
      head,
      framing: framingOf(head, endStream),
      remoteAddress: socket?.remoteAddress ?? "",
      remotePort: socket?.remotePort ?? 0,
      secure: stream.session?.encrypted ?? false,
      keepAlive: true,
      body: endStream ? null : stream,
      bodyLength: 0,
    };
    options.onRequest(exchange, sink);
  });
  server.on("sessionError", () => {});
  return server;
}

/** A front door: HTTP/1.1, HTTP/2, or both on one port (ALPN over TLS; the client preface decides on cleartext). */
export function createFrontDoorServer(
  frontDoor: FrontDoor,
  options: Http1ConnectionOptions,
  rejection: Rejection,
  tls?: TlsIdentity,
): Server {
  const h2 = createH2StreamServer(options, rejection);
  const toH2 = (socket: Socket): void => {
    socket.setNoDelay(true);
    h2.emit("connection", socket);
  };
  if (tls) {
    const protocols = frontDoor === "h2" ? ["h2"] : frontDoor === "both" ? ["h2", "http/1.1"] : ["http/1.1"];
    return createTlsServer({ key: tls.key, cert: tls.cert, allowHalfOpen: true, ALPNProtocols: protocols }, (socket: TLSSocket) =>
      socket.alpnProtocol === "h2" ? toH2(socket) : handleHttp1Connection(socket, options),
    );
  }
  if (frontDoor === "h2") return createServer(toH2);
  return createServer({ allowHalfOpen: true }, (socket) => sniffPreface(socket, toH2, (plain) => {
    handleHttp1Connection(plain, options);
    plain.resume();
  }));
}

/** Reads until the bytes seen either are or cannot be the HTTP/2 client preface, then hands the socket on. */
function sniffPreface(socket: Socket, h2: (socket: Socket) => void, http1: (socket: Socket) => void): void {
  let seen: Buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    seen = Buffer.concat([seen, chunk]);
    const length = Math.min(seen.length, CLIENT_PREFACE.length);
    const isPreface = seen.subarray(0, length).equals(CLIENT_PREFACE.subarray(0, length));
    if (isPreface && seen.length < CLIENT_PREFACE.length) return;
    socket.off("data", onData);
    socket.pause();
    socket.unshift(seen);
    (isPreface ? h2 : http1)(socket);
  };
  socket.on("data", onData);
}
