/** Parses the HTTP/1.x responses a raw exchange got back: status, fields and body, several when pipelined. */

export interface RawResponse {
  status: number;
  reason: string;
  headers: Array<[string, string]>;
  body: Buffer;
}

export interface ParsedResponses {
  responses: RawResponse[];
  /** Bytes after the last complete response (a truncated or garbled answer). */
  trailing: number;
}

export function headerValue(response: RawResponse, name: string): string | undefined {
  const lower = name.toLowerCase();
  return response.headers.find(([key]) => key.toLowerCase() === lower)?.[1];
}

function decodeChunked(data: Buffer, start: number): { body: Buffer; end: number } | null {
  const pieces: Buffer[] = [];
  let position = start;
  for (;;) {
    const lineEnd = data.indexOf("\r\n", position);
    if (lineEnd < 0) return null;
    const size = parseInt(data.toString("latin1", position, lineEnd).split(";")[0]!.trim(), 16);
    if (Number.isNaN(size)) return null;
    position = lineEnd + 2;
    if (size === 0) {
      const trailerEnd = data.indexOf("\r\n\r\n", position - 2);
      return trailerEnd < 0 ? null : { body: Buffer.concat(pieces), end: trailerEnd + 4 };
    }
    if (position + size + 2 > data.length) return null;
    pieces.push(data.subarray(position, position + size));
    position += size + 2;
  }
}

/**
 * Splits `data` into responses. A response without Content-Length or chunked framing runs to the end of the data
 * (the server closed the connection to end it). `bodiless` tells, per response, whether its request was HEAD.
 */
export function parseResponses(data: Buffer, bodiless: (index: number) => boolean = () => false): ParsedResponses {
  const responses: RawResponse[] = [];
  let position = 0;
  while (position < data.length) {
    const headEnd = data.indexOf("\r\n\r\n", position);
    if (headEnd < 0) break;
    const lines = data.toString("latin1", position, headEnd).split("\r\n");
    const statusMatch = /^HTTP\/\d\.\d (\d{3})(?: (.*))?$/.exec(lines[0] ?? "");
    if (!statusMatch) break;
    const headers = lines.slice(1).map((line): [string, string] => {
      const colon = line.indexOf(":");
      return colon < 0 ? [line, ""] : [line.slice(0, colon), line.slice(colon + 1).trim()];
    });
    const response: RawResponse = { status: Number(statusMatch[1]), reason: statusMatch[2] ?? "", headers, body: Buffer.alloc(0) };
    let next = headEnd + 4;
    const noBody = bodiless(responses.length) || response.status === 204 || response.status === 304 || response.status < 200;
    const contentLength = headerValue(response, "content-length");
    const transferEncoding = headerValue(response, "transfer-encoding");
    if (!noBody) {
      if (transferEncoding && /chunked/i.test(transferEncoding)) {
        const decoded = decodeChunked(data, next);
        if (!decoded) break;
        response.body = decoded.body;
        next = decoded.end;
      } else if (contentLength !== undefined) {
        const length = Number(contentLength);
        if (next + length > data.length) break;
        response.body = data.subarray(next, next + length);
        next += length;
      } else {
        response.body = data.subarray(next);
        next = data.length;
      }
    }
    responses.push(response);
    position = next;
  }
  return { responses, trailing: data.length - position };
}

/** Whether data can be the start of an HTTP/1.x response (a status line begins "HTTP/"). */
export function couldBeHttp(data: Buffer): boolean {
  const prefix = "HTTP/";
  const length = Math.min(prefix.length, data.length);
  return data.toString("latin1", 0, length) === prefix.slice(0, length);
}

/** The unparsed bytes of an answer, said plainly: not HTTP (with its first bytes, escaped), or cut short. */
export function describeUnparsed(unparsed: Buffer): string | null {
  if (unparsed.length === 0) return null;
  if (!couldBeHttp(unparsed)) {
    const start = JSON.stringify(unparsed.toString("latin1", 0, 24));
    return `not HTTP: ${unparsed.length} byte(s) starting ${start}${unparsed.length > 24 ? "…" : ""}`;
  }
  return `an incomplete HTTP answer (${unparsed.length} byte(s))`;
}
