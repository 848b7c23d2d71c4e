/**
 * .NET programs shipped with edgebench (the Kestrel app, next the YARP proxy) built once into a cache keyed by a
 * hash of the project's sources and `dotnet --version`: rebuilt when either changes, never during a timed part.
 * A build goes into a private temporary folder beside the cache entry and is renamed into place, so concurrent runs
 * neither see a half-built entry nor fail on each other's (the first rename wins, the others use it).
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { cp, mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, relative } from "node:path";

export const DOTNET_INSTALL_HINT =
  "install the .NET 10 SDK: https://dot.net/download, or apt-get install dotnet-sdk-10.0";

/** `dotnet` is not on PATH: what needs it is left out with the install hint. */
export class DotnetMissingError extends Error {
  readonly code = "ERR_DOTNET_MISSING";
  constructor(readonly what: string) {
    super(`${what} needs dotnet, which is not installed (${DOTNET_INSTALL_HINT})`);
    this.name = "DotnetMissingError";
  }
}

/** The project did not build: the message names the build log. */
export class DotnetBuildError extends Error {
  readonly code = "ERR_DOTNET_BUILD";
  constructor(
    message: string,
    readonly log: string,
  ) {
    super(message);
    this.name = "DotnetBuildError";
  }
}

export interface DotnetProject {
  /** Short name of the cache entry ("kestrel-app"). */
  name: string;
  /** The folder holding the .csproj and its sources. */
  sourceDir: string;
  /** The built assembly's file name ("EdgebenchKestrelApp.dll"). */
  assembly: string;
}

let sdkVersion: string | null | undefined;

/** `dotnet --version`, or null when dotnet is not installed; asked once per process. */
export function dotnetVersion(): string | null {
  if (sdkVersion === undefined) {
    const result = spawnSync("dotnet", ["--version"], { encoding: "utf8", timeout: 20_000, env: dotnetEnv() });
    sdkVersion = result.error || result.status !== 0 ? null : result.stdout.trim() || null;
  }
  return sdkVersion;
}

/** Quiet, telemetry-free dotnet, and no build servers that would outlive the build. */
export function dotnetEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DOTNET_CLI_TELEMETRY_OPTOUT: "1",
    DOTNET_NOLOGO: "1",
    DOTNET_SKIP_FIRST_TIME_EXPERIENCE: "1",
  };
}

/** $EDGEBENCH_CACHE_DIR, else $XDG_CACHE_HOME/edgebench, else ~/.cache/edgebench. */
export function cacheRoot(): string {
  if (process.env.EDGEBENCH_CACHE_DIR) return process.env.EDGEBENCH_CACHE_DIR;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "edgebench");
}

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "bin" || entry.name === "obj") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (/\.(cs|csproj|json|props|targets)$/.test(entry.name)) files.push(path);
  }
  return files.sort();
}

/** The cache key: every source file's path and content, and the SDK version. */
export function projectHash(project: DotnetProject, version: string): string {
  const hash = createHash("sha256").update(`sdk ${version}\n`);
  for (const file of sourceFiles(project.sourceDir)) {
    hash.update(`${relative(project.sourceDir, file)}\n${statSync(file).size}\n`).update(readFileSync(file));
  }
  return hash.digest("hex").slice(0, 16);
}

const building = new Map<string, Promise<string>>();

/** The built assembly's path, building it first when the cache has no entry for these sources and this SDK. */
export function buildDotnetProject(project: DotnetProject): Promise<string> {
  const version = dotnetVersion();
  if (version === null) return Promise.reject(new DotnetMissingError(project.name));
  const entry = join(cacheRoot(), "dotnet", `${project.name}-${projectHash(project, version)}`);
  const assembly = join(entry, "out", project.assembly);
  if (existsSync(assembly)) return Promise.resolve(assembly);
  let pending = building.get(entry);
  if (!pending) {
    pending = buildInto(project, entry).then(() => assembly);
    building.set(entry, pending);
    void pending.catch(() => building.delete(entry));
  }
  return pending;
}

async function buildInto(project: DotnetProject, entry: string): Promise<void> {
  await mkdir(join(entry, ".."), { recursive: true });
  const work = await mkdtemp(`${entry}.building-`);
  try {
    await cp(project.sourceDir, join(work, "src"), {
      recursive: true,
      filter: (path) => !/[\\/](bin|obj)$/.test(path),
    });
    const log = join(work, "build.log");
    const args = [
      "build",
      join(work, "src"),
      "-c",
      "Release",
      "-o",
      join(work, "out"),
      "--nologo",
      "-nodeReuse:false",
      "--disable-build-servers",
    ];
    const { code, output } = await runDotnet(args);
    await writeFile(log, output);
    if (code !== 0) {
      const kept = `${entry}.build-failed.log`;
      await rename(log, kept);
      const tail = output
        .trim()
        .split("\n")
        .slice(-6)
        .map((line) => `  ${line}`)
        .join("\n");
      throw new DotnetBuildError(
        `${project.name} did not build (dotnet build exit code ${code}); its log is ${kept}:\n${tail}`,
        kept,
      );
    }
    await rm(join(work, "src"), { recursive: true, force: true });
    try {
      await rename(work, entry);
    } catch (error) {
      // Another run built the same entry first: theirs is as good as ours.
      if (!existsSync(join(entry, "out", project.assembly))) throw error;
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function runDotnet(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("dotnet", args, { env: dotnetEnv(), stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.once("error", (error) => resolve({ code: -1, output: String(error) }));
    child.once("close", (code) => resolve({ code, output: Buffer.concat(chunks).toString("utf8") }));
  });
}
