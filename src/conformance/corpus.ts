/**
 * The conformance corpus: raw requests of edgebench's own making, each sent byte for byte to the simulated app and to
 * real Kestrel under one option set. Host values crossed with request-line forms, duplicate and folded Host fields,
 * forwarded-header chains under every forwarded option set, keep-alive sequences, and HTTP/2 requests.
 */
import { OPTION_SETS, type OptionSet } from "./option-sets.js";
import { PROBE_CATALOG } from "../runners/probes/catalog/index.js";
import { probeNames } from "../runners/probes/run-probes.js";
import { ASPNETCORE_KNOBS } from "../runners/probes/types.js";

export interface CorpusCase {
  /** Stable and unique: `<option set>/<what>`; known differences are listed by it. */
  id: string;
  set: OptionSet;
  /** HTTP/1.x: the parts sent on one connection, each after the answers so far arrived. */
  parts?: Buffer[];
  /** HTTP/2 (prior knowledge): the request's header fields, pseudo-headers first. */
  h2?: Array<[string, string]>;
  /** Answers to wait for (default: one per part). */
  responses?: number;
}

const latin1 = (text: string): Buffer => Buffer.from(text, "latin1");
const head = (line: string, fields: string[]): Buffer =>
  latin1(`${line}\r\n${fields.map((field) => `${field}\r\n`).join("")}\r\n`);

/** Host field values: allowed, wildcard, case, ports, IP literals, IDN, and malformed ones. */
export const HOST_VALUES: readonly string[] = [
  "app.example.com",
  "APP.Example.COM",
  "app.example.com:80",
  "app.example.com:8080",
  "app.example.com:",
  "app.example.com:0",
  "app.example.com:65535",
  "app.example.com:65536",
  "app.example.com:99999",
  "app.example.com:8o",
  "app.example.com: 80",
  "a.tenant.example.com",
  "a.b.tenant.example.com",
  "tenant.example.com",
  ".tenant.example.com",
  "evil.com",
  "app.example.com.evil.com",
  "evilapp.example.com",
  "app.example.com.",
  "",
  "127.0.0.1",
  "127.0.0.1:5000",
  "[::1]",
  "[::1]:443",
  "::1",
  "[::1",
  "[fe80::1%25eth0]",
  "[::ffff:127.0.0.1]",
  "[v1.x]",
  "xn--bcher-kva.example",
  "b\u00fccher.example",
  "app.exa\u00e9mple.com",
  "under_score.tenant.example.com",
  "-dash.tenant.example.com",
  "a..b.example.com",
  "app example.com",
  "app.example.com/x",
  "app.example.com?x",
  "app.example.com#x",
  "user@app.example.com",
  "app.example.com,evil.com",
  "%61pp.example.com",
  "app.example.com\t",
  "*",
  "*.tenant.example.com",
  `${"l".repeat(64)}.example.com`,
  `${"a".repeat(300)}.tenant.example.com`,
];

