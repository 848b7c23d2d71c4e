/**
 * Reads a scenario file (YAML or JSON), validates it against the field table and returns a Scenario with defaults,
 * or throws a ScenarioError listing every problem with file, line, column and field.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, extname, resolve as resolvePath } from "node:path";
import { LineCounter, parseDocument, stringify } from "yaml";
import { parseIpAddress, parseIpNetwork } from "../policy/ip-address.js";
import {
  blankJsonComments,
  parseJsonWithComments,
  readAspNetCoreSettings,
  type AspNetCoreHostSettings,
} from "../policy/appsettings.js";
import type { ForwardedHeaderFlag, ForwardedHeadersOptions } from "../policy/forwarded-headers.js";
import { parseThreshold } from "./thresholds.js";
import { ScenarioError, type ScenarioIssue } from "./issues.js";
import {
  appSpec,
  DIRECTION_FIELDS,
  loadSpec,
  networkSpec,
  policySpec,
  probesSpec,
  proxySpec,
  scenarioSpec,
} from "./schema.js";
import { defaultsOf } from "./spec.js";
import { ASPNETCORE_KNOBS, STRICT_KNOBS, type PolicyKnobs } from "../policy/knobs.js";
import type {
  AppConfig,
  AppRuntime,
  Balancing,
  EngineProfile,
  Frontend,
  ProxyEngine,
  DirectionShape,
  HopShape,
  PolicyConfig,
  Scenario,
  TlsMode,
  TopologyKind,
} from "./types.js";
import {
  checkOwnApp,
  checkWork,
  FORWARDED_FIELDS,
  resolveOwnApp,
  resolveWork,
  type RawOwnApp,
} from "./own-app-fields.js";
import { addIssue, INVALID, validateNode, type Located, type ValidationContext } from "./validate.js";

/** The document as validated: only the fields given, durations in ms, host strings as lists. */
interface RawApp extends RawOwnApp {
  name: string;
  runtime?: AppRuntime;
  appsettings?: string;
  allowedHosts?: string[];
  allowEmptyHosts?: boolean;
  includeFailureMessage?: boolean;
  allowHostHeaderOverride?: boolean;
  forwardedHeaders?: string[];
  forwardLimit?: number | null;
  knownProxies?: string[];
  knownNetworks?: string[];
  forwardedAllowedHosts?: string[];
  requireHeaderSymmetry?: boolean;
  instances?: number;
  port?: number;
  internalPaths?: string[];
  requestHeadersTimeout?: number;
  minRequestBodyDataRate?: number;
}

type RawDirection = Partial<{
  latency: number;
  jitter: number;
  bandwidthMbps: number;
  resetProbability: number;
  stallProbability: number;
}>;
type RawHop = RawDirection & { toClient?: RawDirection };

interface RawScenario {
  name?: string;
  description?: string;
  apps: RawApp[];
  topologies?: TopologyKind[];
  tls?: TlsMode;
  proxy?: Partial<{
    engine: ProxyEngine;
    profile: EngineProfile;
    engineConfig: string;
    port: number;
    preserveHost: boolean;
    forwardedFor: "append" | "replace";
    forwarded: boolean;
    stripClientForwarded: boolean;
    allowedHosts: string[];
    upstreamTimeout: number;
    headerTimeout: number;
    balancing: Balancing;
    maxRequestBodyBytes: number;
    maxResponseBodyBytes: number;
    exposedPaths: string[];
    frontend: Frontend;
  }>;
  load?: Partial<{
    model: "closed" | "open";
    rate: number;
    rateFraction: number;
    connections: number;
    pipelining: number;
    streams: number;
    duration: number;
    warmup: number;
    rounds: number;
    path: string;
    method: string;
    host: string;
    body: string;
    bodySize: number;
  }>;
  policy?: {
    hosts?: string[];
    profile?: "aspnetcore" | "strict";
    knobs?: Partial<PolicyKnobs>;
    internalPathsAtEdge?: "exposed" | "hidden";
  };
  network?: { clientAddress?: string; clientHop?: RawHop; appHop?: RawHop };
  probes?: { enabled?: boolean; timeout?: number; slowHold?: number };
  thresholds?: string[];
}

