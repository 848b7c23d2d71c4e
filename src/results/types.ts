/**
 * The result of a run as plain data: what every reporter reads and what `--reporter json` writes. Its shape is
 * versioned by SCHEMA_VERSION (schema/run-result.schema.json); a change that breaks readers bumps it.
 */
import type { PolicyKnobs } from "../policy/knobs.js";
import type { Outcome, ProbeCategory, ResponseExpectation } from "./probe-expectation.js";
import type { AppWork, HopShape, TopologyKind } from "../scenario/types.js";
import type { ThresholdResult } from "./thresholds.js";
import type { Cause, CauseId } from "./causes.js";

export const SCHEMA_VERSION = 2;

/** Where probes went: a topology edgebench started, or an external target given by URL. */
export type ProbeTargetKind = TopologyKind | "external";

/** A named path from the client to an app that a run measured: `edge`, `proxied/builtin`, `proxied/nginx`, … */
export interface Deployment {
  /** Unique within a run; load, overheads and probe results refer to it by this name. */
  name: string;
  /** "external": a target given by URL, which edgebench did not start. */
  topology: ProbeTargetKind;
  /** The proxy engine in its path and that engine's version line (proxied only). */
  engine: { name: string; version: string } | null;
  /** Which generated configuration an external engine ran (absent: the builtin proxy or the user's own file). */
  profile?: "typical" | "hardened";
}

export interface LatencySummary {
  /** Responses measured. */
  count: number;
  minUs: number;
  meanUs: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
}

