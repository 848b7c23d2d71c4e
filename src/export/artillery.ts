/**
 * A scenario's load as an Artillery test: a YAML script and a small processor (CommonJS) that sends each virtual
 * user to the deployment of the phase it arrived in and records per-phase figures (`edgebench.<deployment>.r<round>`)
 * at microsecond resolution, which `edgebench import` reads back into paired rounds.
 */
import { stringify } from "yaml";
import type { Threshold } from "../results/thresholds.js";
import { fileBase, phaseTag, type ExportPlan, type PlannedPhase } from "./plan.js";
import { splitThresholds } from "./thresholds.js";

export interface ExportedFile {
  /** File name, relative to where the export is written. */
  name: string;
  text: string;
}

/** Closed model: every virtual user arrives within this long at the start of its phase. */
const CLOSED_ARRIVAL_MS = 100;

/** Artillery takes whole seconds as numbers and anything finer as a string with a unit ("500ms"). */
function seconds(ms: number): number | string {
  const whole = Math.round(ms);
  return whole % 1000 === 0 ? whole / 1000 : `${whole}ms`;
}

function artilleryPhases(plan: ExportPlan): Array<Record<string, unknown>> {
  const phases: Array<Record<string, unknown>> = [];
  for (const [index, phase] of plan.phases.entries()) {
    const name = `${phase.round === 0 ? "warm-up" : `round ${phase.round}`} · ${phase.deployment.name}`;
    if (plan.model === "open") {
      phases.push({ name, duration: seconds(phase.durationMs), arrivalRate: plan.rate });
    } else {
      const arrival = Math.min(CLOSED_ARRIVAL_MS, phase.durationMs);
      phases.push({ name, duration: seconds(arrival), arrivalCount: plan.connections });
      if (phase.durationMs > arrival) {
        phases.push({ name: `${name} (running)`, pause: seconds(phase.durationMs - arrival) });
      }
    }
    if (index < plan.phases.length - 1) phases.push({ name: "gap", pause: seconds(plan.gapMs) });
  }
  return phases;
}

function ensureConditions(
  thresholds: readonly Threshold[],
  plan: ExportPlan,
): { conditions: Array<{ expression: string }>; notes: string[] } {
  const names = [...new Set(plan.phases.map((p) => p.deployment.name))];
  const { expressible, notes } = splitThresholds(thresholds, names);
  const conditions = expressible.map((t) => ({
    expression: `edgebench.${t.deployment}.latency_us.${t.statistic} ${t.threshold.operator} ${t.valueMs * 1000}`,
  }));
  return { conditions, notes };
}

function requestStep(plan: ExportPlan): Record<string, unknown> {
  const { method, path, host, body } = plan.request;
  return {
    [method.toLowerCase()]: {
      url: `{{ edgebenchUrl }}${path}`,
      headers: { Host: host },
      ...(body !== null ? { body } : {}),
      beforeRequest: "edgebenchBeforeRequest",
      afterResponse: "edgebenchAfterResponse",
    },
  };
}

