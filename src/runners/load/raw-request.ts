/** The bytes of one HTTP/1.1 request, prepared once and written as they are for every request of an open-model run. */

/** One request as a load run sends it over and over (the target's address comes separately). */
export interface RawRequestSpec {
  method: string;
  path: string;
  /** The Host header, sent as given (the target's address is only where the connection goes). */
  host: string;
  body: string | null;
}

export function rawRequestBytes(spec: RawRequestSpec): Buffer {
  const body = spec.body === null ? null : Buffer.from(spec.body, "utf8");
  // A body always gets its length, even an empty one; no body means no framing header at all (as undici sends).
  const framing = body === null ? "" : `Content-Length: ${body.length}\r\n`;
  const head = Buffer.from(`${spec.method} ${spec.path} HTTP/1.1\r\nHost: ${spec.host}\r\n${framing}\r\n`, "latin1");
  return body === null ? head : Buffer.concat([head, body]);
}
