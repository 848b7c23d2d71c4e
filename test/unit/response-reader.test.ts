import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_HEAD_BYTES, MalformedResponseError, ResponseReader } from "../../src/runners/load/response-reader.js";
import { rawRequestBytes } from "../../src/runners/load/raw-request.js";

/** Feeds `text` in pieces of `size` bytes and returns every [status, keepAlive] completed. */
function read(text: string, size = text.length, headRequest = false): Array<[number, boolean]> {
  const seen: Array<[number, boolean]> = [];
  const reader = new ResponseReader((status, keepAlive) => seen.push([status, keepAlive]), headRequest);
  const bytes = Buffer.from(text, "latin1");
  for (let at = 0; at < bytes.length; at += size) reader.feed(bytes.subarray(at, at + size));
  reader.end();
  return seen;
}

const LENGTH = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
const CHUNKED =
  "HTTP/1.1 201 Created\r\ntransfer-encoding: Chunked\r\n\r\n" +
  "3;ext=1\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n";

describe("open-model response reader", () => {
  it("frames Content-Length and chunked answers, whatever the chunk boundaries", () => {
    for (const size of [1, 2, 3, 7, 1000]) {
      const expected = [[200, true], [201, true], [200, true]];
      assert.deepEqual(read(LENGTH + CHUNKED + LENGTH, size), expected, `pieces of ${size}`);
    }
  });

  it("reads Connection: close and HTTP/1.0 defaults", () => {
    assert.deepEqual(read("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"), [[200, false]]);
    assert.deepEqual(read("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"), [[200, false]]);
    assert.deepEqual(read("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"), [[200, true]]);
  });

  it("ends a body without framing at the close, and bodiless answers at their head", () => {
    assert.deepEqual(read("HTTP/1.1 200 OK\r\n\r\nuntil the end", 4), [[200, false]]);
    const bodiless = "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n";
    assert.deepEqual(read(bodiless), [[204, true], [304, true]]);
    assert.deepEqual(read("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", 5, true), [[200, true]]);
  });

  it("skips interim 1xx answers", () => {
    assert.deepEqual(read("HTTP/1.1 100 Continue\r\n\r\n" + LENGTH, 6), [[200, true]]);
  });

  it("rejects what is not an HTTP/1.x answer", () => {
    assert.throws(() => read("SSH-2.0-OpenSSH_9.6\r\n\r\n"), MalformedResponseError);
    assert.throws(() => read("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"), MalformedResponseError);
    assert.throws(() => read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), MalformedResponseError);
    const huge = `HTTP/1.1 200 OK\r\nX: ${"a".repeat(MAX_HEAD_BYTES)}\r\n\r\n`;
    assert.throws(() => read(huge, 4096), MalformedResponseError);
  });
});

describe("open-model request bytes", () => {
  it("sends the Host given and frames a body by its length in bytes", () => {
    assert.equal(
      rawRequestBytes({ method: "GET", path: "/a?b", host: "app.example.com", body: null }).toString("latin1"),
      "GET /a?b HTTP/1.1\r\nHost: app.example.com\r\n\r\n",
    );
    assert.equal(
      rawRequestBytes({ method: "POST", path: "/", host: "h", body: "é" }).toString("utf8"),
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\né",
    );
  });
});
