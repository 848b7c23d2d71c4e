/**
 * nginx from a scenario: one worker (the builtin proxy is one thread too), upstream blocks with keep-alive, a server
 * block per app routed by server_name, forwarding headers set the way nginx's documentation does it, and the
 * optional allowlist as a default server answering 421. Run with `-p DIR -c nginx.conf`, `daemon off`.
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

const quote = (text: string): string => `"${text.replace(/["\\]/g, "\\$&")}"`;

function serverNames(hosts: readonly string[], spec: EngineSpec): string[] {
  const { exact, suffixes } = splitHostPatterns(hosts);
  // nginx's `*.suffix` matches any depth; one label needs a regular expression.
  const oneLabel = spec.profile === "hardened" && spec.wildcardDepth === "one";
  return [...exact, ...suffixes.map((suffix) => (oneLabel ? `"~${oneLabelPattern(suffix)}"` : `*.${suffix}`))];
}

/** What the hardened profile forwards: the client's Host as sent, every client forwarding field replaced or emptied. */
function hardenedHeaders(spec: EngineSpec, upstream: string): string[] {
  const lines = [`proxy_set_header Host ${spec.preserveHost ? "$http_host" : upstream};`];
  lines.push(
    `proxy_set_header X-Forwarded-For ${spec.forwardedFor === "append" ? "$proxy_add_x_forwarded_for" : "$remote_addr"};`,
  );
  if (spec.stripClientForwarded) {
    lines.push("proxy_set_header X-Forwarded-Proto $scheme;", "proxy_set_header X-Forwarded-Host $host;");
    const setAbove = ["X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded"];
    for (const field of CLIENT_FORWARDING_FIELDS)
      if (!setAbove.includes(field)) lines.push(`proxy_set_header ${field} "";`);
  }
  if (!spec.forwarded && spec.stripClientForwarded) lines.push(`proxy_set_header Forwarded "";`);
  return lines;
}

/**
 * What nginx's documentation (ngx_http_proxy_module, the NGINX reverse proxy guide) and the usual tutorials write:
 * `Host $host`, X-Real-IP, the client's X-Forwarded-For with the peer appended, X-Forwarded-Proto; nothing stripped.
 */
function typicalHeaders(spec: EngineSpec, upstream: string): string[] {
  return [
    `proxy_set_header Host ${spec.preserveHost ? "$host" : upstream};`,
    "proxy_set_header X-Real-IP $remote_addr;",
    "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    "proxy_set_header X-Forwarded-Proto $scheme;",
  ];
}

/** Location blocks that forward (with `forward`'s directives) only the exposed paths; other paths get 404. */
export function exposedLocations(exposedPaths: readonly string[] | null, forward: readonly string[]): string {
  const block = (match: string, lines: readonly string[]): string =>
    `    location ${match} {\n${lines.map((line) => `      ${line}`).join("\n")}\n    }`;
  const exposed = exposedPaths ? splitExposedPaths(exposedPaths) : null;
  if (!exposed || exposed.all) return block("/", forward);
  // `^~` keeps regex locations out of a prefix; `=` is one exact path.
  const exact = new Set([...exposed.exact, ...exposed.prefixes]);
  const blocks = [
    ...[...exact].map((path) => block(`= ${path}`, forward)),
    ...exposed.prefixes.map((prefix) => block(`^~ ${prefix}/`, forward)),
  ];
  blocks.push(block("/", ["return 404;"]));
  return blocks.join("\n");
}

function location(spec: EngineSpec, index: number): string {
  const route = spec.routes[index]!;
  const scheme = spec.tls?.reencrypt ? "https" : "http";
  const upstream = `${route.upstreams[0]!.host}:${route.upstreams[0]!.port}`;
  const lines = [`proxy_pass ${scheme}://app_${index};`, `proxy_set_header Connection "";`];
  lines.push(...(spec.profile === "typical" ? typicalHeaders(spec, upstream) : hardenedHeaders(spec, upstream)));
  if (spec.forwarded) lines.push(`proxy_set_header Forwarded "for=$remote_addr;proto=$scheme;host=\\"$host\\"";`);
  if (spec.tls?.reencrypt) {
    lines.push(
      `proxy_ssl_trusted_certificate ${spec.tls.caFile};`,
      "proxy_ssl_verify on;",
      "proxy_ssl_name localhost;",
      "proxy_ssl_server_name on;",
    );
  }
  return exposedLocations(spec.exposedPaths, lines);
}

