/** The vocabulary of a probe's grade: its category and what a correct deployment must answer. */

export const PROBE_CATEGORIES = [
  "rfc-conformance",
  "allowlist",
  "spoofing",
  "smuggling-adjacent",
  "robustness",
  "surface",
  "h2-downgrade",
] as const;
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
  /**
   * On accept: the internal endpoint the app must not have routed the request to (`path`), and the path as sent.
   * Reached through a proxy it is a failure; at the edge it is the outcome `exposed` (see GradeContext).
   */
  hiddenEndpoint?: { path: string; sent: string };
  /** On accept: the path of a request hidden in the body; the app answering it is the smuggling signature. */
  smuggledPath?: string;
  /** On accept: the body length the app must have read (what the client's DATA frames carried). */
  appBodyLength?: number;
  /** On accept: a field the app must not have received (a malformed one the front door must refuse or drop). */
  absentField?: string;
}
