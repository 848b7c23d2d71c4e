/**
 * The open model's figures as every reporter shows them: which latency is which (response time from the planned
 * send, service time from the actual send), the generator's calibration (p99 of actual − planned send) and what
 * `late` means. Plain text cells; each reporter lays them out its own way.
 */
import type { LoadResult, DeploymentLoad } from "../results/types.js";
import { formatDuration } from "./format.js";

export const OPEN_MODEL_DEFINITIONS =
  "Open model: the latency table is response time, from each request's planned send (any wait for the generator or " +
  "a connection included, so a stall is charged to every request behind it); service time runs from the actual send. " +
  "Calibration is the generator's own p99 lateness (actual − planned send): a response-time tail near it was " +
  "set by the generator, not the deployment. Late: requests that started more than one interval after their plan.";

export const OPEN_MODEL_HEADER = [
  "",
  "service p50",
  "service p99",
  "service p99.9",
  "calibration (p99 lateness)",
  "late",
];

/** One row per deployment measured with the open-model generator, cells as in OPEN_MODEL_HEADER. */
export function openModelRows(load: LoadResult, label: (name: string) => string = (name) => name): string[][] {
  return load.deployments.filter((t) => t.serviceLatency && t.sendLateness).map((t) => openModelRow(t, label));
}

function openModelRow(t: DeploymentLoad, label: (name: string) => string): string[] {
  const service = t.serviceLatency!;
  const late = t.rounds.reduce((sum, r) => sum + (r.late ?? 0), 0);
  const requests = t.rounds.reduce((sum, r) => sum + r.requests, 0);
  return [
    label(t.deployment),
    formatDuration(service.p50Us),
    formatDuration(service.p99Us),
    formatDuration(service.p999Us),
    formatDuration(t.sendLateness!.p99Us),
    `${late} of ${requests} (> ${formatDuration(t.lateThresholdUs ?? 0)})`,
  ];
}
