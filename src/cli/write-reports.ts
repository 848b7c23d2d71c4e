/** Renders results with each chosen reporter and writes each on its own, so one that fails does not stop the rest. */
import { appendFile } from "node:fs/promises";
import { supportsColor } from "chalk";
import { MACHINE_READABLE, REPORTERS, type ReporterSpec } from "../reporters/index.js";
import type { RunResult } from "../results/types.js";
import { emit } from "./output.js";

/** True when every reporter wrote; a failure is told on stderr. */
export async function writeReports(results: RunResult[], reporters: readonly ReporterSpec[], out: string | undefined, verbose = false): Promise<boolean> {
  let allWritten = true;
  for (const reporter of reporters) {
    const destination = reporter.path ?? out;
    const color = !destination && !MACHINE_READABLE[reporter.name] && supportsColor !== false && process.stdout.isTTY === true;
    try {
      const text = REPORTERS[reporter.name](results, { color, width: process.stdout.columns ?? 80, verbose });
      await emit(text, destination);
      if (reporter.name === "markdown" && process.env.GITHUB_STEP_SUMMARY) await appendFile(process.env.GITHUB_STEP_SUMMARY, text);
    } catch (error) {
      allWritten = false;
      process.stderr.write(`edgebench: the ${reporter.name} reporter could not write${destination ? ` ${destination}` : ""}: ${(error as Error).message}\n`);
    }
  }
  return allWritten;
}
