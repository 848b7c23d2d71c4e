/**
 * The HTTP/2 downgrade probes: requests a client sends in HTTP/2 frames to a front door that forwards HTTP/1.1,
 * each with a field, pseudo-header or framing that HTTP/2 forbids or HTTP/1.1 reads differently (PortSwigger,
 * "HTTP/2: the sequel is always worse"). Graded on the front door's answer (RST_STREAM, GOAWAY, a 4xx) and on what
 * reached the app: its Host, the body length it read, and whether a second request appeared.
 */
import type { FieldLine } from "../../../http2/hpack.js";
import { h2Probe, pseudoHeaders, refusedOrDropped, refusedOrHarmless, smuggledRequest } from "../h2-request.js";
import {
  defineProbe,
  type PolicyKnobs,
  type ProbeDefinition,
  type ProbeNames,
  type ProbeRequest,
  type ResponseExpectation,
} from "../types.js";

interface Downgrade {
  id: string;
  title: string;
  reference: string;
  why: string;
  build(names: ProbeNames, knobs: Readonly<PolicyKnobs>): ProbeRequest;
}

/** The well-formed pseudo-headers without :authority. */
const withoutAuthority = (names: ProbeNames): FieldLine[] =>
  pseudoHeaders(names).filter(([name]) => name !== ":authority");
const CHUNKED_END = Buffer.from("0\r\n\r\n", "latin1");

/** Not malformed, so served or refused alike; served, the app must believe the allowed host, not `forged`. */
function servedAsAllowed(names: ProbeNames, forged?: string): ResponseExpectation {
  const notBelieved = forged ? { notBelieved: { host: forged } } : {};
  return { outcomes: ["reject", "accept"], appHost: names.allowed, ...notBelieved };
}

