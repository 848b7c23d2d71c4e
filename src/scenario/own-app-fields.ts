/** The app fields beyond the simulated ASP.NET Core app's: its work per request, and your own app (command or url). */
import { resolve as resolvePath } from "node:path";
import { appSpec, workSpec } from "./schema.js";
import { defaultsOf } from "./spec.js";
import type { AppWork, OwnApp, ServiceTime } from "./types.js";
import { addIssue, type Located, type ValidationContext } from "./validate.js";

const WORK_DEFAULTS = defaultsOf(workSpec.fields);
const SERVICE_TIME_DEFAULTS = defaultsOf(workSpec.fields.serviceTime.fields);

/** An app that does nothing beyond answering: the default of `apps[].work`. */
export const NO_WORK: AppWork = Object.freeze({
  serviceTime: null,
  answerBytes: null,
  chunks: WORK_DEFAULTS.chunks,
  chunkDelayMs: WORK_DEFAULTS.chunkDelay,
});

export interface RawWork {
  serviceTime?: {
    distribution?: "fixed" | "uniform" | "lognormal";
    time?: number;
    min?: number;
    max?: number;
    median?: number;
    p99?: number;
  };
  answerSize?: number;
  chunks?: number;
  chunkDelay?: number;
}

/** The own-app fields as validated (durations in ms). */
export interface RawOwnApp {
  work?: RawWork;
  command?: string[];
  cwd?: string;
  env?: string[];
  readyPath?: string;
  readyTimeout?: number;
  url?: string;
  echoContract?: boolean;
  instances?: number;
  port?: number;
}

/** The user's own app; its fields were checked by checkOwnApp. */
export function resolveOwnApp(raw: RawOwnApp, folder: string): OwnApp | null {
  const defaults = defaultsOf(appSpec.fields);
  const echoContract = raw.echoContract ?? defaults.echoContract;
  if (raw.url !== undefined) return { kind: "url", url: new URL(raw.url).origin, echoContract };
  if (raw.command === undefined) return null;
  const env = Object.fromEntries(
    (raw.env ?? defaults.env).map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]),
  );
  return {
    kind: "command",
    command: raw.command,
    cwd: resolvePath(folder, raw.cwd ?? defaults.cwd),
    env,
    readyPath: raw.readyPath ?? null,
    readyTimeoutMs: raw.readyTimeout ?? defaults.readyTimeout,
    echoContract,
  };
}

/** An app's ForwardedHeadersOptions fields. */
export const FORWARDED_FIELDS = [
  "forwardedHeaders",
  "forwardLimit",
  "knownProxies",
  "knownNetworks",
  "forwardedAllowedHosts",
  "requireHeaderSymmetry",
] as const;

/** Fields that configure the simulated app: your own app has its own configuration. */
const SIMULATED_ONLY = [
  "runtime",
  "work",
  "allowHostHeaderOverride",
  "includeFailureMessage",
  "requestHeadersTimeout",
  "minRequestBodyDataRate",
  ...FORWARDED_FIELDS,
] as const;
const COMMAND_ONLY = ["cwd", "env", "readyPath", "readyTimeout"] as const;

/** command or url, not both; what only the simulated app or only a command takes; well-formed env and URL. */
export function checkOwnApp(
  app: RawOwnApp,
  path: string,
  context: ValidationContext,
  at: (path: string) => Located,
): void {
  const issue = (field: string, message: string): void =>
    addIssue(context, at(`${path}.${field}`), `${path}.${field}`, message);
  const own = app.command !== undefined ? "command" : app.url !== undefined ? "url" : null;
  if (app.command !== undefined && app.url !== undefined)
    issue("url", "give either command (edgebench starts your app) or url (it is running), not both");
  if (own === null) {
    if (app.echoContract !== undefined)
      issue(
        "echoContract",
        "applies to your own app (command or url); the simulated app always answers with what it believed",
      );
  } else {
    for (const field of SIMULATED_ONLY)
      if ((app as Record<string, unknown>)[field] !== undefined)
        issue(field, `configures the simulated app; your own app (${own}) has its own configuration`);
  }
  if (own !== "command")
    for (const field of COMMAND_ONLY)
      if ((app as Record<string, unknown>)[field] !== undefined) issue(field, "applies to an app started by command");
  app.env?.forEach((pair, j) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(pair)) issue(`env[${j}]`, `expected NAME=value, found "${pair}"`);
  });
  if (app.readyPath !== undefined && !app.readyPath.startsWith("/"))
    issue("readyPath", `expected a path starting with /, found "${app.readyPath}"`);
  if (app.url !== undefined) {
    const url = URL.canParse(app.url) ? new URL(app.url) : null;
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:"))
      issue("url", `expected an http:// or https:// URL, found "${app.url}"`);
    if (app.instances !== undefined && app.instances !== 1)
      issue("instances", "an app given by url is one running instance");
    if (app.port !== undefined) issue("port", "an app given by url listens where it already does");
  }
}

/** An app's work with defaults; its fields were checked by checkWork. */
export function resolveWork(raw: RawWork | undefined): AppWork {
  if (!raw) return NO_WORK;
  const time = raw.serviceTime;
  const distribution = time?.distribution ?? SERVICE_TIME_DEFAULTS.distribution;
  const serviceTime: ServiceTime | null = !time
    ? null
    : distribution === "uniform"
      ? { distribution, minMs: time.min!, maxMs: time.max! }
      : distribution === "lognormal"
        ? { distribution, medianMs: time.median!, p99Ms: time.p99! }
        : { distribution, ms: time.time! };
  return {
    serviceTime,
    answerBytes: raw.answerSize ?? null,
    chunks: raw.chunks ?? WORK_DEFAULTS.chunks,
    chunkDelayMs: raw.chunkDelay ?? WORK_DEFAULTS.chunkDelay,
  };
}

const SERVICE_TIME_FIELDS = { fixed: ["time"], uniform: ["min", "max"], lognormal: ["median", "p99"] } as const;

/** A service time names the fields of its distribution, and only those, in an order that makes sense. */
export function checkWork(
  work: RawWork,
  path: string,
  context: ValidationContext,
  at: (path: string) => Located,
): void {
  const time = work.serviceTime;
  if (!time) return;
  const distribution = time.distribution ?? SERVICE_TIME_DEFAULTS.distribution;
  const needed: readonly string[] = SERVICE_TIME_FIELDS[distribution];
  const where = `${path}.serviceTime`;
  for (const field of ["time", "min", "max", "median", "p99"] as const) {
    const given = time[field] !== undefined;
    if (needed.includes(field) && !given) {
      addIssue(context, at(where), `${where}.${field}`, `a ${distribution} service time needs ${needed.join(" and ")}`);
    } else if (!needed.includes(field) && given) {
      addIssue(
        context,
        at(`${where}.${field}`),
        `${where}.${field}`,
        `not a field of a ${distribution} service time (it takes ${needed.join(" and ")})`,
      );
    }
  }
  if (time.min !== undefined && time.max !== undefined && time.max < time.min) {
    addIssue(context, at(`${where}.max`), `${where}.max`, `expected max >= min (${time.min} ms), found ${time.max} ms`);
  }
  if (time.median !== undefined && time.p99 !== undefined && !(time.p99 > time.median && time.median > 0)) {
    addIssue(
      context,
      at(`${where}.p99`),
      `${where}.p99`,
      `expected p99 above the median (${time.median} ms) and a median above 0`,
    );
  }
}