/** What one stretch of load did: requests sent, answers by kind, failures. */
export interface RequestCounts {
  durationMs: number;
  requests: number;
  responses: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface RoundSample extends RequestCounts {
  /** Open model: requests that could not start within one interval of their planned time. */
  late?: number;
  /** Open model: of those, the ones that had a free connection (the generator fell behind its own schedule). */
  schedulerLate?: number;
  /** Open model: service time, from each request's actual send to its whole answer (`latency` is response time). */
  serviceLatency?: LatencySummary;
  /** Open model: the generator's lateness, actual − planned send of every request sent (0 when on time). */
  sendLateness?: LatencySummary;
  /** Event-loop utilisation of the load generator's own thread during the round (0–1). */
  generatorUtilization: number;
  round: number;
  /** Place of this deployment within its round (0 = ran first). */
  position: number;
  rps: number;
  latency: LatencySummary;
  /** Time to the answer's head (first byte), beside `latency` (the whole answer); absent when not measured. */
  ttfb?: LatencySummary;
}

export interface DeploymentLoad {
  /** The deployment's name (see RunResult.deployments). */
  deployment: string;
  url: string;
  /** What each hop spoke, client side first (`h2 → http/1.1` behind an HTTP/2 front door); absent: HTTP/1.1 throughout. */
  hops?: string[];
  rounds: RoundSample[];
  /** All rounds' responses in one histogram. */
  latency: LatencySummary;
  /** All rounds' times to first byte (the answer's head) in one histogram; absent when not measured. */
  ttfb?: LatencySummary;
  /** Median over rounds of each round's figure. */
  medianRps: number;
  medianP50Us: number;
  responses: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Answers by status as counted by the servers themselves (proxy and app). */
  serverCounts: Record<string, Record<string, number>>;
  /** Behind a balancing proxy: each app instance's answers (warm-up, rounds and probes) and its share of them. */
  instanceSplit?: Array<{ instance: string; answers: number; share: number }>;
  /**
   * The load generator was the bottleneck: these figures measure it, not the deployment. Closed model: its median
   * event-loop utilisation was above 90 %; open model: its p99 send lateness (the calibration figure) was over a tenth of
   * the response-time p99 it measured and over 100 µs, or over 1 % of requests left late with a connection free.
   */
  generatorSaturated: boolean;
  /**
   * Open model: service time over all rounds, from each actual send. `latency` is then response time, from each
   * planned send, which includes any wait for the generator or a connection (coordinated-omission-correct).
   */
  serviceLatency?: LatencySummary;
  /** Open model: the generator's calibration, actual − planned send over all rounds; its p99 is the reported figure. */
  sendLateness?: LatencySummary;
  /** Open model: a request that started more than this after its planned time counts as late (one interval). */
  lateThresholdUs?: number;
  /** The whole percentile distribution of all rounds' responses, HdrHistogram's series from 0 % up to the max. */
  percentiles?: PercentilePoint[];
}

/** One point of a latency distribution: this share of responses (0–100) took at most `us`. */
export interface PercentilePoint {
  percentile: number;
  us: number;
}

export const OVERHEAD_METRICS = ["p50", "p90", "p99", "p999", "rps"] as const;
export type OverheadMetric = (typeof OVERHEAD_METRICS)[number];

/**
 * A deployment minus its reference (µs), paired round by round, or deployment / reference (unit "ratio": req/s, or
 * added p50 over the proxy reference's added p50).
 */
export interface Overhead {
  metric: OverheadMetric;
  unit: "us" | "ratio";
  perRound: number[];
  median: number;
  min: number;
  max: number;
  /** Bootstrap 95% interval of the median of the paired differences. */
  ci95: [number, number];
  /** False when the interval includes no difference (0 µs, ratio 1) or the difference is under the noise floor. */
  significant: boolean;
}

export interface LoadResult {
  settings: {
    connections: number;
    pipelining: number;
    durationMs: number;
    warmupMs: number;
    rounds: number;
    method: string;
    path: string;
    host: string;
    model: "closed" | "open";
    /** Open model: the arrival rate used (req/s) and where it came from. */
    rate: number | null;
    rateSource: "scenario" | "auto" | null;
    /** Bytes of each request's body, when the load sent one. */
    bodyBytes?: number;
  };
  /** Order the deployments ran in (their names), per round. */
  order: string[][];
  deployments: DeploymentLoad[];
  /** Each deployment other than the overhead reference (edge) against it, paired round by round. */
  overheads: DeploymentOverhead[];
  /** Each proxied deployment other than the proxy reference against it (empty without a proxy reference). */
  ratios: ReferenceRatio[];
}

export interface DeploymentOverhead {
  deployment: string;
  /** The deployment it is paired with: `edge`. */
  reference: string;
  /** p50, p90, p99, p99.9 differences (µs) and the req/s ratio. */
  figures: Overhead[];
}

export interface ReferenceRatio {
  deployment: string;
  /** The reference proxy deployment (`proxied/nginx` by default). */
  reference: string;
  /** Deployment's req/s over the reference's, per round. */
  rps: Overhead;
  /** The p50 the deployment adds over edge, over the p50 the reference adds, per round. */
  addedP50: Overhead;
}

/** From the app's record (echo contract); "unknown" when there was no record to ask and no answer of the app's own. */
export type AnsweredBy = "app" | "proxy" | "none" | "unknown";

export interface ObservedResponse {
  status: number;
  answeredBy: AnsweredBy;
  /** The app's record of this request (echo contract): the status it answered and the Host field it received. */
  appReceived?: { status: number; host: string | null };
  /** What the app believed, when the answer came from the app with its JSON. */
  app?: {
    host: string;
    scheme: string;
    remoteIp: string | null;
    headerHost: string | undefined;
    endpoint?: string | null;
  };
  /** `exposed`: an internal endpoint answered (see ResponseExpectation.hiddenEndpoint). */
  outcome: Outcome | "other" | "exposed";
}

export interface ProbeResult {
  probe: string;
  title: string;
  category: ProbeCategory;
  reference: string;
  /** The deployment's name, or "external" for a target given by URL. */
  deployment: string;
  /** "entry": the deployment's public entry; "bypass": straight to the app behind the proxy. */
  via: "entry" | "bypass";
  expected: ResponseExpectation[];
  observed: ObservedResponse[];
  closedByServer: boolean;
  timedOut: boolean;
  error?: string;
  elapsedMs: number;
  pass: boolean;
  /** Why it failed (empty when it passed). */
  explanation: string;
  /** The configuration fact that explains the failure, when edgebench knows it (see `RunResult.causes`). */
  cause?: CauseId;
  /** What a timed probe saw, pass or fail (slow-headers: how long slow connections were held, or when they were cut). */
  observation?: string;
  /** An HTTP/2 probe: what each stream got and whether the connection was sent away. */
  h2?: H2ProbeAnswer;
}

/** What an HTTP/2 probe's streams got: a status, or the RST_STREAM error code; and the GOAWAY's code. */
export interface H2ProbeAnswer {
  streams: Array<{ status: number | null; reset: string | null }>;
  goaway: string | null;
  /** The protocol ALPN settled on over TLS (null on cleartext). */
  alpn: string | null;
}

export interface ProbesResult {
  /** "app": graded on what the app believed (edgebench's app answers with it); "wire": only the answers were seen. */
  view: "app" | "wire";
  results: ProbeResult[];
  passed: number;
  failed: number;
  /** Probes the policy gave nothing to test. */
  skipped: string[];
}

export interface Verdict {
  passed: boolean;
  /** One line per failure. */
  failures: string[];
}

export interface RunResult {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: "edgebench"; version: string };
  startedAt: string;
  finishedAt: string;
  /** Stopped by Ctrl-C or a signal: what was measured until then. */
  interrupted: boolean;
  scenario: {
    name: string;
    file: string | null;
    description: string;
    topologies: ProbeTargetKind[];
    policyHosts: string[];
    /** Which rules applied where the RFCs leave a choice. */
    policyProfile: "aspnetcore" | "strict";
    knobs: PolicyKnobs;
    /** The engine of the first proxied deployment (the scenario's own unless --engine chose): see `deployments`. */
    proxyEngine: string;
    /** Set when an app ran on the real ASP.NET Core app rather than the simulation: which, and its SDK. */
    appRuntime?: string;
    /** Where TLS was: off, terminated (edge app or proxy), or re-encrypted to the app too. */
    tls?: "off" | "terminate" | "reencrypt";
    /** Shaped hops, when the scenario had any (latency in ms, bandwidth in Mbit/s). */
    hops?: { client: HopShape | null; app: HopShape | null };
    /** The work each app did per request, for apps that did any (service time, answer size, streaming). */
    appWork?: Array<{ app: string; work: AppWork }>;
  };
  environment: { node: string; platform: string; arch: string; cpus: number; cpuModel: string };
  /** What the run measured, in plan order; all shared one warm-up and one set of shuffled rounds. */
  deployments: Deployment[];
  /** The proxy deployment throughput and added p50 are given as ratios to, or null (fewer than two proxies). */
  referenceProxy: string | null;
  /** What the run changed or doubts about itself (a capped connection count, say). */
  warnings: string[];
  load: LoadResult | null;
  probes: ProbesResult | null;
  /**
   * The failed probes grouped by the configuration fact that explains them, the change that removes the most
   * failures first, each with the exact change per target (scenario fields, appsettings.json, Program.cs, engines).
   */
  causes?: Cause[];
  /** The scenario's and the command line's thresholds, each with what was measured. */
  thresholds: ThresholdResult[];
  verdict: Verdict;
}

/** A result as assembled by a run, a probe of a target, an import or a merge: everything but the judgement. */
export type MeasuredRun = Omit<RunResult, "thresholds" | "verdict">;
