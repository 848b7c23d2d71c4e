/** `edgebench import FILE`: an Artillery or k6 output file as a RunResult, rendered by any reporter. */
import { readFile } from "node:fs/promises";
import { importRun, ImportError } from "../../results/import/index.js";
import { parseReporterSpecs } from "../../reporters/index.js";
import { loadScenario } from "../../scenario/load.js";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { defaultScenarioPath } from "../scenarios.js";
import { writeReports } from "../write-reports.js";

export interface ImportOptions {
  scenario?: string;
  reporter: string;
  out?: string;
}

export async function importCommand(file: string, options: ImportOptions): Promise<ExitCode> {
  const reporters = parseReporterSpecs(options.reporter);
  const scenario = await loadScenario(options.scenario ?? defaultScenarioPath());
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new ImportError(`${file}: ${error.code === "ENOENT" ? "no such file" : error.message}`);
  });
  const result = importRun(text, file, scenario);
  // The terminal report shows warnings itself; otherwise they would only be inside a file.
  if (!reporters.some((reporter) => reporter.name === "terminal" && !reporter.path && !options.out)) {
    for (const warning of result.warnings) process.stderr.write(`edgebench: warning: ${warning}\n`);
  }
  const written = await writeReports([result], reporters, options.out);
  return written && result.verdict.passed ? EXIT.passed : EXIT.failed;
}
