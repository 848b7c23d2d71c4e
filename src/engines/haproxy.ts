/**
 * HAProxy from a scenario: one thread, an HTTP frontend that routes by Host to a backend per app (keep-alive reuse,
 * round robin or leastconn, source address set), forwarding headers with `option forwardfor` and http-request
 * rules, the optional allowlist as a 421 `http-request return`. Run in the foreground with `-db -f FILE`.
 */
import { join } from "node:path";
import { splitExposedPaths } from "../policy/exposed-paths.js";
import {
  DEFAULT_FRONTEND,
  CLIENT_FORWARDING_FIELDS,
  oneLabelPattern,
  splitHostPatterns,
  type EngineDriver,
  type EngineSpec,
} from "./types.js";

/** 253 characters of DNS name, a colon and five digits of port. */
const MAX_HOST_LENGTH = 259;

/**
 * An ACL condition matching a Host (port removed, lower case) against HostFiltering patterns. The hardened profile
 * fetches the whole field (`req.fhdr`) and honours the policy's wildcard depth; the typical one fetches as tutorials
 * do (`req.hdr`, which splits on commas, so any one item of `Host: a,b` can match) and matches wildcards at any depth.
 */
function hostAcl(name: string, hosts: readonly string[], spec: EngineSpec): string[] {
  const { exact, suffixes, any } = splitHostPatterns(hosts);
  if (any) return [`  acl ${name} always_true`];
  const host = `${spec.profile === "hardened" ? "req.fhdr" : "req.hdr"}(host),field(1,:),lower`;
  const lines: string[] = [];
  if (exact.length > 0) lines.push(`  acl ${name} ${host} -m str ${exact.join(" ")}`);
  if (suffixes.length > 0 && spec.profile === "hardened" && spec.wildcardDepth === "one") {
    lines.push(`  acl ${name} ${host} -m reg ${suffixes.map((s) => `'${oneLabelPattern(s)}'`).join(" ")}`);
  } else if (suffixes.length > 0) lines.push(`  acl ${name} ${host} -m end ${suffixes.map((s) => `.${s}`).join(" ")}`);
  if (lines.length === 0) lines.push(`  acl ${name} always_false`);
  return lines;
}

/**
 * The hardened profile's forwarding rules: client forwarding fields removed, the peer as
 * X-Forwarded-For, Proto and Host set from the connection and the whole Host field.
 */
function hardenedRules(spec: EngineSpec): string[] {
  const lines: string[] = [];
  if (spec.stripClientForwarded) {
    // Underscore variants (X_Forwarded_Host) too: some frameworks read them as the dashed names.
    lines.push("  http-request del-header _ -m sub");
    for (const field of CLIENT_FORWARDING_FIELDS)
      if (field !== "X-Forwarded-For" || spec.forwardedFor === "replace")
        lines.push(`  http-request del-header ${field}`);
  } else if (spec.forwardedFor === "replace") lines.push("  http-request del-header X-Forwarded-For");
  // option forwardfor adds the peer; with the client's field kept, HAProxy adds its own line after it.
  lines.push("  option forwardfor");
  if (spec.stripClientForwarded) {
    lines.push(
      "  http-request set-header X-Forwarded-Proto https if { ssl_fc }",
      "  http-request set-header X-Forwarded-Proto http unless { ssl_fc }",
    );
    lines.push("  http-request set-header X-Forwarded-Host %[req.fhdr(host)] if { req.fhdr(host) -m found }");
  }
  return lines;
}

/** Frontend rules that answer 404 outside the exposed paths (HAProxy's `path`: the target's path as sent). */
export function exposedPathRules(exposedPaths: readonly string[] | null): string[] {
  const exposed = exposedPaths ? splitExposedPaths(exposedPaths) : null;
  if (!exposed || exposed.all) return [];
  const exact = new Set([...exposed.exact, ...exposed.prefixes]);
  const lines = [`  acl exposed_path path ${[...exact].join(" ")}`];
  const under = exposed.prefixes.map((prefix) => `${prefix}/`);
  if (under.length > 0) lines.push(`  acl exposed_path path_beg ${under.join(" ")}`);
  lines.push('  http-request return status 404 content-type text/plain string "Not Found" unless exposed_path');
  return lines;
}

