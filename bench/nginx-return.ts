/**
 * Debian's nginx answering `return 200` with one worker, in a temp folder of its own on an ephemeral port: a server
 * far faster than the rates the open-model generator is checked at, so what is late is the generator's doing.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../src/engines/start-engine.js";

export interface ReturningNginx {
  url: string;
  close(): Promise<void>;
}

function config(dir: string, port: number): string {
  const temp = (name: string): string => `${name}_temp_path ${join(dir, name)};`;
  return [
    "daemon off;",
    "worker_processes 1;",
    `pid ${join(dir, "nginx.pid")};`,
    `error_log ${join(dir, "error.log")} warn;`,
    "events { worker_connections 1024; }",
    "http {",
    "  access_log off;",
    `  ${["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map(temp).join(" ")}`,
    "  keepalive_requests 1000000;",
    `  server { listen 127.0.0.1:${port}; location / { return 200; } }`,
    "}",
  ].join("\n");
}

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      socket.end();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

export async function startReturningNginx(): Promise<ReturningNginx> {
  const dir = mkdtempSync(join(tmpdir(), "edgebench-nginx-return-"));
  const port = await freePort("127.0.0.1");
  writeFileSync(join(dir, "nginx.conf"), config(dir, port));
  const args = ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log")];
  const child = spawn("nginx", args, { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await accepts(port)) return { url: `http://127.0.0.1:${port}`, close };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await close();
  throw new Error(`nginx did not start listening on 127.0.0.1:${port} (config in ${dir})`);
}
