/** Your own app and your own deployments: apps[].command, apps[].url and --deployment, through the built CLI. */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startApp, type RunningApp } from "../../src/servers/app.js";
import { startProxy, type RunningProxy } from "../../src/servers/proxy.js";
import type { RunResult } from "../../src/results/types.js";
import { edgebench } from "../helpers/edgebench-cli.js";
import { sweepStaleFolders } from "../../src/processes/run-folder.js";
import { FIXTURES } from "../helpers/paths.js";

const SHORT = ["--rounds", "2", "--duration", "300ms", "--warmup", "100ms", "--connections", "4"];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("own app and running deployments (CLI)", () => {
  let dir: string;
  let app: RunningApp;
  let proxy: RunningProxy;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "edgebench-ownapp-test-"));
    app = await startApp({ allowedHosts: ["app.example.com"] });
    proxy = await startProxy({ routes: [{ hosts: ["app.example.com"], upstreams: [app.url] }] });
  });
  after(async () => {
    await proxy.close();
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("bench --deployment pairs two running URLs round by round", async () => {
    const out = join(dir, "deployments.json");
    const deployments = [`edge=${app.url}`, `proxied=${proxy.url}`, `staging=${proxy.url}`];
    const args = ["bench", ...deployments.flatMap((d) => ["--deployment", d]), ...SHORT];
    const gates = ["proxied.p99 < 10s", "overhead.p50 < 10s", "staging.p99 < 10s", "staging.overhead.p50 < 10s"];
    const result = await edgebench([...args, ...gates.flatMap((t) => ["-t", t]), "-r", `terminal,json:${out}`]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Proxy overhead/);
    assert.match(result.stdout, /first byte \/ whole answer/);
    const run = JSON.parse(await readFile(out, "utf8")) as RunResult;
    assert.deepEqual(run.load!.deployments.map((t) => t.deployment).sort(), ["edge", "proxied", "staging"]);
    assert.ok(run.load!.deployments.every((t) => t.responses > 0 && t.non2xx === 0));
    assert.deepEqual(
      run.load!.overheads.map((o) => `${o.deployment}-${o.reference}`),
      ["proxied-edge", "staging-edge"],
    );
    assert.equal(run.load!.overheads[0]!.figures[0]!.perRound.length, 2);
    assert.equal(run.probes, null);
    // proxied and overhead are the deployment named proxied; a name given by --deployment can be named itself.
    assert.deepEqual(
      run.thresholds.map((t) => [t.expression, t.actual !== null, t.passed]),
      gates.map((t) => [t, true, true]),
    );
    assert.equal(
      run.thresholds[0]!.actual,
      run.load!.deployments.find((t) => t.deployment === "proxied")!.latency.p99Us,
    );
    const planned = await edgebench([...args, "-q", "-t", "proxied/nginx.p99 < 2ms"]);
    assert.equal(planned.code, 2);
    assert.match(planned.stderr, /this run has no deployment proxied\/nginx; it has edge, proxied, staging/);
  });

  it("probe --deployment grades running deployments on the wire", async () => {
    const out = join(dir, "probes.json");
    const args = [
      "probe",
      "--deployment",
      `edge=${app.url}`,
      "--allowed-hosts",
      "app.example.com",
      "--category",
      "allowlist",
    ];
    const result = await edgebench([...args, "-q", "-r", `json:${out}`]);
    assert.ok(result.code === 0 || result.code === 1, result.stderr);
    const run = JSON.parse(await readFile(out, "utf8")) as RunResult;
    assert.equal(run.probes!.view, "wire");
    assert.ok(run.probes!.results.length > 5 && run.probes!.results.every((r) => r.deployment === "edge"));
  });

  it("refuses deployments off loopback and names that are not names", async () => {
    const remote = await edgebench(["bench", "--deployment", "edge=http://192.0.2.1:80", ...SHORT]);
    assert.equal(remote.code, 2);
    assert.match(remote.stderr, /not a loopback address.*--allow-remote/);
    const named = await edgebench(["bench", "--deployment", `9lives=${app.url}`, ...SHORT]);
    assert.equal(named.code, 2);
    assert.match(named.stderr, /the name '9lives' must be a letter/);
  });

  it("runs a Node app started by command, edge vs proxied, graded on what it believed; no process stays", async () => {
    const out = join(dir, "node-app.json");
    const pids = join(dir, "node-app.pids");
    const scenario = join(dir, "node-app.yaml");
    const text = (await readFile(`${FIXTURES}scenarios/own-node-app.yaml`, "utf8"))
      .replace("../own-app/server.mjs", `${FIXTURES}own-app/server.mjs`)
      .replace('"HOST={{HOST}}"]', `"HOST={{HOST}}", "PID_FILE=${pids}"]`);
    await writeFile(scenario, text);
    const result = await edgebench(["run", scenario, ...SHORT, "-q", "-r", `json:${out}`, "--category", "allowlist"]);
    assert.ok(result.code === 0 || result.code === 1, result.stderr);
    const run = JSON.parse(await readFile(out, "utf8")) as RunResult;
    assert.ok(run.load!.deployments.every((t) => t.responses > 0 && t.non2xx === 0));
    assert.equal(run.load!.overheads.length, 1);
    assert.equal(run.probes!.view, "app");
    const allowed = run.probes!.results.find((r) => r.probe === "allowed-exact" && r.deployment.startsWith("proxied"));
    assert.equal(allowed?.observed[0]?.answeredBy, "app");
    const started = (await readFile(pids, "utf8")).trim().split("\n").map(Number);
    assert.equal(started.length, 2, "one process per topology's instance");
    assert.ok(
      started.every((pid) => !alive(pid)),
      `left running: ${started.filter(alive).join(", ")}`,
    );
  });

  it("runs an app already serving at a URL, graded on the wire, the proxy started in front of it", async () => {
    const out = join(dir, "url-app.json");
    const scenario = join(dir, "url-app.yaml");
    const apps = `apps:\n  - name: web\n    allowedHosts: app.example.com\n    url: ${app.url}\n`;
    await writeFile(scenario, `${apps}load: { duration: 300ms, warmup: 100ms, rounds: 2 }\n`);
    const result = await edgebench(["run", scenario, "-q", "-r", `json:${out}`, "--category", "allowlist"]);
    assert.ok(result.code === 0 || result.code === 1, result.stderr);
    const run = JSON.parse(await readFile(out, "utf8")) as RunResult;
    assert.equal(run.probes!.view, "wire");
    assert.ok(run.load!.deployments.every((t) => t.responses > 0));
    const remote = join(dir, "remote-app.yaml");
    await writeFile(
      remote,
      `apps:\n  - name: web\n    allowedHosts: app.example.com\n    url: http://192.0.2.1:8080\n`,
    );
    const refused = await edgebench(["probe", remote]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /not on loopback.*--allow-remote/);
  });

  it("reports an app that does not start with its log, exit 2", async () => {
    const scenario = join(dir, "crash.yaml");
    const command = `[${JSON.stringify(process.execPath)}, -e, "console.error('no database'); process.exit(3)"]`;
    await writeFile(
      scenario,
      `apps:\n  - name: web\n    allowedHosts: app.example.com\n    command: ${command}\n    readyTimeout: 5s\n`,
    );
    const result = await edgebench(["probe", scenario]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /did not start \(exit code 3\); its log is .*app\.log/);
    assert.match(result.stderr, /no database/);
    // A failed start keeps the app's folder for its log; the next run sweeps it once its owner is gone, as here.
    assert.ok((await sweepStaleFolders()).some((folder) => folder.includes("edgebench-app-")));
  });
});
