import { sendRaw, type RawExchange } from "../../src/runners/probes/raw-request.js";
import type { RawResponse } from "../../src/runners/probes/raw-response.js";

/** Sends raw bytes to 127.0.0.1:port, half-closing after them, and returns the exchange (bounded: 3 s). */
export function raw(port: number, text: string | Buffer, expectResponses?: number): Promise<RawExchange> {
  const bytes = typeof text === "string" ? Buffer.from(text, "latin1") : text;
  return sendRaw(bytes, {
    host: "127.0.0.1",
    port,
    timeoutMs: 3000,
    halfClose: true,
    ...(expectResponses ? { expectResponses } : {}),
  });
}

/** The JSON an app answered with. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever JSON the app answered, field by field
export function appJson(response: RawResponse | undefined): Record<string, any> {
  if (!response) throw new Error("no response");
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
  return JSON.parse(response.body.toString("utf8")) as Record<string, any>;
}

/**
 * One request to 127.0.0.1:port that waits for its answer without half-closing first: real proxies (nginx, Go's
 * Caddy) drop a request whose client has half-closed.
 */
export function ask(port: number, text: string): Promise<RawExchange> {
  return sendRaw(Buffer.from(text, "latin1"), { host: "127.0.0.1", port, timeoutMs: 3000, expectResponses: 1 });
}
