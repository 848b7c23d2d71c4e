/**
 * Caddy from a scenario: a Caddyfile with the admin endpoint and automatic HTTPS off, the run's certificate when TLS
 * is on, named `host` matchers routing to a reverse_proxy per app (round_robin or least_conn), Caddy's own
 * X-Forwarded-* handling (it sets them by default) and header_up rules for the rest. Run with `caddy run`, its
 * state kept in the run's folder.
 */
import { join } from "node:path";
import { splitExposedPaths } from "../policy/exposed-paths.js";
import {
  CLIENT_FORWARDING_FIELDS,
  DEFAULT_FRONTEND,
  splitHostPatterns,
  type EngineDriver,
  type EngineSpec,
} from "./types.js";

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A matcher for HostFiltering patterns. Caddy's `host` matcher takes `*.suffix` as exactly one label; the hardened
 * profile matches the Host field with one regular expression instead, as deep as the policy's wildcard depth.
 */
function hostMatcher(hosts: readonly string[], spec: EngineSpec): string | null {
  const { exact, suffixes, any } = splitHostPatterns(hosts);
  if (any) return null;
  if (spec.profile === "typical") return `host ${[...exact, ...suffixes.map((s) => `*.${s}`)].join(" ")}`;
  const labels = spec.wildcardDepth === "one" ? "[^.]+\\." : "([^.]+\\.)+";
  const names = [...exact.map(escapeRegExp), ...suffixes.map((s) => `${labels}${escapeRegExp(s)}`)];
  return `header_regexp Host "(?i)^(${names.join("|")})(:[^:]*)?$"`;
}

/** The hardened profile's header_up rules: client forwarding fields removed, X-Forwarded-For as the scenario says. */
function hardenedHeaders(spec: EngineSpec): string[] {
  const lines: string[] = [];
  if (spec.stripClientForwarded) {
    const setByCaddy = ["X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"];
    for (const field of CLIENT_FORWARDING_FIELDS) if (!setByCaddy.includes(field)) lines.push(`header_up -${field}`);
    // Caddy passes underscore names on; some frameworks read X_Forwarded_Host as the dashed name.
    for (const field of CLIENT_FORWARDING_FIELDS)
      if (field.includes("-")) lines.push(`header_up -${field.replace(/-/g, "_")}`);
  }
  if (spec.forwardedFor === "append") {
    // Caddy keeps a client's X-Forwarded-* only from a trusted peer, and then keeps its Proto and Host as well.
    lines.push("trusted_proxies 0.0.0.0/0 ::/0");
    if (spec.stripClientForwarded) {
      lines.push("header_up X-Forwarded-Proto {http.request.scheme}", "header_up X-Forwarded-Host {http.request.host}");
    }
  }
  return lines;
}

/**
 * A first `handle` answering 404 outside the exposed paths (the entries are Caddy's own path syntax). Handles with
 * named matchers run in the order written, before the catch-all ones, so this one comes before every app's.
 */
export function exposedPathsHandle(exposedPaths: readonly string[] | null): string[] {
  const exposed = exposedPaths ? splitExposedPaths(exposedPaths) : null;
  if (!exposed || exposed.all) return [];
  const paths = [...exposed.exact, ...exposed.prefixes.flatMap((prefix) => [prefix, `${prefix}/*`])].join(" ");
  return [`  @hidden_path not path ${paths}\n  handle @hidden_path {\n    respond "Not Found" 404\n  }`];
}

function reverseProxy(spec: EngineSpec, index: number): string {
  const route = spec.routes[index]!;
  const lines = [`lb_policy ${spec.balancing === "least-pending" ? "least_conn" : "round_robin"}`];
  if (!spec.preserveHost) lines.push("header_up Host {upstream_hostport}");
  // The typical profile is a bare `reverse_proxy` (Caddy's documented defaults set X-Forwarded-For/Proto/Host).
  if (spec.profile === "hardened") lines.push(...hardenedHeaders(spec));
  if (spec.forwarded)
    lines.push(
      'header_up Forwarded "for={http.request.remote.host};proto={http.request.scheme};host=\\"{http.request.host}\\""',
    );
  const transport = [`response_header_timeout ${spec.upstreamTimeoutMs}ms`, "keepalive 60s"];
  if (spec.tls?.reencrypt) transport.push(`tls_trusted_ca_certs ${spec.tls.caFile}`, "tls_server_name localhost");
  lines.push(`transport http {\n${transport.map((line) => `        ${line}`).join("\n")}\n      }`);
  const scheme = spec.tls?.reencrypt ? "https://" : "";
  return `reverse_proxy ${route.upstreams.map((u) => `${scheme}${u.host}:${u.port}`).join(" ")} {\n${lines.map((line) => `      ${line}`).join("\n")}\n    }`;
}

/** Caddy's server protocols: HTTP/1.1, and h2 over TLS or h2c (prior knowledge, beside HTTP/1.1) on cleartext. */
function caddyProtocols(spec: EngineSpec): string {
  if ((spec.frontend ?? DEFAULT_FRONTEND) === "http1") return "h1";
  return spec.tls?.terminate ? "h1 h2" : "h1 h2c";
}

export const caddy: EngineDriver = {
  name: "caddy",
  binary: "caddy",
  install: "apt-get install caddy",
  versionArgs: ["version"],
  // Caddy 2.6's http transport cannot choose the local address: its connections come from 127.0.0.1.
  bindsSourceAddress: false,
  configure(spec) {
    const scheme = spec.tls?.terminate ? "https" : "http";
    const handles: string[] = exposedPathsHandle(spec.exposedPaths);
    spec.routes.forEach((route, i) => {
      const matcher = hostMatcher(route.hosts, spec);
      if (i > 0 && matcher)
        handles.push(`  @app_${i} ${matcher}\n  handle @app_${i} {\n    ${reverseProxy(spec, i)}\n  }`);
    });
    if (spec.allowedHosts) {
      const matcher = hostMatcher(spec.allowedHosts, spec);
      if (matcher)
        handles.push(
          `  @allowed ${matcher}\n  handle @allowed {\n    ${reverseProxy(spec, 0)}\n  }`,
          '  handle {\n    respond "Misdirected Request" 421\n  }',
        );
      else handles.push(`  handle {\n    ${reverseProxy(spec, 0)}\n  }`);
    } else handles.push(`  handle {\n    ${reverseProxy(spec, 0)}\n  }`);
    const text = [
      "# Written by edgebench from the scenario; Caddy runs it with `caddy run --adapter caddyfile`.",
      "{",
      "  admin off",
      "  auto_https off",
      `  storage file_system ${join(spec.dir, "caddy-data")}`,
      "  default_sni localhost",
      `  servers {\n    max_header_size 32kb\n    protocols ${caddyProtocols(spec)}\n  }`,
      "}",
      // No host in the site address: Caddy would otherwise only answer requests whose Host is that address.
      `${scheme}://:${spec.listen.port} {`,
      `  bind ${spec.listen.host}`,
      ...(spec.tls?.terminate ? [`  tls ${spec.tls.certFile} ${spec.tls.keyFile}`] : []),
      `  request_body {\n    max_size ${spec.maxRequestBodyBytes}\n  }`,
      ...handles,
      "}",
      "",
    ].join("\n");
    return { file: "Caddyfile", text };
  },
  runArgs: (_spec, configFile) => ["run", "--adapter", "caddyfile", "--config", configFile],
  env: (spec) => ({
    XDG_DATA_HOME: join(spec.dir, "caddy-data"),
    XDG_CONFIG_HOME: join(spec.dir, "caddy-config"),
    HOME: spec.dir,
  }),
};