export function artilleryScript(
  plan: ExportPlan,
  thresholds: readonly Threshold[],
  processorName: string,
): { text: string; notes: string[] } {
  const { conditions, notes } = ensureConditions(thresholds, plan);
  const flow =
    plan.model === "open"
      ? [{ function: "edgebenchPickPhase" }, requestStep(plan)]
      : [{ function: "edgebenchPickPhase" }, { loop: [requestStep(plan)], whileTrue: "edgebenchPhaseRunning" }];
  const script = {
    config: {
      target: plan.phases[0]?.deployment.url ?? "http://127.0.0.1",
      processor: `./${processorName}`,
      phases: artilleryPhases(plan),
      // Open model: one keep-alive pool of `connections` sockets shared by every arrival; closed: one per user.
      http: { timeout: 10, ...(plan.model === "open" ? { pool: plan.connections } : {}) },
      ...(conditions.length > 0 ? { plugins: { ensure: {} }, ensure: { conditions } } : {}),
    },
    scenarios: [{ name: `edgebench ${plan.scenario}`, flow }],
  };
  const header = [
    `Exported by edgebench from scenario '${plan.scenario}' (seed ${plan.seed}): ${plan.model} model,`,
    plan.model === "open" ? `${plan.rate} req/s per generator; ` : `${plan.connections} virtual users; `,
    `phases ${plan.phases.map(phaseTag).join(", ")}.`,
    "Run: artillery run --output report.json THIS_FILE; then: edgebench import report.json",
    ...notes,
  ];
  return { text: `${header.map((line) => `# ${line}`).join("\n")}\n${stringify(script, { lineWidth: 0 })}`, notes };
}

function processorPhases(plan: ExportPlan): Array<Record<string, string | number>> {
  return plan.phases.map((phase: PlannedPhase) => ({
    tag: phaseTag(phase),
    deployment: phase.deployment.name,
    round: phase.round,
    position: phase.position,
    url: phase.deployment.url,
    start: phase.startMs,
    duration: phase.durationMs,
  }));
}

export function artilleryProcessor(plan: ExportPlan): string {
  return `// Exported by edgebench: which deployment each virtual user loads, and per-phase figures (µs).
// Each generator's workers follow the phases on their own clock: a silence longer than half the gap between phases
// (none inside a phase) starts the next phase, the one planned nearest to now counted from the last phase's actual
// start, so a busy generator that runs late stays on the right phase. Each worker needs an arrival in every phase.
"use strict";
const PLAN = ${JSON.stringify({ rate: plan.rate, connections: plan.connections, gapMs: plan.gapMs })};
const PHASES = ${JSON.stringify(processorPhases(plan), null, 2)};
let current = null;
let lastArrival = -Infinity;
const sentAt = new WeakMap();
const announced = new Set();
function nextPhase(now) {
  const from = PHASES[current.index];
  let best = Math.min(current.index + 1, PHASES.length - 1);
  const distance = (j) => Math.abs(now - (current.startedAt + PHASES[j].start - from.start));
  for (let j = best + 1; j < PHASES.length; j++) if (distance(j) < distance(best)) best = j;
  return best;
}
function phaseNow() {
  const now = Date.now();
  if (current === null) {
    current = { index: 0, startedAt: now };
  } else {
    const silent = now - lastArrival > PLAN.gapMs / 2;
    const halfway = now - current.startedAt >= PHASES[current.index].duration / 2;
    if (silent && halfway && current.index < PHASES.length - 1) current = { index: nextPhase(now), startedAt: now };
  }
  lastArrival = now;
  return { phase: PHASES[current.index], endsAt: current.startedAt + PHASES[current.index].duration };
}
function count(events, phase, name) {
  events.emit("counter", "edgebench." + phase.tag + "." + name, 1);
}
function announce(events, phase) {
  // Once per phase and worker: the plan travels in the report, so the import needs nothing else.
  if (announced.size === 0) {
    if (PLAN.rate !== null) events.emit("histogram", "edgebench.plan.rate", PLAN.rate);
    events.emit("histogram", "edgebench.plan.connections", PLAN.connections);
  }
  if (announced.has(phase.tag)) return;
  announced.add(phase.tag);
  events.emit("histogram", "edgebench." + phase.tag + ".planned_ms", phase.duration);
  events.emit("histogram", "edgebench." + phase.tag + ".position", phase.position);
}
module.exports = {
  edgebenchPickPhase(context, events, done) {
    const { phase, endsAt } = phaseNow();
    announce(events, phase);
    context.vars.edgebenchUrl = phase.url;
    context.vars.edgebenchPhase = phase;
    context.vars.edgebenchEndsAt = endsAt;
    done();
  },
  edgebenchPhaseRunning(context, done) {
    done(Date.now() < context.vars.edgebenchEndsAt);
  },
  edgebenchBeforeRequest(request, context, events, done) {
    count(events, context.vars.edgebenchPhase, "requests");
    sentAt.set(context, process.hrtime.bigint());
    done();
  },
  edgebenchAfterResponse(request, response, context, events, done) {
    const micros = Number(process.hrtime.bigint() - sentAt.get(context)) / 1000;
    const phase = context.vars.edgebenchPhase;
    count(events, phase, "responses");
    count(events, phase, response.statusCode >= 200 && response.statusCode < 300 ? "ok2xx" : "non2xx");
    events.emit("histogram", "edgebench." + phase.tag + ".latency_us", micros);
    // All measured rounds of a deployment together, for the engine's own thresholds (the warm-up left out).
    if (phase.round > 0) events.emit("histogram", "edgebench." + phase.deployment + ".latency_us", micros);
    done();
  },
};
`;
}

/** The script and its processor, named after the scenario. */
export function exportArtillery(
  plan: ExportPlan,
  thresholds: readonly Threshold[],
): { files: ExportedFile[]; notes: string[] } {
  const base = fileBase(plan);
  const processorName = `${base}.artillery-processor.cjs`;
  const script = artilleryScript(plan, thresholds, processorName);
  return {
    files: [
      { name: `${base}.artillery.yml`, text: script.text },
      { name: processorName, text: artilleryProcessor(plan) },
    ],
    notes: script.notes,
  };
}
