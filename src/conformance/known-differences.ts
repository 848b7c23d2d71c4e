/**
 * Differences between the simulated app and real Kestrel that are understood and accepted, each with its reason.
 * `case` is a corpus case id, or a prefix ending in `*`. Conformance fails on any difference not listed here, and
 * names every entry that no longer matches anything (so the list shrinks as the simulation improves).
 */
export interface KnownDifference {
  case: string;
  reason: string;
}

const CONNECT_REASON =
  "A 2xx answer to CONNECT opens a tunnel (RFC 9110 §9.3.6): Kestrel refuses the echo's Content-Length and " +
  "answers 500, the simulation answers the JSON. Both let the request past Kestrel's rules and host filtering, " +
  "which is what probes grade.";

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  { case: "any-host/connect", reason: CONNECT_REASON },
  { case: "filtered/connect", reason: CONNECT_REASON },
  { case: "filtered-empty-ok-no-page/connect", reason: CONNECT_REASON },
  { case: "filtered-host-override/connect", reason: CONNECT_REASON },
  { case: "internal-paths/connect", reason: CONNECT_REASON },
];

export function knownDifferenceFor(
  id: string,
  known: readonly KnownDifference[] = KNOWN_DIFFERENCES,
): KnownDifference | null {
  return (
    known.find((entry) => (entry.case.endsWith("*") ? id.startsWith(entry.case.slice(0, -1)) : id === entry.case)) ??
    null
  );
}
