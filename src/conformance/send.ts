/** Sending one corpus case to one server and observing its answers: raw bytes over HTTP/1.x, or an HTTP/2 request. */
import { connect as connectHttp2 } from "node:http2";
import { sendRaw } from "../runners/probes/raw-request.js";
import { observeRaw, observeResponse, type Observed } from "./compare.js";
import type { CorpusCase } from "./corpus.js";

const TIMEOUT_MS = 3000;

export async function sendCase(item: CorpusCase, port: number): Promise<Observed> {
  if (item.h2) return sendHttp2(item.h2, port);
  const [first, ...then] = item.parts!;
  const expected = item.responses ?? item.parts!.length;
  const exchange = await sendRaw(first!, {
    host: "127.0.0.1",
    port,
    then,
    expectResponses: expected,
    timeoutMs: TIMEOUT_MS,
    ...(item.set.localAddress ? { localAddress: item.set.localAddress } : {}),
  });
  const responses = observeRaw(exchange.responses);
  return { responses, incomplete: responses.length < expected, error: exchange.error ?? null };
}

function sendHttp2(headers: Array<[string, string]>, port: number): Promise<Observed> {
  return new Promise((resolve) => {
    const session = connectHttp2(`http://127.0.0.1:${port}`);
    const done = (observed: Observed): void => {
      clearTimeout(timer);
      session.destroy();
      resolve(observed);
    };
    const timer = setTimeout(() => done({ responses: [], incomplete: true, error: "timed out" }), TIMEOUT_MS);
    const failed = (error: Error): void =>
      done({ responses: [], incomplete: true, error: (error as NodeJS.ErrnoException).code ?? error.message });
    session.on("error", failed);
    const stream = session.request(Object.fromEntries(headers), { endStream: true });
    const chunks: Buffer[] = [];
    let fields: Record<string, string | string[] | undefined> = {};
    stream.on("response", (head) => (fields = head));
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("error", failed);
    stream.on("close", () => {
      if (fields[":status"] === undefined)
        return done({ responses: [], incomplete: true, error: `stream closed (code ${stream.rstCode})` });
      const text = (name: string): string | undefined =>
        typeof fields[name] === "string" ? (fields[name] as string) : undefined;
      const response = observeResponse(
        Number(fields[":status"]),
        { ...optional("contentType", text("content-type")), ...optional("allow", text("allow")) },
        Buffer.concat(chunks),
      );
      done({ responses: [response], incomplete: false, error: null });
    });
  });
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
