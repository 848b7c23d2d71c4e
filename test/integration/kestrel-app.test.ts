/**
 * The real ASP.NET Core app: built through the .NET build cache, started from an app's options, answering with the
 * simulated app's JSON shape, telling its proxy from clients, serving TLS, counting, and stopped with nothing left.
 * Skipped, saying so, only where dotnet is not installed (CI installs it: .ci/run).
 */
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { cp, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { describe, it } from "node:test";
import { KESTREL_APP_PROJECT, KestrelStartError, startKestrelApp } from "../../src/apps/kestrel/driver.js";
import { DOTNET_INSTALL_HINT, dotnetVersion, projectHash } from "../../src/dotnet/build-cache.js";
import { sendRaw } from "../../src/runners/probes/raw-request.js";
import { createRunCertificates } from "../../src/tls/certificates.js";
import { ROOT } from "../helpers/paths.js";
import { isListening } from "../helpers/ports.js";
import { isAlive } from "../helpers/processes.js";
import { appJson, ask } from "../helpers/raw.js";

const skip = dotnetVersion() === null ? `dotnet is not installed here (${DOTNET_INSTALL_HINT}); CI installs it` : false;
const PEERS = { clientAddress: "203.0.113.10", proxyAddresses: ["127.0.0.2"] };
const forged = "GET / HTTP/1.1\r\nHost: app.example.com\r\nX-Forwarded-For: 198.51.100.66\r\n\r\n";

async function askFrom(port: number, localAddress: string, text: string) {
  return sendRaw(Buffer.from(text, "latin1"), {
    host: "127.0.0.1",
    port,
    localAddress,
    timeoutMs: 3000,
    expectResponses: 1,
  });
}

describe("the real Kestrel app", { skip }, () => {
  it("answers with what it believed, refuses a disallowed Host, counts, and stops by PID", async () => {
    const app = await startKestrelApp({ name: "web", allowedHosts: ["app.example.com"], allowEmptyHosts: false });
    try {
      const answer = appJson(
        (await ask(app.port, "GET /a%2Fb?q=1 HTTP/1.1\r\nHost: app.example.com\r\nX-A: 1\r\nX-A: 2\r\n\r\n"))
          .responses[0],
      );
      assert.equal(answer.app, "web");
      assert.equal(answer.host, "app.example.com");
      assert.equal(answer.path, "/a%2Fb");
      assert.equal(answer.query, "?q=1");
      assert.equal(answer.headers["x-a"], "1, 2");
      assert.equal(answer.remoteIp, "127.0.0.1");
      const refused = (await ask(app.port, "GET / HTTP/1.1\r\nHost: evil.com\r\n\r\n")).responses[0]!;
      assert.equal(refused.status, 400);
      assert.match(refused.body.toString(), /Invalid Hostname/);
      assert.deepEqual(await app.counts(), { "200": 1, "400": 1 });
    } finally {
      await app.close();
    }
    assert.equal(isAlive(app.pid), false);
    assert.equal(await isListening(app.port), false);
  });

  it("believes a client's forged X-Forwarded-For only when it trusts any peer", async () => {
    const right = await startKestrelApp({ forwardedHeaders: { forwardedHeaders: ["XForwardedFor"] }, ...PEERS });
    const wrong = await startKestrelApp({
      forwardedHeaders: { forwardedHeaders: ["XForwardedFor"], knownProxies: [], knownNetworks: [] },
      ...PEERS,
    });
    try {
      // A client (any address but the proxy's) is seen as 203.0.113.10, which the default KnownNetworks do not hold.
      assert.equal(appJson((await askFrom(right.port, "127.0.0.1", forged)).responses[0]).remoteIp, "203.0.113.10");
      // The proxy's own connections (from 127.0.0.2, inside 127.0.0.0/8) are trusted.
      assert.equal(appJson((await askFrom(right.port, "127.0.0.2", forged)).responses[0]).remoteIp, "198.51.100.66");
      assert.equal(appJson((await askFrom(wrong.port, "127.0.0.1", forged)).responses[0]).remoteIp, "198.51.100.66");
    } finally {
      await Promise.all([right.close(), wrong.close()]);
    }
  });

  it("serves TLS with the run's certificate", async () => {
    const certificates = await createRunCertificates(["app.example.com"]);
    const app = await startKestrelApp({ tls: certificates.server, protocols: "Http1" });
    try {
      assert.match(app.url, /^https:/);
      const exchange = await sendRaw(Buffer.from("GET / HTTP/1.1\r\nHost: app.example.com\r\n\r\n"), {
        host: "127.0.0.1",
        port: app.port,
        ca: certificates.ca,
        timeoutMs: 3000,
        expectResponses: 1,
      });
      assert.equal(appJson(exchange.responses[0]).scheme, "https");
    } finally {
      await app.close();
    }
  });

  it("ends by itself when the process that started it is killed (its stdin closes)", async () => {
    const script = `import { startKestrelApp } from ${JSON.stringify(join(ROOT, "dist/src/apps/kestrel/driver.js"))};
      const app = await startKestrelApp({}); console.log(app.pid); setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const pid = Number(
      await new Promise<string>((resolve) => parent.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString()))),
    );
    assert.equal(isAlive(pid), true);
    parent.kill("SIGKILL");
    for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(isAlive(pid), false, "the Kestrel app outlived its parent");
  });

  it("a failed start names the app's log", async () => {
    await assert.rejects(
      startKestrelApp({ forwardedHeaders: { forwardedHeaders: ["All"], knownProxies: ["not-an-address"] } }),
      (error: Error) => {
        assert.match(
          error.message,
          /exited \((SIGABRT|code \d+)\) before listening; its log is .*app\.log:\n.*invalid IP address/,
        );
        // The folder is kept for the user to read; the test removes it.
        void rm(dirname((error as KestrelStartError).log), { recursive: true, force: true });
        return true;
      },
    );
  });
});

describe(".NET build cache", { skip }, () => {
  it("keys builds by sources and SDK version", async () => {
    const copy = await mkdtemp(join(tmpdir(), "edgebench-project-test-"));
    try {
      await cp(KESTREL_APP_PROJECT.sourceDir, copy, { recursive: true });
      const project = { ...KESTREL_APP_PROJECT, sourceDir: copy };
      const before = projectHash(project, "10.0.100");
      assert.equal(projectHash(KESTREL_APP_PROJECT, "10.0.100"), before, "the same sources elsewhere: the same entry");
      assert.notEqual(projectHash(project, "10.0.101"), before, "another SDK is another entry");
      await writeFile(join(copy, "Extra.cs"), "namespace Edgebench.KestrelApp; internal static class Extra { }\n");
      assert.notEqual(projectHash(project, "10.0.100"), before, "changed sources are another entry");
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  it("builds a project once when two processes ask for it at the same time", async () => {
    // A console project of two files: the cache is generic, and a small build keeps the test short.
    const cache = await mkdtemp(join(tmpdir(), "edgebench-cache-test-"));
    const copy = await mkdtemp(join(tmpdir(), "edgebench-project-test-"));
    try {
      await writeFile(
        join(copy, "Tiny.csproj"),
        '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>Exe</OutputType>' +
          "<TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>\n",
      );
      await writeFile(join(copy, "Program.cs"), 'System.Console.WriteLine("tiny");\n');
      const project = { name: "tiny", sourceDir: copy, assembly: "Tiny.dll" };
      const module = JSON.stringify(join(ROOT, "dist/src/dotnet/build-cache.js"));
      const script = `import { buildDotnetProject } from ${module};
        console.log(await buildDotnetProject(${JSON.stringify(project)}));`;
      const env = { ...process.env, EDGEBENCH_CACHE_DIR: cache };
      const build = () =>
        promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { env, timeout: 120_000 });
      const [first, second] = await Promise.all([build(), build()]);
      assert.equal(first.stdout, second.stdout);
      const entries = await readdir(join(cache, "dotnet"));
      assert.deepEqual(
        entries.filter((name) => !name.endsWith(".build-failed.log")).length,
        1,
        `one entry, no temporary folders left: ${entries.join(", ")}`,
      );
    } finally {
      await Promise.all([rm(cache, { recursive: true, force: true }), rm(copy, { recursive: true, force: true })]);
    }
  });
});
