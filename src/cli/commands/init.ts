/** `edgebench init [FILE]`: write a commented starter scenario (never over an existing file without --force). */
import { existsSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { starterScenario } from "../../scenario/starter.js";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { writeAtomically } from "../output.js";
import { BUNDLED_SCENARIOS } from "../scenarios.js";
import { EdgebenchError } from "../../support/errors.js";
import type { CliIo } from "../io.js";

export class InitError extends EdgebenchError {
  constructor(message: string) {
    super("ERR_INIT", message);
  }
}

export async function initCommand(
  file: string,
  options: { allowedHosts: string; forwardedHeaders?: boolean; force?: boolean },
  io: CliIo,
): Promise<ExitCode> {
  const path = resolve(file);
  if (existsSync(path) && !options.force) throw new InitError(`${file} exists; use --force to replace it`);
  const hosts = options.allowedHosts
    .split(/[,;]/)
    .map((host) => host.trim())
    .filter(Boolean);
  if (hosts.length === 0) throw new InitError("--allowed-hosts needs at least one host");
  const schema = resolve(BUNDLED_SCENARIOS, "../schema/scenario.schema.json");
  await writeAtomically(
    path,
    starterScenario({
      hosts,
      forwardedHeaders: options.forwardedHeaders ?? true,
      schemaPath: relative(dirname(path), schema),
    }),
  );
  io.stdout.write(`wrote ${file}; run it with: edgebench run ${file}\n`);
  return EXIT.passed;
}
