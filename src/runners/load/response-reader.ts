/**
 * The least HTTP/1.1 response parsing the open-model generator needs: the status code and where each response ends
 * (Content-Length, chunked, or the end of the connection), and whether the connection stays open. Bytes are read
 * in place, header by header, without building strings, so reading an answer allocates nothing in the usual case
 * (a head that arrives in one chunk). Bodies are skipped, not kept.
 */

const CR = 13;
const LF = 10;
const COLON = 58;
const SEMICOLON = 59;
/** A head larger than this is not an answer the generator can use: the reader reports it as malformed. */
export const MAX_HEAD_BYTES = 16 * 1024;

const enum State {
  Head,
  Body,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  UntilClose,
}

/** Called once per complete final response (1xx interim answers are skipped). */
export type ResponseListener = (status: number, keepAlive: boolean) => void;

const asciiBytes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const CONTENT_LENGTH = asciiBytes("content-length");
const TRANSFER_ENCODING = asciiBytes("transfer-encoding");
const CONNECTION = asciiBytes("connection");
const HEAD_END = Buffer.from("\r\n\r\n", "latin1");

/** `buffer[start, end)` equals `lowerName` ignoring ASCII case. */
function nameIs(buffer: Uint8Array, start: number, end: number, lowerName: Uint8Array): boolean {
  if (end - start !== lowerName.length) return false;
  for (let i = 0; i < lowerName.length; i++) if ((buffer[start + i]! | 0x20) !== lowerName[i]) return false;
  return true;
}

/** `buffer[start, end)` contains `lowerWord` ignoring ASCII case ("chunked", "close"). */
function valueHas(buffer: Uint8Array, start: number, end: number, lowerWord: string): boolean {
  outer: for (let i = start; i + lowerWord.length <= end; i++) {
    for (let j = 0; j < lowerWord.length; j++) if ((buffer[i + j]! | 0x20) !== lowerWord.charCodeAt(j)) continue outer;
    return true;
  }
  return false;
}

export class MalformedResponseError extends Error {
  readonly code = "ERR_MALFORMED_RESPONSE";
}

export class ResponseReader {
  private state = State.Head;
  /** A head split over chunks is gathered here (the only copy the reader makes). */
  private readonly head = Buffer.allocUnsafe(MAX_HEAD_BYTES);
  private headLength = 0;
  private status = 0;
  private keepAlive = true;
  private remaining = 0;
  private chunkSizeDigits = 0;
  private inExtension = false;
  private lineLength = 0;

  /** `headRequest`: answers to HEAD have no body whatever their headers say. */
  constructor(
    private readonly onResponse: ResponseListener,
    private readonly headRequest = false,
  ) {}

  /** Back to the start of a response, for a new connection. */
  reset(): void {
    this.state = State.Head;
    this.headLength = 0;
  }

  /** True when the connection's end completes the response under way (a body delimited by the close). */
  get endsAtClose(): boolean {
    return this.state === State.UntilClose;
  }

  /** The connection ended: completes a close-delimited body. */
  end(): void {
    if (this.state !== State.UntilClose) return;
    this.state = State.Head;
    this.onResponse(this.status, false);
  }

  /**
   * Reads `chunk[0, length)` from the connection (a reused read buffer may hold more); throws MalformedResponseError
   * on bytes that are not an HTTP/1.x answer.
   */
  feed(chunk: Buffer, length = chunk.length): void {
    let at = 0;
    while (at < length) {
      switch (this.state) {
        case State.Head:
          at = this.readHead(chunk, at, length);
          break;
        case State.Body:
          at = this.skip(at, length);
          if (this.remaining === 0) this.complete();
          break;
        case State.ChunkSize:
          at = this.readChunkSize(chunk, at, length);
          break;
        case State.ChunkData:
          at = this.skip(at, length);
          if (this.remaining === 0) {
            this.state = State.ChunkDataEnd;
            this.remaining = 2;
          }
          break;
        case State.ChunkDataEnd:
          at++;
          if (--this.remaining === 0) this.startChunkSize();
          break;
        case State.Trailers:
          at = this.readTrailers(chunk, at, length);
          break;
        case State.UntilClose:
          at = length;
          break;
      }
    }
  }

  /** Passes over as much of the `remaining` body bytes as `[at, length)` holds; returns where reading goes on. */
  private skip(at: number, length: number): number {
    const take = Math.min(this.remaining, length - at);
    this.remaining -= take;
    return at + take;
  }

  private complete(): void {
    this.state = State.Head;
    this.headLength = 0;
    this.onResponse(this.status, this.keepAlive);
  }

