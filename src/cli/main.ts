/** Entry of the edgebench binary: runs the program and turns every outcome into an exit code, without stack traces. */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CommanderError } from "commander";
import { ScenarioError } from "../scenario/issues.js";
import { EdgebenchError, isSystemError } from "../support/errors.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import { buildProgram } from "./program.js";

export async function main(argv: readonly string[]): Promise<ExitCode> {
  let code: ExitCode = EXIT.passed;
  const program = buildProgram((result) => {
    code = result;
  });
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (error) {
    return reportFailure(error);
  }
}

/** One line on stderr for what stopped the program, and the exit code it means. */
function reportFailure(error: unknown): ExitCode {
  // Help and version are successful; everything else commander refuses is a usage error (commander printed it).
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.passed : EXIT.usage;
  if (error instanceof ScenarioError) {
    process.stderr.write(`${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof EdgebenchError) {
    process.stderr.write(`edgebench: ${error.message}\n`);
    return error.exitCode;
  }
  if (isSystemError(error)) {
    process.stderr.write(`edgebench: ${error.message}${error.code ? ` (${error.code})` : ""}\n`);
    return EXIT.usage;
  }
  const stackFile = join(tmpdir(), `edgebench-bug-${process.pid}.txt`);
  const stack = error instanceof Error ? (error.stack ?? String(error)) : String(error);
  writeFileSync(stackFile, `${stack}\n`);
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`edgebench: this is a bug in edgebench (${message}); the stack is in ${stackFile}\n`);
  return EXIT.bug;
}
