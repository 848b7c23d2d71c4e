/** Entry of the edgebench binary: runs the program and turns every outcome into an exit code, without stack traces. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CommanderError } from "commander";
import { ScenarioError } from "../scenario/issues.js";
import { EdgebenchError, isSystemError } from "../support/errors.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import { processIo, type CliIo } from "./io.js";
import { buildProgram } from "./program.js";

/** Runs `argv` (node, script, command, …) with the process parts in `io`; resolves with the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<ExitCode> {
  let code: ExitCode = EXIT.passed;
  const program = buildProgram((result) => {
    code = result;
  }, io);
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (error) {
    return reportFailure(error, io);
  }
}

/** One line on stderr for what stopped the program, and the exit code it means. */
function reportFailure(error: unknown, io: CliIo): ExitCode {
  // Help and version are successful; everything else commander refuses is a usage error (commander printed it).
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.passed : EXIT.usage;
  if (error instanceof ScenarioError) {
    io.stderr.write(`${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof EdgebenchError) {
    io.stderr.write(`edgebench: ${error.message}\n`);
    return error.exitCode;
  }
  if (isSystemError(error)) {
    io.stderr.write(`edgebench: ${error.message}${error.code ? ` (${error.code})` : ""}\n`);
    return EXIT.usage;
  }
  const stackFile = join(io.tmpdir, `edgebench-bug-${process.pid}-${Date.now()}.txt`);
  const stack = error instanceof Error ? (error.stack ?? String(error)) : String(error);
  writeFileSync(stackFile, `${stack}\n`);
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`edgebench: this is a bug in edgebench (${message}); the stack is in ${stackFile}\n`);
  return EXIT.bug;
}
