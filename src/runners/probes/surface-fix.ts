/**
 * Why an internal endpoint was reached and what to change, in the user's terms: the proxy rule that let the request
 * through (edgebench wrote it from proxy.exposedPaths, so it knows which one), and the fix for that engine.
 */
import { isPublished, splitExposedPaths } from "../../policy/exposed-paths.js";
import type { DeploymentHints } from "./oracle.js";

type Hidden = { path: string; sent: string };

/** The rule each engine's generated configuration uses to publish a path, and what it compares. */
const PUBLISH_RULE: Record<string, (paths: string) => string> = {
  builtin: (paths) =>
    `the builtin proxy's exposedPaths (${paths}), compared with the path decoded and normalised as the app does`,
  nginx: (paths) =>
    `nginx's \`location = …\` / \`location ^~ …/\` for ${paths}, matched on its decoded, normalised $uri ` +
    "while the request line goes upstream as the client sent it",
  haproxy: (paths) =>
    `HAProxy's \`acl exposed_path path_beg\` for ${paths}, matched on the path as sent (not decoded, dots kept)`,
  caddy: (paths) => `Caddy's \`path\` matcher for ${paths}, matched on its cleaned, unescaped path`,
};

/** What to change in each engine so that what it matched is what the app routes. */
const ENGINE_FIX: Record<string, string> = {
  builtin: "publish fewer paths in proxy.exposedPaths",
  nginx:
    "match and forward the same path: refuse what $request_uri and $uri disagree on (a `map` before the `location`s)",
  haproxy:
    "normalise the path before the ACL: `expose-experimental-directives` in `global` (HAProxy 2.6), then " +
    "`http-request normalize-uri percent-decode-unreserved`, `http-request normalize-uri path-strip-dotdot` and " +
    "`http-request normalize-uri path-merge-slashes` above it",
  caddy:
    "match and forward the same path: refuse encoded dots and slashes (a `path_regexp` matcher before the `handle`s)",
};

const GUARD = (path: string): string =>
  `guard ${path} in the app itself (an authorization policy, RequireHost, or a port of its own)`;

/** An internal endpoint answered through the proxy. */
export function hiddenPathThroughProxy(hidden: Hidden, hints: DeploymentHints | undefined): string {
  const engine = hints?.proxyEngine ?? "builtin";
  const reached = `'${hidden.sent}' reached the app's internal endpoint ${hidden.path} through the proxy`;
  if (!hints?.exposedPaths) {
    const fix = "publish only the public paths (proxy.exposedPaths), so everything else gets 404";
    return `${reached}: the proxy forwards every path. Fix: ${fix}.`;
  }
  const paths = hints.exposedPaths.join(", ");
  if (isPublished(hidden.path, splitExposedPaths(hints.exposedPaths))) {
    return `${reached}: proxy.exposedPaths (${paths}) publishes ${hidden.path} itself. Fix: list only public paths.`;
  }
  const rule = hints.userEngineConfig
    ? `the path rules of your ${engine} configuration`
    : (PUBLISH_RULE[engine] ?? PUBLISH_RULE.builtin!)(paths);
  const fix = ENGINE_FIX[engine] ?? ENGINE_FIX.builtin!;
  const routed = `${reached}: let through by ${rule}, but the app routed it to ${hidden.path}`;
  return `${routed}. Fix: ${fix}; and ${GUARD(hidden.path)}.`;
}

/** An internal endpoint answered at the edge, where the scenario's policy says it must be hidden. */
export function hiddenPathAtEdge(hidden: Hidden): string {
  return (
    `'${hidden.sent}' reached the app's internal endpoint ${hidden.path} at the edge, ` +
    "where nothing in front of the app can hide it. " +
    `Fix: put a proxy that publishes only the public paths in front, or ${GUARD(hidden.path)}.`
  );
}
