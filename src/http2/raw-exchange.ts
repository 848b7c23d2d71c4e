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

/** Sends `streams[i]` (frames for stream 2i+1) one after another on one connection and collects the answers. */
export function exchangeH2(streams: readonly Buffer[], options: H2ExchangeOptions): Promise<H2Exchange> {
  const started = process.hrtime.bigint();
  const answers: H2StreamAnswer[] = streams.map((_, i) => ({ streamId: 2 * i + 1, status: null, headers: [], body: Buffer.alloc(0), reset: null, ended: false }));
  const decoder = createHeaderBlockDecoder();
  return new Promise((resolve) => {
    let buffered: Buffer = Buffer.alloc(0);
    let goaway: string | null = null;
    let error: string | undefined;
    let settled = false;
    let sent = 0;
    let pendingBlock: { streamId: number; parts: Buffer[]; endStream: boolean } | null = null;
    const address = { host: options.host, port: options.port, ...(options.localAddress ? { localAddress: options.localAddress } : {}) };
    const socket: Socket = options.ca ? connectTls({ ...address, ca: options.ca, ALPNProtocols: ["h2"], servername: "localhost" }) : connect(address);
    const finish = (closedByServer: boolean, timedOut: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const alpn = options.ca ? (socket as Socket & { alpnProtocol?: string | false }).alpnProtocol || null : null;
      resolve({ streams: answers, goaway, alpn, closedByServer, timedOut, ...(error ? { error } : {}), elapsedMs: Number(process.hrtime.bigint() - started) / 1e6 });
    };
    const timer = setTimeout(() => finish(false, true), options.timeoutMs ?? 5000);
    const sendNext = (): void => {
      if (sent < streams.length) socket.write(streams[sent++]!);
      else finish(false, false);
    };
    const done = (answer: H2StreamAnswer): void => {
      if (answer.streamId === 2 * sent - 1) sendNext();
    };
    const onHeaderBlock = (streamId: number, block: Buffer, endStream: boolean): void => {
      const answer = answers.find((a) => a.streamId === streamId);
      if (!answer) return;
      try {
        const fields = decoder.decode(block);
        const status = fields.find(([name]) => name === ":status");
        if (status && answer.status === null) answer.status = Number(status[1]);
        answer.headers.push(...fields.filter(([name]) => !name.startsWith(":")));
      } catch {
        error = "COMPRESSION_ERROR: the server's header block could not be decoded";
      }
      if (endStream) {
        answer.ended = true;
        done(answer);
      }
    };
    const onFrame = (frame: Frame): void => {
      const answer = answers.find((a) => a.streamId === frame.streamId);
      if (frame.type === FRAME_TYPE.SETTINGS && !(frame.flags & FLAG.ACK)) socket.write(settingsFrame([], true));
      else if (frame.type === FRAME_TYPE.PING && !(frame.flags & FLAG.ACK)) {
        socket.write(Buffer.concat([Buffer.from([0, 0, 8, FRAME_TYPE.PING, FLAG.ACK, 0, 0, 0, 0]), frame.payload]));
      } else if (frame.type === FRAME_TYPE.GOAWAY) {
        goaway = errorCodeName(frame.payload.readUInt32BE(4));
        finish(false, false);
      } else if (frame.type === FRAME_TYPE.RST_STREAM && answer) {
        answer.reset = errorCodeName(frame.payload.readUInt32BE(0));
        done(answer);
      } else if (frame.type === FRAME_TYPE.DATA && answer) {
        answer.body = Buffer.concat([answer.body, dataPayload(frame)]);
        if (frame.flags & FLAG.END_STREAM) {
          answer.ended = true;
          done(answer);
        }
      } else if (frame.type === FRAME_TYPE.HEADERS || frame.type === FRAME_TYPE.CONTINUATION) {
        if (frame.type === FRAME_TYPE.HEADERS) pendingBlock = { streamId: frame.streamId, parts: [], endStream: Boolean(frame.flags & FLAG.END_STREAM) };
        if (!pendingBlock) return;
        pendingBlock.parts.push(headerBlockFragment(frame));
        if (frame.flags & FLAG.END_HEADERS) {
          const block = pendingBlock;
          pendingBlock = null;
          onHeaderBlock(block.streamId, Buffer.concat(block.parts), block.endStream);
        }
      }
    };
    socket.on(options.ca ? "secureConnect" : "connect", () => {
      socket.write(Buffer.concat([CLIENT_PREFACE, settingsFrame([[SETTINGS_ENABLE_PUSH, 0]]), windowUpdateFrame(0, CONNECTION_WINDOW)]));
      sendNext();
    });
    socket.on("data", (chunk: Buffer) => {
      const { frames, rest } = readFrames(Buffer.concat([buffered, chunk]));
      buffered = rest;
      for (const frame of frames) if (!settled) onFrame(frame);
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code !== "ECONNRESET" && err.code !== "EPIPE") error = `${err.code ?? "ERROR"}: ${err.message}`;
      finish(true, false);
    });
    socket.on("close", () => finish(true, false));
  });
}