  /** Finds the blank line ending the head; parses the head in place when it arrived whole in this chunk. */
  private readHead(chunk: Buffer, at: number, length: number): number {
    const end = this.headLength === 0 ? chunk.indexOf(HEAD_END, at) : -1;
    if (end >= 0 && end + 4 <= length) {
      this.parseHead(chunk, at, end + 2);
      return end + 4;
    }
    // Split head: gather it; the blank line may straddle the previous chunk and this one.
    const copied = Math.min(length - at, MAX_HEAD_BYTES - this.headLength);
    chunk.copy(this.head, this.headLength, at, at + copied);
    const searchFrom = Math.max(0, this.headLength - 3);
    this.headLength += copied;
    const whole = this.head.subarray(0, this.headLength).indexOf(HEAD_END, searchFrom);
    if (whole < 0) {
      if (this.headLength === MAX_HEAD_BYTES) {
        throw new MalformedResponseError(`response head over ${MAX_HEAD_BYTES} bytes`);
      }
      return length;
    }
    const consumedBefore = this.headLength - copied;
    this.headLength = 0;
    this.parseHead(this.head, 0, whole + 2);
    return at + (whole + 4 - consumedBefore);
  }

  /** Status line and the three framing headers of `buffer[start, end)` (end just after the last header's CRLF). */
  private parseHead(buffer: Buffer, start: number, end: number): void {
    // "HTTP/1.1 200 ..."
    if (end - start < 12 || buffer[start] !== 72 || buffer[start + 8] !== 32) {
      throw new MalformedResponseError("not an HTTP/1.x status line");
    }
    const status = (buffer[start + 9]! - 48) * 100 + (buffer[start + 10]! - 48) * 10 + (buffer[start + 11]! - 48);
    if (!(status >= 100 && status <= 999)) throw new MalformedResponseError("status code is not three digits");
    let keepAlive = buffer[start + 7] === 49; // HTTP/1.1 keeps the connection by default, HTTP/1.0 does not
    let length = -1;
    let chunked = false;
    let line = buffer.indexOf(LF, start) + 1;
    while (line < end) {
      const lineEnd = buffer.indexOf(LF, line);
      const colon = buffer.indexOf(COLON, line);
      if (colon > 0 && colon < lineEnd) {
        let valueStart = colon + 1;
        while (buffer[valueStart] === 32 || buffer[valueStart] === 9) valueStart++;
        if (nameIs(buffer, line, colon, CONTENT_LENGTH)) length = readDecimal(buffer, valueStart, lineEnd);
        else if (nameIs(buffer, line, colon, TRANSFER_ENCODING)) {
          chunked = valueHas(buffer, valueStart, lineEnd, "chunked");
        }
        else if (nameIs(buffer, line, colon, CONNECTION)) {
          if (valueHas(buffer, valueStart, lineEnd, "close")) keepAlive = false;
          else if (valueHas(buffer, valueStart, lineEnd, "keep-alive")) keepAlive = true;
        }
      }
      line = lineEnd + 1;
    }
    this.status = status;
    this.keepAlive = keepAlive;
    if (status < 200) return; // interim answer: the final one follows
    if (this.headRequest || status === 204 || status === 304) this.complete();
    else if (chunked) this.startChunkSize();
    else if (length === 0) this.complete();
    else if (length > 0) {
      this.state = State.Body;
      this.remaining = length;
    } else {
      this.state = State.UntilClose;
      this.keepAlive = false;
    }
  }

  private startChunkSize(): void {
    this.state = State.ChunkSize;
    this.remaining = 0;
    this.chunkSizeDigits = 0;
    this.inExtension = false;
  }

  /** Hex size up to the line's end (extensions after ';' ignored); a zero size leads to the trailers. */
  private readChunkSize(chunk: Buffer, at: number, length: number): number {
    while (at < length) {
      const byte = chunk[at++]!;
      if (byte === LF) {
        if (this.chunkSizeDigits === 0) throw new MalformedResponseError("chunk size missing");
        if (this.remaining === 0) {
          this.state = State.Trailers;
          this.lineLength = 0;
        } else this.state = State.ChunkData;
        return at;
      }
      if (this.inExtension || byte === CR || byte === 32 || byte === 9) continue;
      if (byte === SEMICOLON) {
        this.inExtension = true;
        continue;
      }
      const digit = hexDigit(byte);
      if (digit < 0) throw new MalformedResponseError("chunk size is not hexadecimal");
      this.remaining = this.remaining * 16 + digit;
      this.chunkSizeDigits++;
    }
    return at;
  }

  /** Trailer lines until an empty one, which ends the response. */
  private readTrailers(chunk: Buffer, at: number, length: number): number {
    while (at < length) {
      const byte = chunk[at++]!;
      if (byte === LF) {
        if (this.lineLength === 0) {
          this.complete();
          return at;
        }
        this.lineLength = 0;
      } else if (byte !== CR) this.lineLength++;
    }
    return at;
  }
}

function readDecimal(buffer: Buffer, start: number, end: number): number {
  let value = 0;
  let digits = 0;
  for (let i = start; i < end; i++) {
    const byte = buffer[i]!;
    if (byte >= 48 && byte <= 57) {
      value = value * 10 + (byte - 48);
      digits++;
    } else if (byte !== CR && byte !== 32 && byte !== 9) {
      throw new MalformedResponseError("Content-Length is not a number");
    }
  }
  if (digits === 0) throw new MalformedResponseError("Content-Length is empty");
  return value;
}

function hexDigit(byte: number): number {
  if (byte >= 48 && byte <= 57) return byte - 48;
  const lower = byte | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}
