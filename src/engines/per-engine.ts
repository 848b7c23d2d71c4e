/**
 * `--engine nginx,haproxy,caddy,builtin` and `--engine-profile typical,hardened`: the same scenario once per engine
 * and profile, so they can be put side by side.
 * An engine that is not installed is left out with the command that installs it; only a scenario that itself names
 * that engine (no --engine given) fails for want of it.
 */
import { resolve } from "node:path";
import type { Scenario } from "../scenario/types.js";
import { ENGINE_DRIVERS, engineVersion } from "./start-engine.js";
import { ENGINE_NAMES, type EngineName } from "./types.js";
import { ENGINE_PROFILES } from "../scenario/schema.js";
import type { EngineProfile } from "../scenario/types.js";

export class EngineSelectionError extends Error {
  readonly code = "ERR_ENGINE_SELECTION";
  constructor(message: string) {
    super(message);
    this.name = "EngineSelectionError";
  }
}

export function parseEngineList(text: string): EngineName[] {
  const names = text.split(",").map((name) => name.trim().toLowerCase()).filter(Boolean);
  if (names.length === 0) throw new EngineSelectionError(`--engine needs one or more of ${ENGINE_NAMES.join(", ")}`);
  for (const name of names) {
    if (!(ENGINE_NAMES as readonly string[]).includes(name)) throw new EngineSelectionError(`unknown engine '${name}'; choose from ${ENGINE_NAMES.join(", ")}`);
  }
  return [...new Set(names)] as EngineName[];
}

export function parseProfileList(text: string): EngineProfile[] {
  const names = text.split(",").map((name) => name.trim().toLowerCase()).filter(Boolean);
  const choices = ENGINE_PROFILES.join(", ");
  if (names.length === 0) throw new EngineSelectionError(`--engine-profile needs one or more of ${choices}`);
  for (const name of names) {
    if (!(ENGINE_PROFILES as readonly string[]).includes(name)) {
      throw new EngineSelectionError(`unknown engine profile '${name}'; choose from ${choices}`);
    }
  }
  return [...new Set(names)] as EngineProfile[];
}

/** One proxy to put side by side with the others: an engine and, for a generated configuration, its profile. */
export interface Deployment {
  engine: EngineName;
  profile: EngineProfile;
}

/**
 * Engines × profiles, engine by engine. The builtin proxy and a user's own configuration have no profiles: they run
 * once, with the scenario's. The one place a selection becomes a list of deployments.
 */
export function deploymentsOf(
  engines: readonly EngineName[],
  profiles: readonly EngineProfile[],
  userConfig: boolean,
): Deployment[] {
  return engines.flatMap((engine) =>
    (engine === "builtin" || userConfig ? [profiles[0]!] : profiles).map((profile) => ({ engine, profile })),
  );
}

export interface PerEngine {
  scenarios: Scenario[];
  /** One line per engine left out: what is missing and how to install it. */
  skipped: string[];
}

export function scenariosPerEngine(
  scenario: Scenario,
  engines: readonly EngineName[] | null,
  engineConfig: string | null,
  profiles: readonly EngineProfile[] | null = null,
): PerEngine {
  const chosen = engines ?? [scenario.proxy.engine];
  const external = chosen.filter((name) => name !== "builtin");
  if (engineConfig && external.length !== 1) {
    throw new EngineSelectionError(`--engine-config is one engine's configuration: choose exactly one of ${ENGINE_NAMES.filter((n) => n !== "builtin").join(", ")} (found ${external.length ? external.join(", ") : "none"})`);
  }
  const scenarios: Scenario[] = [];
  const skipped: string[] = [];
  for (const name of chosen) {
    if (name !== "builtin" && engineVersion(ENGINE_DRIVERS[name]) === null) {
      const line = `${name} is not installed (${ENGINE_DRIVERS[name].install})`;
      // The scenario itself asks for it: nothing it describes can run.
      if (!engines) throw new EngineSelectionError(`${scenario.file ?? scenario.name}: proxy.engine is ${name}, but ${line}`);
      skipped.push(`engine ${name} skipped: ${line}`);
    }
  }
  const installed = chosen.filter((name) => !skipped.some((line) => line.startsWith(`engine ${name} `)));
  const userConfig = engineConfig !== null || scenario.proxy.engineConfig !== null;
  for (const { engine, profile } of deploymentsOf(installed, profiles ?? [scenario.proxy.profile], userConfig)) {
    const config = engine === "builtin" ? null : engineConfig ? resolve(engineConfig) : scenario.proxy.engineConfig;
    scenarios.push({ ...scenario, proxy: { ...scenario.proxy, engine, profile, engineConfig: config } });
  }
  return { scenarios, skipped };
}
