/** Starting an app or the builtin proxy in its own worker thread, with the same handle as an in-process server. */
import { Worker } from "node:worker_threads";
import type { AppOptions } from "./app.js";
import type { ProxyOptions } from "./proxy.js";
import type { ShaperOptions } from "../network/shaper.js";
import { EdgebenchError } from "../support/errors.js";

export type ServerSpec =
  | { kind: "app"; options: AppOptions }
  | { kind: "proxy"; options: ProxyOptions }
  | { kind: "shaper"; options: ShaperOptions };

export type WorkerRequest = { type: "counts"; id: number } | { type: "close" };
export type WorkerResponse =
  | { type: "ready"; url: string; port: number }
  | { type: "error"; message: string; code: string }
  | { type: "counts"; id: number; counts: Record<string, number> }
  | { type: "closed" };

export interface IsolatedServer {
  kind: ServerSpec["kind"];
  /** A real proxy run as a child process: which, and its version. */
  engine?: { name: string; version: string };
  url: string;
  port: number;
  /** Answers by status so far. */
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export class ServerStartError extends EdgebenchError {
  constructor(message: string, code: string) {
    super(code, message);
  }
}

const ENTRY = new URL("./worker-entry.js", import.meta.url);

export function startIsolated(spec: ServerSpec): Promise<IsolatedServer> {
  const worker = new Worker(ENTRY, { workerData: spec });
  let nextId = 0;
  const pending = new Map<number, (counts: Record<string, number>) => void>();
  let closing: Promise<void> | null = null;
  let exited = false;
  worker.once("exit", () => {
    exited = true;
    for (const resolve of pending.values()) resolve({});
    pending.clear();
  });

  return new Promise((resolve, reject) => {
    const onStartupExit = (code: number): void =>
      reject(
        new ServerStartError(`the ${spec.kind} worker exited with code ${code} before listening`, "ERR_WORKER_EXIT"),
      );
    worker.once("exit", onStartupExit);
    worker.once("error", (error) =>
      reject(new ServerStartError(`the ${spec.kind} worker failed: ${error.message}`, "ERR_WORKER")),
    );
    worker.on("message", (message: WorkerResponse) => {
      if (message.type === "error") {
        void worker.terminate();
        reject(new ServerStartError(message.message, message.code));
      } else if (message.type === "counts") {
        pending.get(message.id)?.(message.counts);
        pending.delete(message.id);
      } else if (message.type === "ready") {
        worker.off("exit", onStartupExit);
        resolve({
          kind: spec.kind,
          url: message.url,
          port: message.port,
          counts: () =>
            exited
              ? Promise.resolve({})
              : new Promise((done) => {
                  const id = nextId++;
                  pending.set(id, done);
                  worker.postMessage({ type: "counts", id } satisfies WorkerRequest);
                }),
          close: () => {
            closing ??= new Promise<void>((done) => {
              if (exited) return done();
              // A server that does not close in time is ended with its thread.
              const timer = setTimeout(() => void worker.terminate(), 2000);
              worker.once("exit", () => {
                clearTimeout(timer);
                done();
              });
              worker.postMessage({ type: "close" } satisfies WorkerRequest);
            });
            return closing;
          },
        });
      }
    });
  });
}

/** Starts the server a spec names, loading only its own module. */
export async function startServerOfSpec(spec: ServerSpec) {
  switch (spec.kind) {
    case "app":
      return (await import("./app.js")).startApp(spec.options);
    case "proxy":
      return (await import("./proxy.js")).startProxy(spec.options);
    case "shaper":
      return (await import("../network/shaper.js")).startShaper(spec.options);
  }
}

/**
 * The same server in this thread: for runs that measure nothing against the clock (probes only), where a thread per
 * server would cost more than the whole run.
 */
export async function startInline(spec: ServerSpec): Promise<IsolatedServer> {
  const server = await startServerOfSpec(spec);
  return {
    kind: spec.kind,
    url: server.url,
    port: server.port,
    counts: async () => Object.fromEntries(server.counts),
    close: () => server.close(),
  };
}
