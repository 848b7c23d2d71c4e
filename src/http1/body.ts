/** Request body framing (RFC 9112 §6): none, Content-Length, or chunked, decoded incrementally from raw bytes. */
import { HttpRequestError } from "./errors.js";

export type BodyFraming = { kind: "none" } | { kind: "length"; length: number } | { kind: "chunked" };

export interface DecodeStep {
  /** Bytes of input used. */
  consumed: number;
  /** Body data found in them, in order (views into the input). */
  data: Buffer[];
  done: boolean;
}

type ChunkState = "size" | "data" | "data-end" | "trailer";

const MAX_CHUNK_LINE = 4096;

/** Decodes one message body; feed it bytes until it says done. */
export class BodyDecoder {
  private remaining: number;
  private chunkState: ChunkState = "size";
  readonly framing: BodyFraming;
  received = 0;

  constructor(framing: BodyFraming) {
    this.framing = framing;
    this.remaining = framing.kind === "length" ? framing.length : 0;
  }

  get done(): boolean {
    return (
      this.framing.kind === "none" || (this.framing.kind === "length" && this.remaining === 0) || this.finishedChunked
    );
  }

  private finishedChunked = false;

  feed(buf: Buffer, start: number, end: number): DecodeStep {
    if (this.framing.kind === "none") return { consumed: 0, data: [], done: true };
    if (this.framing.kind === "length") {
      const take = Math.min(this.remaining, end - start);
      this.remaining -= take;
      this.received += take;
      return { consumed: take, data: take > 0 ? [buf.subarray(start, start + take)] : [], done: this.remaining === 0 };
    }
    return this.feedChunked(buf, start, end);
  }

  private feedChunked(buf: Buffer, start: number, end: number): DecodeStep {
    const data: Buffer[] = [];
    let position = start;
    while (position < end && !this.finishedChunked) {
      if (this.chunkState === "data") {
        const take = Math.min(this.remaining, end - position);
        data.push(buf.subarray(position, position + take));
        this.received += take;
        this.remaining -= take;
        position += take;
        if (this.remaining === 0) this.chunkState = "data-end";
        continue;
      }
      const lf = buf.indexOf(10, position);
      if (lf < 0 || lf >= end) {
        if (end - position > MAX_CHUNK_LINE)
          throw new HttpRequestError(400, "Bad chunked request body: line too long.");
        break;
      }
      const lineEnd = lf > position && buf[lf - 1] === 13 ? lf - 1 : lf;
      const line = buf.toString("latin1", position, lineEnd);
      position = lf + 1;
      if (this.chunkState === "data-end") {
        if (line.length !== 0)
          throw new HttpRequestError(400, "Bad chunked request body: chunk data not followed by CRLF.");
        this.chunkState = "size";
      } else if (this.chunkState === "size") {
        const match = /^([0-9A-Fa-f]{1,15})[ \t]*(;.*)?$/.exec(line);
        if (!match)
          throw new HttpRequestError(400, `Bad chunked request body: invalid chunk size '${line.slice(0, 32)}'.`);
        this.remaining = parseInt(match[1]!, 16);
        this.chunkState = this.remaining === 0 ? "trailer" : "data";
      } else if (line.length === 0) {
        this.finishedChunked = true;
      }
    }
    return { consumed: position - start, data, done: this.finishedChunked };
  }
}

/** Chooses the framing of a request body from its Transfer-Encoding and Content-Length values. */
export function requestBodyFraming(transferEncoding: readonly string[], contentLength: readonly string[]): BodyFraming {
  if (transferEncoding.length > 0) {
    const codings = transferEncoding
      .join(",")
      .split(",")
      .map((coding) => coding.trim().toLowerCase())
      .filter(Boolean);
    if (codings[codings.length - 1] !== "chunked") {
      throw new HttpRequestError(400, "The final transfer coding of a request must be chunked.");
    }
    return { kind: "chunked" };
  }
  if (contentLength.length === 0) return { kind: "none" };
  const distinct = new Set(contentLength.flatMap((value) => value.split(",").map((v) => v.trim())));
  if (distinct.size !== 1) throw new HttpRequestError(400, "Multiple Content-Length values.");
  const [text] = distinct;
  if (!/^[0-9]{1,15}$/.test(text!)) throw new HttpRequestError(400, `Invalid Content-Length: '${text}'.`);
  const length = Number(text);
  return length === 0 ? { kind: "none" } : { kind: "length", length };
}
