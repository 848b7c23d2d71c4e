/** Sends one built probe to one target over the protocol it was built for and returns the answers in order. */
import type { H2ProbeAnswer } from "../../results/types.js";
import { exchangeH2 } from "../../http2/raw-exchange.js";
import { sendRaw } from "./raw-request.js";
import type { RawResponse } from "./raw-response.js";
import type { ProbeRequest } from "./types.js";

export interface ProbeExchange {
  /** One slot per expectation: the answer, or undefined when none came (reset, closed, timed out). */
  responses: Array<RawResponse | undefined>;
  closedByServer: boolean;
  timedOut: boolean;
  error?: string;
  elapsedMs: number;
  /** HTTP/2 only: each stream's status or reset, and the GOAWAY. */
  h2?: H2ProbeAnswer;
}

export interface ProbeConnection {
  host: string;
  port: number;
  timeoutMs: number;
  ca?: string;
  localAddress?: string;
}

async function sendH2(built: ProbeRequest, connection: ProbeConnection): Promise<ProbeExchange> {
  const exchange = await exchangeH2([built.bytes, ...(built.then ?? [])], connection);
  const responses = exchange.streams.map((stream): RawResponse | undefined =>
    stream.status !== null && stream.reset === null ? { status: stream.status, reason: "", headers: stream.headers, body: stream.body } : undefined,
  );
  const unfinished = exchange.streams.some((stream) => !stream.ended && stream.reset === null);
  return {
    responses,
    closedByServer: exchange.closedByServer || exchange.goaway !== null,
    // Only a stream left open with the connection is a hang; a GOAWAY or close is the server's answer.
    timedOut: exchange.timedOut && unfinished,
    ...(exchange.error ? { error: exchange.error } : {}),
    elapsedMs: exchange.elapsedMs,
    h2: { streams: exchange.streams.map(({ status, reset }) => ({ status, reset })), goaway: exchange.goaway, alpn: exchange.alpn },
  };
}

export async function sendProbe(built: ProbeRequest, connection: ProbeConnection): Promise<ProbeExchange> {
  if (built.protocol === "h2") return sendH2(built, connection);
  const exchange = await sendRaw(built.bytes, { ...connection, expectResponses: built.expect.length, ...(built.then ? { then: built.then } : {}) });
  return {
    responses: exchange.responses,
    closedByServer: exchange.closedByServer,
    timedOut: exchange.timedOut,
    ...(exchange.error ? { error: exchange.error } : {}),
    elapsedMs: exchange.elapsedMs,
  };
}
