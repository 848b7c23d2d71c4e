/** Sends the catalog to each target on fresh connections, a bounded number at a time, and grades each exchange. */
import { splitExposedPaths } from "../../policy/exposed-paths.js";
import type { ProbeResult, ProbesResult } from "../../results/types.js";

import { grade, type DeploymentHints } from "./oracle.js";
import { sendRaw } from "./raw-request.js";
import { sendH2Probe } from "./send-probe.js";
import { describeUnparsed } from "./raw-response.js";
import { describeSlow, sendSlowly, type SlowConnection, type SlowSend } from "./slow-send.js";
import { ASPNETCORE_KNOBS, PROBE_CATEGORIES, type PolicyKnobs, type ProbeCategory, type ProbeDefinition, type ProbeNames, type ProbeRequest } from "./types.js";
import { suggest } from "../../scenario/validate.js";
import { parseRecord, tagRequests, type AppRecordEntry } from "../../http1/echo-contract.js";
import { readFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";

/** What is kept of one probe's answers: an endless answer is cut here and graded as such, not held in memory. */
const MAX_ANSWER_BYTES = 1024 * 1024;

export interface ProbeTarget {
  /** What edgebench knows of this deployment's configuration, for explanations. */
  hints?: DeploymentHints;
  /** The deployment's name, or "external" for a target given by URL. */
  deployment: string;
  via: "entry" | "bypass";
  host: string;
  port: number;
  proxyInPath: boolean;
  /** The CA to trust when the target speaks TLS. */
  ca?: string;
  /** Source address to connect from. */
  localAddress?: string;
  /** The record file its apps keep under the echo contract; absent: no record to ask ("answered by" unknown). */
  appRecord?: string;
  /** The protocols it speaks (default http1): HTTP/1 probes go where http1 is spoken, HTTP/2 probes where h2 is. */
  frontDoor?: "http1" | "h2" | "both";
}

/** Whether a target speaks the protocol a probe was built for. */
function speaks(target: ProbeTarget, request: ProbeRequest): boolean {
  const frontDoor = target.frontDoor ?? "http1";
  return request.protocol === "h2" ? frontDoor !== "http1" : frontDoor !== "h2";
}

export interface ProbeRunOptions {
  policyHosts: readonly string[];
  /** Which rule applies where the RFCs leave a choice (default: ASP.NET Core's behaviour). */
  knobs?: Readonly<PolicyKnobs>;
  timeoutMs: number;
  /** Exchanges in flight at once. */
  concurrency?: number;
  /** Only the answers can be seen (an external target): no grading on what the app believed. */
  wireOnly?: boolean;
  /** What the surface probes aim at; without internal paths they are skipped. */
  surface?: SurfaceOptions;
  signal?: AbortSignal;
  onResult?: (result: ProbeResult) => void;
  /** The slow-headers probe's connections, pace and hold time (default 4 connections, a byte every 250 ms, 2 s). */
  slowHeaders?: SlowSend;
}

const DEFAULT_SLOW_HEADERS: SlowSend = { connections: 4, intervalMs: 250, holdMs: 2000 };

/** Starts the trickling connections; `settled` once they have had time to be held, `done` when each is over. */
function startSlow(head: Buffer, slow: SlowSend, target: ProbeTarget, signal?: AbortSignal): { settled: Promise<void>; done: Promise<SlowConnection[]> } {
  const done = sendSlowly(head, slow, target, signal);
  const settled = new Promise<void>((resolve) => setTimeout(resolve, Math.min(500, slow.holdMs / 2)));
  return { settled, done };
}

/** The slow connections' part of a verdict: a trickled head answered as if complete fails; what was seen is noted. */
function slowVerdict(result: ProbeResult, connections: SlowConnection[], slow: SlowSend): Pick<ProbeResult, "pass" | "explanation" | "observation"> {
  const observation = describeSlow(connections, slow);
  const answered = connections.filter((connection) => connection.status !== null && connection.status < 400);
  if (answered.length === 0) return { pass: result.pass, explanation: result.explanation, observation };
  const problem = `${answered.length} slow connection(s) got ${answered[0]!.status} to a head they never finished`;
  return { pass: false, explanation: [result.explanation, problem].filter(Boolean).join("; "), observation };
}

export interface SurfaceOptions {
  /** The probed app's internal endpoints. */
  internalPaths: readonly string[];
  /** The proxy's published prefixes, or null: every path. */
  exposedPaths: readonly string[] | null;
  /** An internal endpoint reached at the edge: reported as exposed, or a failure. */
  atEdge: "exposed" | "hidden";
}

/** The names probes are built from: the policy's first exact host, its first wildcard's root, an attacker's name. */
export function probeNames(policyHosts: readonly string[], secure = false, surface?: SurfaceOptions): ProbeNames {
  const wildcard = policyHosts.find((host) => host.startsWith("*.") && host.length > 2);
  const wildcardRoot = wildcard ? wildcard.slice(2) : null;
  const exact = policyHosts.find((host) => !host.includes("*"));
  const published = surface?.exposedPaths ? splitExposedPaths(surface.exposedPaths).prefixes[0] : undefined;
  return {
    secure,
    allowed: exact ?? `www.${wildcardRoot ?? "example.com"}`,
    wildcardRoot,
    evil: "evil.example",
    internalPath: surface?.internalPaths[0] ?? null,
    publicPath: published ?? "/public",
  };
}

async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  });
  await Promise.all(runners);
  return results;
}

