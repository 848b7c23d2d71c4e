/** The bundled ASP.NET Core app run as "your own app": apps[].command with dotnet and the build cache's assembly. */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { request } from "undici";
import { KESTREL_APP_PROJECT, startKestrelApp } from "../../src/apps/kestrel/driver.js";
import { buildDotnetProject, DOTNET_INSTALL_HINT, dotnetVersion } from "../../src/dotnet/build-cache.js";
import type { RunResult } from "../../src/results/types.js";
import { edgebench } from "../helpers/edgebench-cli.js";

const skip = dotnetVersion() === null ? `dotnet is not installed here (${DOTNET_INSTALL_HINT}); CI installs it` : false;

describe("the real Kestrel app as your own app (apps[].command)", { skip }, () => {
  let dir: string;
  let dll: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "edgebench-own-kestrel-test-"));
    dll = await buildDotnetProject(KESTREL_APP_PROJECT);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("runs edge vs proxied with load and probes, graded on what it believed (echo contract)", async () => {
    const scenario = join(dir, "kestrel.yaml");
    const command = JSON.stringify([
      "dotnet",
      dll,
      "--urls",
      "http://{{HOST}}:{{PORT}}",
      "--AllowedHosts",
      "app.example.com",
    ]);
    const app = `  - name: web\n    allowedHosts: app.example.com\n    command: ${command}\n    readyTimeout: 60s\n    echoContract: true\n`;
    await writeFile(scenario, `apps:\n${app}load: { duration: 300ms, warmup: 200ms, rounds: 2, connections: 4 }\n`);
    const out = join(dir, "kestrel.json");
    const result = await edgebench(["run", scenario, "-q", "-r", `json:${out}`, "--category", "allowlist,spoofing"]);
    assert.ok(result.code === 0 || result.code === 1, result.stderr);
    const run = JSON.parse(await readFile(out, "utf8")) as RunResult;
    assert.ok(run.load!.deployments.every((t) => t.responses > 0 && t.non2xx === 0 && t.ttfb !== undefined));
    assert.equal(run.load!.overheads.length, 1);
    assert.equal(run.probes!.view, "app");
    const served = run.probes!.results.find((r) => r.probe === "allowed-exact" && r.deployment.startsWith("proxied"))!;
    assert.equal(served.observed[0]?.answeredBy, "app");
    assert.equal(served.observed[0]?.app?.host, "app.example.com");
    const refused = run.probes!.results.find((r) => r.probe === "arbitrary-host" && r.deployment === "edge")!;
    assert.equal(refused.observed[0]?.status, 400, "Kestrel's own HostFiltering refuses an unknown Host");
  });

  it("does the scenario's work per request in the real app too: service time, padded answer, chunks", async () => {
    const work = {
      serviceTime: { distribution: "fixed" as const, ms: 5 },
      answerBytes: 64 * 1024,
      chunks: 4,
      chunkDelayMs: 5,
    };
    const app = await startKestrelApp({ allowedHosts: ["app.example.com"], work });
    try {
      const started = performance.now();
      const response = await request(app.url, { headers: { host: "app.example.com" } });
      const text = await response.body.text();
      assert.equal(response.headers["transfer-encoding"], "chunked");
      assert.equal(Buffer.byteLength(text), 64 * 1024);
      assert.equal(JSON.parse(text).host, "app.example.com");
      assert.ok(performance.now() - started >= 5 + 3 * 5, "the service time and three pauses");
    } finally {
      await app.close();
    }
  });
});