function hostCases(set: OptionSet): CorpusCase[] {
  const cases: CorpusCase[] = HOST_VALUES.map((host, i) => ({
    id: `${set.name}/host-${i}`,
    set,
    parts: [head("GET / HTTP/1.1", [`Host: ${host}`])],
  }));
  const forms: Array<[string, Buffer]> = [
    ["no-host-1.1", head("GET / HTTP/1.1", [])],
    ["no-host-1.0", head("GET / HTTP/1.0", [])],
    ["host-1.0", head("GET / HTTP/1.0", ["Host: app.example.com"])],
    ["absolute-same", head("GET http://app.example.com/a?b=1 HTTP/1.1", ["Host: app.example.com"])],
    ["absolute-other-host", head("GET http://evil.com/ HTTP/1.1", ["Host: app.example.com"])],
    ["absolute-disallowed-both", head("GET http://evil.com/ HTTP/1.1", ["Host: evil.com"])],
    ["absolute-https", head("GET https://app.example.com/ HTTP/1.1", ["Host: app.example.com"])],
    ["absolute-port", head("GET http://app.example.com:8080/ HTTP/1.1", ["Host: app.example.com:8080"])],
    ["absolute-no-host-field", head("GET http://app.example.com/ HTTP/1.1", [])],
    ["absolute-ftp", head("GET ftp://app.example.com/ HTTP/1.1", ["Host: app.example.com"])],
    ["authority-get", head("GET app.example.com:443 HTTP/1.1", ["Host: app.example.com"])],
    ["connect", head("CONNECT app.example.com:443 HTTP/1.1", ["Host: app.example.com:443"])],
    ["asterisk-options", head("OPTIONS * HTTP/1.1", ["Host: app.example.com"])],
    ["asterisk-get", head("GET * HTTP/1.1", ["Host: app.example.com"])],
    ["path-encoded-slash", head("GET /a%2Fb/c%20d?x=%2F HTTP/1.1", ["Host: app.example.com"])],
    ["path-dot-segments", head("GET /a/../b/./c HTTP/1.1", ["Host: app.example.com"])],
    ["path-percent-bad", head("GET /%zz HTTP/1.1", ["Host: app.example.com"])],
    ["path-query-only", head("GET /?a=1&a=2 HTTP/1.1", ["Host: app.example.com"])],
    ["post-body", latin1("POST /p HTTP/1.1\r\nHost: app.example.com\r\nContent-Length: 5\r\n\r\nhello")],
    [
      "post-chunked",
      latin1("POST /p HTTP/1.1\r\nHost: app.example.com\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
    ],
    ["duplicate-identical", head("GET / HTTP/1.1", ["Host: app.example.com", "Host: app.example.com"])],
    ["duplicate-evil-first", head("GET / HTTP/1.1", ["Host: evil.com", "Host: app.example.com"])],
    ["duplicate-allowed-first", head("GET / HTTP/1.1", ["Host: app.example.com", "Host: evil.com"])],
    ["duplicate-empty-first", head("GET / HTTP/1.1", ["Host:", "Host: app.example.com"])],
    ["host-lowercase-name", head("GET / HTTP/1.1", ["host: app.example.com"])],
    ["host-space-before-colon", head("GET / HTTP/1.1", ["Host : app.example.com"])],
    ["host-obs-fold", head("GET / HTTP/1.1", ["Host: app.example.com", " evil.com"])],
    ["host-first-indented", head("GET / HTTP/1.1", [" Host: evil.com", "Host: app.example.com"])],
    ["host-nul", latin1("GET / HTTP/1.1\r\nHost: app.example.com\u0000evil\r\n\r\n")],
    ["bare-lf", latin1("GET / HTTP/1.1\nHost: app.example.com\n\n")],
    ["request-line-at", head("GET @evil.com/ HTTP/1.1", ["Host: app.example.com"])],
    ["http-0.9-version", head("GET / HTTP/0.9", ["Host: app.example.com"])],
    ["http-2.0-version", head("GET / HTTP/2.0", ["Host: app.example.com"])],
    ["lowercase-method", head("get / HTTP/1.1", ["Host: app.example.com"])],
    ["header-non-ascii", head("GET / HTTP/1.1", ["Host: app.example.com", "X-Name: caf\u00e9"])],
    ["repeated-field", head("GET / HTTP/1.1", ["Host: app.example.com", "X-A: 1", "X-A: 2", "x-a: 3"])],
    ["route-admin", head("GET /admin HTTP/1.1", ["Host: app.example.com"])],
    ["route-admin-case-slash", head("GET /ADMIN/ HTTP/1.1", ["Host: app.example.com"])],
    ["route-admin-double-slash", head("GET //admin HTTP/1.1", ["Host: app.example.com"])],
    ["route-admin-deeper", head("GET /admin/x HTTP/1.1", ["Host: app.example.com"])],
    ["route-admin-encoded", head("GET /%61dmin HTTP/1.1", ["Host: app.example.com"])],
    ["route-admin-dot-segments", head("GET /x/../admin HTTP/1.1", ["Host: app.example.com"])],
    ["route-nested", head("GET /internal/health?full=1 HTTP/1.1", ["Host: app.example.com"])],
    ["route-nested-encoded-slash", head("GET /internal%2Fhealth HTTP/1.1", ["Host: app.example.com"])],
  ];
  for (const [name, bytes] of forms) cases.push({ id: `${set.name}/${name}`, set, parts: [bytes] });
  cases.push(...keepAliveCases(set));
  return cases;
}

function keepAliveCases(set: OptionSet): CorpusCase[] {
  const get = (host: string, extra: string[] = []): Buffer => head("GET / HTTP/1.1", [`Host: ${host}`, ...extra]);
  const sequences: Array<[string, Buffer[]]> = [
    ["keepalive-allowed-twice", [get("app.example.com"), get("app.example.com")]],
    ["keepalive-allowed-then-evil", [get("app.example.com"), get("evil.com")]],
    ["keepalive-evil-then-allowed", [get("evil.com"), get("app.example.com")]],
    ["keepalive-then-bad-syntax", [get("app.example.com"), get("a b")]],
    ["keepalive-close-then-more", [get("app.example.com", ["Connection: close"]), get("app.example.com")]],
    [
      "keepalive-1.0-keep-alive",
      [head("GET / HTTP/1.0", ["Host: app.example.com", "Connection: keep-alive"]), get("a.tenant.example.com")],
    ],
  ];
  const cases: CorpusCase[] = sequences.map(([name, parts]) => ({ id: `${set.name}/${name}`, set, parts }));
  cases.push({
    id: `${set.name}/pipelined-two`,
    set,
    parts: [Buffer.concat([get("app.example.com"), get("a.tenant.example.com")])],
    responses: 2,
  });
  return cases;
}

/** X-Forwarded-* chains: single and multiple entries, ports, IPv6, garbage, and uneven lengths. */
export const FORWARDED_FIELD_SETS: ReadonlyArray<readonly string[]> = [
  [],
  ["X-Forwarded-For: 198.51.100.7"],
  ["X-Forwarded-For: 198.51.100.7:8080"],
  ["X-Forwarded-For: 198.51.100.7, 10.0.0.1"],
  ["X-Forwarded-For: 198.51.100.7, 10.0.0.1, 127.0.0.1"],
  ["X-Forwarded-For: 198.51.100.7", "X-Forwarded-For: 10.0.0.2"],
  ["X-Forwarded-For: [2001:db8::7]:443"],
  ["X-Forwarded-For: 2001:db8::7"],
  ["X-Forwarded-For: ::ffff:198.51.100.7"],
  ["X-Forwarded-For: unknown"],
  ["X-Forwarded-For: 198.51.100.7, garbage"],
  ["X-Forwarded-For: "],
  ["X-Forwarded-For: 198.51.100.7:99999"],
  ["X-Forwarded-Proto: https"],
  ["X-Forwarded-Proto: https, http"],
  ["X-Forwarded-Proto: h t tp"],
  ["X-Forwarded-Proto: HTTPS"],
  ["X-Forwarded-Host: evil.com"],
  ["X-Forwarded-Host: a.tenant.example.com:8443"],
  ["X-Forwarded-Host: evil.com, app.example.com"],
  ["X-Forwarded-Host: bad host"],
  ["X-Forwarded-Host: [::1]:80"],
  ["X-Forwarded-Prefix: /base"],
  ["X-Forwarded-Prefix: base"],
  ["X-Forwarded-Prefix: /a%20b"],
  ["X-Forwarded-For: 198.51.100.7", "X-Forwarded-Proto: https"],
  ["X-Forwarded-For: 198.51.100.7, 10.0.0.1", "X-Forwarded-Proto: https"],
  [
    "X-Forwarded-For: 198.51.100.7, 10.0.0.1",
    "X-Forwarded-Proto: https, http",
    "X-Forwarded-Host: evil.com, app.example.com",
  ],
  ["X-Forwarded-For: 198.51.100.7", "X-Forwarded-Host: evil.com", "X-Forwarded-Proto: https", "X-Forwarded-Prefix: /p"],
  ["X-Forwarded-For: 10.0.0.1, 198.51.100.7", "X-Forwarded-Proto: https, https, http"],
  ["x-forwarded-for: 198.51.100.7", "x-forwarded-proto: https"],
  ["X-Original-For: 1.1.1.1:1", "X-Forwarded-For: 198.51.100.7"],
  ["Forwarded: for=198.51.100.7;proto=https;host=evil.com"],
];

function forwardedCases(set: OptionSet): CorpusCase[] {
  return FORWARDED_FIELD_SETS.map((fields, i) => ({
    id: `${set.name}/forwarded-${i}`,
    set,
    parts: [head("GET /path HTTP/1.1", ["Host: app.example.com", ...fields])],
  }));
}

function http2Cases(set: OptionSet): CorpusCase[] {
  const request = (authority: string | null, extra: Array<[string, string]> = []): Array<[string, string]> => [
    [":method", "GET"],
    [":scheme", "http"],
    ...(authority === null ? [] : ([[":authority", authority]] as Array<[string, string]>)),
    [":path", "/h2"],
    ...extra,
  ];
  const requests: Array<[string, Array<[string, string]>]> = [
    ["authority-allowed", request("app.example.com")],
    ["authority-wildcard", request("a.tenant.example.com:8080")],
    ["authority-evil", request("evil.com")],
    ["no-authority-host", request(null, [["host", "app.example.com"]])],
    ["no-authority-no-host", request(null)],
    ["authority-and-same-host", request("app.example.com", [["host", "app.example.com"]])],
    ["authority-allowed-host-evil", request("app.example.com", [["host", "evil.com"]])],
    ["authority-evil-host-allowed", request("evil.com", [["host", "app.example.com"]])],
    ["authority-trailing-dot", request("app.example.com.")],
    ["authority-bad-port", request("app.example.com:x")],
  ];
  return requests.map(([name, h2]) => ({ id: `${set.name}/${name}`, set, h2 }));
}

/** Every probe of the catalog, built for the option set's hosts (the probes' own policy: ASP.NET Core's rules). */
function catalogCases(set: OptionSet): CorpusCase[] {
  const names = probeNames(["app.example.com", "*.tenant.example.com"]);
  return PROBE_CATALOG.flatMap((probe) => {
    const built = probe.build(names, ASPNETCORE_KNOBS);
    // HTTP/2 probes are frames, not an HTTP/1.1 request: these sets speak HTTP/1.1.
    return built && built.protocol !== "h2"
      ? [
          {
            id: `${set.name}/probe:${probe.id}`,
            set,
            parts: [built.bytes, ...(built.then ?? [])],
            responses: built.expect.length,
          },
        ]
      : [];
  });
}

/** Every case of the corpus, in a stable order: the catalog under every HTTP/1.1 set, then the generated requests. */
export function conformanceCorpus(sets: readonly OptionSet[] = OPTION_SETS): CorpusCase[] {
  return sets.flatMap((set) => {
    if (set.kind === "http2") return http2Cases(set);
    const own = set.kind === "host" ? hostCases(set) : forwardedCases(set);
    return set.catalog ? [...catalogCases(set), ...own] : own;
  });
}
