/** Sends the catalog to each target on fresh connections, a bounded number at a time, and grades each exchange. */
import type { ProbeResult, ProbesResult } from "../../results/types.js";

import { grade, type DeploymentHints } from "./oracle.js";
import { sendRaw } from "./raw-request.js";
import { ASPNETCORE_KNOBS, PROBE_CATEGORIES, type PolicyKnobs, type ProbeCategory, type ProbeDefinition, type ProbeNames, type ProbeRequest } from "./types.js";
import { suggest } from "../../scenario/validate.js";

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
  signal?: AbortSignal;
  onResult?: (result: ProbeResult) => void;
}

/** The names probes are built from: the policy's first exact host, its first wildcard's root, an attacker's name. */
export function probeNames(policyHosts: readonly string[], secure = false): ProbeNames {
  const wildcard = policyHosts.find((host) => host.startsWith("*.") && host.length > 2);
  const wildcardRoot = wildcard ? wildcard.slice(2) : null;
  const exact = policyHosts.find((host) => !host.includes("*"));
  return { secure, allowed: exact ?? `www.${wildcardRoot ?? "example.com"}`, wildcardRoot, evil: "evil.example" };
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

export async function runProbes(targets: readonly ProbeTarget[], catalog: readonly ProbeDefinition[], options: ProbeRunOptions): Promise<ProbesResult> {
  const knobs = options.knobs ?? ASPNETCORE_KNOBS;
  const skipped: string[] = [];
  const jobs: Array<{ probe: ProbeDefinition; built: ProbeRequest; target: ProbeTarget }> = [];
  const names = [probeNames(options.policyHosts, false), probeNames(options.policyHosts, true)] as const;
  for (const probe of catalog) {
    // Built once per kind of connection: over TLS the real scheme is https, which changes what counts as forged.
    const built = names.map((variant) => (targets.some((target) => Boolean(target.ca) === variant.secure) ? probe.build(variant, knobs) : null));
    if (built.every((request) => request === null)) {
      skipped.push(probe.id);
      continue;
    }
    for (const target of targets) {
      const request = built[target.ca ? 1 : 0];
      if ((target.via === "bypass" && !probe.bypass) || !request) continue;
      jobs.push({ probe, built: request, target });
    }
  }
  const results = await mapBounded(jobs, options.concurrency ?? 16, async ({ probe, built, target }): Promise<ProbeResult | null> => {
    if (options.signal?.aborted) return null;
    const exchange = await sendRaw(built.bytes, {
      host: target.host,
      port: target.port,
      timeoutMs: options.timeoutMs,
      expectResponses: built.expect.length,
      ...(built.then ? { then: built.then } : {}),
      ...(target.ca ? { ca: target.ca } : {}),
      ...(target.localAddress ? { localAddress: target.localAddress } : {}),
    });
    const graded = grade(
      built.expect,
      exchange.responses,
      { closedByServer: exchange.closedByServer, timedOut: exchange.timedOut, error: exchange.error, timeoutMs: options.timeoutMs },
      { policyHosts: options.policyHosts, proxyInPath: target.proxyInPath, wireOnly: options.wireOnly ?? false, ...(target.hints ? { hints: target.hints } : {}) },
    );
    const result: ProbeResult = {
      probe: probe.id,
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
      elapsedMs: Math.round(exchange.elapsedMs * 1000) / 1000,
      pass: graded.pass,
      explanation: graded.explanation,
    };
    options.onResult?.(result);
    return result;
  });
  const done = results.filter((result): result is ProbeResult => result !== null);
  const passed = done.filter((result) => result.pass).length;
  return { view: options.wireOnly ? "wire" : "app", results: done, passed, failed: done.length - passed, skipped };
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