const DOWNGRADES: readonly Downgrade[] = [
  {
    id: "h2-authority-host-mismatch",
    title: "`:authority` names the allowed host, Host the attacker's",
    reference: "RFC 9113 §8.3.1",
    why:
      "A Host naming another entity than :authority SHOULD make the request malformed; a proxy that " +
      "forwards that Host hands the app the attacker's name (nghttp2#2883, hyperium/h2#877).",
    build: (names) => h2Probe(
      names,
      [...pseudoHeaders(names), ["host", names.evil]],
      servedAsAllowed(names, names.evil),
    ),
  },
  {
    id: "h2-host-without-authority",
    title: "Host field and no `:authority`",
    reference: "RFC 9113 §8.3.1",
    why:
      "Allowed: a client may send Host instead of :authority; the downgraded request must carry that Host " +
      "to the app.",
    build: (names) => h2Probe(names, [...withoutAuthority(names), ["host", names.allowed]], servedAsAllowed(names)),
  },
  {
    id: "h2-duplicate-host",
    title: "Two Host fields (allowed, then forged) and no `:authority`",
    reference: "RFC 9113 §8.3.1; RFC 9110 §7.2",
    why: "Host is a singleton; downgraded as two Host lines it is a 400 at best and the forged host at worst.",
    build: (names) =>
      h2Probe(
        names,
        [...withoutAuthority(names), ["host", names.allowed], ["host", names.evil]],
        servedAsAllowed(names, names.evil),
      ),
  },
  {
    id: "h2-crlf-in-value",
    title: "CR LF inside a field value (a Host line injected after the downgrade)",
    reference: "RFC 9113 §8.2.1",
    why:
      "A value with CR or LF MUST be treated as malformed; forwarded as HTTP/1.1 it becomes a header line " +
      "of its own.",
    build: (names, knobs) => h2Probe(
      names,
      [...pseudoHeaders(names), ["x-probe", `a\r\nhost: ${names.evil}`]],
      refusedOrDropped(names, knobs, "x-probe", names.evil),
    ),
  },
  {
    id: "h2-lf-in-value",
    title: "Bare LF inside a field value",
    reference: "RFC 9113 §8.2.1",
    why: "A value with LF MUST be treated as malformed; many HTTP/1.1 parsers end a line at a bare LF.",
    build: (names, knobs) => h2Probe(
      names,
      [...pseudoHeaders(names), ["x-probe", `a\nhost: ${names.evil}`]],
      refusedOrDropped(names, knobs, "x-probe", names.evil),
    ),
  },
  {
    id: "h2-nul-in-value",
    title: "NUL inside a field value",
    reference: "RFC 9113 §8.2.1",
    why: "A value with NUL MUST be treated as malformed; C-string handling after the downgrade cuts or splits it.",
    build: (names, knobs) => h2Probe(
      names,
      [...pseudoHeaders(names), ["x-probe", "a\u0000b"]],
      refusedOrDropped(names, knobs, "x-probe"),
    ),
  },
  {
    id: "h2-colon-in-name",
    title: "Colon inside a field name",
    reference: "RFC 9113 §8.2.1",
    why: "A name with a colon MUST be treated as malformed; downgraded, `host:evil` reads as a Host line.",
    build: (names, knobs) => h2Probe(
      names,
      [...pseudoHeaders(names), [`host:${names.evil}`, "x"]],
      refusedOrDropped(names, knobs, `host:${names.evil}`, names.evil),
    ),
  },
  {
    id: "h2-space-in-name",
    title: "Space inside a field name",
    reference: "RFC 9113 §8.2.1",
    why: "A name with whitespace MUST be treated as malformed; HTTP/1.1 cannot carry it.",
    build: (names, knobs) => h2Probe(
      names,
      [...pseudoHeaders(names), ["x probe", "1"]],
      refusedOrDropped(names, knobs, "x probe"),
    ),
  },
  {
    id: "h2-uppercase-name",
    title: "Uppercase field name",
    reference: "RFC 9113 §8.2.1",
    why: "Field names MUST be lowercase in HTTP/2; a request with an uppercase name is malformed.",
    build: (names, knobs) => h2Probe(
      names,
      [...pseudoHeaders(names), ["X-Probe", "1"]],
      refusedOrDropped(names, knobs, "x-probe"),
    ),
  },
  {
    id: "h2-transfer-encoding",
    title: "`transfer-encoding: chunked` in an HTTP/2 request, a request hidden in the body",
    reference: "RFC 9113 §8.2.2",
    why:
      "Connection-specific fields MUST make the request malformed; forwarded after the downgrade, chunked " +
      "framing ends the body early and the rest is a second request.",
    build: (names, knobs) =>
      h2Probe(
        names,
        [...pseudoHeaders(names, "POST"), ["transfer-encoding", "chunked"]],
        refusedOrHarmless(names, knobs, { absentField: "transfer-encoding" }),
        { body: Buffer.concat([CHUNKED_END, smuggledRequest(names)]), followUp: true },
      ),
  },
  {
    id: "h2-content-length-shorter",
    title: "`content-length: 0` with a request in the DATA frames",
    reference: "RFC 9113 §8.1.1",
    why:
      "A content-length that disagrees with the DATA frames MUST make the request malformed; forwarding the" +
      " declared length leaves the DATA as a second request.",
    build: (names, knobs) =>
      h2Probe(
        names,
        [...pseudoHeaders(names, "POST"), ["content-length", "0"]],
        refusedOrHarmless(names, knobs, { appBodyLength: smuggledRequest(names).length }),
        { body: smuggledRequest(names), followUp: true },
      ),
  },
  {
    id: "h2-content-length-longer",
    title: "`content-length` longer than the DATA frames",
    reference: "RFC 9113 §8.1.1",
    why:
      "A content-length that disagrees with the DATA frames MUST make the request malformed; forwarded, the" +
      " app waits for bytes that never come or reads the next request as body.",
    build: (names, knobs) =>
      h2Probe(
        names,
        [...pseudoHeaders(names, "POST"), ["content-length", "64"]],
        refusedOrHarmless(names, knobs, { appBodyLength: 5 }),
        { body: Buffer.from("short"), followUp: true },
      ),
  },
  {
    id: "h2-path-no-slash",
    title: "`:path` not starting with `/`",
    reference: "RFC 9113 §8.3.1",
    why: "For http and https, :path is an absolute path (or `*` for OPTIONS); anything else is malformed.",
    build: (names, knobs) => h2Probe(names, pseudoHeaders(names, "GET", "index.html"), refusedOrHarmless(names, knobs)),
  },
  {
    id: "h2-absolute-path",
    title: "An absolute URI naming the attacker in `:path`",
    reference: "RFC 9113 §8.3.1; RFC 9112 §3.2.2",
    why: "An absolute URI is not a valid :path; downgraded as an absolute-form target its authority wins over Host.",
    build: (names, knobs) => h2Probe(
      names,
      pseudoHeaders(names, "GET", `http://${names.evil}/`),
      refusedOrHarmless(names, knobs, { notBelieved: { host: names.evil } }),
    ),
  },
  {
    id: "h2-scheme-mismatch",
    title: "`:scheme` that disagrees with the connection",
    reference: "RFC 9113 §8.3.1; RFC 9110 §7.4",
    why: "The scheme is the connection's; a forged one may be refused, and if served the app must not believe it.",
    build: (names) => {
      const forged = names.secure ? "http" : "https";
      const fields = pseudoHeaders(names).map(([name, value]): FieldLine => [
        name,
        name === ":scheme" ? forged : value,
      ]);
      return h2Probe(
        names,
        fields,
        { outcomes: ["accept", "reject"], appHost: names.allowed, notBelieved: { scheme: forged } },
      );
    },
  },
  {
    id: "h2-pseudo-after-regular",
    title: "A pseudo-header after a regular field",
    reference: "RFC 9113 §8.3",
    why: "All pseudo-headers MUST come before regular fields; a request with one after is malformed.",
    build: (names, knobs) => h2Probe(
      names,
      [...pseudoHeaders(names).slice(0, 3), ["x-probe", "1"], ...pseudoHeaders(names).slice(3)],
      refusedOrHarmless(names, knobs),
    ),
  },
];

export const H2_DOWNGRADE_PROBES: readonly ProbeDefinition[] = DOWNGRADES.map((downgrade) =>
  defineProbe({ ...downgrade, category: "h2-downgrade" }),
);
