/**
 * Why an internal endpoint was reached and what to change, in the user's terms: the proxy rule that let the request
 * through (edgebench wrote it from proxy.exposedPaths, so it knows which one), and the fix for that engine.
 */
import type { DeploymentHints } from "./oracle.js";

type Hidden = { path: string; sent: string };

/** The rule each engine's generated configuration uses to publish a prefix, and what it compares. */
const PUBLISH_RULE: Record<string, (prefixes: string) => string> = {
  builtin: (prefixes) => `the builtin proxy's exposedPaths (${prefixes}), compared with the path decoded and normalised as the app does`,
  nginx: (prefixes) => `nginx's \`location = …\` / \`location ^~ …/\` for ${prefixes}, matched on its decoded, normalised $uri while the request line goes upstream as the client sent it`,
  haproxy: (prefixes) => `HAProxy's \`acl exposed_path path_beg\` for ${prefixes}, matched on the path as sent (not decoded, dot segments kept)`,
  caddy: (prefixes) => `Caddy's \`path\` matcher for ${prefixes}, matched on its cleaned path while the request goes upstream as sent`,
};

/** What to change in each engine so that what it matched is what the app routes. */
const ENGINE_FIX: Record<string, string> = {
  builtin: "refuse targets whose decoded form differs from what the prefixes allow",
  nginx: "forward the normalised path (`proxy_pass http://app$uri$is_args$args;`) or refuse `..`, `%2e`, `%2f` and `//` in $request_uri with a `map`",
  haproxy:
    "normalise before the ACL (`http-request normalize-uri path-strip-dotdot`, `path-merge-slashes`, `percent-decode-unreserved`, `percent-to-uppercase`) and refuse what stays ambiguous (`http-request deny if { path -m sub .. %2e %2E %2f %2F }`)",
  caddy: "forward the cleaned path (`rewrite * {http.request.uri.path}` before reverse_proxy) or refuse encoded dots and slashes with a `path_regexp` matcher",
};

/** An internal endpoint answered through the proxy. */
export function hiddenPathThroughProxy(hidden: Hidden, hints: DeploymentHints | undefined): string {
  const engine = hints?.proxyEngine ?? "builtin";
  const reached = `'${hidden.sent}' reached the app's internal endpoint ${hidden.path} through the proxy`;
  if (!hints?.exposedPaths) {
    return `${reached}: the proxy forwards every path. Fix: publish only the public prefixes (proxy.exposedPaths), so everything else gets 404.`;
  }
  const prefixes = hints.exposedPaths.join(", ");
  const rule = (PUBLISH_RULE[engine] ?? PUBLISH_RULE.builtin!)(prefixes);
  const fix = ENGINE_FIX[engine] ?? ENGINE_FIX.builtin!;
  return `${reached}: let through by ${rule}, but the app routed it to ${hidden.path}. Fix: ${fix}; and guard ${hidden.path} in the app itself (an authorization policy, RequireHost, or a port of its own).`;
}

/** An internal endpoint answered at the edge, where the scenario's policy says it must be hidden. */
export function hiddenPathAtEdge(hidden: Hidden): string {
  return `'${hidden.sent}' reached the app's internal endpoint ${hidden.path} at the edge, where nothing in front of the app can hide it. Fix: put a proxy that publishes only the public paths in front, or guard ${hidden.path} in the app (an authorization policy, RequireHost, or a port of its own).`;
}
