/**
 * The child-process mechanism on real processes: a stop ends the whole group (TERM, then KILL for one that ignores
 * TERM), readiness by port and by health URL, a child that dies before it is ready named with its log, the guardian
 * ending the group and removing the folder when its parent is SIGKILLed, and stale folders of dead runs swept.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { freePort } from "../../src/engines/start-engine.js";
import { ChildStartError, startChild } from "../../src/processes/child.js";
import { createRunFolder, sweepStaleFolders, type RunFolder } from "../../src/processes/run-folder.js";
import { ROOT } from "../helpers/paths.js";
import { groupMembers, HAS_PROC } from "../helpers/process-tree.js";

const listenScript = (port: number): string =>
  `require("node:http").createServer((q, s) => s.end(q.url)).listen(${port}, "127.0.0.1", () => console.log("listening"))`;

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

describe("child processes", () => {
  let folder: RunFolder;
  before(async () => {
    folder = await createRunFolder("processes-test");
  });
  after(() => folder.remove());

  it(
    "stops the whole group, with SIGKILL for members that ignore SIGTERM",
    { skip: !HAS_PROC && "needs /proc" },
    async () => {
      // The shell and both sleeps ignore TERM (an ignored signal is inherited): only KILL of the group ends them.
      const child = await startChild({
        name: "stubborn",
        command: "/bin/sh",
        args: ["-c", "trap '' TERM; sleep 30 & sleep 30 & wait"],
        folder: folder.dir,
      });
      assert.ok(
        await until(() => groupMembers(child.pgid).length === 3, 2000),
        "the shell and two sleeps run in the child's group",
      );
      await child.stop(200);
      assert.ok(
        await until(() => groupMembers(child.pgid).length === 0, 1000),
        `left: ${JSON.stringify(groupMembers(child.pgid))}`,
      );
    },
  );

  it("is ready when its port accepts, or when its health URL answers", async () => {
    const port = await freePort("127.0.0.1");
    const byPort = await startChild({
      name: "by-port",
      command: process.execPath,
      args: ["-e", listenScript(port)],
      folder: folder.dir,
      readiness: { host: "127.0.0.1", port },
    });
    const answer = await fetch(`http://127.0.0.1:${port}/health`);
    assert.equal(await answer.text(), "/health");
    await byPort.stop();
    const second = await freePort("127.0.0.1");
    const byUrl = await startChild({
      name: "by-url",
      command: process.execPath,
      args: ["-e", listenScript(second)],
      folder: folder.dir,
      readiness: { url: `http://127.0.0.1:${second}/health` },
    });
    await byUrl.stop();
    assert.equal(await byUrl.exited, null, "ended by a signal");
  });

  it("names the log of a child that exits before it is ready, and one that cannot be run", async () => {
    const port = await freePort("127.0.0.1");
    const failing = startChild({
      name: "failing",
      command: "/bin/sh",
      args: ["-c", "echo cannot bind >&2; exit 3"],
      folder: folder.dir,
      readiness: { host: "127.0.0.1", port },
    });
    await assert.rejects(failing, (error: unknown) => {
      assert.ok(error instanceof ChildStartError);
      assert.match(
        error.message,
        /^failing did not start \(exit code 3\); its log is \S+\/failing\.log:\n {2}cannot bind$/,
      );
      return true;
    });
    await assert.rejects(
      startChild({ name: "absent", command: "/no/such/binary", args: [], folder: folder.dir }),
      /absent could not be run \(spawn \/no\/such\/binary ENOENT\)/,
    );
  });

  it(
    "dies with its parent: SIGKILL of the parent ends the child's group and removes the run folder",
    { skip: !HAS_PROC && "needs /proc" },
    async () => {
      const script = `
      const { startChild } = await import(${JSON.stringify(join(ROOT, "dist/src/processes/child.js"))});
      const { createRunFolder } = await import(${JSON.stringify(join(ROOT, "dist/src/processes/run-folder.js"))});
      const folder = await createRunFolder("guardian-test");
      const child = await startChild({ name: "sleeper", command: "/bin/sh", args: ["-c", "sleep 30 & wait"], folder: folder.dir });
      console.log(JSON.stringify({ pgid: child.pgid, dir: folder.dir }));
      setInterval(() => {}, 1000);`;
      const parent = spawn(process.execPath, ["--input-type=module", "-e", script], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      const line = await new Promise<string>((resolve) =>
        parent.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString())),
      );
      const { pgid, dir } = JSON.parse(line) as { pgid: number; dir: string };
      assert.ok(await until(() => groupMembers(pgid).length === 2, 2000));
      parent.kill("SIGKILL");
      assert.ok(
        await until(() => groupMembers(pgid).length === 0 && !existsSync(dir), 2000),
        "the group or its folder outlived the parent",
      );
    },
  );

  it("sweeps folders whose recorded owner is dead, and only those", async () => {
    const root = await mkdtemp(join(tmpdir(), "sweep-root-"));
    const dead = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" }).stdout.trim();
    const folders = {
      dead: join(root, "edgebench-nginx-dead"),
      alive: join(root, "edgebench-nginx-alive"),
      unowned: join(root, "edgebench-nginx-unowned"),
    };
    for (const dir of Object.values(folders)) await mkdir(dir);
    await writeFile(join(folders.dead, "owner.pid"), `${dead}\n`);
    await writeFile(join(folders.alive, "owner.pid"), `${process.pid}\n`);
    assert.deepEqual(await sweepStaleFolders(root), [folders.dead]);
    assert.equal(existsSync(folders.alive) && existsSync(folders.unowned), true);
    await rm(root, { recursive: true, force: true });
  });
});