function backend(spec: EngineSpec, index: number): string {
  const route = spec.routes[index]!;
  const ssl = spec.tls?.reencrypt ? ` ssl verify required ca-file ${join(spec.dir, "ca.crt")} sni str(localhost)` : "";
  const lines = [
    `backend app_${index}`,
    `  balance ${spec.balancing === "least-pending" ? "leastconn" : "roundrobin"}`,
    `  source ${spec.sourceAddress}`,
    "  http-reuse always",
  ];
  if (!spec.preserveHost)
    lines.push(`  http-request set-header Host ${route.upstreams[0]!.host}:${route.upstreams[0]!.port}`);
  route.upstreams.forEach((u, i) => lines.push(`  server s${i} ${u.host}:${u.port}${ssl}`));
  return lines.join("\n");
}

/**
 * The front door's protocols on HAProxy's bind line: ALPN over TLS; on cleartext `proto h2` for HTTP/2 only, and
 * nothing for both (its HTTP/1 side switches to HTTP/2 when a connection opens with the client preface).
 */
function haproxyAlpn(spec: EngineSpec): string {
  const alpn = { http1: "http/1.1", h2: "h2", both: "h2,http/1.1" }[spec.frontend ?? DEFAULT_FRONTEND];
  if (spec.tls?.terminate) return ` alpn ${alpn}`;
  return spec.frontend === "h2" ? " proto h2" : "";
}

export const haproxy: EngineDriver = {
  name: "haproxy",
  binary: "haproxy",
  install: "apt-get install haproxy",
  versionArgs: ["-v"],
  bindsSourceAddress: true,
  configure(spec) {
    const bind = `  bind ${spec.listen.host}:${spec.listen.port}${spec.tls?.terminate ? ` ssl crt ${join(spec.dir, "server.pem")}` : ""}${haproxyAlpn(spec)}`;
    const frontend = ["frontend public", bind];
    if (spec.profile === "hardened") {
      // A comma-joined Host (`a,b`) is no host; HAProxy's comma-splitting fetches would each see one of its parts.
      frontend.push("  http-request deny deny_status 400 if { req.fhdr(host) -m sub , }");
      // Longer than a DNS name and port: refused before X-Forwarded-Host doubles it past HAProxy's buffer (a 500).
      frontend.push(`  http-request deny deny_status 400 if { req.fhdr(host),length gt ${MAX_HOST_LENGTH} }`);
    }
    if (spec.allowedHosts) {
      frontend.push(...hostAcl("allowed_host", spec.allowedHosts, spec));
      frontend.push(
        '  http-request return status 421 content-type text/plain string "Misdirected Request" unless allowed_host',
      );
    }
    frontend.push(...exposedPathRules(spec.exposedPaths));
    // The typical profile is HAProxy's documented `option forwardfor` and nothing else.
    frontend.push(...(spec.profile === "typical" ? ["  option forwardfor"] : hardenedRules(spec)));
    // HAProxy 2.6 has no `option forwarded` (2.7 added it): the field is written by hand.
    if (spec.forwarded)
      frontend.push(
        '  http-request set-header Forwarded "for=%[src];proto=%[ssl_fc,iif(https,http)];host=\\"%[req.fhdr(host)]\\""',
      );
    frontend.push(
      `  http-request deny deny_status 413 if { req.hdr_val(content-length) gt ${spec.maxRequestBodyBytes} }`,
    );
    spec.routes.forEach((route, i) => {
      if (i === 0) return;
      frontend.push(...hostAcl(`route_${i}`, route.hosts, spec), `  use_backend app_${i} if route_${i}`);
    });
    frontend.push("  default_backend app_0");
    const text = [
      "# Written by edgebench from the scenario; HAProxy runs it in the foreground (-db).",
      "global",
      "  nbthread 1",
      "  maxconn 8192",
      "  log stderr format raw local0 warning",
      "defaults",
      "  mode http",
      "  log global",
      "  option http-keep-alive",
      "  timeout connect 5s",
      "  timeout client 60s",
      `  timeout server ${spec.upstreamTimeoutMs}ms`,
      "  timeout http-request 30s",
      "  timeout http-keep-alive 60s",
      frontend.join("\n"),
      ...spec.routes.map((_, i) => backend(spec, i)),
      "",
    ].join("\n");
    return { file: "haproxy.cfg", text };
  },
  runArgs: (_spec, configFile) => ["-db", "-f", configFile],
};
