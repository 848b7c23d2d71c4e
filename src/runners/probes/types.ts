/** What a probe is: exact request bytes built from the policy, and what a correct deployment must answer. */

export const PROBE_CATEGORIES = ["rfc-conformance", "allowlist", "spoofing", "smuggling-adjacent", "robustness", "surface", "h2-downgrade"] as const;
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

/**
 * Where the RFCs leave a choice, which rule the deployment is held to. The defaults are ASP.NET Core's behaviour,
 * so a correctly configured Kestrel app passes; `strict` holds it to docs/probes.md's stricter recommendations.
 */
export interface PolicyKnobs {
  /** `*.example.com`: any number of labels (ASP.NET Core) or exactly one (TLS certificates, Caddy). */
  wildcardDepth: "any" | "one";
  /** `app.example.com.`: refused (ASP.NET Core does not strip the dot) or served as the same host. */
  trailingDot: "reject" | "accept";
  /** `app.example.com:8080`: served (the port is ignored) or refused (421). */
  nonDefaultPort: "accept" | "reject";
  /** `app.example.com:`: 400 (Kestrel's Host syntax) or served as the default port. */
  emptyPort: "reject" | "accept";
  /** `acme_corp.tenant.example.com`: served (URI grammar) or refused (RFC 1123 host names). */
  underscoreLabels: "accept" | "reject";
  /** A host longer than DNS allows: may be served if within the server's limits (false) or must be refused (true). */
  dnsLengthLimits: boolean;
  /** An https target over cleartext: Kestrel ignores the scheme (ignore) or RFC 9110 §7.4 rejects it (reject). */
  schemeCheck: "ignore" | "reject";
  /**
   * A malformed HTTP/2 request (RFC 9113 §8.1.1, §8.2): refused, as the RFC requires of an intermediary (reject),
   * or also passed when it reached the app harmless, the malformed part dropped (harmless; nghttp2 drops bad fields).
   * Optional so that results saved before it read as they were: absent means harmless.
   */
  h2Malformed?: "reject" | "harmless";
}

export const ASPNETCORE_KNOBS: Readonly<PolicyKnobs> = Object.freeze({
  wildcardDepth: "any",
  trailingDot: "reject",
  nonDefaultPort: "accept",
  emptyPort: "reject",
  underscoreLabels: "accept",
  dnsLengthLimits: false,
  schemeCheck: "ignore",
  h2Malformed: "harmless",
});

export const STRICT_KNOBS: Readonly<PolicyKnobs> = Object.freeze({
  wildcardDepth: "one",
  trailingDot: "accept",
  nonDefaultPort: "accept",
  emptyPort: "accept",
  underscoreLabels: "accept",
  dnsLengthLimits: true,
  schemeCheck: "reject",
  h2Malformed: "reject",
});

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