interface ProbeJob {
  probe: ProbeDefinition;
  /** The probe's id, or `id:path` for a probe run once per internal path. */
  id: string;
  built: ProbeRequest;
  target: ProbeTarget;
}

/** A probe's runs: once, or once per internal path (each with the names it aims at). */
function probeVariants(probe: ProbeDefinition, surface?: SurfaceOptions): Array<{ id: string; internalPath: string | null }> {
  if (!probe.perInternalPath) return [{ id: probe.id, internalPath: surface?.internalPaths[0] ?? null }];
  return (surface?.internalPaths ?? []).map((path) => ({ id: `${probe.id}:${path}`, internalPath: path }));
}

/** Every exchange to make: each probe built for each kind of connection, sent to each target it applies to. */
function planJobs(
  targets: readonly ProbeTarget[],
  catalog: readonly ProbeDefinition[],
  options: ProbeRunOptions,
): { jobs: ProbeJob[]; skipped: string[] } {
  const knobs = options.knobs ?? ASPNETCORE_KNOBS;
  const skipped: string[] = [];
  const jobs: ProbeJob[] = [];
  const names = [false, true].map((secure) => probeNames(options.policyHosts, secure, options.surface));
  for (const probe of catalog) {
    const variants = probeVariants(probe, options.surface);
    let applicable = false;
    for (const variant of variants) {
      // Built once per kind of connection: over TLS the real scheme is https, which changes what counts as forged.
      const built = names.map((base) => {
        const wanted = targets.some((target) => Boolean(target.ca) === base.secure);
        return wanted ? probe.build({ ...base, internalPath: variant.internalPath }, knobs) : null;
      });
      if (built.some((request) => request !== null)) applicable = true;
      for (const target of targets) {
        const request = built[target.ca ? 1 : 0];
        if ((target.via === "bypass" && !probe.bypass) || !request || !speaks(target, request)) continue;
        jobs.push({ probe, id: variant.id, built: request, target });
      }
    }
    if (!applicable) skipped.push(probe.id);
  }
  return { jobs, skipped };
}