/** An app's options: its appsettings file (when named) first, then the fields the scenario gives. */
function resolveApp(raw: RawApp, settings: AspNetCoreHostSettings | null, folder: string): AppConfig {
  const defaults = defaultsOf(appSpec.fields);
  const base: ForwardedHeadersOptions | null = settings?.forwardedHeaders ?? null;
  let forwarded = base;
  if (FORWARDED_FIELDS.some((field) => raw[field] !== undefined)) {
    const flags = (raw.forwardedHeaders ?? base?.forwardedHeaders ?? defaults.forwardedHeaders).filter(
      (flag) => flag !== "None",
    ) as ForwardedHeaderFlag[];
    const merged: ForwardedHeadersOptions = { ...(base ?? {}), forwardedHeaders: flags };
    if (raw.forwardLimit !== undefined) merged.forwardLimit = raw.forwardLimit;
    if (raw.knownProxies) merged.knownProxies = raw.knownProxies;
    if (raw.knownNetworks) merged.knownNetworks = raw.knownNetworks;
    if (raw.forwardedAllowedHosts) merged.allowedHosts = raw.forwardedAllowedHosts;
    if (raw.requireHeaderSymmetry !== undefined) merged.requireHeaderSymmetry = raw.requireHeaderSymmetry;
    forwarded = flags.length > 0 ? merged : null;
  }
  const allowedHosts =
    raw.allowedHosts && raw.allowedHosts.length > 0
      ? raw.allowedHosts
      : (settings?.allowedHosts ?? defaults.allowedHosts);
  return {
    name: raw.name,
    runtime: raw.runtime ?? defaults.runtime,
    allowedHosts,
    allowEmptyHosts: raw.allowEmptyHosts ?? defaults.allowEmptyHosts,
    includeFailureMessage: raw.includeFailureMessage ?? defaults.includeFailureMessage,
    allowHostHeaderOverride: raw.allowHostHeaderOverride ?? defaults.allowHostHeaderOverride,
    forwardedHeaders: forwarded,
    instances: raw.instances ?? defaults.instances,
    port: raw.port ?? null,
    internalPaths: raw.internalPaths ?? defaults.internalPaths,
    work: resolveWork(raw.work),
    own: resolveOwnApp(raw, folder),
    requestHeadersTimeoutMs: raw.requestHeadersTimeout ?? defaults.requestHeadersTimeout,
    minRequestBodyDataRate: raw.minRequestBodyDataRate ?? defaults.minRequestBodyDataRate,
  };
}

/** A direction's shape; what it does not give is `base`'s (toward the client: the toward-server shape). */
function resolveDirection(raw: RawDirection, base?: DirectionShape): DirectionShape {
  const defaults = defaultsOf(DIRECTION_FIELDS);
  return {
    latencyMs: raw.latency ?? base?.latencyMs ?? defaults.latency,
    jitterMs: raw.jitter ?? base?.jitterMs ?? defaults.jitter,
    bandwidthMbps: raw.bandwidthMbps ?? base?.bandwidthMbps ?? null,
    resetProbability: raw.resetProbability ?? base?.resetProbability ?? defaults.resetProbability,
    stallProbability: raw.stallProbability ?? base?.stallProbability ?? defaults.stallProbability,
  };
}

/** A hop's shape; toClient starts from the toward-server settings and overrides what it names. */
function resolveHop(raw: RawHop | undefined): HopShape | null {
  if (!raw) return null;
  const toServer = resolveDirection(raw);
  return { toServer, toClient: raw.toClient ? resolveDirection(raw.toClient, toServer) : toServer };
}

/** Reads each app's appsettings file; a problem is recorded at the field that names the file. */
function readAppSettingsFiles(
  raw: RawScenario,
  file: string,
  context: ValidationContext,
): Array<AspNetCoreHostSettings | null> {
  return raw.apps.map((app, i) => {
    if (app.appsettings === undefined) return null;
    const path = `apps[${i}].appsettings`;
    const where = context.positions.get(path) ?? { line: 1, column: 1 };
    const target = resolvePath(dirname(file), app.appsettings);
    try {
      return readAspNetCoreSettings(parseJsonWithComments(readFileSync(target, "utf8")));
    } catch (error) {
      const reason =
        (error as NodeJS.ErrnoException).code === "ENOENT"
          ? `no such file: ${target}`
          : `cannot use ${target}: ${(error as Error).message}`;
      addIssue(context, where, path, reason);
      return null;
    }
  });
}

