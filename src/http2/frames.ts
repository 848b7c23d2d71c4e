/**
 * HTTP/2 frames (RFC 9113 §4, §6) built and read byte for byte, so a probe can send what node:http2 would refuse
 * to: forbidden bytes in fields, pseudo-headers out of order, DATA that disagrees with content-length.
 */

export const FRAME_TYPE = {
  DATA: 0x0,
  HEADERS: 0x1,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
} as const;

export const FLAG = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4, PADDED: 0x8, PRIORITY: 0x20 } as const;

/** The client connection preface (RFC 9113 §3.4). */
export const CLIENT_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

/** RFC 9113 §7 error codes by value. */
const ERROR_NAMES = [
  "NO_ERROR",
  "PROTOCOL_ERROR",
  "INTERNAL_ERROR",
  "FLOW_CONTROL_ERROR",
  "SETTINGS_TIMEOUT",
  "STREAM_CLOSED",
  "FRAME_SIZE_ERROR",
  "REFUSED_STREAM",
  "CANCEL",
  "COMPRESSION_ERROR",
  "CONNECT_ERROR",
  "ENHANCE_YOUR_CALM",
  "INADEQUATE_SECURITY",
  "HTTP_1_1_REQUIRED",
] as const;

export function errorCodeName(code: number): string {
  return ERROR_NAMES[code] ?? `0x${code.toString(16)}`;
}

export interface Frame {
  type: number;
  flags: number;
  streamId: number;
  payload: Buffer;
}

export function encodeFrame({ type, flags, streamId, payload }: Frame): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(streamId & 0x7fffffff, 5);
  return Buffer.concat([head, payload]);
}

/** SETTINGS with (identifier, value) pairs; `ack` for the empty acknowledgement. */
export function settingsFrame(values: Array<[id: number, value: number]>, ack = false): Buffer {
  const payload = Buffer.alloc(values.length * 6);
  values.forEach(([id, value], i) => {
    payload.writeUInt16BE(id, i * 6);
    payload.writeUInt32BE(value, i * 6 + 2);
  });
  return encodeFrame({ type: FRAME_TYPE.SETTINGS, flags: ack ? FLAG.ACK : 0, streamId: 0, payload });
}

export function windowUpdateFrame(streamId: number, increment: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(increment, 0);
  return encodeFrame({ type: FRAME_TYPE.WINDOW_UPDATE, flags: 0, streamId, payload });
}

/** A complete header block in one HEADERS frame; `endStream` when no DATA follows. */
export function headersFrame(streamId: number, block: Buffer, endStream: boolean): Buffer {
  return encodeFrame({ type: FRAME_TYPE.HEADERS, flags: FLAG.END_HEADERS | (endStream ? FLAG.END_STREAM : 0), streamId, payload: block });
}

export function dataFrame(streamId: number, data: Buffer, endStream: boolean): Buffer {
  return encodeFrame({ type: FRAME_TYPE.DATA, flags: endStream ? FLAG.END_STREAM : 0, streamId, payload: data });
}

/** The frames complete in `buffer`, and the bytes of an incomplete one left over. */
export function readFrames(buffer: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let offset = 0;
  while (buffer.length - offset >= 9) {
    const length = buffer.readUIntBE(offset, 3);
    if (buffer.length - offset < 9 + length) break;
    frames.push({
      type: buffer[offset + 3]!,
      flags: buffer[offset + 4]!,
      streamId: buffer.readUInt32BE(offset + 5) & 0x7fffffff,
      payload: buffer.subarray(offset + 9, offset + 9 + length),
    });
    offset += 9 + length;
  }
  return { frames, rest: buffer.subarray(offset) };
}

/** A HEADERS frame's header block fragment, without padding and priority fields (RFC 9113 §6.2). */
export function headerBlockFragment(frame: Frame): Buffer {
  let start = 0;
  let end = frame.payload.length;
  if (frame.type === FRAME_TYPE.HEADERS && frame.flags & FLAG.PADDED) {
    start = 1;
    end -= frame.payload[0]!;
  }
  if (frame.type === FRAME_TYPE.HEADERS && frame.flags & FLAG.PRIORITY) start += 5;
  return frame.payload.subarray(start, Math.max(start, end));
}

/** A DATA frame's data without padding. */
export function dataPayload(frame: Frame): Buffer {
  if (!(frame.flags & FLAG.PADDED)) return frame.payload;
  return frame.payload.subarray(1, frame.payload.length - frame.payload[0]!);
}