export async function runProbes(targets: readonly ProbeTarget[], catalog: readonly ProbeDefinition[], options: ProbeRunOptions): Promise<ProbesResult> {
  const { jobs, skipped } = planJobs(targets, catalog, options);
  const run = randomBytes(4).toString("hex");
  let sequence = 0;
  // Timed probes start first, so the rest of the catalog runs while they hold their connections.
  const order = [...jobs.keys()].sort((a, b) => Number(Boolean(jobs[b]!.built.slow)) - Number(Boolean(jobs[a]!.built.slow)));
  const inOrder = await mapBounded(order, options.concurrency ?? 16, async (index): Promise<ProbeResult | null> => {
    const { probe, id, built, target } = jobs[index]!;
    if (options.signal?.aborted) return null;
    const slow = built.slow ? startSlow(built.slow.head, options.slowHeaders ?? DEFAULT_SLOW_HEADERS, target, options.signal) : null;
    if (slow) await slow.settled;
    // One token per request, so the app's record tells which of them reached it.
    const tokens = built.expect.map((_, i) => `${run}-${++sequence}-${i + 1}`);
    const connection = {
      host: target.host,
      port: target.port,
      timeoutMs: options.timeoutMs,
      ...(target.ca ? { ca: target.ca } : {}),
      ...(target.localAddress ? { localAddress: target.localAddress } : {}),
    };
    // HTTP/2 frames carry no token (their bytes are the probe): the app's record is not asked for them.
    const h2 = built.protocol === "h2" ? await sendH2Probe(built, connection) : null;
    const [bytes, ...then] = h2 ? [] : tagRequests([built.bytes, ...(built.then ?? [])], tokens);
    const raw = h2
      ? null
      : await sendRaw(bytes!, { ...connection, maxReceivedBytes: MAX_ANSWER_BYTES, expectResponses: built.expect.length, ...(then.length > 0 ? { then } : {}) });
    const exchange = h2 ?? raw!;
    const graded = grade(
      built.expect,
      exchange.responses,
      {
        closedByServer: exchange.closedByServer,
        timedOut: exchange.timedOut,
        error: exchange.error,
        timeoutMs: options.timeoutMs,
        reset: exchange.reset,
        unparsed: !raw ? null : raw.truncated ? `an answer longer than ${MAX_ANSWER_BYTES} bytes, cut there` : describeUnparsed(raw.unparsed),
      },
      {
        policyHosts: options.policyHosts,
        proxyInPath: target.proxyInPath,
        wireOnly: options.wireOnly ?? false,
        internalPathsAtEdge: options.surface?.atEdge ?? "exposed",
        ...(target.hints ? { hints: target.hints } : {}),
        ...(target.appRecord && !h2 ? { appRecord: await recordedRequests(target.appRecord, tokens) } : {}),
      },
    );
    const result: ProbeResult = {
      probe: id,
      title: probe.title,
      category: probe.category,
      reference: probe.reference,
      deployment: target.deployment,
      via: target.via,
      expected: built.expect,
      observed: graded.observed,
      closedByServer: exchange.closedByServer,
      timedOut: exchange.timedOut,
      ...(exchange.error ? { error: exchange.error } : {}),
      ...(h2 ? { h2: h2.h2 } : {}),
      elapsedMs: Math.round(exchange.elapsedMs * 1000) / 1000,
      pass: graded.pass,
      explanation: graded.explanation,
      ...(graded.cause ? { cause: graded.cause } : {}),
    };
    if (slow) Object.assign(result, slowVerdict(result, await slow.done, options.slowHeaders ?? DEFAULT_SLOW_HEADERS));
    options.onResult?.(result);
    return result;
  });
  const results: Array<ProbeResult | null> = new Array(jobs.length);
  order.forEach((jobIndex, position) => (results[jobIndex] = inOrder[position]!));
  const done = results.filter((result): result is ProbeResult => result !== null);
  const passed = done.filter((result) => result.pass).length;
  return { view: options.wireOnly ? "wire" : "app", results: done, passed, failed: done.length - passed, skipped };
}

/** The app's record entry of each token, null for a request it has no entry of (a file not yet written: none). */
async function recordedRequests(file: string, tokens: readonly string[]): Promise<Array<AppRecordEntry | null>> {
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  const entries = parseRecord(text);
  return tokens.map((token) => entries.get(token) ?? null);
}

export interface ProbeSelection {
  /** Only these probe ids. */
  only?: readonly string[];
  /** Not these probe ids. */
  skip?: readonly string[];
  /** Only these categories. */
  categories?: readonly string[];
}

/** A probe id or category that does not exist, with the nearest that does. */
export class ProbeSelectionError extends Error {
  readonly code = "ERR_PROBE_SELECTION";
  constructor(kind: "probe" | "category", name: string, known: readonly string[]) {
    const hint = suggest(name, known);
    super(`unknown ${kind} '${name}'${hint ? ` (did you mean '${hint}'?)` : ""}; see edgebench list-probes`);
    this.name = "ProbeSelectionError";
  }
}

/** The catalog narrowed by ids and categories, in catalog order; unknown names are errors. */
export function selectProbes(catalog: readonly ProbeDefinition[], selection: ProbeSelection): ProbeDefinition[] {
  const ids = catalog.map((probe) => probe.id);
  for (const id of [...(selection.only ?? []), ...(selection.skip ?? [])]) {
    if (!ids.includes(id)) throw new ProbeSelectionError("probe", id, ids);
  }
  for (const category of selection.categories ?? []) {
    if (!(PROBE_CATEGORIES as readonly string[]).includes(category)) throw new ProbeSelectionError("category", category, PROBE_CATEGORIES);
  }
  return catalog.filter(
    (probe) =>
      (!selection.only?.length || selection.only.includes(probe.id)) &&
      !selection.skip?.includes(probe.id) &&
      (!selection.categories?.length || selection.categories.includes(probe.category as ProbeCategory)),
  );
}
