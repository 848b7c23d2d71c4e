/**
 * What one server answered to one corpus case, reduced to what conformance compares: per response the status, the
 * fields that carry a decision (Connection, Content-Type, Allow), the body when it is not the app's JSON, and the
 * app's belief with what differs by run alone (its name, ephemeral peer ports) set aside.
 */
import type { RawResponse } from "../runners/probes/raw-response.js";
import { headerValue } from "../runners/probes/raw-response.js";

export interface ObservedResponse {
  status: number;
  connection: string | null;
  contentType: string | null;
  allow: string | null;
  /** The body when it is not the app's JSON answer (a refusal page), else null. */
  body: string | null;
  /** The app's JSON answer, normalized; null when it did not answer. */
  belief: Record<string, unknown> | null;
}

export interface Observed {
  responses: ObservedResponse[];
  /** Fewer answers than requests arrived before the server closed or went quiet. */
  incomplete: boolean;
  error: string | null;
}

const EPHEMERAL = /:(3[2-9]\d{3}|[4-5]\d{4}|60\d{3})\b/g;

function sortedRecord(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, record[key]]),
  );
}

/** The belief without run-specific values: the app's name, and peer ports Linux chose (32768–60999). */
export function normalizeBelief(answer: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...answer };
  delete rest.app;
  const port = rest.remotePort;
  if (typeof port === "number" && port >= 32768 && port <= 60999) rest.remotePort = "peer";
  if (rest.headers && typeof rest.headers === "object") {
    const headers = rest.headers as Record<string, string>;
    rest.headers = sortedRecord(
      Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, value.replace(EPHEMERAL, ":peer")])),
    );
  }
  return sortedRecord(rest);
}

function parseBelief(response: { contentType: string | null; body: Buffer }): Record<string, unknown> | null {
  if (!response.contentType?.startsWith("application/json")) return null;
  try {
    const parsed: unknown = JSON.parse(response.body.toString("utf8"));
    return parsed && typeof parsed === "object" ? normalizeBelief(parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function observeResponse(
  status: number,
  fields: { connection?: string; contentType?: string; allow?: string },
  body: Buffer,
): ObservedResponse {
  const contentType = fields.contentType ?? null;
  const belief = parseBelief({ contentType, body });
  return {
    status,
    connection: fields.connection?.toLowerCase() ?? null,
    contentType,
    allow: fields.allow ?? null,
    body: belief || body.length === 0 ? null : body.toString("latin1").slice(0, 400),
    belief,
  };
}

export function observeRaw(responses: readonly RawResponse[]): ObservedResponse[] {
  return responses.map((response) => {
    const field = (name: string): { [key: string]: string } => {
      const value = headerValue(response, name);
      return value === undefined ? {} : { [name === "content-type" ? "contentType" : name]: value };
    };
    return observeResponse(
      response.status,
      { ...field("connection"), ...field("content-type"), ...field("allow") },
      response.body,
    );
  });
}

/** Canonical text of an observation: two servers agree when these are equal. */
export function canonical(observed: Observed): string {
  return JSON.stringify(observed);
}

/** Where two observations differ, for the printout (`responses.0.status`, `responses.0.belief.host`). */
export function differingFields(a: Observed, b: Observed): string[] {
  const fields: string[] = [];
  const walk = (x: unknown, y: unknown, path: string): void => {
    if (JSON.stringify(x) === JSON.stringify(y)) return;
    if (x && y && typeof x === "object" && typeof y === "object" && !Array.isArray(x) === !Array.isArray(y)) {
      const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
      for (const key of keys)
        walk((x as Record<string, unknown>)[key], (y as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      return;
    }
    fields.push(path);
  };
  walk(a, b, "");
  return fields;
}
