/**
 * The echo contract between edgebench and an app under test: a token field in, a record out. Every probe request
 * carries `X-Edgebench-Probe: TOKEN`; an app that follows the contract appends one JSON line per request carrying it
 * (served or refused, by its code or by its server before any code ran) to the file named by EDGEBENCH_APP_RECORD.
 * The oracle reads that file to know whether a request reached the app and what the app answered, instead of
 * guessing from the answer's fields (which proxies replace).
 */
import { appendFileSync } from "node:fs";

/** The request field that carries a probe's token; proxies forward it untouched (dashes, no underscore). */
export const PROBE_TOKEN_FIELD = "X-Edgebench-Probe";
/** The environment variable naming the record file an app appends to. */
export const APP_RECORD_ENV = "EDGEBENCH_APP_RECORD";

/** One line of the record: the token, the status the app answered, and the Host field it received (null: none). */
export interface AppRecordEntry {
  token: string;
  status: number;
  host: string | null;
}

const TOKEN = /^[A-Za-z0-9._-]{1,64}$/;
const TOKEN_IN_HEAD = /\nx-edgebench-probe:[ \t]*([A-Za-z0-9._-]{1,64})[ \t]*\r?\n/i;

/** The token of a field value, or null when it is not one. */
export function probeToken(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed && TOKEN.test(trimmed) ? trimmed : null;
}

/** The token in a request head the server could not parse (its raw bytes), or null. */
export function probeTokenInRawHead(bytes: Buffer): string | null {
  const head = bytes.subarray(0, Math.min(headEnd(bytes, 0)?.next ?? bytes.length, 65_536));
  return TOKEN_IN_HEAD.exec(head.toString("latin1"))?.[1] ?? null;
}

/** Appends one entry to the record file, synchronously, so it is on disk before the answer leaves. */
export function appendRecord(file: string, entry: AppRecordEntry): void {
  appendFileSync(file, `${JSON.stringify(entry)}\n`);
}

/** The record file's entries by token (the last one wins); lines that are not entries are ignored. */
export function parseRecord(text: string): Map<string, AppRecordEntry> {
  const entries = new Map<string, AppRecordEntry>();
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const parsed = JSON.parse(line) as Partial<AppRecordEntry>;
      if (typeof parsed.token !== "string" || typeof parsed.status !== "number") continue;
      const host = typeof parsed.host === "string" ? parsed.host : null;
      entries.set(parsed.token, { token: parsed.token, status: parsed.status, host });
    } catch {
      continue;
    }
  }
  return entries;
}

/** Where the head that starts at `from` ends: the index after its empty line, and the line ending it uses. */
function headEnd(bytes: Buffer, from: number): { fieldsEnd: number; next: number; eol: string } | null {
  const crlf = bytes.indexOf("\r\n\r\n", from);
  const lf = bytes.indexOf("\n\n", from);
  if (crlf < 0 && lf < 0) return null;
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { fieldsEnd: crlf + 2, next: crlf + 4, eol: "\r\n" };
  return { fieldsEnd: lf + 1, next: lf + 2, eol: "\n" };
}

/**
 * The request bytes with the token field added as the last field of each head, in order, one token per head. Heads
 * are found by their empty line (probes send no bodies); it is added last so that what comes first, where probes
 * put what they test (an indented first line, a folded or repeated Host), is unchanged.
 */
export function tagRequests(parts: readonly Buffer[], tokens: readonly string[]): Buffer[] {
  let next = 0;
  return parts.map((part) => {
    const pieces: Buffer[] = [];
    let from = 0;
    while (next < tokens.length) {
      const end = headEnd(part, from);
      if (!end) break;
      const field = Buffer.from(`${PROBE_TOKEN_FIELD}: ${tokens[next++]}${end.eol}`, "latin1");
      pieces.push(part.subarray(from, end.fieldsEnd), field);
      from = end.fieldsEnd;
      pieces.push(part.subarray(from, end.next));
      from = end.next;
    }
    pieces.push(part.subarray(from));
    return Buffer.concat(pieces);
  });
}
