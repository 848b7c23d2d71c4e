/** Which scenario files a command works on: those named, or the bundled default. */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const BUNDLED_SCENARIOS = fileURLToPath(new URL("../../../scenarios/", import.meta.url));

/** `scenarios/default.yaml` of the current folder if there is one, else the one shipped with edgebench. */
export function defaultScenarioPath(): string {
  const local = resolve("scenarios/default.yaml");
  return existsSync(local) ? local : resolve(BUNDLED_SCENARIOS, "default.yaml");
}

export function scenarioPaths(args: readonly string[]): string[] {
  return args.length > 0 ? [...args] : [defaultScenarioPath()];
}
