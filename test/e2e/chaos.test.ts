/**
 * Chaos: the built CLI running nginx, HAProxy and Caddy, killed as a CI runner kills a job (SIGKILL) and interrupted
 * by an impatient user (two Ctrl-C). Within 2 s of the kill no process it started may run, no port it opened may
 * listen and no engine folder may stay. Processes are found from the CLI's own PID (its descendants in /proc, with
 * their process groups), never by name: other people run the same engines on this machine.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ENGINE_DRIVERS, engineVersion } from "../../src/engines/start-engine.js";
import { FIXTURES, ROOT } from "../helpers/paths.js";
import { isListening } from "../helpers/ports.js";
import {
  descendantsOf,
  groupMembers,
  HAS_PROC,
  listeningPorts,
  readProcess,
  stillRuns,
  type ProcessInfo,
} from "../helpers/process-tree.js";

const ENGINES = ["nginx", "haproxy", "caddy"] as const;
const missing = ENGINES.filter((name) => engineVersion(ENGINE_DRIVERS[name]) === null);
const skip = !HAS_PROC
  ? "needs Linux /proc"
  : missing.length
    ? `${missing.join(", ")} not installed (see .ci/run)`
    : false;

interface Started {
  processes: Map<string, ProcessInfo>;
  ports: Set<number>;
}

/** What the CLI has started and what it listens on, added to at each poll(). */
function watch(cli: ChildProcess): { started: Started; poll(): void } {
  const started: Started = { processes: new Map(), ports: new Set() };
  const poll = (): void => {
    for (const port of listeningPorts(cli.pid!)) started.ports.add(port);
    for (const info of descendantsOf(cli.pid!)) {
      started.processes.set(`${info.pid}:${info.start}`, info);
      for (const port of listeningPorts(info.pid)) started.ports.add(port);
    }
  };
  return { started, poll };
}

const isEngine = (info: ProcessInfo): boolean => (ENGINES as readonly string[]).includes(info.comm);

/** What is left of what the CLI started: processes, group members, listening ports, engine folders. */
async function leftovers(started: Started): Promise<string[]> {
  const left: string[] = [];
  for (const info of started.processes.values()) if (stillRuns(info)) left.push(`process ${info.pid} (${info.comm})`);
  // The CLI shares the test runner's group; what it started has groups of its own.
  const ownGroup = readProcess(process.pid)!.pgid;
  const groups = new Set([...started.processes.values()].map((info) => info.pgid).filter((pgid) => pgid !== ownGroup));
  for (const pgid of groups)
    for (const info of groupMembers(pgid)) left.push(`group ${pgid} member ${info.pid} (${info.comm})`);
  for (const port of started.ports) if (await isListening(port)) left.push(`port ${port} listening`);
  for (const info of started.processes.values()) {
    if (info.cwd?.startsWith(join(tmpdir(), "edgebench-")) && existsSync(info.cwd)) left.push(`folder ${info.cwd}`);
  }
  return [...new Set(left)];
}

/** Runs the CLI under load with the three engines, and calls `strike` once an engine has carried load a moment. */
async function strikeDuringLoad(
  strike: (cli: ChildProcess) => Promise<void>,
): Promise<{ started: Started; code: number | null; left: string[]; ms: number }> {
  const args = [
    "run",
    "-q",
    "--engine",
    ENGINES.join(","),
    "-d",
    "1s",
    "--rounds",
    "3",
    "-w",
    "0s",
    `${FIXTURES}scenarios/valid-tiny-load.yaml`,
  ];
  const cli = spawn(process.execPath, [join(ROOT, "bin/edgebench.js"), ...args], { cwd: ROOT, stdio: "ignore" });
  const closed = new Promise<number | null>((resolve) => cli.once("close", resolve));
  const { started, poll } = watch(cli);
  const deadline = Date.now() + 30_000;
  let engineSince: number | null = null;
  while (engineSince === null || Date.now() - engineSince < 700) {
    assert.ok(Date.now() < deadline, "no engine started within 30 s");
    poll();
    if (engineSince === null && [...started.processes.values()].some(isEngine)) engineSince = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  poll();
  const struck = Date.now();
  await strike(cli);
  const code = await closed;
  let left = await leftovers(started);
  while (left.length && Date.now() - struck < 2000) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = await leftovers(started);
  }
  const ms = Date.now() - struck;
  for (const info of started.processes.values()) if (stillRuns(info)) process.kill(info.pid, "SIGKILL");
  return { started, code, left, ms };
}

describe("chaos: nothing the CLI started outlives it", { skip }, () => {
  it("SIGKILL of `edgebench run --engine nginx,haproxy,caddy` under load leaves no process, port or folder", async (t) => {
    const outcome = await strikeDuringLoad(async (cli) => {
      cli.kill("SIGKILL");
    });
    assert.equal(outcome.code, null);
    assert.ok([...outcome.started.processes.values()].some(isEngine), "an engine was running when it was killed");
    assert.ok(outcome.started.ports.size > 0);
    assert.deepEqual(outcome.left, [], `left ${outcome.ms} ms after SIGKILL`);
    t.diagnostic(
      `${outcome.started.processes.size} processes and ${outcome.started.ports.size} ports gone ${outcome.ms} ms after SIGKILL`,
    );
  });

  it("two SIGINTs during load leave no process, port or folder, and exit 130", async (t) => {
    const outcome = await strikeDuringLoad(async (cli) => {
      cli.kill("SIGINT");
      await new Promise((resolve) => setTimeout(resolve, 100));
      cli.kill("SIGINT");
    });
    assert.equal(outcome.code, 130);
    assert.ok([...outcome.started.processes.values()].some(isEngine), "an engine was running when it was interrupted");
    assert.deepEqual(outcome.left, [], `left ${outcome.ms} ms after the first SIGINT`);
    t.diagnostic(
      `${outcome.started.processes.size} processes and ${outcome.started.ports.size} ports gone ${outcome.ms} ms after the first SIGINT`,
    );
  });
});
