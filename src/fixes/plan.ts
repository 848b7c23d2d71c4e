/**
 * The exact change per cause, in the user's own terms: scenario fields (the builtin proxy and the simulated app),
 * appsettings.json (a diff of the file the scenario names, or the JSON to add), Program.cs lines where configuration
 * cannot say it, and the lines each engine's configuration gains (a diff of what edgebench itself writes for it).
 */
import { readFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { parse } from "yaml";
import { parseJsonWithComments } from "../policy/appsettings.js";
import { ENGINE_DRIVERS } from "../engines/start-engine.js";
import type { EngineSpec, ExternalEngineName } from "../engines/types.js";
import { groupCauses, type Cause, type CauseChange, type CauseId } from "../results/causes.js";
import type { ProbeResult } from "../results/types.js";
import type { Scenario } from "../scenario/types.js";
import { proxyBehaviour } from "../topology/engine-proxy.js";
import { PROXY_SOURCE_ADDRESS } from "../topology/source-address.js";
import { setTopLevelString } from "./appsettings-edit.js";
import { unifiedDiff } from "./unified-diff.js";

/** What the scenario file says about the app the probes went to, beyond the resolved scenario. */
export interface ScenarioSource {
  /** The probed app's place in `apps`. */
  appIndex: number;
  /** The appsettings file that app names, with its text. */
  appsettings: { path: string; text: string } | null;
  /** The scenario sets that app's allowedHosts itself (which overrides its appsettings). */
  allowedHostsInScenario: boolean;
}

/** Reads the scenario file (when there is one) for the probed app's appsettings file and own fields. */
export async function readScenarioSource(scenario: Scenario, appIndex: number): Promise<ScenarioSource> {
  if (!scenario.file) return { appIndex, appsettings: null, allowedHostsInScenario: true };
  const raw = parse(await readFile(scenario.file, "utf8")) as {
    apps?: Array<{ appsettings?: string; allowedHosts?: unknown }>;
  };
  const app = raw.apps?.[appIndex];
  const path = app?.appsettings ? resolve(dirname(scenario.file), app.appsettings) : null;
  return {
    appIndex,
    appsettings: path ? { path, text: await readFile(path, "utf8") } : null,
    allowedHostsInScenario: app?.allowedHosts !== undefined,
  };
}

/** The address the app sees its proxy connect from (Caddy cannot choose one, so it comes from 127.0.0.1). */
function proxyAddress(scenario: Scenario): string {
  const driver = scenario.proxy.engine === "builtin" ? null : ENGINE_DRIVERS[scenario.proxy.engine];
  return driver && !driver.bindsSourceAddress ? "127.0.0.1" : PROXY_SOURCE_ADDRESS;
}

/** Each engine's configuration as edgebench writes it for this scenario, before and after `patch`, as a diff. */
function engineDiffs(scenario: Scenario, patch: Partial<EngineSpec>): CauseChange["engines"] {
  const spec: EngineSpec = {
    listen: { host: "127.0.0.1", port: 8080 },
    routes: scenario.apps.map((app, i) => ({
      hosts: app.allowedHosts,
      upstreams: [{ host: "127.0.0.1", port: 5000 + i }],
    })),
    ...proxyBehaviour(scenario),
    profile: scenario.proxy.profile,
    wildcardDepth: scenario.policy.knobs.wildcardDepth,
    tls: null,
    sourceAddress: PROXY_SOURCE_ADDRESS,
    dir: "/etc/edgebench",
  };
  const diffs: CauseChange["engines"] = {};
  for (const name of Object.keys(ENGINE_DRIVERS) as ExternalEngineName[]) {
    const before = ENGINE_DRIVERS[name].configure(spec);
    diffs[name] = unifiedDiff(before.text, ENGINE_DRIVERS[name].configure({ ...spec, ...patch }).text, before.file);
  }
  return diffs;
}

const NO_CHANGE: CauseChange = { scenario: [], appsettings: null, programCs: [], engines: {} };

function allowedHostsChange(scenario: Scenario, source: ScenarioSource): CauseChange {
  const hosts = scenario.policy.hosts.join(";");
  const settings = source.appsettings;
  if (settings && !source.allowedHostsInScenario) {
    const name = basename(settings.path);
    const diff = unifiedDiff(settings.text, setTopLevelString(settings.text, "AllowedHosts", hosts), name);
    return { ...NO_CHANGE, appsettings: { file: settings.path, add: { AllowedHosts: hosts }, diff } };
  }
  return {
    ...NO_CHANGE,
    scenario: [{ path: ["apps", source.appIndex, "allowedHosts"], value: hosts }],
    appsettings: { file: null, add: { AllowedHosts: hosts }, diff: null },
  };
}

/** An engine on its typical (documented) configuration is moved to edgebench's hardened one, which the fields need. */
function hardenedProfile(scenario: Scenario): { fields: CauseChange["scenario"]; patch: Partial<EngineSpec> } {
  const typical = scenario.proxy.engine !== "builtin" && scenario.proxy.profile === "typical";
  return typical
    ? { fields: [{ path: ["proxy", "profile"], value: "hardened" }], patch: { profile: "hardened" } }
    : { fields: [], patch: {} };
}

/** The first hop drops what clients send; appending to a client's X-Forwarded-For keeps its forged entries too. */
function stripChange(scenario: Scenario): CauseChange {
  const replace = scenario.proxy.forwardedFor === "append";
  const hardened = hardenedProfile(scenario);
  return {
    ...NO_CHANGE,
    scenario: [
      ...hardened.fields,
      { path: ["proxy", "stripClientForwarded"], value: true },
      ...(replace ? [{ path: ["proxy", "forwardedFor"], value: "replace" }] : []),
    ],
    engines: engineDiffs(scenario, {
      ...hardened.patch,
      stripClientForwarded: true,
      ...(replace ? { forwardedFor: "replace" as const } : {}),
    }),
  };
}

/** The change that removes one cause. */
export function changeFor(id: CauseId, scenario: Scenario, source: ScenarioSource): CauseChange {
  const app = ["apps", source.appIndex];
  switch (id) {
    case "app-allows-any-host":
      return allowedHostsChange(scenario, source);
    case "app-allows-empty-host":
      return {
        ...NO_CHANGE,
        scenario: [{ path: [...app, "allowEmptyHosts"], value: false }],
        // The default host builder binds only AllowedHosts from configuration.
        programCs: [
          "builder.Services.Configure<HostFilteringOptions>(options =>",
          "    options.AllowEmptyHosts = false);",
        ],
      };
    case "app-trusts-any-peer": {
      const address = proxyAddress(scenario);
      return {
        ...NO_CHANGE,
        scenario: [
          { path: [...app, "knownProxies"], value: [address] },
          { path: [...app, "knownNetworks"], value: [] },
        ],
        // KnownProxies holds IPAddress values: apps add them in code (the options' documented way).
        programCs: [
          `// trust X-Forwarded-* only from your proxy (here ${address});`,
          "// remove any KnownProxies.Clear() / KnownIPNetworks.Clear()",
          "builder.Services.Configure<ForwardedHeadersOptions>(options =>",
          `    options.KnownProxies.Add(IPAddress.Parse("${address}")));`,
        ],
      };
    }
    case "proxy-passes-client-forwarding":
      return stripChange(scenario);
    case "proxy-forwards-any-host": {
      const hardened = hardenedProfile(scenario);
      return {
        ...NO_CHANGE,
        scenario: [...hardened.fields, { path: ["proxy", "allowedHosts"], value: [...scenario.policy.hosts] }],
        engines: engineDiffs(scenario, { ...hardened.patch, allowedHosts: [...scenario.policy.hosts] }),
      };
    }
  }
}

/** Checks that the appsettings text still parses after an edit (a broken file would fail the re-run obscurely). */
export function assertParses(text: string, file: string): void {
  try {
    parseJsonWithComments(text);
  } catch (error) {
    throw new Error(`the fixed ${file} does not parse: ${(error as Error).message}`);
  }
}

/** The run's failures grouped by cause, each with its change; reads the scenario file only when a cause needs it. */
export async function findCauses(
  scenario: Scenario,
  appIndex: number,
  results: readonly ProbeResult[],
): Promise<Cause[]> {
  if (!results.some((result) => !result.pass && result.cause)) return [];
  const source = await readScenarioSource(scenario, appIndex);
  return groupCauses(results, (id) => changeFor(id, scenario, source));
}
