/** What a probe is: exact request bytes built from the policy, and what a correct deployment must answer. */

export const PROBE_CATEGORIES = ["rfc-conformance", "allowlist", "spoofing", "smuggling-adjacent", "robustness"] as const;
export type ProbeCategory = (typeof PROBE_CATEGORIES)[number];

/** "400": exactly 400 (an RFC MUST); "reject": refused before the app (421, 400, 403, 404); "accept": the app answers 2xx. */
export type Outcome = "400" | "reject" | "accept";

/** The expectation for one response. */
export interface ResponseExpectation {
  /** Conformant outcomes, the recommended one first. */
  outcomes: Outcome[];
  /** On accept: the Host the app must end up believing. */
  appHost?: string;
  /** On accept: what the app must not have come to believe (a forged host, client address or scheme). */
  notBelieved?: { host?: string; remoteIp?: string; scheme?: string };
  /** On accept, when a proxy is in the path: client-forged fields that must not reach the app. */
  forbiddenHeaders?: Array<[name: string, value: string]>;
}

/** The names a probe is built from, all taken from the scenario's policy. */
export interface ProbeNames {
  /** An exact allowed host, e.g. app.example.com. */
  allowed: string;
  /** A wildcard pattern's suffix without `*.`, e.g. tenant.example.com, or null when the policy has none. */
  wildcardRoot: string | null;
  /** An attacker's name. */
  evil: string;
}

export interface ProbeRequest {
  bytes: Buffer;
  /** One expectation per response, in order (pipelined probes have several). */
  expect: ResponseExpectation[];
}

export interface ProbeDefinition {
  id: string;
  title: string;
  category: ProbeCategory;
  /** RFC section or source of the rule. */
  reference: string;
  /** Why a correct deployment answers as expected. */
  why: string;
  /** Also sent straight to the app port behind a proxy, to see whether the app trusts a peer that is not its proxy. */
  bypass?: boolean;
  /** The request, or null when the policy gives it nothing to test (no wildcard host, say). */
  build(names: ProbeNames): ProbeRequest | null;
}

export function defineProbe(definition: ProbeDefinition): ProbeDefinition {
  return definition;
}

/** A request line, fields and the empty line, with CRLF endings unless a field carries its own bytes. */
export function request(lines: string[]): Buffer {
  return Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1");
}
