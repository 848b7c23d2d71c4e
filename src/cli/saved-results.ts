/** Reading saved JSON reports (`--reporter json:FILE`): one result, or the array written for several scenarios. */
import { readFile } from "node:fs/promises";
import { asRunResult, CompareError } from "../results/regression.js";
import type { RunResult } from "../results/types.js";

export async function readSavedResults(path: string, needLoad: boolean): Promise<RunResult[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new CompareError(
      `${path}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CompareError(`${path}: not JSON (${(error as Error).message})`);
  }
  const items = Array.isArray(value) ? value : [value];
  return items.map((item, i) => asRunResult(item, items.length > 1 ? `${path} [${i}]` : path, needLoad));
}
