/** Sends the catalog to each target on fresh connections, a bounded number at a time, and grades each exchange. */
import type { ProbeResult, ProbesResult } from "../../results/types.js";
import type { TopologyKind } from "../../scenario/types.js";
import { grade } from "./oracle.js";
import { sendRaw } from "./raw-request.js";
import type { ProbeDefinition, ProbeNames } from "./types.js";

export interface ProbeTarget {
  topology: TopologyKind;
  via: "entry" | "bypass";
  host: string;
  port: number;
  proxyInPath: boolean;
}

export interface ProbeRunOptions {
  policyHosts: readonly string[];
  timeoutMs: number;
  /** Exchanges in flight at once. */
  concurrency?: number;
  signal?: AbortSignal;
  onResult?: (result: ProbeResult) => void;
}

/** The names probes are built from: the policy's first exact host, its first wildcard's root, an attacker's name. */
export function probeNames(policyHosts: readonly string[]): ProbeNames {
  const wildcard = policyHosts.find((host) => host.startsWith("*.") && host.length > 2);
  const wildcardRoot = wildcard ? wildcard.slice(2) : null;
  const exact = policyHosts.find((host) => !host.includes("*"));
  return { allowed: exact ?? `www.${wildcardRoot ?? "example.com"}`, wildcardRoot, evil: "evil.example" };
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
  const names = probeNames(options.policyHosts);
  const skipped: string[] = [];
  const jobs: Array<{ probe: ProbeDefinition; target: ProbeTarget }> = [];
  for (const probe of catalog) {
    if (probe.build(names) === null) {
      skipped.push(probe.id);
      continue;
    }
    for (const target of targets) {
      if (target.via === "bypass" && !probe.bypass) continue;
      jobs.push({ probe, target });
    }
  }
  const results = await mapBounded(jobs, options.concurrency ?? 8, async ({ probe, target }): Promise<ProbeResult | null> => {
    if (options.signal?.aborted) return null;
    const built = probe.build(names)!;
    const exchange = await sendRaw(built.bytes, {
      host: target.host,
      port: target.port,
      timeoutMs: options.timeoutMs,
      expectResponses: built.expect.length,
    });
    const graded = grade(
      built.expect,
      exchange.responses,
      { closedByServer: exchange.closedByServer, timedOut: exchange.timedOut, error: exchange.error, timeoutMs: options.timeoutMs },
      { policyHosts: options.policyHosts, proxyInPath: target.proxyInPath },
    );
    const result: ProbeResult = {
      probe: probe.id,
      title: probe.title,
      category: probe.category,
      reference: probe.reference,
      topology: target.topology,
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
  return { results: done, passed, failed: done.length - passed, skipped };
}
