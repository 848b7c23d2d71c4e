/** `edgebench compare BASELINE CURRENT`: exit 1 on a regression beyond the tolerance. */
import { readFile } from "node:fs/promises";
import { supportsColor } from "chalk";
import { asRunResult, compareRuns, CompareError } from "../../results/regression.js";
import { renderComparison } from "../../reporters/comparison.js";
import { EXIT, type ExitCode } from "../exit-codes.js";

async function readRun(path: string) {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new CompareError(`${path}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`);
  }
  try {
    return asRunResult(JSON.parse(text), path);
  } catch (error) {
    if (error instanceof CompareError) throw error;
    throw new CompareError(`${path}: not JSON (${(error as Error).message})`);
  }
}

export async function compareCommand(baselinePath: string, currentPath: string, options: { reporter: string; tolerance: number }): Promise<ExitCode> {
  const comparison = compareRuns(await readRun(baselinePath), await readRun(currentPath), options.tolerance);
  if (options.reporter === "json") process.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
  else process.stdout.write(renderComparison(comparison, { color: supportsColor !== false && process.stdout.isTTY === true }));
  return comparison.regressions.length > 0 ? EXIT.failed : EXIT.passed;
}
