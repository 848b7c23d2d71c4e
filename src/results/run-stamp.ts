/** What every result a run measures here begins with (format, tool, when, whether interrupted), and the machine. */
import { cpus } from "node:os";
import { SCHEMA_VERSION, type RunResult } from "./types.js";
import { VERSION } from "../version.js";

export function environment(): RunResult["environment"] {
  const cpuList = cpus();
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? "unknown",
  };
}

type RunStamp = Pick<RunResult, "schemaVersion" | "tool" | "startedAt" | "finishedAt" | "interrupted">;

/** Taken when the run ends: it finished now, and was interrupted when its signal was aborted. */
export function runStamp(startedAt: string, signal: AbortSignal | undefined): RunStamp {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: "edgebench", version: VERSION },
    startedAt,
    finishedAt: new Date().toISOString(),
    interrupted: signal?.aborted ?? false,
  };
}
