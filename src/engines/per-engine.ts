/**
 * `--engine nginx,haproxy,caddy,builtin` and `--engine-profile typical,hardened`: which proxy engines and generated
 * configurations a run measures (each a deployment of the plan, all in one set of rounds). An engine that is not
 * installed is left out with the command that installs it; only a scenario that itself names that engine (no
 * --engine given) fails for want of it.
 */
import { resolve } from "node:path";
import type { Scenario } from "../scenario/types.js";
import { ENGINE_DRIVERS, engineVersion } from "./start-engine.js";
import { ENGINE_NAMES, type EngineName } from "./types.js";
import { ENGINE_PROFILES, FRONTENDS } from "../scenario/schema.js";
import type { EngineProfile, Frontend } from "../scenario/types.js";
import { EdgebenchError } from "../support/errors.js";

export class EngineSelectionError extends EdgebenchError {
  constructor(message: string) {
    super("ERR_ENGINE_SELECTION", message);
  }
}

export function parseEngineList(text: string): EngineName[] {
  const names = text
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0) throw new EngineSelectionError(`--engine needs one or more of ${ENGINE_NAMES.join(", ")}`);
  for (const name of names) {
    if (!(ENGINE_NAMES as readonly string[]).includes(name))
      throw new EngineSelectionError(`unknown engine '${name}'; choose from ${ENGINE_NAMES.join(", ")}`);
  }
  return [...new Set(names)] as EngineName[];
}

export function parseProfileList(text: string): EngineProfile[] {
  const names = text
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const choices = ENGINE_PROFILES.join(", ");
  if (names.length === 0) throw new EngineSelectionError(`--engine-profile needs one or more of ${choices}`);
  for (const name of names) {
    if (!(ENGINE_PROFILES as readonly string[]).includes(name)) {
      throw new EngineSelectionError(`unknown engine profile '${name}'; choose from ${choices}`);
    }
  }
  return [...new Set(names)] as EngineProfile[];
}

/** `--frontend http1,h2`: the front-door protocols, each a deployment. */
export function parseFrontendList(text: string): Frontend[] {
  const names = text
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const choices = FRONTENDS.join(", ");
  if (names.length === 0) throw new EngineSelectionError(`--frontend needs one or more of ${choices}`);
  const unknown = names.find((name) => !(FRONTENDS as readonly string[]).includes(name));
  if (unknown) throw new EngineSelectionError(`unknown front door '${unknown}'; choose from ${choices}`);
  return [...new Set(names)] as Frontend[];
}

export interface EngineSelection {
  /** The scenario, its proxy set to the engine `--engine-config` was written for when one was given. */
  scenario: Scenario;
  /** The installed engines to measure, in the order given. */
  engines: EngineName[];
  /** One line per engine left out: what is missing and how to install it. */
  skipped: string[];
}

export function selectEngines(
  scenario: Scenario,
  engines: readonly EngineName[] | null,
  engineConfig: string | null,
): EngineSelection {
  const chosen = engines ?? [scenario.proxy.engine];
  const external = chosen.filter((name) => name !== "builtin");
  if (engineConfig && external.length !== 1) {
    throw new EngineSelectionError(
      `--engine-config is one engine's configuration: choose exactly one of ${ENGINE_NAMES.filter((n) => n !== "builtin").join(", ")} (found ${external.length ? external.join(", ") : "none"})`,
    );
  }
  const selected: EngineName[] = [];
  const skipped: string[] = [];
  for (const name of chosen) {
    if (name !== "builtin" && engineVersion(ENGINE_DRIVERS[name]) === null) {
      const line = `${name} is not installed (${ENGINE_DRIVERS[name].install})`;
      // The scenario itself asks for it: nothing it describes can run.
      if (!engines)
        throw new EngineSelectionError(`${scenario.file ?? scenario.name}: proxy.engine is ${name}, but ${line}`);
      skipped.push(`engine ${name} skipped: ${line}`);
      continue;
    }
    selected.push(name);
  }
  if (selected.length === 0) {
    throw new EngineSelectionError(`none of the engines asked for is installed: ${skipped.join("; ")}`);
  }
  const proxy = engineConfig
    ? { ...scenario.proxy, engine: external[0]!, engineConfig: resolve(engineConfig) }
    : scenario.proxy;
  return { scenario: { ...scenario, proxy }, engines: selected, skipped };
}
