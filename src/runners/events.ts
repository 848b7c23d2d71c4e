/** Progress a run reports while it works; only the UI listens (library code never prints). */
import type { TopologyKind } from "../scenario/types.js";

export type RunEvent =
  | { type: "starting"; topologies: TopologyKind[] }
  | { type: "started"; entries: Array<{ topology: TopologyKind; url: string }> }
  | { type: "warmup"; topology: TopologyKind; durationMs: number }
  | { type: "round"; round: number; rounds: number; topology: TopologyKind; durationMs: number }
  | { type: "round-done"; round: number; topology: TopologyKind; rps: number; p50Us: number }
  | { type: "probes"; count: number }
  | { type: "stopping" };

export type RunEventListener = (event: RunEvent) => void;