/**
 * nginx 1.22's `listen … http2`: over TLS ALPN offers h2 and http/1.1 (it cannot refuse HTTP/1.1 there); on cleartext
 * the port speaks HTTP/2 with prior knowledge only, so `both` needs TLS (nginx 1.25.1 added `http2 on`, which sniffs).
 */
function nginxHttp2(spec: EngineSpec): string {
  if ((spec.frontend ?? DEFAULT_FRONTEND) === "http1") return "";
  if (spec.frontend === "both" && !spec.tls?.terminate) {
    throw new Error(
      "nginx cannot serve HTTP/1.1 and HTTP/2 on one cleartext port: use tls: terminate or proxy.frontend: h2",
    );
  }
  return " http2";
}

export const nginx: EngineDriver = {
  name: "nginx",
  binary: "nginx",
  install: "apt-get install nginx",
  versionArgs: ["-v"],
  bindsSourceAddress: true,
  configure(spec) {
    const listen = `${spec.listen.host}:${spec.listen.port}${spec.tls?.terminate ? " ssl" : ""}${nginxHttp2(spec)}`;
    const tls = spec.tls?.terminate
      ? [`    ssl_certificate ${spec.tls.certFile};`, `    ssl_certificate_key ${spec.tls.keyFile};`]
      : [];
    const upstreams = spec.routes.map(
      (route, i) =>
        `  upstream app_${i} {\n${spec.balancing === "least-pending" ? "    least_conn;\n" : ""}${route.upstreams.map((u) => `    server ${u.host}:${u.port};`).join("\n")}\n    keepalive 64;\n  }`,
    );
    const servers = spec.routes.map((route, i) => {
      const names = serverNames(route.hosts, spec);
      // Without an allowlist the first app takes every unmatched host, as the builtin proxy routes them.
      const isDefault = i === 0 && !spec.allowedHosts;
      return [
        "  server {",
        `    listen ${listen}${isDefault ? " default_server" : ""};`,
        `    server_name ${names.length > 0 ? names.join(" ") : '""'};`,
        ...tls,
        location(spec, i),
        "  }",
      ].join("\n");
    });
    if (spec.allowedHosts) {
      // Allowed hosts no app lists go to the first app; everything else meets the catch-all 421.
      const listed = new Set(spec.routes.flatMap((route) => serverNames(route.hosts, spec)));
      const extra = serverNames(spec.allowedHosts, spec).filter((name) => !listed.has(name));
      if (extra.length > 0)
        servers.push(
          [
            "  server {",
            `    listen ${listen};`,
            `    server_name ${extra.join(" ")};`,
            ...tls,
            location(spec, 0),
            "  }",
          ].join("\n"),
        );
      servers.push(
        [
          "  server {",
          `    listen ${listen} default_server;`,
          '    server_name "";',
          ...tls,
          "    return 421;",
          "  }",
        ].join("\n"),
      );
    }
    const temp = (name: string): string => `  ${name}_temp_path ${quote(join(spec.dir, `${name}-temp`))};`;
    const text = [
      "# Written by edgebench from the scenario; nginx runs it in the foreground with -p and -c.",
      "daemon off;",
      "worker_processes 1;",
      `pid ${quote(join(spec.dir, "nginx.pid"))};`,
      `error_log ${quote(join(spec.dir, "error.log"))} warn;`,
      "events { worker_connections 4096; }",
      "http {",
      "  access_log off;",
      temp("client_body"),
      temp("proxy"),
      temp("fastcgi"),
      temp("uwsgi"),
      temp("scgi"),
      `  client_max_body_size ${spec.maxRequestBodyBytes};`,
      "  proxy_http_version 1.1;",
      `  proxy_bind ${spec.sourceAddress};`,
      `  proxy_connect_timeout ${Math.max(1, Math.ceil(Math.min(spec.upstreamTimeoutMs, 10_000) / 1000))}s;`,
      `  proxy_read_timeout ${spec.upstreamTimeoutMs}ms;`,
      `  proxy_send_timeout ${spec.upstreamTimeoutMs}ms;`,
      ...upstreams,
      ...servers,
      "}",
      "",
    ].join("\n");
    return { file: "nginx.conf", text };
  },
  runArgs: (spec, configFile) => ["-p", spec.dir, "-c", configFile, "-e", join(spec.dir, "error.log")],
};
