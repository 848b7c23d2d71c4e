/**
 * An HTTP/1.x request-head parser over raw bytes, strict where Node's llhttp is lenient or decides differently
 * (duplicate Host is kept as two fields, whitespace before the colon and obs-fold are errors, a bare LF ends a line
 * as Kestrel has accepted since .NET 7, a bare CR is an error). Field values are decoded as latin1 and trimmed.
 */
import { HttpRequestError } from "./errors.js";

export interface ParserLimits {
  /** Kestrel's MaxRequestLineSize (8 KiB): longer is 414. */
  maxRequestLineBytes: number;
  /** Kestrel's MaxRequestHeadersTotalSize (32 KiB): larger is 431. */
  maxHeaderBytes: number;
  /** Kestrel's MaxRequestHeaderCount (100): more is 431. */
  maxHeaderCount: number;
}

export const KESTREL_LIMITS: Readonly<ParserLimits> = Object.freeze({
  maxRequestLineBytes: 8192,
  maxHeaderBytes: 32768,
  maxHeaderCount: 100,
});

export interface RequestLine {
  method: string;
  target: string;
  version: "1.0" | "1.1";
}

export type HeaderField = [name: string, value: string];

export interface RequestHead extends RequestLine {
  /** In the order received, names as sent. */
  fields: HeaderField[];
  /** The field names in lower case, index for index with `fields`. */
  names: string[];
  /** Bytes of the head including its terminating empty line. */
  length: number;
  /** Whether any line ended in a bare LF. */
  bareLineFeed: boolean;
}

