/** `edgebench merge A.json B.json …`: saved results from several runners as one result per scenario. */
import { renderJson } from "../../reporters/json.js";
import { mergeResults } from "../../results/merge.js";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { emit } from "../output.js";
import { readSavedResults } from "../saved-results.js";

export async function mergeCommand(files: readonly string[], options: { out?: string }): Promise<ExitCode> {
  const parts = [];
  for (const file of files) {
    const results = await readSavedResults(file, false);
    parts.push(...results.map((result, i) => ({ label: results.length > 1 ? `${file} [${i}]` : file, result })));
  }
  const merged = mergeResults(parts);
  await emit(renderJson(merged.length === 1 ? merged[0]! : merged), options.out);
  return merged.every((result) => result.verdict.passed) ? EXIT.passed : EXIT.failed;
}
