/**
 * YARP's appsettings.json from a scenario: Kestrel listening where edgebench chose (with the run's certificate when
 * TLS is on), a route per app matched by Host (and by each exposed path), a cluster per app with its instances and
 * balancing, transforms for the Host and forwarding fields, the upstream timeout as YARP's ActivityTimeout (504),
 * the body limit per route, and the `Edgebench` section the shipped program reads for what YARP's configuration
 * cannot say (source address, CA to trust when re-encrypting, status for unrouted requests).
 */
import { splitExposedPaths } from "../../policy/exposed-paths.js";
import { CLIENT_FORWARDING_FIELDS, type EngineSpec } from "../types.js";

type Transform = Record<string, string>;

/** Fields YARP's X-Forwarded transform writes itself (For, Proto, Host, Prefix). */
const SET_BY_YARP = ["X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Prefix"];

/**
 * The typical profile is YARP's documented defaults (X-Forwarded-For/Proto/Host/Prefix set, client Host replaced by
 * the destination's); the hardened one names every transform: X-Forwarded-For appended or set as the scenario says,
 * the other client forwarding fields (and their underscore spellings) removed.
 */
export function yarpTransforms(spec: EngineSpec): Transform[] {
  const transforms: Transform[] = [];
  if (spec.preserveHost) transforms.push({ RequestHeaderOriginalHost: "true" });
  const append = spec.forwardedFor === "append";
  if (spec.profile === "hardened") {
    transforms.push({ "X-Forwarded": "Set", For: append ? "Append" : "Set", Proto: "Set", Host: "Set", Prefix: "Set" });
    if (spec.stripClientForwarded) {
      const removed = CLIENT_FORWARDING_FIELDS.filter((field) => !SET_BY_YARP.includes(field));
      const underscored = CLIENT_FORWARDING_FIELDS.filter((f) => f.includes("-")).map((f) => f.replace(/-/g, "_"));
      for (const field of [...removed, ...underscored]) {
        if (!(spec.forwarded && field === "Forwarded")) transforms.push({ RequestHeaderRemove: field });
      }
    }
  } else if (spec.forwarded) {
    // A Forwarded transform turns YARP's default X-Forwarded ones off: name them to keep the defaults.
    transforms.push({ "X-Forwarded": "Set" });
  }
  if (spec.forwarded) {
    transforms.push({ Forwarded: "for,proto,host", ForFormat: "Ip", Action: append ? "Append" : "Set" });
  }
  return transforms;
}

/** Route path patterns: every path, or each exposed one (`/api/*` as `/api/{**rest}`, which also matches `/api`). */
export function yarpPaths(exposedPaths: readonly string[] | null): string[] {
  const exposed = exposedPaths ? splitExposedPaths(exposedPaths) : null;
  if (!exposed || exposed.all) return ["/{**catch-all}"];
  return [...exposed.exact, ...exposed.prefixes.map((prefix) => `${prefix}/{**rest}`)];
}

/** A route's Host list: none for `*` (any Host). */
function routeHosts(hosts: readonly string[] | null): { Hosts?: string[] } {
  return !hosts || hosts.includes("*") ? {} : { Hosts: [...hosts] };
}

function routes(spec: EngineSpec): Record<string, unknown> {
  const transforms = yarpTransforms(spec);
  const entries: Record<string, unknown> = {};
  spec.routes.forEach((route, i) => {
    // Without an allowlist the first app takes every Host no other app lists, as the builtin proxy routes them.
    const hosts = i === 0 ? (spec.allowedHosts ? routeHosts(spec.allowedHosts) : {}) : routeHosts(route.hosts);
    if (i > 0 && !hosts.Hosts) return;
    yarpPaths(spec.exposedPaths).forEach((path, j) => {
      entries[`app${i}-path${j}`] = {
        ClusterId: `app${i}`,
        // Apps after the first are matched first: their Hosts are the more specific.
        Order: i === 0 ? 1 : 0,
        MaxRequestBodySize: spec.maxRequestBodyBytes,
        Match: { ...hosts, Path: path },
        Transforms: transforms,
      };
    });
  });
  return entries;
}

function clusters(spec: EngineSpec): Record<string, unknown> {
  const scheme = spec.tls?.reencrypt ? "https" : "http";
  const timeout = new Date(spec.upstreamTimeoutMs).toISOString().slice(11, 23);
  return Object.fromEntries(
    spec.routes.map((route, i) => [
      `app${i}`,
      {
        LoadBalancingPolicy: spec.balancing === "least-pending" ? "LeastRequests" : "RoundRobin",
        HttpRequest: { ActivityTimeout: timeout },
        Destinations: Object.fromEntries(
          route.upstreams.map((u, j) => [`instance${j + 1}`, { Address: `${scheme}://${u.host}:${u.port}` }]),
        ),
      },
    ]),
  );
}

/**
 * The hardened profile matches `*.suffix` one label deep when the policy says so; YARP's routes match it at any
 * depth, so the program checks every routed Host pattern again (null: nothing to check).
 */
function oneLabelHosts(spec: EngineSpec): string[] | null {
  if (spec.profile !== "hardened" || spec.wildcardDepth !== "one") return null;
  const patterns = [...(spec.allowedHosts ?? []), ...spec.routes.slice(1).flatMap((route) => route.hosts)];
  if (patterns.length === 0 || patterns.includes("*") || !spec.allowedHosts) return null;
  return patterns.some((pattern) => pattern.startsWith("*.")) ? [...new Set(patterns)] : null;
}

/** The whole appsettings.json the shipped YARP program runs with. */
export function yarpSettings(spec: EngineSpec): Record<string, unknown> {
  const scheme = spec.tls?.terminate ? "https" : "http";
  const endpoint: Record<string, unknown> = { Url: `${scheme}://${spec.listen.host}:${spec.listen.port}` };
  if (spec.tls?.terminate) endpoint.Certificate = { Path: spec.tls.certFile, KeyPath: spec.tls.keyFile };
  return {
    Logging: { LogLevel: { Default: "Warning" } },
    // The body limit is set per route (MaxRequestBodySize), which replaces Kestrel's server-wide 30 MB default.
    Kestrel: { Endpoints: { main: endpoint } },
    Edgebench: {
      SourceAddress: spec.sourceAddress,
      ...(spec.tls?.reencrypt ? { TrustedCaFile: spec.tls.caFile, UpstreamServerName: "localhost" } : {}),
      ...(spec.allowedHosts ? { AllowedHosts: spec.allowedHosts, UnroutedHostStatus: 421 } : {}),
      ...(oneLabelHosts(spec) ? { OneLabelHosts: oneLabelHosts(spec), UnroutedHostStatus: 421 } : {}),
      UnroutedPathStatus: 404,
    },
    ReverseProxy: { Routes: routes(spec), Clusters: clusters(spec) },
  };
}
