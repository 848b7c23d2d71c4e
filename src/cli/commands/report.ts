/** `edgebench report FILE...`: renders saved JSON results again, in any reporter; the exit code is their verdict. */
import { parseReporterSpecs } from "../../reporters/index.js";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { readSavedResults } from "../saved-results.js";
import { writeReports } from "../write-reports.js";

export async function reportCommand(files: readonly string[], options: { reporter: string; out?: string; verbose?: boolean }): Promise<ExitCode> {
  const reporters = parseReporterSpecs(options.reporter);
  const results = (await Promise.all(files.map((file) => readSavedResults(file, false)))).flat();
  const written = await writeReports(results, reporters, options.out, options.verbose);
  return written && results.every((result) => result.verdict.passed) ? EXIT.passed : EXIT.failed;
}
