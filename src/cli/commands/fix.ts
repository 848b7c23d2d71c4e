/**
 * `edgebench fix SCENARIO`: the changes that remove each cause, applied to a copy and proven by probing it again;
 * `--write DIR` saves the fixed files, `--in-place` replaces the user's own (never without it).
 */
import { mkdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { supportsColor } from "chalk";
import { parseEngineList, selectEngines } from "../../engines/per-engine.js";
import { fixScenario, type FixOutcome } from "../../fixes/fix-scenario.js";
import type { FixedFile } from "../../fixes/apply.js";
import { renderFix } from "../../reporters/fix.js";
import { PROBE_CATALOG } from "../../runners/probes/catalog/index.js";
import { selectProbes } from "../../runners/probes/run-probes.js";
import { resolveKnobs } from "../../scenario/load.js";
import type { Scenario } from "../../scenario/types.js";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { writeAtomically } from "../output.js";

export interface FixCommandOptions {
  write?: string;
  inPlace?: boolean;
  force?: boolean;
  verbose?: boolean;
  engine?: string;
  engineConfig?: string;
  profile?: "aspnetcore" | "strict";
  probe?: string[];
  skipProbe?: string[];
  category?: string[];
}

/** A refusal to write (an existing file, the user's own without --in-place): a usage error. */
export class FixWriteError extends Error {
  readonly code = "ERR_FIX_WRITE";
  constructor(message: string) {
    super(message);
    this.name = "FixWriteError";
  }
}

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

/** Where each fixed file goes, refusing to replace anything unless asked to. */
async function destinations(
  outcome: FixOutcome,
  options: FixCommandOptions,
): Promise<Array<{ path: string; file: FixedFile }>> {
  if (options.inPlace) return outcome.inPlace.map((file) => ({ path: file.original, file }));
  const folder = options.write!;
  const originals = new Set(outcome.files.map((file) => file.original));
  const planned = outcome.files.map((file) => ({ path: join(folder, file.name), file }));
  for (const { path } of planned) {
    if (originals.has(resolve(path)))
      throw new FixWriteError(`${path} is your own file: use --in-place to change it, or --write another folder`);
    if (!options.force && (await exists(path)))
      throw new FixWriteError(`${path} exists: use --force to replace it, or --write another folder`);
  }
  return planned;
}

function adjuster(options: FixCommandOptions): (scenario: Scenario) => Scenario {
  return (scenario) => {
    const engines = options.engine ? parseEngineList(options.engine) : null;
    if (engines && engines.length !== 1)
      throw new FixWriteError("fix proves its changes on one engine: give --engine one name");
    const selection = selectEngines(scenario, engines, options.engineConfig ?? null);
    const engine = selection.engines[0]!;
    const own = selection.scenario.proxy;
    const chosen = { ...selection.scenario, proxy: { ...own, engine, engineConfig: engine === own.engine ? own.engineConfig : null } };
    return options.profile ? { ...chosen, policy: { ...chosen.policy, ...resolveKnobs(options.profile) } } : chosen;
  };
}

export async function fixCommand(file: string, options: FixCommandOptions): Promise<ExitCode> {
  if (options.write && options.inPlace) throw new FixWriteError("give either --write DIR or --in-place, not both");
  const catalog = selectProbes(PROBE_CATALOG, {
    only: options.probe,
    skip: options.skipProbe,
    categories: options.category,
  });
  const outcome = await fixScenario(file, { adjust: adjuster(options), catalog });
  let written: string[] | null = null;
  if (outcome.after && (options.write || options.inPlace)) {
    const planned = await destinations(outcome, options);
    if (options.write) await mkdir(options.write, { recursive: true });
    for (const { path, file: fixed } of planned) await writeAtomically(path, fixed.text);
    written = planned.map(({ path }) => path);
  }
  const color = supportsColor !== false && process.stdout.isTTY === true;
  process.stdout.write(
    renderFix(outcome, { color, width: process.stdout.columns ?? 80, verbose: options.verbose ?? false, written }),
  );
  const final = outcome.after ?? outcome.before;
  return final.verdict.passed ? EXIT.passed : EXIT.failed;
}
