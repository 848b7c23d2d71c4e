/**
 * A scenario's load as a k6 script: one k6 scenario per (deployment, round), started one after another at the
 * planned offsets (`constant-arrival-rate` for the open model, `constant-vus` for the closed one), each tagged by its
 * k6 scenario name `<deployment>_r<round>`, which `edgebench import` reads back from `k6 run --out json=FILE`.
 */
import type { Threshold } from "../results/thresholds.js";
import type { ExportedFile } from "./artillery.js";
import { fileBase, type ExportPlan, type PlannedPhase } from "./plan.js";
import { splitThresholds } from "./thresholds.js";

const K6_STATISTIC: Record<string, string> = {
  p50: "med",
  p90: "p(90)",
  p99: "p(99)",
  p999: "p(99.9)",
  max: "max",
  mean: "avg",
};

/** The k6 scenario name of a phase; k6 scenario names allow letters, digits, `_` and `-`. */
export function k6ScenarioName(phase: Pick<PlannedPhase, "deployment" | "round">): string {
  return `${phase.deployment.name}_r${phase.round}`;
}

/** Every point k6 writes carries its phase's plan, so the import needs nothing else. */
function phaseTags(plan: ExportPlan, phase: PlannedPhase): Record<string, string> {
  return {
    deployment: phase.deployment.name,
    round: String(phase.round),
    position: String(phase.position),
    measured: String(phase.round > 0),
    planned_ms: String(phase.durationMs),
    connections: String(plan.connections),
    ...(plan.rate !== null ? { rate: String(plan.rate) } : {}),
  };
}

function k6Scenario(plan: ExportPlan, phase: PlannedPhase): Record<string, unknown> {
  const timing = {
    startTime: `${phase.startMs}ms`,
    duration: `${phase.durationMs}ms`,
    gracefulStop: `${plan.gapMs}ms`,
  };
  const executor =
    plan.model === "open"
      ? {
          executor: "constant-arrival-rate",
          rate: plan.rate,
          timeUnit: "1s",
          preAllocatedVUs: plan.connections,
          maxVUs: plan.connections,
        }
      : { executor: "constant-vus", vus: plan.connections };
  return { ...executor, ...timing, env: { EDGEBENCH_URL: phase.deployment.url }, tags: phaseTags(plan, phase) };
}

function k6Thresholds(
  plan: ExportPlan,
  thresholds: readonly Threshold[],
): { map: Record<string, string[]>; notes: string[] } {
  const names = [...new Set(plan.phases.map((p) => p.deployment.name))];
  const { expressible, notes } = splitThresholds(thresholds, names);
  const map: Record<string, string[]> = {};
  for (const t of expressible) {
    const key = `http_req_duration{deployment:${t.deployment},measured:true}`;
    (map[key] ??= []).push(`${K6_STATISTIC[t.statistic]}${t.threshold.operator}${t.valueMs}`);
  }
  return { map, notes };
}

export function k6Script(plan: ExportPlan, thresholds: readonly Threshold[]): { text: string; notes: string[] } {
  const { map, notes } = k6Thresholds(plan, thresholds);
  const options = {
    discardResponseBodies: true,
    summaryTrendStats: ["avg", "min", "med", "max", "p(90)", "p(99)", "p(99.9)", "count"],
    scenarios: Object.fromEntries(plan.phases.map((phase) => [k6ScenarioName(phase), k6Scenario(plan, phase)])),
    ...(Object.keys(map).length > 0 ? { thresholds: map } : {}),
  };
  const header = [
    `Exported by edgebench from scenario '${plan.scenario}' (seed ${plan.seed}): ${plan.model} model,`,
    plan.model === "open"
      ? `${plan.rate} req/s per generator, keep-alive connections reused by k6's VUs.`
      : `${plan.connections} VUs.`,
    "Run: k6 run --out json=points.json THIS_FILE; then: edgebench import points.json",
    "(Not run by edgebench's own tests: k6 was not installable there; the script is checked as JavaScript.)",
    ...notes,
  ];
  const text = `${header.map((line) => `// ${line}`).join("\n")}
import http from "k6/http";

const REQUEST = ${JSON.stringify(plan.request)};

export const options = ${JSON.stringify(options, null, 2)};

export default function () {
  http.request(REQUEST.method, __ENV.EDGEBENCH_URL + REQUEST.path, REQUEST.body, { headers: { Host: REQUEST.host } });
}
`;
  return { text, notes };
}

export function exportK6(
  plan: ExportPlan,
  thresholds: readonly Threshold[],
): { files: ExportedFile[]; notes: string[] } {
  const script = k6Script(plan, thresholds);
  return { files: [{ name: `${fileBase(plan)}.k6.js`, text: script.text }], notes: script.notes };
}