/** Checks that need more than one field's type, recorded at the field they concern. */
/** internalPaths and exposedPaths are plain absolute paths: what they mean must not depend on who decodes them. */
function checkPaths(raw: RawScenario, context: ValidationContext, at: (path: string) => Located): void {
  const check = (text: string, path: string, prefixAllowed: boolean): void => {
    const bare = prefixAllowed && text.endsWith("/*") ? text.slice(0, -1) : text;
    const plain =
      /^\/[A-Za-z0-9\-._~!$&'()+,;=:@/]*$/.test(bare) && !bare.slice(1).includes("//") && !/\/\.\.?(\/|$)/.test(bare);
    const shape = prefixAllowed ? "/about, or /api/* for a prefix" : "/admin";
    const rules = "starting with /, no %, ?, #, *, //, dot segments or spaces";
    if (!plain) addIssue(context, at(path), path, `expected a path such as ${shape} (${rules}), found "${text}"`);
  };
  raw.apps.forEach((app, i) => {
    app.internalPaths?.forEach((text, j) => check(text, `apps[${i}].internalPaths[${j}]`, false));
  });
  raw.proxy?.exposedPaths?.forEach((text, j) => check(text, `proxy.exposedPaths[${j}]`, true));
}

function checkMeaning(raw: RawScenario, context: ValidationContext): void {
  const at = (path: string): Located => context.positions.get(path) ?? { line: 1, column: 1 };
  const names = new Set<string>();
  raw.apps.forEach((app, i) => {
    if (app.work) checkWork(app.work, `apps[${i}].work`, context, at);
    checkOwnApp(app, `apps[${i}]`, context, at);
    if ((app.command !== undefined || app.url !== undefined) && raw.tls !== undefined && raw.tls !== "off") {
      addIssue(
        context,
        at("tls"),
        "tls",
        `tls ${raw.tls} needs the simulated app (it is given the run's certificate); apps[${i}] is your own app`,
      );
    }
    if (names.has(app.name))
      addIssue(
        context,
        at(`apps[${i}].name`),
        `apps[${i}].name`,
        `expected a unique app name, found "${app.name}" twice`,
      );
    names.add(app.name);
    app.knownProxies?.forEach((text, j) => {
      const path = `apps[${i}].knownProxies[${j}]`;
      if (!parseIpAddress(text))
        addIssue(context, at(path), path, `expected an IP address such as 10.0.0.1 or ::1, found "${text}"`);
    });
    app.knownNetworks?.forEach((text, j) => {
      const path = `apps[${i}].knownNetworks[${j}]`;
      if (!text.includes("/") || !parseIpNetwork(text))
        addIssue(context, at(path), path, `expected a CIDR network such as 10.0.0.0/8, found "${text}"`);
    });
  });
  raw.thresholds?.forEach((expression, i) => {
    const path = `thresholds[${i}]`;
    try {
      parseThreshold(expression);
    } catch (error) {
      addIssue(context, at(path), path, (error as Error).message.replace(/^threshold '.*?': /, ""));
    }
  });
  // One port, one listener: at the edge nothing in front of the apps could route by Host.
  const ports = new Map<number, string>();
  raw.apps.forEach((app, i) => {
    if (app.port === undefined) return;
    const other = ports.get(app.port);
    if (other) {
      addIssue(
        context,
        at(`apps[${i}].port`),
        `apps[${i}].port`,
        `port ${app.port} is also ${other}'s: at the edge each app must listen on a port of its own, because only one process can bind a port and nothing in front of the apps can route by Host. To serve several apps on one port, put them behind the proxy (topology proxied) and give proxy.port instead; the proxy routes by Host`,
      );
    } else ports.set(app.port, `apps[${i}] (${app.name})`);
  });
  const proxyPort = raw.proxy?.port;
  if (proxyPort !== undefined && ports.has(proxyPort)) {
    addIssue(
      context,
      at("proxy.port"),
      "proxy.port",
      `port ${proxyPort} is also ${ports.get(proxyPort)}'s at the edge; both topologies run at once, so each needs its own port`,
    );
  }
  checkPaths(raw, context, at);
  if (raw.load?.body !== undefined && raw.load.bodySize !== undefined) {
    addIssue(context, at("load.bodySize"), "load.bodySize", "give either load.body or load.bodySize, not both");
  }
  const clientAddress = raw.network?.clientAddress;
  if (clientAddress !== undefined && !parseIpAddress(clientAddress)) {
    addIssue(
      context,
      at("network.clientAddress"),
      "network.clientAddress",
      `expected an IP address, found "${clientAddress}"`,
    );
  }
}

/** The profile's knobs with the scenario's overrides. */
export function resolveKnobs(
  profile: "aspnetcore" | "strict" = defaultsOf(policySpec.fields).profile,
  overrides: Partial<PolicyKnobs> = {},
): Pick<PolicyConfig, "profile" | "knobs"> {
  return { profile, knobs: { ...(profile === "strict" ? STRICT_KNOBS : ASPNETCORE_KNOBS), ...overrides } };
}

function policyHosts(raw: RawScenario, apps: readonly AppConfig[]): string[] {
  if (raw.policy?.hosts && raw.policy.hosts.length > 0) return raw.policy.hosts;
  const hosts = apps.flatMap((app) => app.allowedHosts).filter((host) => host !== "*");
  return [...new Set(hosts)];
}

/** The named fields of an object, in the order named (a Scenario keeps its fields in a stable order). */
function pick<T, K extends keyof T>(from: T, ...keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, from[key]])) as Pick<T, K>;
}

