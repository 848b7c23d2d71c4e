/** How strictly a deployment is graded where the RFCs leave a choice: pure data, read by scenario, probes and results. */

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
