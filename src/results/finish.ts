/** The one place a result is finished: its thresholds evaluated on what was measured, then its verdict. */
import { evaluateThresholds, type Threshold } from "./thresholds.js";
import type { MeasuredRun, RunResult } from "./types.js";
import { decideVerdict } from "./verdict.js";

export type { MeasuredRun } from "./types.js";

export function finishRun(measured: MeasuredRun, thresholds: readonly Threshold[]): RunResult {
  const evaluated = evaluateThresholds(thresholds, measured);
  return { ...measured, thresholds: evaluated, verdict: decideVerdict(measured.load, measured.probes, evaluated) };
}
