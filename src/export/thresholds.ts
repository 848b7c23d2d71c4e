/** Which of a scenario's thresholds a load engine can check itself: latency of one deployment, in milliseconds. */
import type { Threshold } from "../results/thresholds.js";

export interface EngineThreshold {
  threshold: Threshold;
  deployment: string;
  /** p50, p90, p99, p999, max or mean. */
  statistic: string;
  /** In milliseconds. */
  valueMs: number;
}

const STATISTICS = new Set(["p50", "p90", "p99", "p999", "max", "mean"]);

/** Splits thresholds into those an engine can express (a deployment's latency) and the rest, with the reason. */
export function splitThresholds(
  thresholds: readonly Threshold[],
  deployments: readonly string[],
): { expressible: EngineThreshold[]; notes: string[] } {
  const expressible: EngineThreshold[] = [];
  const notes: string[] = [];
  for (const threshold of thresholds) {
    const [scope, statistic] = threshold.metric.split(".") as [string, string];
    if (deployments.includes(scope) && STATISTICS.has(statistic) && ["<", "<="].includes(threshold.operator)) {
      expressible.push({ threshold, deployment: scope, statistic, valueMs: threshold.value / 1000 });
    } else {
      const why =
        scope === "overhead" ? "a paired overhead needs both deployments' rounds" : "the engine has no equivalent";
      notes.push(`'${threshold.expression}' is not checked by the engine (${why}): \`edgebench import\` evaluates it`);
    }
  }
  return { expressible, notes };
}
