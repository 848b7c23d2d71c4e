/* eslint-disable @typescript-eslint/no-explicit-any -- these tests read the proxy's JSON field by field */
/**
 * YARP as the proxy, on the real program (Yarp.ReverseProxy 2.3.0 built through the .NET build cache): forwarding
 * fields per profile, RFC 7239 Forwarded, 504 on a silent app, 502 on a closed one, 413 over the body limit, the
 * user's own appsettings.json, and a missing dotnet leaving YARP out with the install hint. Skipped without dotnet.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  ENGINE_DRIVERS,
  engineVersion,
  freePort,
  startEngine,
  type RunningEngine,
} from "../../src/engines/start-engine.js";
import type { EngineSpec } from "../../src/engines/types.js";
import { loadScenario, scenarioFromObject } from "../../src/scenario/load.js";
import type { Scenario } from "../../src/scenario/types.js";
import { startTopology } from "../../src/topology/start.js";
import { edgebench } from "../helpers/edgebench-cli.js";
import { SCENARIOS } from "../helpers/paths.js";
import { appJson, ask } from "../helpers/raw.js";

const yarp = ENGINE_DRIVERS.yarp;
const missing = engineVersion(yarp) === null ? `dotnet is not installed here (${yarp.install}); CI installs it` : false;

async function defaultWith(proxy: Partial<Scenario["proxy"]>): Promise<Scenario> {
  const base = await loadScenario(`${SCENARIOS}default.yaml`);
  return { ...base, topologies: ["proxied"], proxy: { ...base.proxy, engine: "yarp", ...proxy } };
}

/** Sends each request through YARP started from the scenario; the status and, on 200, what the app saw. */
async function through(
  scenario: Scenario,
  requests: string[],
): Promise<Array<{ status: number; app: Record<string, any> | null }>> {
  const topology = await startTopology(scenario, { isolation: "inline" });
  try {
    const answers = [];
    for (const text of requests) {
      const response = (await ask(topology.running[0]!.entry.port, text)).responses[0]!;
      answers.push({ status: response.status, app: response.status === 200 ? appJson(response) : null });
    }
    return answers;
  } finally {
    await topology.close();
  }
}

const SPOOFED =
  "GET / HTTP/1.1\r\nHost: app.example.com\r\nX-Forwarded-For: 203.0.113.7\r\nX-Host: evil.example\r\n" +
  "Forwarded: for=203.0.113.7;host=evil.example\r\nConnection: close\r\n\r\n";

describe("yarp: forwarding fields", { skip: missing }, () => {
  it("typical (YARP's defaults) sets X-Forwarded-* and passes X-Host; hardened removes it", async () => {
    const [typical] = await through(await defaultWith({ profile: "typical" }), [SPOOFED]);
    const [hardened] = await through(await defaultWith({ profile: "hardened" }), [SPOOFED]);
    assert.equal(
      typical!.app!.headers["x-forwarded-for"],
      undefined,
      "the app's ForwardedHeaders consumed YARP's value",
    );
    assert.equal(typical!.app!.remoteIp, "127.0.0.1", "YARP set (not appended to) the client's X-Forwarded-For");
    assert.equal(typical!.app!.headers["x-host"], "evil.example");
    assert.equal(hardened!.app!.headers["x-host"], undefined);
    assert.equal(hardened!.app!.headers.forwarded, undefined);
    assert.equal(hardened!.app!.host, "app.example.com", "preserveHost: YARP's RequestHeaderOriginalHost");
  });

  it("proxy.forwarded adds RFC 7239 Forwarded beside X-Forwarded-*", async () => {
    const [answer] = await through(await defaultWith({ forwarded: true }), [
      SPOOFED.replace(/Forwarded: [^\r]*\r\n/, ""),
    ]);
    // YARP writes the pairs in its own order (proto, host, for) and quotes the host.
    const pairs = Object.fromEntries(
      (answer!.app!.headers.forwarded as string).split(";").map((pair) => pair.split("=")),
    );
    assert.deepEqual(pairs, { for: "127.0.0.1", proto: "http", host: '"app.example.com"' });
  });

  it("hardened with a one-label wildcard: a.tenant passes, a.b.tenant gets 421", async () => {
    const scenario = scenarioFromObject({
      apps: [{ name: "web", allowedHosts: "*" }],
      topologies: ["proxied"],
      proxy: { engine: "yarp", allowedHosts: ["*.tenant.example.com"] },
      policy: { hosts: ["*.tenant.example.com"], knobs: { wildcardDepth: "one" } },
    });
    const ask = (name: string) => `GET / HTTP/1.1\r\nHost: ${name}.tenant.example.com\r\nConnection: close\r\n\r\n`;
    const answers = await through(scenario, [ask("a"), ask("a.b"), "GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n"]);
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 421, 421],
    );
  });
});

