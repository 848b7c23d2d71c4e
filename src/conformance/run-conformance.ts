/**
 * Differential conformance: every corpus case sent to the simulated app and to real Kestrel started with the same
 * options, answers compared, each difference either explained by the known-differences list or unexplained.
 * Returns plain data; never prints.
 */
import { startApp } from "../servers/app.js";
import { startKestrelApp } from "../apps/kestrel/driver.js";
import { dotnetVersion } from "../dotnet/build-cache.js";
import { canonical, differingFields, type Observed } from "./compare.js";
import { conformanceCorpus, type CorpusCase } from "./corpus.js";
import { KNOWN_DIFFERENCES, knownDifferenceFor, type KnownDifference } from "./known-differences.js";
import type { OptionSet } from "./option-sets.js";
import { sendCase } from "./send.js";

export interface CaseDifference {
  id: string;
  /** The request as sent (latin1 text; HTTP/2 as its header list). */
  request: string;
  simulated: Observed;
  kestrel: Observed;
  fields: string[];
  known: KnownDifference | null;
}

export interface ConformanceResult {
  dotnet: string;
  cases: number;
  requests: number;
  identical: number;
  differences: CaseDifference[];
  /** Entries of the known-differences list that matched no difference this time. */
  stale: KnownDifference[];
}

export interface ConformanceOptions {
  corpus?: readonly CorpusCase[];
  known?: readonly KnownDifference[];
  /** Cases sent at once per option set. */
  concurrency?: number;
  onSetDone?: (set: string, cases: number) => void;
}

function requestText(item: CorpusCase): string {
  if (item.h2) return `HTTP/2 ${item.h2.map(([name, value]) => `${name}: ${value}`).join(" | ")}`;
  return item.parts!.map((part) => part.toString("latin1")).join("⏎(next request on the same connection)⏎");
}

async function runSet(
  set: OptionSet,
  cases: readonly CorpusCase[],
  concurrency: number,
): Promise<Array<[CorpusCase, Observed, Observed]>> {
  const [simulated, kestrel] = await Promise.all([
    startApp({ ...set.options, name: set.name }),
    startKestrelApp({ ...set.options, name: set.name }),
  ]);
  try {
    const results: Array<[CorpusCase, Observed, Observed]> = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < cases.length) {
        const item = cases[next++]!;
        const [a, b] = await Promise.all([sendCase(item, simulated.port), sendCase(item, kestrel.port)]);
        results.push([item, a, b]);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return results;
  } finally {
    await Promise.all([simulated.close(), kestrel.close()]);
  }
}

export async function runConformance(options: ConformanceOptions = {}): Promise<ConformanceResult> {
  const corpus = options.corpus ?? conformanceCorpus();
  const known = options.known ?? KNOWN_DIFFERENCES;
  const bySet = new Map<OptionSet, CorpusCase[]>();
  for (const item of corpus) bySet.set(item.set, [...(bySet.get(item.set) ?? []), item]);
  const differences: CaseDifference[] = [];
  let identical = 0;
  for (const [set, cases] of bySet) {
    for (const [item, simulated, kestrel] of await runSet(set, cases, options.concurrency ?? 4)) {
      if (canonical(simulated) === canonical(kestrel)) identical++;
      else
        differences.push({
          id: item.id,
          request: requestText(item),
          simulated,
          kestrel,
          fields: differingFields(simulated, kestrel),
          known: knownDifferenceFor(item.id, known),
        });
    }
    options.onSetDone?.(set.name, cases.length);
  }
  const order = new Map(corpus.map((item, i) => [item.id, i]));
  differences.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  const used = new Set(differences.map((difference) => difference.known).filter(Boolean));
  return {
    dotnet: dotnetVersion() ?? "none",
    cases: corpus.length,
    requests: corpus.reduce((sum, item) => sum + (item.parts?.length ?? 1), 0),
    identical,
    differences,
    stale: known.filter((entry) => !used.has(entry)),
  };
}
