/** `edgebench compare BASELINE CURRENT`: exit 1 on a regression beyond the tolerance. */
import { supportsColor } from "chalk";
import { compareRuns, CompareError } from "../../results/regression.js";
import { renderComparison } from "../../reporters/comparison.js";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { readSavedResults } from "../saved-results.js";
import type { CliIo } from "../io.js";

async function readRun(path: string) {
  const results = await readSavedResults(path, true);
  if (results.length !== 1)
    throw new CompareError(`${path}: holds ${results.length} runs; compare one scenario's runs`);
  return results[0]!;
}

export async function compareCommand(
  baselinePath: string,
  currentPath: string,
  options: { reporter: string; tolerance: number },
  io: CliIo,
): Promise<ExitCode> {
  const comparison = compareRuns(await readRun(baselinePath), await readRun(currentPath), options.tolerance);
  if (options.reporter === "json") io.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
  else io.stdout.write(renderComparison(comparison, { color: supportsColor !== false && io.stdout.isTTY === true }));
  return comparison.regressions.length > 0 ? EXIT.failed : EXIT.passed;
}
