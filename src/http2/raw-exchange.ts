/**
 * One HTTP/2 connection for a raw probe: the preface and SETTINGS, then each stream's exact frames in turn (the next
 * once the one before has ended or been reset), collecting every answer, RST_STREAM and GOAWAY, until all streams
 * are done, the server closes, or the time limit passes. TLS offers only h2 by ALPN; cleartext is prior knowledge.
 */
import { connect, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";
import {
  CLIENT_PREFACE,
  dataPayload,
  encodeFrame,
  errorCodeName,
  FLAG,
  FRAME_TYPE,
  headerBlockFragment,
  readFrames,
  settingsFrame,
  windowUpdateFrame,
  type Frame,
} from "./frames.js";
import { createHeaderBlockDecoder, type FieldLine } from "./hpack.js";

export interface H2StreamAnswer {
  streamId: number;
  /** The :status of the answer's HEADERS, or null when none came. */
  status: number | null;
  headers: FieldLine[];
  body: Buffer;
  /** The RST_STREAM error code's name, when the server reset the stream. */
  reset: string | null;
  ended: boolean;
}

export interface H2Exchange {
  streams: H2StreamAnswer[];
  /** The GOAWAY error code's name, when the server sent one. */
  goaway: string | null;
  /** What ALPN settled on over TLS (null on cleartext). */
  alpn: string | null;
  closedByServer: boolean;
  timedOut: boolean;
  error?: string;
  elapsedMs: number;
}

export interface H2ExchangeOptions {
  host: string;
  port: number;
  timeoutMs?: number;
  /** Speak TLS trusting this CA (PEM), offering h2 only. */
  ca?: string;
  localAddress?: string;
}

const SETTINGS_ENABLE_PUSH = 0x2;
const CONNECTION_WINDOW = 1 << 24;

/** What the server sent on one probe connection, frame by frame; `write` answers SETTINGS and PING as a client must. */
class ServerFrames {
  readonly answers: H2StreamAnswer[];
  goaway: string | null = null;
  error: string | undefined;
  private readonly decoder = createHeaderBlockDecoder();
  private pendingBlock: { streamId: number; parts: Buffer[]; endStream: boolean } | null = null;

  constructor(
    count: number,
    private readonly write: (bytes: Buffer) => void,
    /** A stream ended or was reset. */
    private readonly onDone: (answer: H2StreamAnswer) => void,
  ) {
    this.answers = Array.from({ length: count }, (_, i) => ({
      streamId: 2 * i + 1,
      status: null,
      headers: [],
      body: Buffer.alloc(0),
      reset: null,
      ended: false,
    }));
  }

  /** Handles one frame; false once the server sent GOAWAY (the exchange is over). */
  take(frame: Frame): boolean {
    const answer = this.answers.find((a) => a.streamId === frame.streamId);
    if (frame.type === FRAME_TYPE.SETTINGS && !(frame.flags & FLAG.ACK)) this.write(settingsFrame([], true));
    else if (frame.type === FRAME_TYPE.PING && !(frame.flags & FLAG.ACK)) {
      this.write(encodeFrame({ type: FRAME_TYPE.PING, flags: FLAG.ACK, streamId: 0, payload: frame.payload }));
    } else if (frame.type === FRAME_TYPE.GOAWAY) {
      this.goaway = errorCodeName(frame.payload.readUInt32BE(4));
      return false;
    } else if (frame.type === FRAME_TYPE.RST_STREAM && answer) {
      answer.reset = errorCodeName(frame.payload.readUInt32BE(0));
      this.onDone(answer);
    } else if (frame.type === FRAME_TYPE.DATA && answer) {
      answer.body = Buffer.concat([answer.body, dataPayload(frame)]);
      if (frame.flags & FLAG.END_STREAM) this.end(answer);
    } else if (frame.type === FRAME_TYPE.HEADERS || frame.type === FRAME_TYPE.CONTINUATION) {
      this.headerFragment(frame);
    }
    return true;
  }

  private end(answer: H2StreamAnswer): void {
    answer.ended = true;
    this.onDone(answer);
  }

  /** HEADERS and its CONTINUATIONs make one header block, decoded once complete. */
  private headerFragment(frame: Frame): void {
    if (frame.type === FRAME_TYPE.HEADERS) {
      this.pendingBlock = { streamId: frame.streamId, parts: [], endStream: Boolean(frame.flags & FLAG.END_STREAM) };
    }
    if (!this.pendingBlock) return;
    this.pendingBlock.parts.push(headerBlockFragment(frame));
    if (!(frame.flags & FLAG.END_HEADERS)) return;
    const { streamId, parts, endStream } = this.pendingBlock;
    this.pendingBlock = null;
    const answer = this.answers.find((a) => a.streamId === streamId);
    if (!answer) return;
    try {
      const fields = this.decoder.decode(Buffer.concat(parts));
      const status = fields.find(([name]) => name === ":status");
      if (status && answer.status === null) answer.status = Number(status[1]);
      answer.headers.push(...fields.filter(([name]) => !name.startsWith(":")));
    } catch {
      this.error = "COMPRESSION_ERROR: the server's header block could not be decoded";
    }
    if (endStream) this.end(answer);
  }
}

function connectFor(options: H2ExchangeOptions): Socket {
  const address = { host: options.host, port: options.port, ...(options.localAddress ? { localAddress: options.localAddress } : {}) };
  const socket = options.ca ? connectTls({ ...address, ca: options.ca, ALPNProtocols: ["h2"], servername: "localhost" }) : connect(address);
  socket.setNoDelay(true);
  return socket;
}

/** Sends `streams[i]` (frames for stream 2i+1) one after another on one connection and collects the answers. */
export function exchangeH2(streams: readonly Buffer[], options: H2ExchangeOptions): Promise<H2Exchange> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const socket = connectFor(options);
    let buffered: Buffer = Buffer.alloc(0);
    let settled = false;
    let sent = 0;
    const sendNext = (): void => {
      if (sent < streams.length) socket.write(streams[sent++]!);
      else finish(false, false);
    };
    const server = new ServerFrames(streams.length, (bytes) => socket.write(bytes), (answer) => {
      if (answer.streamId === 2 * sent - 1) sendNext();
    });
    const finish = (closedByServer: boolean, timedOut: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const alpn = options.ca ? (socket as Socket & { alpnProtocol?: string | false }).alpnProtocol || null : null;
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      const error = server.error ? { error: server.error } : {};
      resolve({ streams: server.answers, goaway: server.goaway, alpn, closedByServer, timedOut, ...error, elapsedMs });
    };
    const timer = setTimeout(() => finish(false, true), options.timeoutMs ?? 5000);
    socket.on(options.ca ? "secureConnect" : "connect", () => {
      socket.write(Buffer.concat([CLIENT_PREFACE, settingsFrame([[SETTINGS_ENABLE_PUSH, 0]]), windowUpdateFrame(0, CONNECTION_WINDOW)]));
      sendNext();
    });
    socket.on("data", (chunk: Buffer) => {
      const { frames, rest } = readFrames(Buffer.concat([buffered, chunk]));
      buffered = rest;
      for (const frame of frames) if (!settled && !server.take(frame)) finish(false, false);
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code !== "ECONNRESET" && err.code !== "EPIPE") server.error = `${err.code ?? "ERROR"}: ${err.message}`;
      finish(true, false);
    });
    socket.on("close", () => finish(true, false));
  });
}
