/**
 * Running a real proxy as a child process: its configuration written into a private temporary folder, its output
 * captured in engine.log there, readiness taken from its port accepting connections, and a stop that ends only that
 * process (by PID: SIGTERM, then SIGKILL). A process that exits before it is ready is an error naming its log.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { caddy } from "./caddy.js";
import { haproxy } from "./haproxy.js";
import { nginx } from "./nginx.js";
import type { EngineDriver, EngineSpec, ExternalEngineName } from "./types.js";
import { EdgebenchError } from "../support/errors.js";

export const ENGINE_DRIVERS: Record<ExternalEngineName, EngineDriver> = { nginx, haproxy, caddy };

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
  constructor(readonly engine: string, readonly install: string) {
    super("ERR_ENGINE_MISSING", `${engine} is not installed (${install})`);
  }
}

const versions = new Map<string, string | null>();

/**
 * The engine's version, or null when it is not installed. Asked once per binary and PATH: a run checks every engine
 * before it starts and again when it starts one, and each ask is a child process.
 */
export function engineVersion(driver: EngineDriver): string | null {
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

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
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

// Children still running when this process exits are ended with it (an uncaught error must not leave a proxy behind).
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export interface EngineStartOptions {
  /** Files to write into the engine's folder before it starts (certificates). */
  files?: Record<string, string>;
  /** A user's own configuration to run instead of the generated one. */
  configText?: string;
  readyTimeoutMs?: number;
}

/** Writes the configuration into `spec.dir` and starts the engine; resolves once its port accepts connections. */
export async function startEngine(driver: EngineDriver, spec: EngineSpec, options: EngineStartOptions = {}): Promise<RunningEngine> {
  const version = engineVersion(driver);
  if (version === null) throw new EngineMissingError(driver.name, driver.install);
  for (const [name, text] of Object.entries(options.files ?? {})) await writeFile(join(spec.dir, name), text, { mode: 0o600 });
  const generated = driver.configure(spec);
  const configFile = join(spec.dir, generated.file);
  await writeFile(configFile, options.configText ?? generated.text);
  const log = join(spec.dir, "engine.log");
  const logStream = createWriteStream(log);
  const child = spawn(driver.binary, driver.runArgs(spec, configFile), {
    cwd: spec.dir,
    env: { ...process.env, ...(driver.env?.(spec) ?? {}) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  child.stdout!.pipe(logStream, { end: false });
  child.stderr!.pipe(logStream, { end: false });
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => {
      running.delete(child);
      resolve(code);
    });
    child.once("error", () => resolve(-1));
  });
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
  while (!(await accepts(spec.listen.host, spec.listen.port))) {
    if (exitCode !== undefined || Date.now() > deadline) {
      if (exitCode === undefined) child.kill("SIGKILL");
      await exited;
      logStream.end();
      const tail = readLog(log, join(spec.dir, "error.log"));
      throw new EngineStartError(
        driver.name,
        `${driver.name} did not start${exitCode === undefined ? ` within ${options.readyTimeoutMs ?? 10_000} ms` : ` (exit code ${exitCode})`}; its log is ${log}${tail ? `:\n${tail}` : ""}`,
        log,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const scheme = spec.tls?.terminate ? "https" : "http";
  return {
    name: driver.name,
    version,
    url: `${scheme}://${spec.listen.host}:${spec.listen.port}`,
    port: spec.listen.port,
    dir: spec.dir,
    log,
    pid: child.pid!,
    close: async () => {
      if (exitCode === undefined) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
        await exited;
        clearTimeout(timer);
      }
      logStream.end();
    },
  };
}

/** The last lines of the engine's logs, for an error message. */
function readLog(...files: string[]): string {
  const lines: string[] = [];
  for (const file of files) {
    try {
      lines.push(...readFileSync(file, "utf8").trim().split("\n").filter(Boolean));
    } catch {
      // A log the engine never wrote has nothing to add.
    }
  }
  return lines
    .slice(-8)
    .map((line) => `  ${line}`)
    .join("\n");
}

/** A private folder for one engine's configuration, logs and state; removed by the caller when done. */
export async function engineFolder(name: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `edgebench-${name}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
