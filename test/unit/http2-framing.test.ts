import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HttpRequestError } from "../../src/http1/errors.js";
import { malformedField } from "../../src/http2/fields.js";
import { dataFrame, encodeFrame, FRAME_TYPE, headerBlockFragment, headersFrame, readFrames } from "../../src/http2/frames.js";
import { createHeaderBlockDecoder, encodeHeaderBlock, encodeInteger, literalField } from "../../src/http2/hpack.js";
import { headFromStream } from "../../src/servers/proxy/h2-front-door.js";

describe("HTTP/2 framing for raw probes", () => {
  it("encodes HPACK integers as RFC 7541 C.1 does", () => {
    assert.deepEqual([...encodeInteger(10, 5)], [0x0a]);
    assert.deepEqual([...encodeInteger(1337, 5)], [0x1f, 0x9a, 0x0a]);
    assert.deepEqual([...encodeInteger(42, 8)], [42]);
  });

  it("writes a literal without indexing byte for byte, forbidden bytes included", () => {
    assert.deepEqual([...literalField(["x", "a\r\nb"])], [0x00, 1, 0x78, 4, 0x61, 0x0d, 0x0a, 0x62]);
    const long = "v".repeat(200);
    assert.deepEqual([...literalField(["n", long]).subarray(0, 5)], [0x00, 1, 0x6e, 0x7f, 200 - 127]);
  });

  it("reads back what it encodes, and decodes the block with the field order kept", () => {
    const block = encodeHeaderBlock([[":method", "GET"], ["x-a", "1"], [":path", "/"]]);
    const bytes = Buffer.concat([headersFrame(1, block, false), dataFrame(1, Buffer.from("hi"), true), Buffer.from([0, 0])]);
    const { frames, rest } = readFrames(bytes);
    assert.equal(frames.length, 2);
    assert.equal(rest.length, 2);
    assert.equal(frames[0]!.type, FRAME_TYPE.HEADERS);
    assert.deepEqual(createHeaderBlockDecoder().decode(headerBlockFragment(frames[0]!)), [[":method", "GET"], ["x-a", "1"], [":path", "/"]]);
    assert.equal(frames[1]!.payload.toString(), "hi");
  });

  it("decodes a server's indexed :status and strips padding and priority", () => {
    // PADDED | PRIORITY | END_HEADERS: pad length 2, 5 priority bytes, then 0x88 (static :status 200), 2 pad bytes.
    const payload = Buffer.from([2, 0, 0, 0, 0, 16, 0x88, 0, 0]);
    const frame = readFrames(encodeFrame({ type: FRAME_TYPE.HEADERS, flags: 0x2c, streamId: 1, payload })).frames[0]!;
    assert.deepEqual(createHeaderBlockDecoder().decode(headerBlockFragment(frame)), [[":status", "200"]]);
  });
});

describe("RFC 9113 field checks of the builtin front door", () => {
  it("finds what makes a field malformed", () => {
    assert.equal(malformedField("x-ok", "fine value"), null);
    assert.match(malformedField("X-Up", "1") ?? "", /uppercase/);
    assert.match(malformedField("x probe", "1") ?? "", /token/);
    assert.match(malformedField("host:evil", "1") ?? "", /token/);
    assert.match(malformedField("x", "a\r\nb") ?? "", /CR or LF/);
    assert.match(malformedField("x", "a\u0000") ?? "", /NUL/);
    assert.match(malformedField("x", " padded") ?? "", /whitespace/);
  });

  it("turns :authority into Host and refuses a Host that disagrees", () => {
    const head = headFromStream([":method", "GET", ":authority", "app.example.com", ":path", "/a", "accept", "*/*"]);
    assert.deepEqual(head.fields, [["Host", "app.example.com"], ["accept", "*/*"]]);
    assert.equal(head.target, "/a");
    assert.deepEqual(headFromStream([":method", "GET", ":authority", "App.example.com", ":path", "/", "host", "app.example.com"]).names, ["host"]);
    assert.throws(() => headFromStream([":method", "GET", ":authority", "app.example.com", ":path", "/", "host", "evil.example"]), HttpRequestError);
  });
});