describe("yarp: upstream failures and limits", { skip: missing }, () => {
  let dir: string;
  let silent: Server;
  const sockets = new Set<Socket>();
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "edgebench-yarp-test-"));
    silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  async function startWith(upstreamPort: number, tweak: Partial<EngineSpec>): Promise<RunningEngine> {
    const spec: EngineSpec = {
      listen: { host: "127.0.0.1", port: await freePort("127.0.0.1") },
      routes: [{ hosts: ["*"], upstreams: [{ host: "127.0.0.1", port: upstreamPort }] }],
      preserveHost: true,
      forwardedFor: "replace",
      forwarded: false,
      stripClientForwarded: true,
      allowedHosts: null,
      exposedPaths: null,
      upstreamTimeoutMs: 30_000,
      balancing: "round-robin",
      maxRequestBodyBytes: 1024 * 1024,
      profile: "hardened",
      wildcardDepth: "any",
      tls: null,
      sourceAddress: "127.0.0.1",
      dir,
      ...tweak,
    };
    return startEngine(yarp, spec);
  }

  it("answers 504 when the app stays silent past the upstream timeout, 502 when nothing listens", async () => {
    const port = (silent.address() as { port: number }).port;
    const engine = await startWith(port, { upstreamTimeoutMs: 1000 });
    try {
      const started = Date.now();
      const answer = await ask(engine.port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      assert.equal(answer.responses[0]?.status, 504);
      assert.ok(Date.now() - started < 2900, `answered after ${Date.now() - started} ms`);
    } finally {
      await engine.close();
    }
    const closed = await startWith(await freePort("127.0.0.1"), {});
    try {
      assert.equal((await ask(closed.port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")).responses[0]?.status, 502);
    } finally {
      await closed.close();
    }
  });

  it("answers 413 to a body over proxy.maxRequestBodyBytes", async () => {
    const engine = await startWith((silent.address() as { port: number }).port, { maxRequestBodyBytes: 100 });
    try {
      const body = "x".repeat(200);
      const answer = await ask(
        engine.port,
        `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      );
      assert.equal(answer.responses[0]?.status, 413);
    } finally {
      await engine.close();
    }
  });
});

describe("yarp: the user's own appsettings.json", { skip: missing }, () => {
  it("runs its ReverseProxy section with the addresses filled in", async () => {
    const dir = await mkdtemp(join(tmpdir(), "edgebench-yarp-user-"));
    try {
      const file = join(dir, "appsettings.json");
      const route = { ClusterId: "web", Match: { Hosts: ["app.example.com"], Path: "/{**all}" } };
      const transforms = [{ RequestHeaderOriginalHost: "true" }, { RequestHeader: "X-User-Config", Set: "yes" }];
      const settings = {
        Kestrel: { Endpoints: { main: { Url: "http://{{LISTEN}}" } } },
        Edgebench: { SourceAddress: "{{SOURCE_ADDRESS}}", AllowedHosts: ["app.example.com"], UnroutedHostStatus: 421 },
        ReverseProxy: {
          Routes: { web: { ...route, Transforms: transforms } },
          Clusters: { web: { Destinations: { one: { Address: "http://{{UPSTREAM_0}}" } } } },
        },
      };
      await writeFile(file, JSON.stringify(settings));
      const base = scenarioFromObject({
        apps: [{ name: "web", allowedHosts: "app.example.com" }],
        topologies: ["proxied"],
        proxy: { engine: "yarp" },
      });
      const scenario = { ...base, proxy: { ...base.proxy, engineConfig: file } };
      const [served, refused] = await through(scenario, [
        "GET / HTTP/1.1\r\nHost: app.example.com\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n",
      ]);
      assert.equal(served!.status, 200);
      assert.equal(served!.app!.headers["x-user-config"], "yes");
      assert.equal(refused!.status, 421);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("yarp without dotnet", () => {
  it("is left out of --engine builtin,yarp with the install hint", async () => {
    const result = await edgebenchWithoutDotnet([
      "probe",
      `${SCENARIOS}default.yaml`,
      "--engine",
      "builtin,yarp",
      "--category",
      "allowlist",
    ]);
    assert.match(
      result.stdout + result.stderr,
      /engine yarp skipped: yarp is not installed \(install the \.NET 10 SDK/,
    );
  });
});

/** The CLI with PATH holding only a folder with node in it (no dotnet, no engines). */
async function edgebenchWithoutDotnet(args: string[]): ReturnType<typeof edgebench> {
  const bin = await mkdtemp(join(tmpdir(), "edgebench-path-"));
  await symlink(process.execPath, join(bin, "node"));
  const saved = process.env.PATH;
  process.env.PATH = bin;
  try {
    return await edgebench(args);
  } finally {
    process.env.PATH = saved;
    await rm(bin, { recursive: true, force: true });
  }
}
