/** Entry of the edgebench binary: runs the program and turns every outcome into an exit code, without stack traces. */
import { CommanderError } from "commander";
import { ScenarioError } from "../scenario/issues.js";
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
    if (error instanceof CommanderError) {
      // Help and version are successful; everything else commander refuses is a usage error.
      return error.exitCode === 0 ? EXIT.passed : EXIT.usage;
    }
    if (error instanceof ScenarioError || (error instanceof Error && ["ERR_PROBE_SELECTION", "ERR_TARGET", "ERR_THRESHOLD", "ERR_REPORTER", "ERR_COMPARE", "ERR_INIT", "ERR_ENGINE_SELECTION", "ERR_ENGINE_CONFIG", "ERR_ENGINE_START", "ERR_DEPLOYMENT", "ERR_EXPORT", "ERR_IMPORT", "ERR_MERGE", "ERR_FIX_WRITE", "ERR_APP_RUNTIME", "ERR_KESTREL_START", "ERR_DOTNET_BUILD", "ERR_PLAN"].includes((error as { code?: string }).code ?? ""))) {
      process.stderr.write(`${error instanceof ScenarioError ? "" : "edgebench: "}${error.message}\n`);
      return EXIT.usage;
    }
    const failure = error as NodeJS.ErrnoException;
    process.stderr.write(`edgebench: ${failure.message}${failure.code ? ` (${failure.code})` : ""}\n`);
    return EXIT.usage;
  }
}
