/**
 * Keep-alive connections to one upstream app on raw sockets (TCP or TLS): one request at a time per connection,
 * idle connections reused last-in first-out, each exchange parsed with the strict response parser. Lean on purpose:
 * no streams or promises per request on the common path, which is what makes a Node proxy fast.
 */
import { connect as connectTcp, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";
import { BodyDecoder } from "../../http1/body.js";
import {
  parseResponseHead,
  responseBodyDecoder,
  responseFraming,
  UpstreamProtocolError,
  type ResponseFraming,
  type ResponseHead,
} from "../../http1/response-head.js";

export interface UpstreamTarget {
  host: string;
  port: number;
  /** Re-encrypt: speak TLS to the app, trusting this CA (PEM) for the name `servername`. */
  tls?: { ca: string; servername: string };
}

export interface UpstreamPoolOptions {
  target: UpstreamTarget;
  /** Local address connections come from. */
  localAddress?: string;
  /**
   * No byte for this long: an awaited answer fails with a timeout, and an idle keep-alive connection is closed
   * (one socket timer serves both, so nothing is armed per request).
   */
  timeoutMs: number;
}

/** What an exchange hears back; called on the proxy's side of one request. */
export interface ExchangeListener {
  /**
   * The whole answer arrived in one piece, its head and Content-Length body contiguous in `bytes`: the listener may
   * pass it on as it is and return true; false goes on with head, data and end.
   */
  whole?(head: ResponseHead, bytes: Buffer): boolean;
  head(head: ResponseHead, framing: ResponseFraming): void;
  data(chunk: Buffer): void;
  end(): void;
  /**
   * The exchange failed. `retryable`: a reused connection closed before a byte of the answer arrived (the keep-alive
   * race), so the request can be sent again on a fresh one.
   */
  fail(kind: "connect" | "reset" | "timeout" | "protocol", message: string, retryable: boolean): void;
}

type ConnectionState = "connecting" | "idle" | "busy" | "closed";

export class UpstreamConnection {
  readonly socket: Socket;
  private state: ConnectionState = "connecting";
  private listener: ExchangeListener | null = null;
  private method = "GET";
  private buffer: Buffer | null = null;
  private head: ResponseHead | null = null;
  private decoder: BodyDecoder | null = null;
  private closeDelimited = false;
  private reusable = true;
  private served = 0;
  private received = false;

  constructor(
    private readonly pool: UpstreamPool,
    options: UpstreamPoolOptions,
  ) {
    const { target } = options;
    const common = {
      host: target.host,
      port: target.port,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    };
    this.socket = target.tls
      ? connectTls({ ...common, ca: target.tls.ca, servername: target.tls.servername, ALPNProtocols: ["http/1.1"] })
      : connectTcp(common);
    this.socket.setNoDelay(true);
    this.socket.setTimeout(options.timeoutMs);
    this.socket.once(target.tls ? "secureConnect" : "connect", () => {
      if (this.state === "connecting") this.state = "busy";
    });
    this.socket.on("data", (chunk: Buffer) => this.onData(chunk));
    this.socket.on("timeout", () => this.failExchange("timeout", "the app did not answer in time", false));
    this.socket.on("error", (error: NodeJS.ErrnoException) =>
      this.failExchange(this.state === "connecting" ? "connect" : "reset", error.message, false),
    );
    this.socket.on("close", () => this.onClose());
  }

  get busy(): boolean {
    return this.state === "busy" || this.state === "connecting";
  }

  /** Starts an exchange: the request head (and any body already buffered) are written at once. */
  send(method: string, bytes: Buffer | string, listener: ExchangeListener): boolean {
    if (this.state === "idle") this.state = "busy";
    this.listener = listener;
    this.method = method;
    this.head = null;
    this.decoder = null;
    this.closeDelimited = false;
    this.received = false;
    return typeof bytes === "string" ? this.socket.write(bytes, "latin1") : this.socket.write(bytes);
  }

  /** Marks this connection as not reusable (a request body that did not reach its end, say). */
  retire(): void {
    this.reusable = false;
  }

  private onData(chunk: Buffer): void {
    if (!this.listener) {
      // Bytes with no request outstanding: the app is not speaking HTTP/1.1 correctly; never reuse it.
      this.destroy();
      return;
    }
    this.received = true;
    try {
      if (!this.head) {
        this.buffer = this.buffer ? Buffer.concat([this.buffer, chunk]) : chunk;
        let head = parseResponseHead(this.buffer, 0, this.buffer.length);
        // Interim answers (100 Continue, 103 Early Hints) are consumed; the final one follows.
        while (head && head.status < 200 && head.status !== 101) {
          this.buffer = this.buffer.subarray(head.length);
          head = this.buffer.length > 0 ? parseResponseHead(this.buffer, 0, this.buffer.length) : null;
        }
        if (!head) return;
        if (head.status === 101)
          throw new UpstreamProtocolError("the app switched protocols, which this proxy does not forward");
        const whole = this.buffer;
        const rest = whole.subarray(head.length);
        this.buffer = null;
        this.head = head;
        const framing = responseFraming(this.method, head);
        if (
          head.version === "1.0" ||
          head.names.some((name, i) => name === "connection" && /(^|,)\s*close\s*(,|$)/i.test(head.fields[i]![1]))
        )
          this.reusable = false;
        this.closeDelimited = framing.kind === "close";
        if (this.closeDelimited) this.reusable = false;
        // The common case on a keep-alive hop: the whole answer in one read, nothing after it.
        if (framing.kind === "length" && rest.length === framing.length && this.listener.whole?.(head, whole))
          return this.complete();
        this.decoder = responseBodyDecoder(framing);
        this.listener.head(head, framing);
        if (this.decoder?.done) return this.finish(rest);
        if (rest.length > 0) this.feed(rest);
        return;
      }
      this.feed(chunk);
    } catch (error) {
      this.failExchange("protocol", error instanceof Error ? error.message : String(error), false);
    }
  }

  private feed(chunk: Buffer): void {
    if (!this.decoder) {
      this.listener!.data(chunk);
      return;
    }
    const step = this.decoder.feed(chunk, 0, chunk.length);
    for (const piece of step.data) this.listener!.data(piece);
    if (step.done) this.finish(chunk.subarray(step.consumed));
  }

  private finish(leftover: Buffer): void {
    const listener = this.listener!;
    if (leftover.length > 0) this.reusable = false;
    this.complete();
    listener.end();
  }

  /** The exchange is over: back to the pool, or closed when it cannot be reused. */
  private complete(): void {
    this.listener = null;
    this.served++;
    if (this.reusable && this.state === "busy") {
      this.state = "idle";
      this.pool.release(this);
    } else this.destroy();
  }

  private failExchange(kind: "connect" | "reset" | "timeout" | "protocol", message: string, retryable: boolean): void {
    const listener = this.listener;
    this.listener = null;
    this.destroy();
    listener?.fail(kind, message, retryable);
  }

  private onClose(): void {
    const wasClosed = this.state === "closed";
    this.state = "closed";
    this.pool.forget(this);
    const listener = this.listener;
    if (!listener) return;
    this.listener = null;
    if (this.closeDelimited && this.head) {
      listener.end();
      return;
    }
    // A reused connection the app closed before answering: the request never reached it.
    listener.fail(
      "reset",
      "the app closed the connection before answering",
      !wasClosed && this.served > 0 && !this.received,
    );
  }

  destroy(): void {
    if (this.state !== "closed") {
      this.state = "closed";
      this.socket.destroy();
    }
  }
}

/** The keep-alive connections to one upstream. */
export class UpstreamPool {
  private readonly idle: UpstreamConnection[] = [];
  private readonly all = new Set<UpstreamConnection>();
  /** Requests sent and not yet answered: what least-pending balancing reads. */
  pending = 0;

  constructor(readonly options: UpstreamPoolOptions) {}

  /** An idle connection, or a new one (its first write waits for the connect). */
  acquire(): UpstreamConnection {
    const connection = this.idle.pop() ?? new UpstreamConnection(this, this.options);
    this.all.add(connection);
    return connection;
  }

  /** A connection for a retry: always fresh. */
  fresh(): UpstreamConnection {
    const connection = new UpstreamConnection(this, this.options);
    this.all.add(connection);
    return connection;
  }

  release(connection: UpstreamConnection): void {
    this.idle.push(connection);
  }

  forget(connection: UpstreamConnection): void {
    this.all.delete(connection);
    const index = this.idle.indexOf(connection);
    if (index >= 0) this.idle.splice(index, 1);
  }

  close(): void {
    for (const connection of [...this.all]) connection.destroy();
    this.idle.length = 0;
  }
}
