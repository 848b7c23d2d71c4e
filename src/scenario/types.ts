/** A scenario after validation, with every default filled in: what the rest of edgebench works from. */
import type { ForwardedHeadersOptions } from "../policy/forwarded-headers.js";
import type { PolicyKnobs } from "../policy/knobs.js";
import type { Threshold } from "./thresholds.js";
import type {
  APP_RUNTIMES,
  BALANCING,
  ENGINE_PROFILES,
  FORWARDED_FOR_MODES,
  FRONTENDS,
  PROXY_ENGINES,
  TLS_MODES,
  TOPOLOGY_KINDS,
} from "./schema.js";

export type TopologyKind = (typeof TOPOLOGY_KINDS)[number];
export type ProxyEngine = (typeof PROXY_ENGINES)[number];
export type ForwardedForMode = (typeof FORWARDED_FOR_MODES)[number];
export type EngineProfile = (typeof ENGINE_PROFILES)[number];
export type TlsMode = (typeof TLS_MODES)[number];
export type Frontend = (typeof FRONTENDS)[number];
export type Balancing = (typeof BALANCING)[number];
export type AppRuntime = (typeof APP_RUNTIMES)[number];

/** One direction of a shaped hop. */
export interface DirectionShape {
  latencyMs: number;
  jitterMs: number;
  /** Null: unlimited. */
  bandwidthMbps: number | null;
  resetProbability: number;
  stallProbability: number;
}

/** A shaped hop: toward the server (requests) and back toward the client (answers). */
export interface HopShape {
  toServer: DirectionShape;
  toClient: DirectionShape;
}

/** How long an app works before it answers (milliseconds). */
export type ServiceTime =
  | { distribution: "fixed"; ms: number }
  | { distribution: "uniform"; minMs: number; maxMs: number }
  | { distribution: "lognormal"; medianMs: number; p99Ms: number };

/** What an app does per accepted request, so the proxy is measured in front of an app that behaves like a real one. */
export interface AppWork {
  serviceTime: ServiceTime | null;
  /** Size of each 200 answer's body in bytes (the JSON answer padded), or null: the JSON answer as it is. */
  answerBytes: number | null;
  /** The answer is sent in this many chunks (chunked framing when more than one). */
  chunks: number;
  /** Pause between two chunks. */
  chunkDelayMs: number;
}

/** The user's own app: a command edgebench starts per instance, or a URL already serving. */
export type OwnApp =
  | {
      kind: "command";
      /** Program and arguments, placeholders ({{PORT}}, {{HOST}}) not yet replaced. */
      command: string[];
      /** Absolute working directory. */
      cwd: string;
      /** Added variables, placeholders not yet replaced. */
      env: Record<string, string>;
      /** Null: ready when the port accepts. */
      readyPath: string | null;
      readyTimeoutMs: number;
      echoContract: boolean;
    }
  | { kind: "url"; url: string; echoContract: boolean };

export interface AppConfig {
  name: string;
  /** Which server answers: the simulation, or the bundled real ASP.NET Core app. */
  runtime: AppRuntime;
  allowedHosts: string[];
  allowEmptyHosts: boolean;
  includeFailureMessage: boolean;
  allowHostHeaderOverride: boolean;
  /** Null: the ForwardedHeaders middleware is not in the pipeline. */
  forwardedHeaders: ForwardedHeadersOptions | null;
  /** Copies behind the proxy. */
  instances: number;
  /** Fixed edge port, or null for an ephemeral one. */
  port: number | null;
  /** Endpoints not meant for the internet, served like any other path (the surface probes aim at them). */
  internalPaths: string[];
  /** What the app does per request (service time, answer size, streaming). */
  work: AppWork;
  /** The user's own app in place of the simulated one, or null. */
  own: OwnApp | null;
  /** KestrelServerLimits.RequestHeadersTimeout. */
  requestHeadersTimeoutMs: number;
  /** KestrelServerLimits.MinRequestBodyDataRate, bytes/s (0: off). */
  minRequestBodyDataRate: number;
}

export interface ProxyConfig {
  engine: ProxyEngine;
  /** Which generated configuration an external engine runs (see engines/profiles.ts). */
  profile: EngineProfile;
  /** What clients speak to it; it speaks HTTP/1.1 to the apps. */
  frontend: Frontend;
  /** The user's own engine configuration file (absolute), or null for a generated one. */
  engineConfig: string | null;
  preserveHost: boolean;
  forwardedFor: ForwardedForMode;
  stripClientForwarded: boolean;
  /** Null: no proxy-side allowlist. */
  allowedHosts: string[] | null;
  upstreamTimeoutMs: number;
  /** Builtin proxy: the most a client's request head may take. */
  headerTimeoutMs: number;
  balancing: Balancing;
  forwarded: boolean;
  maxRequestBodyBytes: number;
  maxResponseBodyBytes: number;
  /** Fixed port, or null for an ephemeral one. */
  port: number | null;
  /** Path prefixes the proxy forwards (others get 404), or null: every path. */
  exposedPaths: string[] | null;
}

export interface LoadConfig {
  model: "closed" | "open";
  /** Open model: requests per second; null means found from the slower topology's capacity. */
  rate: number | null;
  rateFraction: number;
  connections: number;
  pipelining: number;
  /** Over an HTTP/2 front door: concurrent streams per connection. */
  streams: number;
  durationMs: number;
  warmupMs: number;
  rounds: number;
  path: string;
  method: string;
  host: string;
  body: string | null;
}

export interface PolicyConfig {
  /** The public hosts the deployment must serve (HostFiltering syntax: `*.example.com`). */
  hosts: string[];
  profile: "aspnetcore" | "strict";
  /** The rules in force where the RFCs leave a choice (the profile with the scenario's overrides). */
  knobs: PolicyKnobs;
  /** An internal path reached at the edge: reported as exposed, or a failure (hidden). */
  internalPathsAtEdge: "exposed" | "hidden";
}

export interface Scenario {
  /** The file it came from, or null when built in code. */
  file: string | null;
  name: string;
  description: string;
  apps: AppConfig[];
  topologies: TopologyKind[];
  proxy: ProxyConfig;
  load: LoadConfig;
  policy: PolicyConfig;
  tls: TlsMode;
  network: { clientAddress: string; clientHop: HopShape | null; appHop: HopShape | null };
  /** slowHoldMs: how long the slow-headers probe holds its trickling connections. */
  probes: { enabled: boolean; timeoutMs: number; slowHoldMs: number };
  thresholds: Threshold[];
}
