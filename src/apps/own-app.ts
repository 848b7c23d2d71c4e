/**
 * The user's own app in place of the simulated one: a command edgebench starts (one process per instance, any
 * language, through the shared child-process mechanism), or an app already serving at a URL. Either has the same
 * handle as the simulated app, so proxies go in front of it as in front of the bundled app.
 */
import { createServer } from "node:net";
import { startChild } from "../processes/child.js";
import { createRunFolder } from "../processes/run-folder.js";
import { APP_RECORD_ENV } from "../http1/echo-contract.js";
import type { IsolatedServer } from "../servers/isolated.js";
import type { OwnApp } from "../scenario/types.js";

type CommandApp = Extract<OwnApp, { kind: "command" }>;

export interface OwnAppInstance {
  /** `web`, or `web#2` for a second copy: names the process and its log. */
  label: string;
  host: string;
  /** 0: a free port is chosen. */
  port: number;
  /** The echo contract's record file, given to the app as EDGEBENCH_APP_RECORD. */
  recordFile: string;
}

export interface RunningOwnApp extends IsolatedServer {
  /** The app's output (stdout and stderr), while it runs. */
  log: string | null;
}

/** `{{PORT}}` and `{{HOST}}` replaced by where this instance must listen. */
export function fillPlaceholders(text: string, where: { host: string; port: number }): string {
  return text.replaceAll("{{PORT}}", String(where.port)).replaceAll("{{HOST}}", where.host);
}

/**
 * A port free at this moment, for an app that must be told its port before it starts. Another process could take it
 * before the app binds it; the app then fails to start and its log says so.
 */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

const urlHost = (host: string): string => (host.includes(":") ? `[${host}]` : host);

/** Starts one instance of a command app and resolves once it is ready (its port accepts, or its health path answers). */
export async function startCommandApp(app: CommandApp, instance: OwnAppInstance): Promise<RunningOwnApp> {
  const port = instance.port || (await freePort(instance.host));
  const fill = (text: string): string => fillPlaceholders(text, { host: instance.host, port });
  const base = `http://${urlHost(instance.host)}:${port}`;
  const folder = await createRunFolder(`app-${instance.label.replace(/[^A-Za-z0-9_-]/g, "_")}`);
  const env = Object.fromEntries(Object.entries(app.env).map(([name, value]) => [name, fill(value)]));
  const child = await startChild({
    name: `app ${instance.label}`,
    command: fill(app.command[0]!),
    args: app.command.slice(1).map(fill),
    env: { ...env, [APP_RECORD_ENV]: instance.recordFile },
    folder: folder.dir,
    cwd: app.cwd,
    logFile: "app.log",
    // Some apps end when their input ends (the bundled Kestrel app does): keep it open, as a terminal would.
    stdin: "pipe",
    readiness: app.readyPath ? { url: `${base}${app.readyPath}` } : { host: instance.host, port },
    readyTimeoutMs: app.readyTimeoutMs,
    // A failed start keeps the folder: the error names the log in it.
    removeFolderIfOrphaned: true,
  });
  let closing: Promise<void> | null = null;
  return {
    kind: "app",
    url: base,
    port,
    log: child.logPath,
    // A user's app keeps no counts edgebench can ask for.
    counts: async () => ({}),
    close: () => (closing ??= child.stop().then(() => folder.remove())),
  };
}

/** An app already serving at `url`: edgebench neither starts nor stops it. */
export function runningUrlApp(url: string): RunningOwnApp {
  const parsed = new URL(url);
  const port = parsed.port ? Number(parsed.port) : parsed.protocol === "https:" ? 443 : 80;
  return { kind: "app", url: parsed.origin, port, log: null, counts: async () => ({}), close: async () => {} };
}
