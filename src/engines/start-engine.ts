/**
 * Running a real proxy as a child process (src/processes: its own process group with a guardian): its configuration
 * written into the run's private folder, its output in engine.log there, readiness taken from its port accepting
 * connections, and a stop that ends its whole group. A process that exits before it is ready is an error naming its log.
 */
import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { ChildStartError, startChild, type RunningChild } from "../processes/child.js";
import { caddy } from "./caddy.js";
import { haproxy } from "./haproxy.js";
import { nginx } from "./nginx.js";
import { yarp } from "./yarp/driver.js";
import type { EngineDriver, EngineSpec, ExternalEngineName } from "./types.js";
import { EdgebenchError } from "../support/errors.js";

export const ENGINE_DRIVERS: Record<ExternalEngineName, EngineDriver> = { nginx, haproxy, caddy, yarp };

/** An engine that could not start: the message names its log. */
export class EngineStartError extends EdgebenchError {
  constructor(
    readonly engine: string,
    message: string,
    readonly log: string,
  ) {
    super("ERR_ENGINE_START", message);
  }
}

/** An engine that is not installed; runs go on without it. */
export class EngineMissingError extends EdgebenchError {
  constructor(
    readonly engine: string,
    readonly install: string,
  ) {
    super("ERR_ENGINE_MISSING", `${engine} is not installed (${install})`);
  }
}

const versions = new Map<string, string | null>();

/**
 * The engine's version, or null when it is not installed. Asked once per binary and PATH: a run checks every engine
 * before it starts and again when it starts one, and each ask is a child process.
 */
export function engineVersion(driver: EngineDriver): string | null {
  if (driver.version) return driver.version();
  const key = `${driver.binary}\u0000${process.env.PATH ?? ""}`;
  if (!versions.has(key)) {
    const result = spawnSync(driver.binary, driver.versionArgs, { encoding: "utf8", timeout: 5000 });
    const line = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim().split("\n")[0] ?? "";
    // "nginx version: nginx/1.22.1", "HAProxy version 2.6.12-1+deb12u4 2026/10/17 …", "v2.6.2 h1:…": the number.
    versions.set(key, result.error ? null : (/\d+\.\d+[\w.+~-]*/.exec(line)?.[0] ?? (line || "unknown")));
  }
  return versions.get(key)!;
}

/** A free port on host: bound and released at once (the engine binds it next; a clash is retried). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningEngine {
  name: ExternalEngineName;
  version: string;
  url: string;
  port: number;
  dir: string;
  log: string;
  pid: number;
  close(): Promise<void>;
}

export interface EngineStartOptions {
  /** Files to write into the engine's folder before it starts (certificates). */
  files?: Record<string, string>;
  /** A user's own configuration to run instead of the generated one. */
  configText?: string;
  readyTimeoutMs?: number;
}

/** Writes the configuration into `spec.dir` and starts the engine; resolves once its port accepts connections. */
export async function startEngine(
  driver: EngineDriver,
  spec: EngineSpec,
  options: EngineStartOptions = {},
): Promise<RunningEngine> {
  const version = engineVersion(driver);
  if (version === null) throw new EngineMissingError(driver.name, driver.install);
  for (const [name, text] of Object.entries(options.files ?? {}))
    await writeFile(join(spec.dir, name), text, { mode: 0o600 });
  const built = await driver.build?.();
  const generated = driver.configure(spec);
  const configFile = join(spec.dir, generated.file);
  await writeFile(configFile, options.configText ?? generated.text);
  let child: RunningChild;
  try {
    child = await startChild({
      name: driver.name,
      command: driver.binary,
      args: driver.runArgs(spec, configFile, built),
      env: driver.env?.(spec) ?? {},
      folder: spec.dir,
      logFile: "engine.log",
      extraLogs: ["error.log"],
      readiness: { host: spec.listen.host, port: spec.listen.port },
      ...(options.readyTimeoutMs !== undefined ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
    });
  } catch (error) {
    if (error instanceof ChildStartError) throw new EngineStartError(driver.name, error.message, error.log);
    throw error;
  }
  const scheme = spec.tls?.terminate ? "https" : "http";
  return {
    name: driver.name,
    version,
    url: `${scheme}://${spec.listen.host}:${spec.listen.port}`,
    port: spec.listen.port,
    dir: spec.dir,
    log: child.logPath,
    pid: child.pid,
    close: () => child.stop(),
  };
}
