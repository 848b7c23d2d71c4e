/** What a reverse-proxy engine is given (the scenario's proxy, resolved to addresses) and how it is driven. */
import { proxySpec } from "../scenario/schema.js";
import { defaultsOf } from "../scenario/spec.js";
import type { EngineProfile } from "../scenario/types.js";

export const ENGINE_NAMES = ["builtin", "nginx", "haproxy", "caddy", "yarp"] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];
export type ExternalEngineName = Exclude<EngineName, "builtin">;

/** What clients speak to a proxy whose spec does not say: the scenario field table's default. */
export const DEFAULT_FRONTEND = defaultsOf(proxySpec.fields).frontend;

export interface EngineRoute {
  /** Host patterns (HostFiltering syntax: exact, `*.example.com`, or `*`). */
  hosts: string[];
  /** Instances as host:port on loopback. */
  upstreams: Array<{ host: string; port: number }>;
}

/** The proxy a scenario asks for, with every address known: what an engine's configuration is written from. */
export interface EngineSpec {
  listen: { host: string; port: number };
  routes: EngineRoute[];
  preserveHost: boolean;
  forwardedFor: "append" | "replace";
  forwarded: boolean;
  stripClientForwarded: boolean;
  /** Other hosts get 421; null: no list. */
  allowedHosts: string[] | null;
  /** Path prefixes forwarded (other paths get 404); null: every path. */
  exposedPaths: string[] | null;
  upstreamTimeoutMs: number;
  balancing: "round-robin" | "least-pending";
  maxRequestBodyBytes: number;
  /**
   * hardened: every field above applied, duplicate and comma-joined Hosts refused, wildcards as deep as
   * `wildcardDepth`; typical: the engine's documented reverse-proxy configuration (README, "Engine profiles").
   */
  profile: EngineProfile;
  /** How many labels `*.example.com` matches in the hardened profile (the scenario's policy). */
  wildcardDepth: "any" | "one";
  /** What clients speak to it (HTTP/1.1 upstream either way); absent: DEFAULT_FRONTEND. */
  frontend?: "http1" | "h2" | "both";
  /** Files of the run's certificates, when TLS is on. */
  tls: { certFile: string; keyFile: string; caFile: string; terminate: boolean; reencrypt: boolean } | null;
  /** Local address of connections to the apps (so they can tell their proxy apart). */
  sourceAddress: string;
  /** The folder the configuration, logs and state live in. */
  dir: string;
}

export interface EngineDriver {
  name: ExternalEngineName;
  /** The executable, looked up on PATH. */
  binary: string;
  /** What installs it on Debian. */
  install: string;
  /** Arguments that print the version (on stdout or stderr). */
  versionArgs: string[];
  /** The version for reports, or null when it cannot run, for an engine whose binary's own version is not its own. */
  version?(): string | null;
  /** Builds what the engine runs (once, cached) and resolves to its path; runArgs gets that path. */
  build?(): Promise<string>;
  /** Whether its configuration can choose the local address of upstream connections. */
  bindsSourceAddress: boolean;
  /** The configuration file's name and text. */
  configure(spec: EngineSpec): { file: string; text: string };
  /** Arguments that run it in the foreground with that file. */
  runArgs(spec: EngineSpec, configFile: string, built?: string): string[];
  /** Extra environment (private state folders). */
  env?(spec: EngineSpec): Record<string, string>;
}

/** Patterns in HostFiltering syntax split for engines: exact names, `*.suffix` wildcards, and whether `*` was given. */
export function splitHostPatterns(hosts: readonly string[]): { exact: string[]; suffixes: string[]; any: boolean } {
  const exact: string[] = [];
  const suffixes: string[] = [];
  let any = false;
  for (const host of hosts) {
    if (host === "*") any = true;
    else if (host.startsWith("*.")) suffixes.push(host.slice(2).toLowerCase());
    else exact.push(host.toLowerCase());
  }
  return { exact, suffixes, any };
}

/** A wildcard's suffix as an anchored regular expression matching exactly one more label (`^[^.]+\.suffix$`). */
export function oneLabelPattern(suffix: string): string {
  return `^[^.]+\\.${suffix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`;
}

// Stripped alike by the builtin proxy and every generated configuration, so it lives with the policy.
export { CLIENT_FORWARDING_FIELDS } from "../policy/client-forwarding.js";
