/**
 * Probes an app or proxy that is already running, given by URL (a real Kestrel app in a user's CI, say). Only the
 * answers are visible, so grading is on the wire alone, and the result says so.
 */
import { readFile } from "node:fs/promises";
import { parseJsonWithComments, readAspNetCoreSettings } from "./policy/appsettings.js";
import type { RunResult } from "./results/types.js";
import { finishRun, type MeasuredRun } from "./results/finish.js";
import type { Threshold } from "./results/thresholds.js";
import { environment, runStamp } from "./results/run-stamp.js";
import { PROBE_CATALOG } from "./runners/probes/catalog/index.js";
import { runProbes } from "./runners/probes/run-probes.js";
import { ASPNETCORE_KNOBS, type PolicyKnobs, type ProbeDefinition } from "./runners/probes/types.js";
import { EdgebenchError } from "./support/errors.js";
import { policySpec, probesSpec } from "./scenario/schema.js";
import { defaultsOf } from "./scenario/spec.js";

export interface TargetProbeOptions {
  /** http://127.0.0.1:5000 and the like. */
  url: string;
  /** The public hosts the target must serve. */
  policyHosts: string[];
  profile?: "aspnetcore" | "strict";
  knobs?: PolicyKnobs;
  catalog?: readonly ProbeDefinition[];
  timeoutMs?: number;
  signal?: AbortSignal;
  thresholds?: readonly Threshold[];
  /** Allow a target that is not on loopback (the user's own deployment, on a network they own). */
  allowRemote?: boolean;
  /** The record file the target's app keeps under the echo contract (EDGEBENCH_APP_RECORD), to tell who answered. */
  appRecord?: string;
}

/** A target URL edgebench will not probe; the message says why. */
export class TargetError extends EdgebenchError {
  constructor(message: string) {
    super("ERR_TARGET", message);
  }
}

const LOOPBACK = /^(127(\.\d{1,3}){3}|\[::1\]|localhost)$/i;

/** 127.0.0.0/8, [::1] or localhost, as URL.hostname spells them. */
export function isLoopbackHostname(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

/** Parses a target URL: http only, and loopback only unless `allowRemote` (probes stay on this machine by default). */
export function parseTargetUrl(text: string, allowRemote = false): { host: string; port: number; url: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TargetError(`not a URL: '${text}' (expected http://127.0.0.1:PORT)`);
  }
  if (url.protocol !== "http:") throw new TargetError(`only http:// targets can be probed, not '${url.protocol}//'`);
  if (!allowRemote && !isLoopbackHostname(url.hostname)) {
    throw new TargetError(
      `'${url.hostname}' is not a loopback address: edgebench sends probes only to 127.0.0.0/8, [::1] or localhost unless --allow-remote is given`,
    );
  }
  const host = url.hostname === "localhost" ? "127.0.0.1" : url.hostname.replace(/^\[|\]$/g, "");
  return { host, port: url.port ? Number(url.port) : 80, url: url.origin };
}

/** The public hosts an ASP.NET Core appsettings file declares (its AllowedHosts), for a target's policy. */
export async function allowedHostsFromAppSettings(path: string): Promise<string[]> {
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new TargetError(`cannot read ${path}: ${error.code === "ENOENT" ? "no such file" : error.message}`);
  });
  try {
    return readAspNetCoreSettings(parseJsonWithComments(text)).allowedHosts;
  } catch (error) {
    throw new TargetError(`${path}: ${(error as Error).message}`);
  }
}

export async function probeTarget(options: TargetProbeOptions): Promise<RunResult> {
  const target = parseTargetUrl(options.url, options.allowRemote ?? false);
  if (options.policyHosts.length === 0 || options.policyHosts.includes("*")) {
    throw new TargetError(
      "the policy needs the public hosts the target must serve (not '*'): give --allowed-hosts or an --appsettings with AllowedHosts",
    );
  }
  const startedAt = new Date().toISOString();
  const knobs = options.knobs ?? ASPNETCORE_KNOBS;
  const probes = await runProbes(
    [
      {
        deployment: "external",
        via: "entry",
        host: target.host,
        port: target.port,
        proxyInPath: false,
        ...(options.appRecord ? { appRecord: options.appRecord } : {}),
      },
    ],
    options.catalog ?? PROBE_CATALOG,
    {
      policyHosts: options.policyHosts,
      knobs,
      timeoutMs: options.timeoutMs ?? defaultsOf(probesSpec.fields).timeout,
      wireOnly: true,
      signal: options.signal,
    },
  );
  const measured: MeasuredRun = {
    ...runStamp(startedAt, options.signal),
    scenario: {
      name: `target ${target.url}`,
      file: null,
      description: "An external target: graded on the wire alone (what the app believed cannot be seen).",
      topologies: ["external"],
      policyHosts: options.policyHosts,
      policyProfile: options.profile ?? defaultsOf(policySpec.fields).profile,
      knobs,
      proxyEngine: "none",
    },
    environment: environment(),
    deployments: [{ name: "external", topology: "external", engine: null }],
    referenceProxy: null,
    warnings: [],
    load: null,
    probes,
  };
  return finishRun(measured, options.thresholds ?? []);
}
