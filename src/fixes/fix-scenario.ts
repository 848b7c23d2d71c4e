/**
 * `edgebench fix`: probe the scenario, apply every cause's change to a copy of the user's files, probe the copy,
 * and return both runs with the fixed files. The user's files are only read here; writing is the caller's choice.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunResult } from "../results/types.js";
import { runScenario } from "../run.js";
import type { ProbeDefinition } from "../runners/probes/types.js";
import { loadScenario } from "../scenario/load.js";
import type { Scenario } from "../scenario/types.js";
import { fixedFiles, type FixedFile } from "./apply.js";

export interface FixOptions {
  /** The same adjustments for both runs (an engine chosen on the command line, say). */
  adjust?: (scenario: Scenario) => Scenario;
  catalog?: readonly ProbeDefinition[];
  signal?: AbortSignal;
}

export interface FixOutcome {
  before: RunResult;
  /** The fixed copy's run; null when nothing had a known cause (so nothing was changed). */
  after: RunResult | null;
  /** The fixed files, each in a folder of its own (`together`), for `--write DIR`. */
  files: FixedFile[];
  /** The same changes for writing over the user's files (`--in-place`): file names as the scenario has them. */
  inPlace: FixedFile[];
}

export async function fixScenario(scenarioFile: string, options: FixOptions = {}): Promise<FixOutcome> {
  const adjust = options.adjust ?? ((scenario: Scenario) => scenario);
  const run = async (scenario: Scenario): Promise<RunResult> =>
    runScenario(scenario, {
      load: false,
      probes: true,
      ...(options.catalog ? { catalog: options.catalog } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  const scenario = adjust(await loadScenario(scenarioFile));
  const before = await run(scenario);
  const causes = before.causes ?? [];
  if (causes.length === 0) return { before, after: null, files: [], inPlace: [] };
  const { engine, engineConfig } = scenario.proxy;
  const own = engine !== "builtin" && engineConfig ? { engineConfig: { engine, path: engineConfig } } : {};
  const files = await fixedFiles(scenarioFile, causes, { together: true, ...own });
  const inPlace = await fixedFiles(scenarioFile, causes, { together: false, ...own });
  const folder = await mkdtemp(join(tmpdir(), "edgebench-fix-"));
  try {
    for (const file of files) await writeFile(join(folder, file.name), file.text);
    const copy = adjust(await loadScenario(join(folder, files[0]!.name)));
    // An engine configuration given on the command line is not named by the scenario: the copy runs its fixed twin.
    const fixedEngine = engineConfig ? files.find((file) => file.original === engineConfig) : undefined;
    const after = await run(
      fixedEngine ? { ...copy, proxy: { ...copy.proxy, engineConfig: join(folder, fixedEngine.name) } } : copy,
    );
    // The copy ran from a temporary folder: the report names the user's scenario.
    return { before, after: { ...after, scenario: { ...after.scenario, file: before.scenario.file } }, files, inPlace };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
