/** Progress a run reports while it works; only the UI listens (library code never prints). */
/** `deployment`: a deployment's name (`edge`, `proxied/nginx`, …). */
export type RunEvent =
  | { type: "starting"; deployments: string[] }
  | { type: "started"; entries: Array<{ deployment: string; url: string }> }
  | { type: "warmup"; deployment: string; durationMs: number }
  | { type: "round"; round: number; rounds: number; deployment: string; durationMs: number }
  | { type: "round-done"; round: number; deployment: string; rps: number; p50Us: number }
  | { type: "probes"; count: number }
  | { type: "stopping" };

export type RunEventListener = (event: RunEvent) => void;
