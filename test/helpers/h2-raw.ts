/**
 * Raw HTTP/2 for tests: a request whose header block is written by hand (HPACK literals, no Huffman), so that what
 * Node's client refuses to send (two Host fields, say) can be sent, and the server's reply read frame by frame.
 */
import { sendRaw } from "../../src/runners/probes/raw-request.js";

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

function frame(type: number, flags: number, stream: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head.writeUInt8(type, 3);
  head.writeUInt8(flags, 4);
  head.writeUInt32BE(stream, 5);
  return Buffer.concat([head, payload]);
}

/** Literal header field without indexing, new name (RFC 7541 §6.2.2); strings under 127 bytes. */
function literal(name: string, value: string): Buffer {
  return Buffer.concat([Buffer.from([0x00, name.length]), Buffer.from(name, "latin1"), Buffer.from([value.length]), Buffer.from(value, "latin1")]);
}

export interface H2Reply {
  /** RST_STREAM error code on stream 1, if the stream was reset. */
  resetCode?: number;
  /** :status of the response on stream 1, when it was sent from the static table (200, 400, 404, 500, …). */
  status?: number;
}

const STATIC_STATUS: Record<number, number> = { 0x88: 200, 0x89: 204, 0x8a: 206, 0x8b: 304, 0x8c: 400, 0x8d: 404, 0x8e: 500 };

export async function h2Request(port: number, headers: Array<[string, string]>): Promise<H2Reply> {
  const block = Buffer.concat(headers.map(([n, v]) => literal(n, v)));
  const bytes = Buffer.concat([PREFACE, frame(0x4, 0, 0, Buffer.alloc(0)), frame(0x1, 0x1 | 0x4, 1, block)]);
  const exchange = await sendRaw(bytes, { host: "127.0.0.1", port, timeoutMs: 1500, expectHttp1: false });
  const data = exchange.received;
  const reply: H2Reply = {};
  for (let at = 0; at + 9 <= data.length; ) {
    const length = data.readUIntBE(at, 3);
    const type = data.readUInt8(at + 3);
    const stream = data.readUInt32BE(at + 5) & 0x7fffffff;
    const payload = data.subarray(at + 9, at + 9 + length);
    if (stream === 1 && type === 0x3) reply.resetCode = payload.readUInt32BE(0);
    if (stream === 1 && type === 0x1 && reply.status === undefined) reply.status = STATIC_STATUS[payload[0]!];
    at += 9 + length;
  }
  return reply;
}
