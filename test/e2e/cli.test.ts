/**
 * The CLI as a user runs it: stdout, stderr and the exit code. Most cases run main() in this process with their own
 * io; the binary itself is spawned where the process matters: version and help, signals, the open-file limit.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { PROBE_CATALOG } from "../../src/runners/probes/catalog/index.js";
import { FIXTURES, ROOT, SCENARIOS } from "../helpers/paths.js";
import { isListening } from "../helpers/ports.js";
import { startApp } from "../../src/servers/app.js";
import { seededRandom } from "../../src/results/stats.js";
import { mutate } from "../helpers/mutate.js";
import { assertValidRunResult } from "../helpers/result-schema.js";
import { assertSnapshot } from "../helpers/snapshot.js";
import { ENGINE_DRIVERS, engineVersion } from "../../src/engines/start-engine.js";
import { main } from "../../src/cli/main.js";
import type { CliIo } from "../../src/cli/io.js";

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface CliOptions {
  /** Spawn bin/edgebench.js instead of calling main() here (implied by signals and openFiles). */
  spawned?: boolean;
  /** Signals to send, each after its delay from the start. */
  signals?: Array<{ afterMs: number; signal: NodeJS.Signals }>;
  timeoutMs?: number;
  /** Run under `ulimit -n` with this soft limit. */
  openFiles?: number;
  env?: Record<string, string>;
}

