/**
 * The one way edgebench runs a child process (engines today; the real app, YARP and a user's app command next).
 * Each child leads a process group of its own, with a guardian that ends that group if edgebench dies first; its
 * stdout and stderr go straight to a log file in the run's folder (so they outlive nothing and block nothing); it is
 * ready when its port accepts or its health URL answers; stop() ends the whole group: SIGTERM, then SIGKILL after a
 * grace period, then SIGKILL again for any worker that outlived its leader.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { signalGroup } from "./group.js";
import { startGuardian } from "./guardian.js";
import { isReady, type Readiness } from "./readiness.js";
import { EdgebenchError } from "../support/errors.js";

export interface ChildSpec {
  /** For messages and the default log file name. */
  name: string;
  command: string;
  args: readonly string[];
  /** Added to edgebench's own environment. */
  env?: Record<string, string>;
  /** The run's private folder (see createRunFolder): the log lives here; the working directory unless cwd is given. */
  folder: string;
  cwd?: string;
  /** The log's file name in folder (default `<name>.log`). */
  logFile?: string;
  /** Other logs in folder whose last lines explain a failed start (an engine's own error log). */
  extraLogs?: readonly string[];
  /** No readiness: ready once started. */
  readiness?: Readiness;
  readyTimeoutMs?: number;
  /** "pipe": its input stays open until it is stopped (some apps end when their input ends); default "ignore". */
  stdin?: "ignore" | "pipe";
  /** Whether the guardian removes folder after ending an orphaned child (default true). */
  removeFolderIfOrphaned?: boolean;
}

export interface RunningChild {
  name: string;
  pid: number;
  /** The process group: the child's PID. */
  pgid: number;
  logPath: string;
  /** Resolves with the exit code (null: ended by a signal; -1: could not be run). */
  exited: Promise<number | null>;
  /** Ends the child's whole group; resolves once the leader has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** A child that exited, or did not become ready, before it was ready: the message names its log. */
export class ChildStartError extends EdgebenchError {
  constructor(
    readonly child: string,
    message: string,
    readonly log: string,
  ) {
    super("ERR_CHILD_START", message);
  }
}

const DEFAULT_READY_TIMEOUT_MS = 10_000;
const DEFAULT_GRACE_MS = 3000;

// Groups still running when edgebench exits (process.exit on a second Ctrl-C, an uncaught error) are killed on the
// way out, and their folders removed there and then: a guardian would too, but only after its grace period, which a
// loaded machine can stretch past any bound a user would wait for.
const runningGroups = new Map<number, string | null>();
process.once("exit", () => {
  for (const [pgid, folder] of runningGroups) {
    signalGroup(pgid, "SIGKILL");
    if (folder) rmSync(folder, { recursive: true, force: true });
  }
});

/** Starts the child and resolves once it is ready; a child that exits or times out first is stopped and reported. */
export async function startChild(spec: ChildSpec): Promise<RunningChild> {
  const logPath = join(spec.folder, spec.logFile ?? `${spec.name}.log`);
  const logFd = openSync(logPath, "a");
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd ?? spec.folder,
    env: { ...process.env, ...spec.env },
    detached: true,
    stdio: [spec.stdin ?? "ignore", logFd, logFd],
  });
  closeSync(logFd);
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.once("error", () => resolve(-1));
  });
  if (child.pid === undefined) {
    const reason = await new Promise<string>((resolve) => child.once("error", (error) => resolve(error.message)));
    await exited;
    throw new ChildStartError(spec.name, `${spec.name} could not be run (${reason}); its log is ${logPath}`, logPath);
  }
  const pgid = child.pid;
  const orphanFolder = spec.removeFolderIfOrphaned === false ? null : spec.folder;
  runningGroups.set(pgid, orphanFolder);
  const guardian = startGuardian(pgid, orphanFolder);
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  let stopping: Promise<void> | null = null;
  const stop = (graceMs = DEFAULT_GRACE_MS): Promise<void> =>
    (stopping ??= (async () => {
      signalGroup(pgid, "SIGTERM");
      const timer = setTimeout(() => signalGroup(pgid, "SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
      // A worker can outlive its leader (a master killed before it could end them): nothing of the group stays.
      signalGroup(pgid, "SIGKILL");
      runningGroups.delete(pgid);
      guardian.release();
    })());
  const running: RunningChild = { name: spec.name, pid: pgid, pgid, logPath, exited, stop };
  if (!spec.readiness) return running;
  const timeoutMs = spec.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  while (!(await isReady(spec.readiness))) {
    if (exitCode !== undefined || Date.now() > deadline) {
      const how = exitCode === undefined ? `within ${timeoutMs} ms` : `(exit code ${exitCode})`;
      await stop(0);
      const tail = lastLines([logPath, ...(spec.extraLogs ?? []).map((file) => join(spec.folder, file))]);
      throw new ChildStartError(
        spec.name,
        `${spec.name} did not start ${how}; its log is ${logPath}${tail ? `:\n${tail}` : ""}`,
        logPath,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return running;
}

/** The last lines of a child's logs, for an error message. */
function lastLines(files: readonly string[]): string {
  const lines: string[] = [];
  for (const file of files) {
    try {
      lines.push(...readFileSync(file, "utf8").trim().split("\n").filter(Boolean));
    } catch {
      // A log the child never wrote has nothing to add.
    }
  }
  return lines
    .slice(-8)
    .map((line) => `  ${line}`)
    .join("\n");
}
