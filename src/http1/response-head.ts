/** Parsing an upstream's response head and choosing its body framing (RFC 9112 §4, §6.3), for the builtin proxy. */
import { BodyDecoder, type BodyFraming } from "./body.js";
import { HttpRequestError } from "./errors.js";
import { headerValues, parseHeaderFields, type HeaderField, type ParserLimits } from "./parser.js";
import { EdgebenchError } from "../support/errors.js";

export interface ResponseHead {
  version: "1.0" | "1.1";
  status: number;
  fields: HeaderField[];
  /** Lower-case names, index for index with `fields`. */
  names: string[];
  /** Bytes of the head including its empty line. */
  length: number;
}

/** An upstream that does not speak HTTP/1.x properly: the proxy answers 502. */
export class UpstreamProtocolError extends EdgebenchError {
  constructor(message: string) {
    super("ERR_UPSTREAM_PROTOCOL", message);
  }
}

const RESPONSE_LIMITS: ParserLimits = { maxRequestLineBytes: 8192, maxHeaderBytes: 64 * 1024, maxHeaderCount: 200 };
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9][0-9]{2})(?: [^\r\n]*)?$/;

/** The response head at `start` if complete; null when more bytes are needed. */
export function parseResponseHead(buf: Buffer, start: number, end: number): ResponseHead | null {
  const lf = buf.indexOf(10, start);
  if (lf < 0 || lf >= end) {
    if (end - start > RESPONSE_LIMITS.maxRequestLineBytes) throw new UpstreamProtocolError("status line too long");
    return null;
  }
  const line = buf.toString("latin1", start, lf > start && buf[lf - 1] === 13 ? lf - 1 : lf);
  const match = STATUS_LINE.exec(line);
  if (!match) throw new UpstreamProtocolError(`invalid status line '${line.slice(0, 40)}'`);
  let fields;
  try {
    fields = parseHeaderFields(buf, lf + 1, end, RESPONSE_LIMITS);
  } catch (error) {
    if (error instanceof HttpRequestError) throw new UpstreamProtocolError(`invalid response header: ${error.message}`);
    throw error;
  }
  if (!fields) return null;
  return {
    version: match[1] === "1" ? "1.1" : "1.0",
    status: Number(match[2]),
    fields: fields.fields,
    names: fields.names,
    length: fields.next - start,
  };
}

/** How a response body ends: no body, a length, chunked, or the upstream closing the connection. */
export type ResponseFraming = BodyFraming | { kind: "close" };

export function responseFraming(requestMethod: string, head: ResponseHead): ResponseFraming {
  if (requestMethod === "HEAD" || head.status < 200 || head.status === 204 || head.status === 304)
    return { kind: "none" };
  const transferEncoding = headerValues(head, "transfer-encoding");
  if (transferEncoding.length > 0) {
    const codings = transferEncoding
      .join(",")
      .split(",")
      .map((coding) => coding.trim().toLowerCase());
    return codings[codings.length - 1] === "chunked" ? { kind: "chunked" } : { kind: "close" };
  }
  const contentLength = headerValues(head, "content-length");
  if (contentLength.length === 0) return { kind: "close" };
  // One plain value, the common case, without the list handling below.
  if (contentLength.length === 1 && /^[0-9]{1,15}$/.test(contentLength[0]!)) {
    const length = Number(contentLength[0]);
    return length === 0 ? { kind: "none" } : { kind: "length", length };
  }
  const distinct = new Set(contentLength.flatMap((value) => value.split(",").map((v) => v.trim())));
  const [text] = distinct;
  if (distinct.size !== 1 || !/^[0-9]{1,15}$/.test(text!))
    throw new UpstreamProtocolError(`invalid Content-Length '${contentLength.join(", ")}'`);
  const length = Number(text);
  return length === 0 ? { kind: "none" } : { kind: "length", length };
}

/** A decoder for a response body; a close-delimited body is everything until the upstream closes. */
export function responseBodyDecoder(framing: ResponseFraming): BodyDecoder | null {
  return framing.kind === "close" ? null : new BodyDecoder(framing);
}