function cli(args: string[], options: CliOptions = {}): Promise<Outcome & { signalledAt?: number; exitedAt: number }> {
  if (!options.spawned && !options.signals && !options.openFiles) return cliInProcess(args, options.env ?? {});
  return new Promise((resolve, reject) => {
    const command = [join(ROOT, "bin/edgebench.js"), ...args];
    const env = { ...process.env, NO_COLOR: "1", ...options.env };
    const child = options.openFiles
      ? spawn("bash", ["-c", `ulimit -n ${options.openFiles} && exec "$0" "$@"`, process.execPath, ...command], {
          cwd: ROOT,
          env,
        })
      : spawn(process.execPath, command, { cwd: ROOT, env });
    let signalledAt: number | undefined;
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const limit = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`edgebench ${args.join(" ")} did not finish in time\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    for (const { afterMs, signal } of options.signals ?? []) {
      setTimeout(() => {
        signalledAt ??= Date.now();
        child.kill(signal);
      }, afterMs);
    }
    child.on("close", (code) => {
      clearTimeout(limit);
      resolve({ code, stdout, stderr, exitedAt: Date.now(), ...(signalledAt ? { signalledAt } : {}) });
    });
  });
}

/** main() with captured streams; not a TTY, so no colour and no spinner, as when spawned with piped output. */
async function cliInProcess(args: string[], env: Record<string, string>): Promise<Outcome & { exitedAt: number }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { ...process.env, NO_COLOR: "1", ...env },
    onStopSignal: () => () => undefined,
    exit: (code) => {
      throw new Error(`main() asked to exit ${code} in-process`);
    },
    tmpdir: tmpdir(),
  };
  const code = await main(["node", "edgebench", ...args], io);
  return { code, stdout, stderr, exitedAt: Date.now() };
}

function assertNoStackTrace(text: string): void {
  assert.doesNotMatch(text, /^\s+at .+\(.+:\d+:\d+\)$/m);
}

describe("edgebench CLI", () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), "edgebench-e2e-"));
  });
  after(async () => rm(work, { recursive: true, force: true }));

  it("prints its version and help with examples", async () => {
    const version = await cli(["--version"], { spawned: true });
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
    const help = await cli(["--help"], { spawned: true });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Examples:/);
    for (const command of ["run", "probe", "bench", "compare", "init", "validate", "list-probes"]) {
      const sub = await cli([command, "--help"]);
      assert.equal(sub.code, 0, command);
      assert.match(sub.stdout, /Examples:/, command);
    }
  });

  it("exits 2 with a hint on unknown options and bad values", async () => {
    const unknown = await cli(["run", "--no-such-flag"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown option '--no-such-flag'/);
    assert.match(unknown.stderr, /--help/);
    const badValue = await cli(["run", "--rounds", "zero"]);
    assert.equal(badValue.code, 2);
    assert.match(badValue.stderr, /whole number/);
    const badReporter = await cli(["probe", "--reporter", "xml"]);
    assert.equal(badReporter.code, 2);
    assert.match(badReporter.stderr, /unknown reporter 'xml'; choose from terminal, json, markdown, junit/);
  });

  it("validates scenario files: 0 when all are valid, 2 naming file, line and field otherwise", async () => {
    const ok = await cli(["validate", `${SCENARIOS}default.yaml`, `${SCENARIOS}allowed-hosts-star.yaml`]);
    assert.equal(ok.code, 0);
    assert.match(ok.stdout, /^ok .*default\.yaml/m);
    const bad = await cli([
      "validate",
      `${FIXTURES}scenarios/unknown-field.yaml`,
      `${FIXTURES}scenarios/several-problems.yaml`,
    ]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown-field\.yaml:3:5: apps\[0\]\.alowedHosts: unknown field/);
    assert.match(bad.stderr, /several-problems\.yaml:\d+:\d+: load\.connections: expected a whole number >= 1/);
    assertNoStackTrace(bad.stderr);
  });

  it("refuses to run a malformed scenario: exit 2, no stack trace, nothing started", async () => {
    for (const fixture of ["yaml-syntax.yaml", "empty.yaml", "binary.yaml", "wrong-type.yaml"]) {
      const result = await cli(["run", `${FIXTURES}scenarios/${fixture}`]);
      assert.equal(result.code, 2, fixture);
      assert.match(result.stderr, new RegExp(`${fixture.replace(".", "\\.")}:\\d+:\\d+: `), fixture);
      assertNoStackTrace(result.stderr);
      assert.equal(result.stdout, "");
    }
  });

  it("validates mutated scenarios with exit 0 or 2, naming file, line and field, never a stack trace", async () => {
    const random = seededRandom(7);
    const base = await readFile(`${SCENARIOS}default.yaml`, "utf8");
    const files: string[] = [];
    for (let i = 0; i < 40; i++) {
      const file = join(work, `mutant-${i}.yaml`);
      await writeFile(file, mutate(base, random));
      files.push(file);
    }
    const result = await cli(["validate", ...files]);
    assert.ok(result.code === 0 || result.code === 2, `exit ${result.code}`);
    assertNoStackTrace(result.stderr);
    for (const line of result.stderr.trim().split("\n").filter(Boolean))
      assert.match(line, /^.+mutant-\d+\.yaml:\d+:\d+: .+: /s);
  });

  it("exits 0 when every probe passes and 1 when one fails", async () => {
    const pass = await cli(["probe", "-q"]);
    assert.equal(pass.code, 0, pass.stdout);
    assert.match(pass.stdout, /PASS/);
    const fail = await cli(["probe", "-q", `${SCENARIOS}allowed-hosts-star.yaml`]);
    assert.equal(fail.code, 1);
    assert.match(fail.stdout, /arbitrary-host\s+✗ 200\s+✗ 200/);
    assert.match(fail.stdout, /Causes · 2 changes fix all \d+ failures\n {2}1\. AllowedHosts is '\*'/);
    assert.match(fail.stdout, /FAIL/);
  });

  it("writes a JSON report of a full run to a file", async () => {
    const out = join(work, "run.json");
    const result = await cli([
      "run",
      `${FIXTURES}scenarios/valid-tiny-load.yaml`,
      "--reporter",
      "json",
      "--out",
      out,
      "--rounds",
      "1",
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "");
    const report = JSON.parse(await readFile(out, "utf8"));
    assertValidRunResult(report);
    assert.equal(report.schemaVersion, 2);
    assert.equal(report.scenario.name, "tiny");
    assert.equal(report.load.settings.rounds, 1);
    assert.deepEqual(
      report.load.deployments.map((d: { deployment: string }) => d.deployment),
      ["edge", "proxied/builtin"],
    );
    assert.equal(report.probes.failed, 0);
    assert.equal(report.verdict.passed, true);
  });

  it("writes a probe report as JSON, field by field", async () => {
    const result = await cli(["probe", "-q", "-r", "json", "--category", "spoofing", `${SCENARIOS}xfh-spoofing.yaml`]);
    assert.equal(result.code, 1);
    const report = JSON.parse(result.stdout);
    assertValidRunResult(report);
    assert.equal(report.schemaVersion, 2);
    assert.equal(report.load, null);
    assert.equal(report.probes.view, "app");
    assert.equal(report.scenario.policyProfile, "aspnetcore");
    assert.equal(report.scenario.knobs.wildcardDepth, "any");
    assert.ok(report.probes.results.every((r: { category: string }) => r.category === "spoofing"));
    const xfh = report.probes.results.find(
      (r: { probe: string; deployment: string; via: string }) =>
        r.probe === "xfh-override" && r.deployment === "proxied/builtin" && r.via === "entry",
    );
    assert.equal(xfh.pass, false);
    assert.deepEqual(xfh.expected[0].outcomes, ["accept"]);
    assert.equal(xfh.observed[0].status, 200);
    assert.equal(xfh.observed[0].answeredBy, "app");
    assert.equal(xfh.observed[0].app.host, "evil.example");
    assert.equal(xfh.cause, "proxy-passes-client-forwarding");
    assert.deepEqual(
      report.causes.map((c: { id: string; failures: number }) => [c.id, c.failures]),
      [
        ["app-trusts-any-peer", 6],
        ["proxy-passes-client-forwarding", 6],
      ],
    );
    assert.equal(report.verdict.passed, false);
    assert.ok(report.verdict.failures.some((f: string) => f.startsWith("probe xfh-override on proxied/builtin")));
  });

  it("probes a running target on the wire, with hosts from --allowed-hosts or --appsettings", async () => {
    const app = await startApp({ allowedHosts: ["app.example.com", "*.tenant.example.com"], allowEmptyHosts: false });
    try {
      const pass = await cli([
        "probe",
        "-q",
        "-r",
        "json",
        "--target",
        app.url,
        "--allowed-hosts",
        "app.example.com,*.tenant.example.com",
      ]);
      assert.equal(pass.code, 0, pass.stdout);
      const report = JSON.parse(pass.stdout);
      assert.equal(report.probes.view, "wire");
      assert.deepEqual(report.scenario.topologies, ["external"]);
      const fromSettings = await cli([
        "probe",
        "-q",
        "--target",
        app.url,
        "--appsettings",
        `${SCENARIOS}appsettings.Production.json`,
      ]);
      assert.equal(fromSettings.code, 0);
      assert.match(fromSettings.stdout, /Graded on the wire alone/);
      const wrongPolicy = await cli(["probe", "-q", "--target", app.url, "--allowed-hosts", "other.example"]);
      assert.equal(wrongPolicy.code, 1);
    } finally {
      await app.close();
    }
    const remote = await cli(["probe", "--target", "http://192.0.2.1:80", "--allowed-hosts", "a.example"]);
    assert.equal(remote.code, 2);
    assert.match(remote.stderr, /not a loopback address/);
    const unknown = await cli(["probe", "--probe", "arbitray-host"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /did you mean 'arbitrary-host'/);
  });

  it("exits 1 on a failed threshold and 2 on one it cannot read", async () => {
    const failed = await cli(["probe", "-q", "-t", "probes.failed == 0", "-t", "probes.passed > 100000"]);
    assert.equal(failed.code, 1);
    assert.match(failed.stdout, /✓ probes\.failed == 0/);
    assert.match(failed.stdout, /✗ probes\.passed > 100000/);
    const unreadable = await cli(["probe", "-q", "-t", "latency < fast"]);
    assert.equal(unreadable.code, 2);
    assert.match(unreadable.stderr, /threshold 'latency < fast'/);
    const nowhere = await cli(["probe", "-q", "-t", "proxied/buitlin.p99 < 2ms"]);
    assert.equal(nowhere.code, 2);
    assert.match(
      nowhere.stderr,
      /this run has no deployment proxied\/buitlin; it has edge, proxied\/builtin \(did you/,
    );
    assertNoStackTrace(nowhere.stderr);
  });

  it("writes several reports at once, and one reporter's failure does not stop the others", async () => {
    const xml = join(work, "probes.xml");
    const md = join(work, "summary.md");
    const summary = join(work, "step-summary.md");
    const result = await cli(
      ["probe", "-q", `${SCENARIOS}allowed-hosts-star.yaml`, "--reporter", `terminal,junit:${xml},markdown:${md}`],
      {
        env: { GITHUB_STEP_SUMMARY: summary },
      },
    );
    assert.equal(result.code, 1);
    assert.match(result.stdout, /FAIL · 30 problems/);
    assert.match(await readFile(xml, "utf8"), /<testsuites name="edgebench" tests="150" failures="30"/);
    assert.match(await readFile(md, "utf8"), /^### edgebench · allowed-hosts-star · ❌ FAIL \(30\)/);
    assert.equal(await readFile(summary, "utf8"), await readFile(md, "utf8"));
    const json = join(work, "still-written.json");
    const partial = await cli([
      "probe",
      "-q",
      "--reporter",
      `junit:${join(work, "missing-dir", "x.xml")},json:${json}`,
    ]);
    assert.equal(partial.code, 1);
    assert.match(partial.stderr, /the junit reporter could not write/);
    assert.equal(JSON.parse(await readFile(json, "utf8")).verdict.passed, true);
  });

  it("compares two saved runs: 0 when alike, 1 on a regression, 2 on a file it cannot read", async () => {
    const baseline = `${FIXTURES}results/run-result.json`;
    const same = await cli(["compare", baseline, baseline]);
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stdout, /PASS/);
    const report = JSON.parse(await readFile(baseline, "utf8"));
    for (const deployment of report.load.deployments) for (const round of deployment.rounds) round.latency.p99Us *= 3;
    const regressed = join(work, "regressed.json");
    await writeFile(regressed, JSON.stringify(report));
    const worse = await cli(["compare", baseline, regressed, "--tolerance", "20%"]);
    assert.equal(worse.code, 1);
    assert.match(worse.stdout, /proxied\/builtin\s+p99.*regression/);
    // A result saved by an earlier edgebench (schema 1) is read too: against its upgraded self nothing changed.
    const older = await cli(["compare", `${FIXTURES}results/run-result-v1.json`, baseline]);
    assert.equal(older.code, 0, older.stderr);
    assert.match(older.stdout, /proxied\/builtin\s+p50\s+1\.41ms\s+1\.41ms\s+0\.0 %/);
    const missing = await cli(["compare", baseline, join(work, "nope.json")]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file/);
  });

  it("writes a starter scenario that validates, and does not overwrite one", async () => {
    const file = join(work, "starter.yaml");
    const written = await cli(["init", file, "--allowed-hosts", "shop.example.com,*.shop.example.com"]);
    assert.equal(written.code, 0, written.stderr);
    const text = await readFile(file, "utf8");
    assert.match(text, /^# yaml-language-server: \$schema=.*schema\/scenario\.schema\.json/);
    assert.match(text, /allowedHosts: "shop\.example\.com;\*\.shop\.example\.com"/);
    const valid = await cli(["validate", file]);
    assert.equal(valid.code, 0, valid.stderr);
    const again = await cli(["init", file]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /exists; use --force/);
  });

  // Paths are given relative to the repository root (the CLI's working directory) so the output is the same anywhere.
  const SNAPSHOT_CASES: Array<{ name: string; args: string[]; code: number }> = [
    { name: "report-terminal", args: ["report", "test/fixtures/results/run-result.json"], code: 1 },
    { name: "report-terminal-v1", args: ["report", "test/fixtures/results/run-result-v1.json"], code: 1 },
    { name: "report-markdown", args: ["report", "test/fixtures/results/probe-only.json", "-r", "markdown"], code: 1 },
    {
      name: "probe-spoofing",
      args: [
        "probe",
        "-q",
        "--category",
        "spoofing",
        "scenarios/allowed-hosts-star.yaml",
        "scenarios/xfh-spoofing.yaml",
      ],
      code: 1,
    },
    { name: "validate-several-problems", args: ["validate", "test/fixtures/scenarios/several-problems.yaml"], code: 2 },
    { name: "list-probes", args: ["list-probes"], code: 0 },
    { name: "probe-pass", args: ["probe", "-q", "scenarios/default.yaml"], code: 0 },
    // One category: fewer exchanges at once, so a loaded machine does not turn probes into hangs.
    { name: "fix-xfh-spoofing", args: ["fix", "scenarios/xfh-spoofing.yaml", "--category", "spoofing"], code: 0 },
  ];
  for (const { name, args, code } of SNAPSHOT_CASES) {
    it(`prints what its snapshot holds: edgebench ${args.join(" ")}`, async () => {
      const result = await cli(args);
      assert.equal(result.code, code, result.stderr);
      assertSnapshot(
        `cli.${name}.txt`,
        `$ edgebench ${args.join(" ")}\nexit ${result.code}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`,
      );
    });
  }

  it("fix writes the fixed files where asked, and never over the user's own without --in-place", async () => {
    const fixed = join(work, "fixed");
    const written = await cli(["fix", `${SCENARIOS}allowed-hosts-star.yaml`, "--write", fixed]);
    assert.equal(written.code, 0, written.stderr);
    assert.match(written.stdout, /\d+ failed → 0 failed/);
    assert.match(
      await readFile(join(fixed, "allowed-hosts-star.yaml"), "utf8"),
      /allowedHosts: "?app\.example\.com;\*\.tenant\.example\.com"?/,
    );
    assert.equal((await cli(["probe", "-q", join(fixed, "allowed-hosts-star.yaml")])).code, 0);
    const again = await cli(["fix", `${SCENARIOS}allowed-hosts-star.yaml`, "--write", fixed]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /exists: use --force/);
    const copy = join(work, "mine.yaml");
    await writeFile(copy, await readFile(`${SCENARIOS}xfh-spoofing.yaml`, "utf8"));
    const own = await cli(["fix", copy, "--write", work]);
    assert.equal(own.code, 2);
    assert.match(own.stderr, /is your own file: use --in-place/);
    assert.equal((await cli(["fix", copy, "--write", fixed, "--in-place"])).code, 2);
    assert.equal((await cli(["fix", copy, "--in-place"])).code, 0);
    assert.equal((await cli(["probe", "-q", copy])).code, 0);
    assertNoStackTrace(own.stderr + again.stderr);
  });

  it("renders a saved JSON result again in every form, the verdict as its exit code", async () => {
    const html = join(work, "again.html");
    const result = await cli([
      "report",
      `${FIXTURES}results/run-result.json`,
      `${FIXTURES}results/probe-only.json`,
      "-r",
      `html:${html},junit`,
    ]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /<testsuites name="edgebench"/);
    assert.match(await readFile(html, "utf8"), /<svg[^>]*class="chart"/);
    const missing = await cli(["report", join(work, "nope.json")]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.json: no such file/);
  });

  it(
    "puts proxy engines side by side, and stops every engine process on Ctrl-C",
    { skip: engineVersion(ENGINE_DRIVERS.nginx) === null ? "nginx is not installed (apt-get install nginx)" : false },
    async () => {
      const sideBySide = await cli(["probe", "-q", "--engine", "builtin,nginx", "scenarios/default.yaml"]);
      assert.equal(sideBySide.code, 1, sideBySide.stderr);
      assert.match(sideBySide.stdout, /proxies: builtin, nginx\s+(hardened\s+)?\d/);
      assert.match(
        sideBySide.stdout,
        /\s+edge\s+builtin\s+nginx\n\s+absolute-form-target-disallowed\s+✓ 400\s+✓ 400\s+✗ 200/,
      );
      assert.match(sideBySide.stdout, /FAIL · 1 problem/);
      const noReference = await cli([
        "probe",
        "-q",
        "--engine",
        "builtin,nginx",
        "--reference",
        "caddy",
        "scenarios/default.yaml",
      ]);
      assert.equal(noReference.code, 2);
      assert.match(
        noReference.stderr,
        /--reference caddy: no such proxied deployment; this run has proxied\/builtin, proxied\/nginx/,
      );
      assertNoStackTrace(noReference.stderr);
      const broken = join(work, "broken-nginx.conf");
      await writeFile(
        broken,
        "daemon off; error_log {{DIR}}/error.log; pid {{DIR}}/nginx.pid; events {} http { server { listen {{LISTEN}}; bogus_directive; } }\n",
      );
      const failed = await cli([
        "probe",
        "-q",
        "--engine",
        "nginx",
        "--engine-config",
        broken,
        "scenarios/default.yaml",
      ]);
      assert.equal(failed.code, 2);
      assert.match(
        failed.stderr,
        /^edgebench: nginx did not start \(exit code \d+\); its log is \/\S+\/engine\.log:\n.*unknown directive "bogus_directive"/ms,
      );
      assertNoStackTrace(failed.stderr);
      await rm(/its log is (\S+)\/engine\.log/.exec(failed.stderr)![1]!, { recursive: true, force: true });
      const unknown = await cli(["probe", "--engine", "apache"]);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /unknown engine 'apache'; choose from builtin, nginx, haproxy, caddy/);
      const interrupted = await cli(
        ["bench", "-q", "--engine", "nginx", "--rounds", "200", `${FIXTURES}scenarios/valid-tiny-load.yaml`],
        { signals: [{ afterMs: 2500, signal: "SIGINT" }] },
      );
      assert.equal(interrupted.code, 130, interrupted.stderr);
      assert.ok(interrupted.exitedAt - interrupted.signalledAt! < 2000);
      // What is left of the engines it started is checked by its own PIDs in chaos.test.ts (not by name: others run nginx).
    },
  );

  it("exits 70 on a bug in edgebench, in one line naming the file that holds the stack", async () => {
    // A stream that breaks in a way no EdgebenchError describes stands in for any defect of the program itself.
    let stderr = "";
    const io: CliIo = {
      stdout: {
        write: () => {
          throw new TypeError("the stream broke");
        },
      },
      stderr: { write: (text: string) => (stderr += text) },
      env: process.env,
      onStopSignal: () => () => undefined,
      exit: () => {
        throw new Error("unexpected exit");
      },
      tmpdir: work,
    };
    const code = await main(["node", "edgebench", "list-probes"], io);
    assert.equal(code, 70);
    const match = /^edgebench: this is a bug in edgebench \(the stream broke\); the stack is in (\S+)\n$/.exec(stderr);
    assert.ok(match, stderr);
    assert.match(await readFile(match[1]!, "utf8"), /^TypeError: the stream broke\n\s+at /);
    const usage = await cli(["run", "--reporter", "nope"]);
    assert.equal(usage.code, 2);
    assert.equal(
      usage.stderr,
      "edgebench: unknown reporter 'nope'; choose from terminal, json, markdown, junit, html (as name or name:path, comma-separated)\n",
    );
  });

  it("without dotnet, leaves out what needs real Kestrel with the install hint and runs the rest", async () => {
    // Spawned: the PATH without dotnet must be the process's own.
    const env = { PATH: work };
    const both = await cli(
      ["probe", join(FIXTURES, "scenarios/kestrel-runtime.yaml"), join(SCENARIOS, "default.yaml"), "-r", "json"],
      { env, spawned: true },
    );
    assert.equal(both.code, 0, both.stderr);
    assert.match(
      both.stderr,
      /kestrel-runtime\.yaml skipped: app runtime kestrel needs dotnet, which is not installed \(install the \.NET 10 SDK/,
    );
    assert.equal((JSON.parse(both.stdout) as { scenario: { name: string } }).scenario.name, "default");
    const none = await cli(["probe", join(SCENARIOS, "default.yaml"), "--app-runtime", "kestrel"], {
      env,
      spawned: true,
    });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /nothing to run/);
    const conformance = await cli(["conformance"], { env, spawned: true });
    assert.equal(conformance.code, 2);
    assert.match(conformance.stderr, /edgebench conformance needs dotnet, which is not installed \(install/);
    assertNoStackTrace(conformance.stderr);
  });

  it("lists the probe catalog", async () => {
    const table = await cli(["list-probes"]);
    assert.equal(table.code, 0);
    assert.match(table.stdout, /missing-host-http11\s+rfc-conformance/);
    const json = JSON.parse((await cli(["list-probes", "--json"])).stdout);
    assert.equal(json.length, PROBE_CATALOG.length);
  });

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`stops on ${signal} within 2 s, still writes what was measured, leaves no port open, and exits 130`, async () => {
      const out = join(work, `interrupted-${signal}.json`);
      const result = await cli(
        ["bench", `${FIXTURES}scenarios/valid-tiny-load.yaml`, "--rounds", "200", "-r", "json", "-o", out],
        { signals: [{ afterMs: 2500, signal }] },
      );
      assert.equal(result.code, 130, result.stderr);
      assert.ok(
        result.exitedAt - result.signalledAt! < 2000,
        `took ${result.exitedAt - result.signalledAt!} ms to stop`,
      );
      const report = JSON.parse(await readFile(out, "utf8"));
      assert.equal(report.interrupted, true);
      for (const deployment of report.load.deployments)
        assert.equal(await isListening(Number(new URL(deployment.url).port)), false);
    });
  }

  it("quits at once on a second Ctrl-C", async () => {
    const result = await cli(["bench", `${FIXTURES}scenarios/valid-tiny-load.yaml`, "--rounds", "200", "-q"], {
      signals: [
        { afterMs: 4000, signal: "SIGINT" },
        { afterMs: 4010, signal: "SIGINT" },
      ],
    });
    assert.equal(result.code, 130);
    assert.equal(result.stdout, "");
  });

  it("caps connections to the open-file limit with a warning instead of failing with EMFILE", async () => {
    const result = await cli(
      [
        "bench",
        "-q",
        "-c",
        "500",
        "--rounds",
        "1",
        "-d",
        "300ms",
        "-w",
        "0s",
        `${FIXTURES}scenarios/valid-tiny-load.yaml`,
      ],
      { openFiles: 256 },
    );
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /Warning: load capped at \d+ connections instead of 500: the open-file limit is 256/);
    assert.doesNotMatch(result.stdout + result.stderr, /EMFILE/);
  });
});
