/**
 * The open model's extra figures across rounds: service time and the generator's send lateness, per round and merged
 * per topology, and whether the generator rather than the deployment set the tail.
 */
import type { LatencySummary, RoundSample, DeploymentLoad } from "../../results/types.js";
import { createLatencyHistogram, summarize, type LatencyHistogram } from "./histogram.js";
import type { OpenGeneratorRun } from "./open-generator.js";
import type { LoadRun } from "./run-load.js";

/** The generator set a noticeable part of the tail when its p99 lateness is over this share of the measured p99… */
export const CALIBRATION_SHARE = 0.1;
/** …and over this many µs (below it, lateness is within what the loopback itself varies by). */
export const CALIBRATION_FLOOR_US = 100;
/** Or when more than this share of requests left late with a connection free. */
export const SCHEDULER_LATE_SHARE = 0.01;

export function openGeneratorSaturated(
  responseTime: LatencySummary,
  sendLateness: LatencySummary,
  schedulerLate: number,
  requests: number,
): boolean {
  const calibration = sendLateness.p99Us;
  const setTheTail = calibration > CALIBRATION_FLOOR_US && calibration > CALIBRATION_SHARE * responseTime.p99Us;
  return setTheTail || schedulerLate > SCHEDULER_LATE_SHARE * requests;
}

const isOpenRun = (run: LoadRun): run is OpenGeneratorRun => "latenessHistogram" in run;

type OpenRoundFields = Pick<RoundSample, "late" | "schedulerLate" | "serviceLatency" | "sendLateness">;
type OpenTopologyFields = Pick<
  DeploymentLoad,
  "serviceLatency" | "sendLateness" | "lateThresholdUs" | "generatorSaturated"
>;
interface Merged {
  service: LatencyHistogram;
  lateness: LatencyHistogram;
  lateThresholdUs: number;
}

export class OpenModelTotals {
  private readonly merged = new Map<string, Merged>();

  /** The round's open-model fields (none for a closed-model run), its histograms merged into the topology's. */
  round(topology: string, run: LoadRun): OpenRoundFields {
    if (!isOpenRun(run)) return {};
    let totals = this.merged.get(topology);
    if (!totals) {
      const lateThresholdUs = run.lateThresholdUs;
      totals = { service: createLatencyHistogram(), lateness: createLatencyHistogram(), lateThresholdUs };
      this.merged.set(topology, totals);
    }
    totals.service.add(run.serviceHistogram);
    totals.lateness.add(run.latenessHistogram);
    return {
      late: run.late,
      schedulerLate: run.schedulerLate,
      serviceLatency: summarize(run.serviceHistogram),
      sendLateness: summarize(run.latenessHistogram),
    };
  }

  /** The topology's open-model fields over all its rounds, and whether the generator was saturated. */
  topology(topology: string, latency: LatencySummary, rounds: readonly RoundSample[]): OpenTopologyFields | null {
    const totals = this.merged.get(topology);
    if (!totals) return null;
    const sendLateness = summarize(totals.lateness);
    const schedulerLate = rounds.reduce((sum, r) => sum + (r.schedulerLate ?? 0), 0);
    const requests = rounds.reduce((sum, r) => sum + r.requests, 0);
    return {
      serviceLatency: summarize(totals.service),
      sendLateness,
      lateThresholdUs: totals.lateThresholdUs,
      generatorSaturated: rounds.length > 0 && openGeneratorSaturated(latency, sendLateness, schedulerLate, requests),
    };
  }
}
