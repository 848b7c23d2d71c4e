/** The one place a result is finished: its thresholds evaluated on what was measured, then its verdict. */
import { evaluateThresholds, type Threshold } from "./thresholds.js";
import type { RunResult } from "./types.js";
import { decideVerdict } from "./verdict.js";

/** A result as assembled by a run, a probe of a target, an import or a merge: everything but the judgement. */
export type MeasuredRun = Omit<RunResult, "thresholds" | "verdict">;

export function finishRun(measured: MeasuredRun, thresholds: readonly Threshold[]): RunResult {
  const evaluated = evaluateThresholds(thresholds, measured);
  return { ...measured, thresholds: evaluated, verdict: decideVerdict(measured.load, measured.probes, evaluated) };
}
