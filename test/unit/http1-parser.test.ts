import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BodyDecoder, requestBodyFraming } from "../../src/http1/body.js";
import { HttpRequestError } from "../../src/http1/errors.js";
import { KESTREL_LIMITS, parseHeaderFields, parseRequestLine } from "../../src/http1/parser.js";

function head(text: string) {
  const buf = Buffer.from(text, "latin1");
  const line = parseRequestLine(buf, 0, buf.length, KESTREL_LIMITS);
  if (!line) return null;
  const fields = parseHeaderFields(buf, line.next, buf.length, KESTREL_LIMITS);
  return fields
    ? { ...line.line, fields: fields.fields, bareLineFeed: line.bareLineFeed || fields.bareLineFeed }
    : null;
}

function status(text: string): number {
  try {
    head(text);
    return 0;
  } catch (error) {
    assert.ok(error instanceof HttpRequestError);
    return error.status;
  }
}

describe("HTTP/1 request-head parser", () => {
  it("parses a request and keeps duplicate fields apart", () => {
    const parsed = head("GET /a?b HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
    assert.deepEqual(parsed?.fields, [
      ["Host", "a"],
      ["Host", "b"],
    ]);
    assert.equal(parsed?.target, "/a?b");
    assert.equal(parsed?.version, "1.1");
  });
  it("waits for more bytes on an incomplete head", () => assert.equal(head("GET / HTTP/1.1\r\nHost: a\r\n"), null));
  it("accepts a bare LF as a line end (Kestrel since .NET 7)", () => {
    const parsed = head("GET / HTTP/1.1\nHost: a\nX: y\n\n");
    assert.equal(parsed?.bareLineFeed, true);
    assert.deepEqual(parsed?.fields, [
      ["Host", "a"],
      ["X", "y"],
    ]);
  });
  it("trims whitespace around field values", () =>
    assert.deepEqual(head("GET / HTTP/1.1\r\nHost: \t a \t\r\n\r\n")?.fields, [["Host", "a"]]));
  it("refuses obs-fold and whitespace before the first field", () => {
    assert.equal(status("GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n"), 400);
    assert.equal(status("GET / HTTP/1.1\r\n Host: a\r\n\r\n"), 400);
  });
  it("refuses whitespace between the name and the colon", () =>
    assert.equal(status("GET / HTTP/1.1\r\nHost : a\r\n\r\n"), 400));
  it("refuses control characters and a bare CR in values", () => {
    assert.equal(status("GET / HTTP/1.1\r\nHost: a\u0000b\r\n\r\n"), 400);
    assert.equal(status("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n"), 400);
  });
  it("refuses malformed request lines", () => {
    assert.equal(status("GET  / HTTP/1.1\r\n\r\n"), 400);
    assert.equal(status("GET / HTTP/1.1 \r\n\r\n"), 400);
    assert.equal(status("G(T / HTTP/1.1\r\n\r\n"), 400);
    assert.equal(status("GET /\u0001 HTTP/1.1\r\n\r\n"), 400);
    assert.equal(status("GET / FOO/1.1\r\n\r\n"), 400);
  });
  it("answers 505 to an HTTP version it does not know", () => assert.equal(status("GET / HTTP/1.2\r\n\r\n"), 505));
  it("answers 414 to a request line over 8 KiB and 431 to headers over 32 KiB", () => {
    assert.equal(status(`GET /${"a".repeat(9000)} HTTP/1.1\r\n\r\n`), 414);
    assert.equal(status(`GET / HTTP/1.1\r\nX: ${"a".repeat(33000)}\r\n\r\n`), 431);
    assert.equal(status(`GET / HTTP/1.1\r\n${"X: y\r\n".repeat(101)}\r\n`), 431);
  });
});

describe("request body framing", () => {
  it("chooses chunked over Content-Length and refuses bad lengths", () => {
    assert.deepEqual(requestBodyFraming(["chunked"], ["5"]), { kind: "chunked" });
    assert.deepEqual(requestBodyFraming([], ["5"]), { kind: "length", length: 5 });
    assert.deepEqual(requestBodyFraming([], []), { kind: "none" });
    assert.throws(() => requestBodyFraming([], ["5", "6"]), HttpRequestError);
    assert.throws(() => requestBodyFraming([], ["-1"]), HttpRequestError);
    assert.throws(() => requestBodyFraming(["gzip"], []), HttpRequestError);
  });
  it("decodes a chunked body given in pieces", () => {
    const decoder = new BodyDecoder({ kind: "chunked" });
    const wire = Buffer.from("5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\nNEXT", "latin1");
    const data: Buffer[] = [];
    let offset = 0;
    for (const size of [3, 7, 11, 50]) {
      const end = Math.min(wire.length, offset + size);
      const piece = Buffer.concat([wire.subarray(0, 0), wire.subarray(offset, end)]);
      const step = decoder.feed(piece, 0, piece.length);
      data.push(...step.data);
      offset += step.consumed;
      if (step.done) break;
    }
    assert.equal(Buffer.concat(data).toString(), "hello world");
    assert.equal(wire.subarray(offset).toString(), "NEXT");
  });
  it("refuses an invalid chunk size", () => {
    const decoder = new BodyDecoder({ kind: "chunked" });
    assert.throws(() => decoder.feed(Buffer.from("zz\r\n"), 0, 4), HttpRequestError);
  });
});
