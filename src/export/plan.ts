/**
 * What an exported load script runs, engine aside: a warm-up per deployment, then rounds in which every deployment
 * runs once in an order shuffled by the seed, with a pause between phases so that each request belongs to exactly
 * one (deployment, round) even when several generators start a little apart.
 */
import type { Deployment } from "../deployments.js";
import { seededRandom, shuffled } from "../runners/load/stats.js";
import type { Scenario } from "../scenario/types.js";

/** Round 0 is the warm-up, not measured. */
export interface PlannedPhase {
  deployment: Deployment;
  round: number;
  /** Place within its round (0 = first). */
  position: number;
  startMs: number;
  durationMs: number;
}

export interface ExportPlan {
  scenario: string;
  seed: number;
  model: "closed" | "open";
  /** Open model: requests per second across all generators together. */
  rate: number | null;
  /** Closed model: virtual users; open model: the most requests in flight (pre-allocated virtual users). */
  connections: number;
  request: { method: string; path: string; host: string; body: string | null };
  /** Quiet time between phases. */
  gapMs: number;
  phases: PlannedPhase[];
  /** The whole run, gaps included. */
  totalMs: number;
}

export class ExportError extends Error {
  readonly code = "ERR_EXPORT";
  constructor(message: string) {
    super(message);
    this.name = "ExportError";
  }
}

/** A seed that stays the same for a scenario across exports (FNV-1a of its name), so its order is reproducible. */
export function scenarioSeed(name: string): number {
  let hash = 0x811c9dc5;
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash;
}

/** A phase label that names a metric: `edge.r2` (`edge.r0` is the warm-up). */
export function phaseTag(phase: Pick<PlannedPhase, "deployment" | "round">): string {
  return `${phase.deployment.name}.r${phase.round}`;
}

/** The scenario's name as a file name. */
export function fileBase(plan: Pick<ExportPlan, "scenario">): string {
  return plan.scenario.replace(/[^A-Za-z0-9_-]+/g, "-");
}

export function planExport(
  scenario: Scenario,
  deployments: readonly Deployment[],
  options: { seed?: number; gapMs?: number } = {},
): ExportPlan {
  const { load } = scenario;
  if (load.model === "open" && load.rate === null) {
    const where = scenario.file ?? scenario.name;
    throw new ExportError(`${where}: load.rate is not set; an exported open model needs a fixed rate (give --rate N)`);
  }
  const seed = options.seed ?? scenarioSeed(scenario.name);
  const gapMs = options.gapMs ?? 1000;
  const random = seededRandom(seed);
  const phases: PlannedPhase[] = [];
  let clock = 0;
  const add = (deployment: Deployment, round: number, position: number, durationMs: number): void => {
    phases.push({ deployment, round, position, startMs: clock, durationMs });
    clock += durationMs + gapMs;
  };
  if (load.warmupMs > 0) deployments.forEach((deployment, position) => add(deployment, 0, position, load.warmupMs));
  for (let round = 1; round <= load.rounds; round++) {
    shuffled(deployments, random).forEach((deployment, position) => add(deployment, round, position, load.durationMs));
  }
  return {
    scenario: scenario.name,
    seed,
    model: load.model,
    rate: load.model === "open" ? load.rate : null,
    connections: load.connections,
    request: { method: load.method, path: load.path, host: load.host, body: load.body },
    gapMs,
    phases,
    totalMs: Math.max(0, clock - gapMs),
  };
}
