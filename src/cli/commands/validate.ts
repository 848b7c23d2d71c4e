/** `edgebench validate FILE…`: check scenario files without running anything. */
import { loadScenario } from "../../scenario/load.js";
import { ScenarioError, formatIssue } from "../../scenario/issues.js";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { scenarioPaths } from "../scenarios.js";
import type { CliIo } from "../io.js";

export async function validateCommand(files: readonly string[], io: CliIo): Promise<ExitCode> {
  let invalid = 0;
  for (const path of scenarioPaths(files)) {
    try {
      const scenario = await loadScenario(path);
      io.stdout.write(
        `ok ${path}: ${scenario.name}, ${scenario.apps.length} app${scenario.apps.length === 1 ? "" : "s"}, topologies ${scenario.topologies.join(", ")}, policy ${scenario.policy.hosts.join(", ")}\n`,
      );
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      invalid++;
      for (const issue of error.issues) io.stderr.write(`${formatIssue(issue)}\n`);
    }
  }
  return invalid > 0 ? EXIT.usage : EXIT.passed;
}
