/** edgebench as a library: everything the CLI does, as functions that return data. */

// The whole job.
export { runScenario, type RunOptions } from "./run.js";
export type { RunEvent, RunEventListener } from "./runners/events.js";

// Scenarios.
export { loadScenario, parseScenario, scenarioFromObject } from "./scenario/load.js";
export { ScenarioError, formatIssue, type ScenarioIssue } from "./scenario/issues.js";
export { scenarioJsonSchema } from "./scenario/json-schema.js";
export type { Scenario, AppConfig, ProxyConfig, LoadConfig, PolicyConfig, TopologyKind } from "./scenario/types.js";

// ASP.NET Core host rules (docs/kestrel-rules.md), as pure functions.
export { hostMatchesAny, HostFormatError, splitHostAndPort, hostToUriComponent, hostFromUriComponent } from "./policy/host-string.js";
export { parseAllowedHostsConfig, prepareAllowedHosts } from "./policy/allowed-hosts.js";
export { createHostFilter, INVALID_HOSTNAME_BODY, type HostFilterOptions, type HostFilterDecision } from "./policy/host-filter.js";
export {
  applyForwardedHeaders,
  createForwardedHeadersApplier,
  FORWARDED_HEADER_DEFAULTS,
  type ForwardedHeadersOptions,
  type ForwardedRequest,
  type ForwardedHeaderFlag,
} from "./policy/forwarded-headers.js";
export { isHostHeaderValid, isForwardedHostValid } from "./policy/host-syntax.js";
export { readAspNetCoreSettings, parseJsonWithComments, AppSettingsError, type AspNetCoreHostSettings } from "./policy/appsettings.js";

// External targets.
export { probeTarget, parseTargetUrl, allowedHostsFromAppSettings, TargetError, type TargetProbeOptions } from "./probe-target.js";

// Thresholds.
export { parseThreshold, evaluateThresholds, ThresholdError, THRESHOLD_METRICS, type Threshold, type ThresholdResult } from "./results/thresholds.js";

// Comparing saved runs.
export { compareRuns, asRunResult, CompareError, type Comparison, type ComparisonRow } from "./results/regression.js";
export { renderComparison } from "./reporters/comparison.js";

// Servers and topologies.
export { startApp, createAppHandler, type AppOptions, type AppAnswer, type RunningApp } from "./servers/app.js";
export { startProxy, createProxyHandler, type ProxyOptions, type ProxyRoute, type RunningProxy } from "./servers/proxy.js";
export { startTopology, startDeployments, PROXY_SOURCE_ADDRESS, type Topology, type RunningTopology } from "./topology/start.js";
export { planDeployments, referenceProxy, PlanError, type PlannedDeployment, type PlanChoices } from "./plan/deployments.js";
export { startShaper, type ShaperOptions, type RunningShaper } from "./network/shaper.js";
export { createRunCertificates, type RunCertificates } from "./tls/certificates.js";

// Child processes (engines today; every child edgebench starts).
export { startChild, ChildStartError, type ChildSpec, type RunningChild } from "./processes/child.js";
export { createRunFolder, sweepStaleFolders, type RunFolder } from "./processes/run-folder.js";
export type { Readiness } from "./processes/readiness.js";

// Real proxies.
export { startEngine, engineVersion, ENGINE_DRIVERS, EngineStartError, EngineMissingError, type RunningEngine } from "./engines/start-engine.js";
export { selectEngines, parseEngineList } from "./engines/per-engine.js";
export { fillEngineConfig, EngineConfigError } from "./engines/user-config.js";
export { ENGINE_NAMES, type EngineName, type EngineSpec, type EngineDriver } from "./engines/types.js";

// Runners.
export { runLoad, type LoadRunSettings, type LoadRun } from "./runners/load/run-load.js";
export { runRounds } from "./runners/load/rounds.js";
export { runProbes, probeNames, selectProbes, ProbeSelectionError, type ProbeTarget } from "./runners/probes/run-probes.js";
export { PROBE_CATALOG } from "./runners/probes/catalog/index.js";
export { grade } from "./runners/probes/oracle.js";
export { sendRaw, type RawExchange } from "./runners/probes/raw-request.js";
export { ASPNETCORE_KNOBS, STRICT_KNOBS } from "./runners/probes/types.js";
export type { ProbeDefinition, ResponseExpectation, Outcome, ProbeCategory, PolicyKnobs } from "./runners/probes/types.js";

// Results and reports.
export {
  SCHEMA_VERSION,
  type RunResult,
  type Deployment as MeasuredDeployment,
  type DeploymentLoad,
  type DeploymentOverhead,
  type ReferenceRatio,
  type LoadResult,
  type ProbesResult,
  type ProbeResult,
  type Overhead,
  type Verdict,
} from "./results/types.js";
export { computeOverhead, computeOverheads, computeRatios } from "./results/compare.js";
export { groupCauses, CAUSE_IDS, CAUSE_FACTS, type Cause, type CauseId, type CauseChange } from "./results/causes.js";
export { fixScenario, type FixOptions, type FixOutcome } from "./fixes/fix-scenario.js";
export { renderFix } from "./reporters/fix.js";
export { decideVerdict } from "./results/verdict.js";
export { renderTerminal } from "./reporters/terminal.js";
export { renderJson } from "./reporters/json.js";
export { renderHtml } from "./reporters/html.js";
export { renderMarkdown } from "./reporters/markdown.js";
export { renderJunit } from "./reporters/junit.js";

// Beyond one machine: the scenario on Artillery or k6, their output back, results of several runners merged.
export { parseDeployment, parseDeployments, DeploymentError, type Deployment } from "./deployments.js";
export { planExport, scenarioSeed, ExportError, type ExportPlan, type PlannedPhase } from "./export/plan.js";
export { exportArtillery, type ExportedFile } from "./export/artillery.js";
export { exportK6 } from "./export/k6.js";
export { importRun, ImportError, type LoadEngine } from "./results/import/index.js";
export { loadResultFromPhases, type ImportedPhase } from "./results/import/phases.js";
export { mergeResults, MergeError, type LabelledResult } from "./results/merge.js";
