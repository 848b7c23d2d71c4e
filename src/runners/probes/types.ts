/** What a probe is: exact request bytes built from the policy, and what a correct deployment must answer. */

// What a probe expects is part of its graded result, so it is declared with the results (results/probe-expectation.ts).
export {
  PROBE_CATEGORIES,
  type Outcome,
  type ProbeCategory,
  type ResponseExpectation,
} from "../../results/probe-expectation.js";
import type { ProbeCategory, ResponseExpectation } from "../../results/probe-expectation.js";
import type { PolicyKnobs } from "../../policy/knobs.js";

/** What a probe is built from: names taken from the scenario's policy, and whether the connection is TLS. */
export interface ProbeNames {
  /** The probe goes over TLS: the real scheme is https, so a forged scheme is http. */
  secure: boolean;
  /** An exact allowed host, e.g. app.example.com. */
  allowed: string;
  /** A wildcard pattern's suffix without `*.`, e.g. tenant.example.com, or null when the policy has none. */
  wildcardRoot: string | null;
  /** An attacker's name. */
  evil: string;
  /** Surface probes: the internal path aimed at (one run per path of the probed app), or null when there is none. */
  internalPath: string | null;
  /** Surface probes: a path the proxy publishes (the first exposed prefix; /public when every path is). */
  publicPath: string;
}

// The knobs live with the policy they tune (policy/knobs.ts); probes are built from them, so they are offered here too.
export { ASPNETCORE_KNOBS, STRICT_KNOBS, type PolicyKnobs } from "../../policy/knobs.js";

export interface ProbeRequest {
  /**
   * "h2": `bytes` are the frames of stream 1 (after the connection preface and SETTINGS) and each of `then` those of
   * the next stream, sent once the one before ended; only front doors speaking HTTP/2 get them. Default HTTP/1.
   */
  protocol?: "h2";
  bytes: Buffer;
  /** Sent on the same connection, each after the answers so far arrived (keep-alive, not pipelined). */
  then?: Buffer[];
  /** One expectation per response, in order (pipelined probes have several). */
  expect: ResponseExpectation[];
  /** A timed probe: while connections trickle this head and never finish it, `bytes` is sent on a fresh connection. */
  slow?: { head: Buffer };
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
  /** Run once for each internal path of the probed app (names.internalPath), reported as `id:path`. */
  perInternalPath?: boolean;
  /** The request, or null when the policy gives it nothing to test (no wildcard host, say). */
  build(names: ProbeNames, knobs: Readonly<PolicyKnobs>): ProbeRequest | null;
}

export function defineProbe(definition: ProbeDefinition): ProbeDefinition {
  return definition;
}

/** A request line, fields and the empty line, with CRLF endings unless a field carries its own bytes. */
export function request(lines: string[]): Buffer {
  return Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1");
}