function resolveProxy(raw: RawScenario["proxy"] = {}, file: string): Scenario["proxy"] {
  const proxy = { ...defaultsOf(proxySpec.fields), ...raw };
  return {
    ...pick(proxy, "engine", "profile", "frontend"),
    engineConfig: raw.engineConfig !== undefined ? resolvePath(dirname(file), raw.engineConfig) : null,
    ...pick(proxy, "preserveHost", "forwardedFor", "stripClientForwarded"),
    allowedHosts: raw.allowedHosts ?? null,
    upstreamTimeoutMs: proxy.upstreamTimeout,
    headerTimeoutMs: proxy.headerTimeout,
    ...pick(proxy, "balancing", "forwarded", "maxRequestBodyBytes", "maxResponseBodyBytes"),
    port: raw.port ?? null,
    exposedPaths: raw.exposedPaths ?? null,
  };
}

/** The load; its Host is the policy's first exact host unless given (a wildcard's `www.` form as a last resort). */
function resolveLoad(raw: RawScenario["load"] = {}, hosts: readonly string[]): Scenario["load"] {
  const load = { ...defaultsOf(loadSpec.fields), ...raw };
  const host = raw.host ?? hosts.find((host) => !host.includes("*")) ?? hosts[0]?.replace(/^\*\./, "www.");
  return {
    model: raw.model ?? (raw.rate !== undefined ? "open" : "closed"),
    rate: raw.rate ?? null,
    ...pick(load, "rateFraction", "connections", "pipelining", "streams"),
    durationMs: load.duration,
    warmupMs: load.warmup,
    ...pick(load, "rounds", "path", "method"),
    host: host ?? "localhost",
    body: raw.body ?? (raw.bodySize !== undefined ? "x".repeat(raw.bodySize) : null),
  };
}

function resolveNetwork(raw: RawScenario["network"] = {}): Scenario["network"] {
  return {
    clientAddress: raw.clientAddress ?? defaultsOf(networkSpec.fields).clientAddress,
    clientHop: resolveHop(raw.clientHop),
    appHop: resolveHop(raw.appHop),
  };
}

function resolveProbes(raw: RawScenario["probes"] = {}): Scenario["probes"] {
  const defaults = defaultsOf(probesSpec.fields);
  return {
    enabled: raw.enabled ?? defaults.enabled,
    timeoutMs: raw.timeout ?? defaults.timeout,
    slowHoldMs: raw.slowHold ?? defaults.slowHold,
  };
}

