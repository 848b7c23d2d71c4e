/**
 * `--app-runtime simulated|kestrel`: which server answers for every app of a scenario. A scenario that needs the
 * real app where dotnet is not installed is left out with the install hint, as a missing engine is.
 */
import { DOTNET_INSTALL_HINT, dotnetVersion } from "../dotnet/build-cache.js";
import type { AppRuntime, Scenario } from "../scenario/types.js";

export function withAppRuntime(scenario: Scenario, runtime: AppRuntime | undefined): Scenario {
  return runtime ? { ...scenario, apps: scenario.apps.map((app) => ({ ...app, runtime })) } : scenario;
}

/** Null when the scenario can run here, else why not (naming the install). */
export function missingAppRuntime(scenario: Scenario): string | null {
  if (!scenario.apps.some((app) => app.runtime === "kestrel") || dotnetVersion() !== null) return null;
  const what = scenario.file ?? scenario.name;
  return `${what} skipped: app runtime kestrel needs dotnet, which is not installed (${DOTNET_INSTALL_HINT})`;
}
