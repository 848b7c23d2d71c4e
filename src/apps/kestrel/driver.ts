/**
 * Running the real ASP.NET Core app (the C# project in ./app) as a child process: built once through the .NET build
 * cache, its settings and certificate written into a private folder, its output kept in app.log there, ready when it
 * prints the address Kestrel bound (an ephemeral loopback port), stopped by PID (and by the end of its stdin, so it
 * does not outlive edgebench).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import type { AppOptions } from "../../servers/app.js";
import type { IsolatedServer } from "../../servers/isolated.js";
import { buildDotnetProject, dotnetEnv, dotnetVersion, type DotnetProject } from "../../dotnet/build-cache.js";
import { kestrelSettings } from "./settings.js";
import { sendRaw } from "../../runners/probes/raw-request.js";
import { APP_RECORD_ENV } from "../../http1/echo-contract.js";

/** The C# project, shipped in the package beside the compiled driver (dist/src/apps/kestrel → …/app). */
export const KESTREL_APP_PROJECT: DotnetProject = {
  name: "kestrel-app",
  sourceDir: fileURLToPath(new URL("../../../../src/apps/kestrel/app/", import.meta.url)),
  assembly: "EdgebenchKestrelApp.dll",
};

/** The app exited or stayed silent before listening: the message names its log. */
export class KestrelStartError extends Error {
  readonly code = "ERR_KESTREL_START";
  constructor(
    message: string,
    readonly log: string,
  ) {
    super(message);
    this.name = "KestrelStartError";
  }
}

// Children still running when this process exits are ended with it.
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Starts one child with stdin and stdout as pipes, stderr into the log. The one place a Kestrel app process is
 * launched (to move onto the shared child-process mechanism when it lands).
 */
function launchChild(command: string, args: string[], cwd: string, log: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, {
    cwd,
    env: { ...dotnetEnv(), ASPNETCORE_ENVIRONMENT: "Production", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const logStream = createWriteStream(log);
  child.stderr!.pipe(logStream);
  running.add(child);
  child.once("exit", () => running.delete(child));
  return child;
}

/** The real app's version string for reports ("Kestrel (.NET SDK 10.0.401)"). */
export function kestrelVersion(): string | null {
  const version = dotnetVersion();
  return version === null ? null : `ASP.NET Core (SDK ${version})`;
}

export interface RunningKestrelApp extends IsolatedServer {
  pid: number;
  /** The app's log (stderr), in its private folder; the folder is removed when the app is closed. */
  log: string;
}

/** Builds (or reuses) the app and starts one instance; resolves once Kestrel listens. */
export async function startKestrelApp(options: AppOptions, readyTimeoutMs = 20_000): Promise<RunningKestrelApp> {
  const dll = await buildDotnetProject(KESTREL_APP_PROJECT);
  const dir = await mkdtemp(join(tmpdir(), "edgebench-kestrel-"));
  const files = options.tls ? { certFile: join(dir, "cert.pem"), keyFile: join(dir, "key.pem") } : null;
  if (files && options.tls) {
    await writeFile(files.certFile, options.tls.cert, { mode: 0o600 });
    await writeFile(files.keyFile, options.tls.key, { mode: 0o600 });
  }
  const settings = join(dir, "appsettings.json");
  await writeFile(settings, JSON.stringify(kestrelSettings(options, files), null, 2));
  const log = join(dir, "app.log");
  const record = options.recordFile ? { [APP_RECORD_ENV]: options.recordFile } : {};
  const child = launchChild("dotnet", [dll, "--settings", settings, "--contentRoot", dir], dir, log, record);
  const lines = createInterface({ input: child.stdout! });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const countWaiters: Array<(counts: Record<string, number>) => void> = [];
  const url = await new Promise<string>((resolve, reject) => {
    const fail = (why: string): void => {
      child.kill("SIGKILL");
      reject(new KestrelStartError(`the Kestrel app ${why}; its log is ${log}${logTail(log)}`, log));
    };
    const timer = setTimeout(() => fail(`did not listen within ${readyTimeoutMs} ms`), readyTimeoutMs);
    child.once("exit", (code, signal) => fail(`exited (${signal ?? `code ${code}`}) before listening`));
    lines.on("line", (line) => {
      const listening = /^edgebench-listening (\S+)/.exec(line);
      const counts = /^edgebench-counts (.*)$/.exec(line);
      if (listening) {
        clearTimeout(timer);
        resolve(listening[1]!);
      } else if (counts) countWaiters.shift()?.(JSON.parse(counts[1]!) as Record<string, number>);
    });
  });
  void exited.then(() => countWaiters.splice(0).forEach((done) => done({})));
  const warmup = options.tls ? null : await warmUp(Number(new URL(url).port), options.allowedHosts ?? ["*"]);
  let closing: Promise<void> | null = null;
  return {
    kind: "app",
    pid: child.pid!,
    log,
    url,
    port: Number(new URL(url).port),
    counts: async () => {
      if (child.exitCode !== null) return {};
      const counts = await new Promise<Record<string, number>>((done) => {
        countWaiters.push(done);
        child.stdin!.write("counts\n");
      });
      return withoutWarmUp(counts, warmup);
    },
    close: () => (closing ??= stop(child, exited).then(() => rm(dir, { recursive: true, force: true }))),
  };
}

/** Ends stdin (the app stops by itself), then SIGTERM, then SIGKILL: only this child, by its PID. */
async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.stdin!.end();
  const term = setTimeout(() => child.kill("SIGTERM"), 2000);
  const kill = setTimeout(() => child.kill("SIGKILL"), 4000);
  await exited;
  clearTimeout(term);
  clearTimeout(kill);
}

/**
 * One request before the app counts as ready, so that .NET's just-in-time compilation of the pipeline is not charged
 * to the first probe (several cold apps on a busy machine take seconds). Returns the status it got, or null.
 */
async function warmUp(port: number, allowedHosts: readonly string[]): Promise<number | null> {
  const pattern = allowedHosts.find((host) => host !== "*") ?? "localhost";
  const host = pattern.startsWith("*.") ? `warmup.${pattern.slice(2)}` : pattern;
  const exchange = await sendRaw(Buffer.from(`GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`, "latin1"), {
    host: "127.0.0.1",
    port,
    timeoutMs: 10_000,
    expectResponses: 1,
  });
  return exchange.responses[0]?.status ?? null;
}

/** The app's counts without the warm-up request's answer. */
function withoutWarmUp(counts: Record<string, number>, status: number | null): Record<string, number> {
  const key = String(status);
  if (status === null || !counts[key]) return counts;
  const rest = { ...counts, [key]: counts[key] - 1 };
  if (rest[key] === 0) delete rest[key];
  return rest;
}

function logTail(log: string): string {
  try {
    const lines = readFileSync(log, "utf8").trim().split("\n").filter(Boolean).slice(-8);
    return lines.length ? `:\n${lines.map((line) => `  ${line}`).join("\n")}` : "";
  } catch {
    return "";
  }
}