function resolve(raw: RawScenario, file: string, context: ValidationContext): Scenario {
  const defaults = defaultsOf(scenarioSpec.fields);
  const settings = readAppSettingsFiles(raw, file, context);
  const apps = raw.apps.map((app, i) => resolveApp(app, settings[i]!, dirname(file)));
  const hosts = policyHosts(raw, apps);
  // Without an app's settings its hosts are unknown: asking for a policy then would only add noise.
  if (hosts.length === 0 && context.issues.length === 0) {
    addIssue(
      context,
      context.positions.get("policy.hosts") ?? context.positions.get("apps") ?? { line: 1, column: 1 },
      "policy.hosts",
      "no public hosts: list them in policy.hosts (needed when every app allows any host, as AllowedHosts '*' does)",
    );
  }
  return {
    file,
    name: raw.name ?? (file ? basename(file, extname(file)) : "scenario"),
    description: raw.description ?? defaults.description,
    apps,
    topologies: raw.topologies ?? defaults.topologies,
    proxy: resolveProxy(raw.proxy, file),
    tls: raw.tls ?? defaults.tls,
    load: resolveLoad(raw.load, hosts),
    policy: {
      hosts,
      ...resolveKnobs(raw.policy?.profile, raw.policy?.knobs),
      internalPathsAtEdge: raw.policy?.internalPathsAtEdge ?? defaultsOf(policySpec.fields).internalPathsAtEdge,
    },
    network: resolveNetwork(raw.network),
    probes: resolveProbes(raw.probes),
    thresholds: (raw.thresholds ?? defaults.thresholds).map(parseThreshold),
  };
}

const TOO_DEEP = "the document is nested too deeply (a scenario needs a few levels, not thousands)";

function syntaxMessage(message: string): string {
  return /call stack/i.test(message) ? TOO_DEEP : `YAML syntax: ${message.split("\n")[0]}`;
}

function parseScenarioDocument(
  source: string,
  lineCounter: LineCounter,
  file: string,
): ReturnType<typeof parseDocument> {
  try {
    return parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  } catch (error) {
    if (error instanceof RangeError)
      throw new ScenarioError([{ file, line: 1, column: 1, path: "", message: TOO_DEEP }]);
    throw error;
  }
}

/** Parses and validates scenario text; `file` names it in every error. */
export function parseScenario(text: string, file: string): Scenario {
  const lineCounter = new LineCounter();
  const context: ValidationContext = { file, lineCounter, issues: [], positions: new Map() };
  const issue = (offset: number, message: string): ScenarioIssue => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col, path: "", message };
  };
  if (text.includes("\u0000")) {
    throw new ScenarioError([
      { file, line: 1, column: 1, path: "", message: "expected a YAML or JSON text file, found binary data" },
    ]);
  }
  // A JSON scenario may carry comments, as appsettings.json does; blanked in place, so positions still hold.
  const source = extname(file).toLowerCase() === ".json" ? blankJsonComments(text) : text;
  const document = parseScenarioDocument(source, lineCounter, file);
  if (document.errors.length > 0) {
    throw new ScenarioError(document.errors.map((error) => issue(error.pos[0], syntaxMessage(error.message))));
  }
  if (document.contents === null) {
    throw new ScenarioError([
      {
        file,
        line: 1,
        column: 1,
        path: "",
        message: "the file is empty: expected a scenario mapping with at least `apps`",
      },
    ]);
  }
  const value = validateNode(context, scenarioSpec, document.contents, "", { line: 1, column: 1 });
  if (value !== INVALID) checkMeaning(value as RawScenario, context);
  if (context.issues.length > 0 || value === INVALID) throw new ScenarioError(context.issues);
  const scenario = resolve(value as RawScenario, file, context);
  if (context.issues.length > 0) throw new ScenarioError(context.issues);
  return scenario;
}

/** Reads and validates a scenario file. */
export async function loadScenario(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new ScenarioError([
      { file: path, line: 1, column: 1, path: "", message: `cannot read the scenario: ${reason}` },
    ]);
  }
  return parseScenario(text, path);
}

/** Validates a scenario given as a plain object (the programmatic API); errors point into its YAML form. */
export function scenarioFromObject(input: unknown, label = "<scenario object>"): Scenario {
  return parseScenario(stringify(input), label);
}
