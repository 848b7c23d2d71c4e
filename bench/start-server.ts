/** Benchmark servers in child processes of their own (bench/server-process.ts), optionally pinned to the last core. */
import { fork, spawnSync, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import type { BenchServerSpec } from "./server-process.js";

const CORES = availableParallelism();
/** On Linux with taskset, servers run on the last core and the load generator on the others. */
export const PIN = CORES > 1 && spawnSync("taskset", ["-V"], { stdio: "ignore" }).status === 0;

export interface Started {
  url: string;
  /** The server process's CPU time so far, µs. */
  cpuUs(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Starts a server process. On Linux with taskset, servers run on the last core and the load generator on the others,
 * so the two do not preempt each other mid-request.
 */
export function startServer(spec: BenchServerSpec, pin = PIN): Promise<Started> {
  const child: ChildProcess = fork(new URL("./server-process.js", import.meta.url), [JSON.stringify(spec)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  if (pin && child.pid) spawnSync("taskset", ["-pc", String(CORES - 1), String(child.pid)], { stdio: "ignore" });
  const ask = <T>(message: string, key: string): Promise<T> =>
    new Promise((resolve) => {
      const onMessage = (reply: Record<string, unknown>): void => {
        if (!(key in reply)) return;
        child.off("message", onMessage);
        resolve(reply[key] as T);
      };
      child.on("message", onMessage);
      child.send(message);
    });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    const onReady = (message: { url?: string }): void => {
      if (!message.url) return;
      child.off("message", onReady);
      resolve({
        url: message.url,
        cpuUs: () => ask<number>("cpu", "cpuUs"),
        close: () =>
          new Promise<void>((done) => {
            child.once("exit", () => done());
            child.send("exit");
          }),
      });
    };
    child.on("message", onReady);
  });
}