const TOKEN = new Uint8Array(128);
for (const ch of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
  TOKEN[ch.charCodeAt(0)] = 1;

const CR = 13;
const LF = 10;
const SP = 32;
const HTAB = 9;

function isToken(buf: Buffer, start: number, end: number): boolean {
  if (start >= end) return false;
  for (let i = start; i < end; i++) {
    const code = buf[i]!;
    if (code >= 128 || TOKEN[code] === 0) return false;
  }
  return true;
}

/** End of the line that starts at `start` (index of its LF), or -1 if it is not complete yet. */
function findLineEnd(buf: Buffer, start: number, end: number): number {
  const lf = buf.indexOf(LF, start);
  return lf >= 0 && lf < end ? lf : -1;
}

/** Content end of a line ending at `lf`: before the CR of a CRLF. */
function contentEnd(buf: Buffer, start: number, lf: number): number {
  return lf > start && buf[lf - 1] === CR ? lf - 1 : lf;
}

function rejectBareCr(buf: Buffer, start: number, end: number, what: string): void {
  const cr = buf.indexOf(CR, start);
  if (cr >= 0 && cr < end) throw new HttpRequestError(400, `Bad request: a bare CR in the ${what}.`);
}

export interface RequestLineResult {
  line: RequestLine;
  /** Index just after the request line's LF. */
  next: number;
  bareLineFeed: boolean;
}

/** Parses the request line if it is complete; null when more bytes are needed. */
export function parseRequestLine(
  buf: Buffer,
  start: number,
  end: number,
  limits: ParserLimits,
): RequestLineResult | null {
  const lf = findLineEnd(buf, start, end);
  if (lf < 0) {
    if (end - start > limits.maxRequestLineBytes) throw new HttpRequestError(414, "Request line too long.");
    return null;
  }
  if (lf - start > limits.maxRequestLineBytes) throw new HttpRequestError(414, "Request line too long.");
  const stop = contentEnd(buf, start, lf);
  rejectBareCr(buf, start, stop, "request line");
  const firstSpace = buf.indexOf(SP, start);
  if (firstSpace < 0 || firstSpace >= stop || !isToken(buf, start, firstSpace))
    throw new HttpRequestError(400, "Invalid request line.");
  const targetStart = firstSpace + 1;
  const secondSpace = buf.indexOf(SP, targetStart);
  if (secondSpace < 0 || secondSpace >= stop || secondSpace === targetStart)
    throw new HttpRequestError(400, "Invalid request line.");
  for (let i = targetStart; i < secondSpace; i++) {
    const code = buf[i]!;
    if (code < 0x21 || code === 0x7f) throw new HttpRequestError(400, "Invalid request target.");
  }
  const version = buf.toString("latin1", secondSpace + 1, stop);
  let parsedVersion: "1.0" | "1.1";
  if (version === "HTTP/1.1") parsedVersion = "1.1";
  else if (version === "HTTP/1.0") parsedVersion = "1.0";
  else if (/^HTTP\/\d\.\d$/.test(version)) throw new HttpRequestError(505, `Unrecognized HTTP version: '${version}'.`);
  else throw new HttpRequestError(400, "Invalid request line.");
  return {
    line: {
      method: buf.toString("latin1", start, firstSpace),
      target: buf.toString("latin1", targetStart, secondSpace),
      version: parsedVersion,
    },
    next: lf + 1,
    bareLineFeed: stop === lf,
  };
}

export interface HeaderFieldsResult {
  fields: HeaderField[];
  names: string[];
  next: number;
  bareLineFeed: boolean;
}

/** Parses header fields up to and including the empty line; null when more bytes are needed. */
export function parseHeaderFields(
  buf: Buffer,
  start: number,
  end: number,
  limits: ParserLimits,
): HeaderFieldsResult | null {
  const fields: HeaderField[] = [];
  const names: string[] = [];
  let bareLineFeed = false;
  let position = start;
  for (;;) {
    const lf = findLineEnd(buf, position, end);
    if (lf < 0) {
      if (end - start > limits.maxHeaderBytes) throw new HttpRequestError(431, "Request headers too large.");
      return null;
    }
    if (lf + 1 - start > limits.maxHeaderBytes) throw new HttpRequestError(431, "Request headers too large.");
    const stop = contentEnd(buf, position, lf);
    if (stop === lf) bareLineFeed = true;
    if (stop === position) return { fields, names, next: lf + 1, bareLineFeed };
    rejectBareCr(buf, position, stop, "header section");
    const first = buf[position]!;
    // Whitespace at the start of a line is obs-fold (or whitespace before the first field): Kestrel answers 400.
    if (first === SP || first === HTAB)
      throw new HttpRequestError(400, "Invalid request header: line folding is not supported.");
    const colon = buf.indexOf(58, position);
    if (colon < 0 || colon >= stop) throw new HttpRequestError(400, "Invalid request header: no colon.");
    if (!isToken(buf, position, colon)) {
      throw new HttpRequestError(
        400,
        "Invalid request header: the field name is not a token (whitespace before the colon?).",
      );
    }
    let valueStart = colon + 1;
    let valueEnd = stop;
    while (valueStart < valueEnd && (buf[valueStart] === SP || buf[valueStart] === HTAB)) valueStart++;
    while (valueEnd > valueStart && (buf[valueEnd - 1] === SP || buf[valueEnd - 1] === HTAB)) valueEnd--;
    for (let i = valueStart; i < valueEnd; i++) {
      const code = buf[i]!;
      if ((code < 0x20 && code !== HTAB) || code === 0x7f)
        throw new HttpRequestError(400, "Invalid request header: a control character in a field value.");
    }
    const name = buf.toString("latin1", position, colon);
    fields.push([name, buf.toString("latin1", valueStart, valueEnd)]);
    names.push(name.toLowerCase());
    if (fields.length > limits.maxHeaderCount) throw new HttpRequestError(431, "Too many request headers.");
    position = lf + 1;
  }
}

/** All values of a request field, by its lower-case name. */
export function headerValues(head: Pick<RequestHead, "fields" | "names">, lowerName: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < head.names.length; i++) if (head.names[i] === lowerName) values.push(head.fields[i]![1]);
  return values;
}

/** The lower-case tokens of the Connection field(s): `close`, `keep-alive`, and names of hop-by-hop fields. */
export function connectionTokens(head: Pick<RequestHead, "fields" | "names">): Set<string> {
  const tokens = new Set<string>();
  for (const value of headerValues(head, "connection")) {
    for (const token of value.split(",")) {
      const trimmed = token.trim().toLowerCase();
      if (trimmed) tokens.add(trimmed);
    }
  }
  return tokens;
}
