/** Sends an HTTP/2 probe (frames for each stream, one after another) and returns its answers one slot per stream. */
import type { H2ProbeAnswer } from "../../results/types.js";
import { exchangeH2 } from "../../http2/raw-exchange.js";
import type { RawResponse } from "./raw-response.js";
import type { ProbeRequest } from "./types.js";

export interface H2ProbeExchange {
  /** One slot per stream: the answer, or undefined when none came (reset, closed, timed out). */
  responses: Array<RawResponse | undefined>;
  closedByServer: boolean;
  timedOut: boolean;
  reset: boolean;
  error?: string;
  elapsedMs: number;
  /** Each stream's status or reset, and the GOAWAY. */
  h2: H2ProbeAnswer;
}

export interface ProbeConnection {
  host: string;
  port: number;
  timeoutMs: number;
  ca?: string;
  localAddress?: string;
}

export async function sendH2Probe(built: ProbeRequest, connection: ProbeConnection): Promise<H2ProbeExchange> {
  const exchange = await exchangeH2([built.bytes, ...(built.then ?? [])], connection);
  const responses = exchange.streams.map(({ status, reset, headers, body }): RawResponse | undefined =>
    status !== null && reset === null ? { status, reason: "", headers, body } : undefined,
  );
  const unfinished = exchange.streams.some((stream) => !stream.ended && stream.reset === null);
  return {
    responses,
    closedByServer: exchange.closedByServer || exchange.goaway !== null,
    // Only a stream left open with the connection is a hang; a GOAWAY or close is the server's answer.
    timedOut: exchange.timedOut && unfinished,
    reset: exchange.streams.some((stream) => stream.reset !== null),
    ...(exchange.error ? { error: exchange.error } : {}),
    elapsedMs: exchange.elapsedMs,
    h2: { streams: exchange.streams.map(({ status, reset }) => ({ status, reset })), goaway: exchange.goaway, alpn: exchange.alpn },
  };
}
