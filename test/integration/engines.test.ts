/**
 * nginx, HAProxy and Caddy started from scenarios as child processes: what reaches the app, TLS, balancing, the
 * user's own configuration, a failed start naming its log, a missing engine left out, and every process stopped.
 * An engine missing on a developer's machine is skipped, saying so; CI installs all three (.ci/run).
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { selectEngines } from "../../src/engines/per-engine.js";
import { ENGINE_DRIVERS, EngineStartError, engineVersion } from "../../src/engines/start-engine.js";
import type { ExternalEngineName } from "../../src/engines/types.js";
import { runScenario } from "../../src/run.js";
import { PROBE_CATALOG } from "../../src/runners/probes/catalog/index.js";
import { selectProbes } from "../../src/runners/probes/run-probes.js";
import { loadScenario, scenarioFromObject } from "../../src/scenario/load.js";
import type { Scenario } from "../../src/scenario/types.js";
import { startTopology } from "../../src/topology/start.js";
import { FIXTURES, SCENARIOS } from "../helpers/paths.js";
import type { RunEvent } from "../../src/runners/events.js";
import { isListening } from "../helpers/ports.js";
import { isAlive } from "../helpers/processes.js";
import { appJson, ask } from "../helpers/raw.js";

const ENGINES: ExternalEngineName[] = ["nginx", "haproxy", "caddy", "yarp"];
const missing = (engine: ExternalEngineName): string | false =>
  engineVersion(ENGINE_DRIVERS[engine]) === null
    ? `${engine} is not installed here (${ENGINE_DRIVERS[engine].install}); CI installs it`
    : false;

async function bundled(name: string, engine: ExternalEngineName): Promise<Scenario> {
  const scenario = await loadScenario(`${SCENARIOS}${name}.yaml`);
  return {
    ...scenario,
    proxy: { ...scenario.proxy, engine },
    load: { ...scenario.load, durationMs: 300, warmupMs: 0, rounds: 1, connections: 4 },
  };
}

for (const engine of ENGINES) {
  describe(`${engine} as the proxy`, { skip: missing(engine) }, () => {
    it("forwards to the app with the scenario's forwarding headers, from the proxy's address, and stops by PID", async () => {
      const topology = await startTopology(
        { ...(await bundled("default", engine)), topologies: ["proxied"] },
        { isolation: "inline" },
      );
      const running = topology.running[0]!;
      let pid: number | null = null;
      try {
        assert.equal(running.engine?.name, engine);
        assert.match(running.engine!.version, /^\d+\.\d+/);
        const exchange = await ask(
          running.entry.port,
          "GET /hello HTTP/1.1\r\nHost: app.example.com\r\nX-Forwarded-Host: evil.example\r\n\r\n",
        );
        const seen = appJson(exchange.responses[0]);
        assert.equal(exchange.responses[0]!.status, 200);
        assert.equal(
          seen.host,
          "app.example.com",
          "the app believed the client's Host, not the forged X-Forwarded-Host",
        );
        assert.equal(seen.path, "/hello");
        assert.equal(seen.remoteIp, "127.0.0.1", "the app took the client's address from the proxy's X-Forwarded-For");
        const dirs = (await import("node:fs"))
          .readdirSync(tmpdir())
          .filter((d) => d.startsWith(`edgebench-${engine}-`));
        for (const dir of dirs) {
          const pidFile = join(tmpdir(), dir, "nginx.pid");
          if (engine === "nginx" && existsSync(pidFile)) pid = Number(readFileSync(pidFile, "utf8"));
        }
      } finally {
        await topology.close();
      }
      assert.equal(await isListening(running.entry.port), false, "the engine's port is closed after the run");
      if (pid !== null) assert.equal(isAlive(pid), false, "the nginx master is gone");
    });

    it("is graded on what reached the app: probes, its version in the report", async () => {
      const result = await runScenario(await bundled("default", engine), { load: false });
      assert.equal(result.scenario.proxyEngine, engine);
      assert.match(result.deployments.find((d) => d.name === `proxied/${engine}`)?.engine?.version ?? "", /^\d+\.\d+/);
      const proxied = result.probes!.results.filter((r) => r.deployment === `proxied/${engine}` && r.via === "entry");
      assert.ok(proxied.length >= 45);
      assert.ok(
        proxied.filter((r) => r.pass).length >= 40,
        `${engine} failed ${proxied
          .filter((r) => !r.pass)
          .map((r) => r.probe)
          .join(", ")}`,
      );
    });

    it("publishes only proxy.exposedPaths: a public path is served, an internal one gets 404", async () => {
      const scenario = { ...(await bundled("exposed-surface", engine)), topologies: ["proxied" as const] };
      const result = await runScenario(scenario, {
        load: false,
        catalog: selectProbes(PROBE_CATALOG, { categories: ["surface"] }),
      });
      const status = (id: string) => result.probes!.results.find((r) => r.probe === id)?.observed[0]?.status;
      assert.equal(result.probes!.results.length, 25);
      assert.equal(status("surface-public-control"), 200);
      assert.equal(status("surface-internal:/admin"), 404);
      assert.equal(status("surface-internal:/metrics"), 404);
    });

    for (const tls of ["tls-terminate", "tls-reencrypt"]) {
      it(`${tls}: probes and load over TLS through ${engine}`, async () => {
        const result = await runScenario(await bundled(tls, engine));
        const proxied = result.load!.deployments.find((t) => t.deployment === `proxied/${engine}`)!;
        assert.match(proxied.url, /^https:/);
        assert.ok(proxied.responses > 0);
        assert.equal(proxied.errors + proxied.non2xx, 0);
        assert.ok(result.probes!.passed > 80, result.verdict.failures.join("\n"));
      });
    }

    it("balances over three instances: every instance answers", async () => {
      // A warm-up first: a .NET proxy (YARP) compiles its forwarding path on the first requests, and a cold 300 ms
      // round can then carry too few requests to reach every instance.
      const scenario = await bundled("load-balancing", engine);
      const result = await runScenario({ ...scenario, load: { ...scenario.load, warmupMs: 500 } }, { probes: false });
      const split = result.load!.deployments.find((t) => t.deployment === `proxied/${engine}`)!.instanceSplit!;
      assert.equal(split.length, 3);
      for (const share of split) assert.ok(share.answers > 0, JSON.stringify(split));
    });
  });
}

describe("several engines in one run", { skip: missing("nginx") || missing("haproxy") }, () => {
  it("starts every deployment, runs them in the same shuffled rounds, pairs each with edge and with nginx, and stops them", async () => {
    const scenario = await loadScenario(`${FIXTURES}scenarios/valid-tiny-load.yaml`);
    const events: RunEvent[] = [];
    const result = await runScenario(scenario, {
      plan: { engines: ["builtin", "nginx", "haproxy"] },
      catalog: PROBE_CATALOG.filter((p) => ["arbitrary-host", "xfh-override"].includes(p.id)),
      onEvent: (event) => events.push(event),
    });
    const names = ["edge", "proxied/builtin", "proxied/nginx", "proxied/haproxy"];
    assert.deepEqual(
      result.deployments.map((d) => d.name),
      names,
    );
    assert.deepEqual(
      result.deployments.map((d) => d.engine?.name ?? null),
      [null, "builtin", "nginx", "haproxy"],
    );
    assert.equal(result.referenceProxy, "proxied/nginx");
    const load = result.load!;
    assert.equal(load.order.length, 2);
    for (const order of load.order) assert.deepEqual([...order].sort(), [...names].sort());
    for (const deployment of load.deployments) {
      assert.deepEqual(
        deployment.rounds.map((r) => r.round),
        [1, 2],
      );
      assert.ok(deployment.responses > 0 && deployment.non2xx === 0, deployment.deployment);
    }
    // Each deployment has apps of its own: every answer its client counted, its own app counted too.
    for (const d of load.deployments)
      assert.ok(
        (d.serverCounts["app:web"]?.["200"] ?? 0) >= d.rounds.reduce((sum, r) => sum + r.ok2xx, 0),
        d.deployment,
      );
    assert.deepEqual(
      load.overheads.map((o) => o.deployment),
      names.slice(1),
    );
    assert.ok(load.ratios.every((r) => r.reference === "proxied/nginx"));
    assert.deepEqual(load.ratios.map((r) => r.deployment).sort(), ["proxied/builtin", "proxied/haproxy"]);
    // Every deployment was probed at its entry, and behind each proxy its app straight.
    for (const name of names)
      assert.ok(
        result.probes!.results.some((r) => r.deployment === name && r.via === "entry"),
        name,
      );
    assert.equal(result.probes!.results.filter((r) => r.via === "bypass").length, 3);
    assert.equal(result.verdict.passed, true, result.verdict.failures.join("\n"));
    const started = events.find((e): e is Extract<RunEvent, { type: "started" }> => e.type === "started")!;
    for (const entry of started.entries)
      assert.equal(await isListening(Number(new URL(entry.url).port)), false, `${entry.deployment} still listening`);
  });
});

describe("engine configuration and failures", { skip: missing("nginx") }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "edgebench-user-config-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const scenarioWith = (engineConfig: string): Scenario => {
    const scenario = scenarioFromObject({
      apps: [{ name: "web", allowedHosts: "app.example.com" }],
      topologies: ["proxied"],
      proxy: { engine: "nginx" },
    });
    return { ...scenario, proxy: { ...scenario.proxy, engineConfig } };
  };

  it("runs the user's own nginx configuration with only the addresses filled in", async () => {
    const file = join(dir, "nginx.conf");
    await writeFile(
      file,
      [
        "daemon off; worker_processes 1; pid {{DIR}}/nginx.pid; error_log {{DIR}}/error.log;",
        "events {}",
        "http { access_log off; client_body_temp_path {{DIR}}/b; proxy_temp_path {{DIR}}/p; fastcgi_temp_path {{DIR}}/f; uwsgi_temp_path {{DIR}}/u; scgi_temp_path {{DIR}}/s;",
        "  server { listen {{LISTEN}} default_server; return 421; }",
        "  server { listen {{LISTEN}}; server_name app.example.com; location / { proxy_pass http://{{UPSTREAM_0}}; proxy_bind {{SOURCE_ADDRESS}}; proxy_set_header Host $host; proxy_set_header X-User-Config yes; } }",
        "}",
      ].join("\n"),
    );
    const topology = await startTopology(scenarioWith(file), { isolation: "inline" });
    try {
      const port = topology.running[0]!.entry.port;
      const served = await ask(port, "GET / HTTP/1.1\r\nHost: app.example.com\r\n\r\n");
      assert.equal(served.responses[0]?.status, 200, served.received.toString("latin1"));
      assert.equal(appJson(served.responses[0]).headers["x-user-config"], "yes");
      assert.equal((await ask(port, "GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n")).responses[0]?.status, 421);
    } finally {
      await topology.close();
    }
  });

  it("refuses a configuration without {{LISTEN}}, and one with an unknown placeholder", async () => {
    const noListen = join(dir, "no-listen.conf");
    await writeFile(noListen, "events {}\n");
    await assert.rejects(
      startTopology(scenarioWith(noListen), { isolation: "inline" }),
      /has no \{\{LISTEN\}\} or \{\{LISTEN_PORT\}\}/,
    );
    const unknown = join(dir, "unknown.conf");
    await writeFile(unknown, "listen {{LISTEN}}; {{UPSTREAM_7}}\n");
    await assert.rejects(
      startTopology(scenarioWith(unknown), { isolation: "inline" }),
      /unknown placeholder \{\{UPSTREAM_7\}\}; this scenario offers/,
    );
  });

  it("an engine that fails to start is a clear error naming its log, which is kept", async () => {
    const broken = join(dir, "broken.conf");
    await writeFile(
      broken,
      "daemon off; error_log {{DIR}}/error.log; pid {{DIR}}/nginx.pid; events {} http { server { listen {{LISTEN}}; no_such_directive on; } }\n",
    );
    await assert.rejects(startTopology(scenarioWith(broken), { isolation: "inline" }), (error: EngineStartError) => {
      assert.equal(error.code, "ERR_ENGINE_START");
      assert.match(error.message, /^nginx did not start \(exit code \d+\); its log is \/.*engine\.log/);
      assert.match(error.message, /unknown directive "no_such_directive"/);
      assert.ok(existsSync(error.log));
      void rm(dirname(error.log), { recursive: true, force: true });
      return true;
    });
  });

  it("leaves out an engine that is not installed, saying how to install it; fails a scenario that needs it", async () => {
    const scenario = scenarioFromObject({
      apps: [{ name: "web", allowedHosts: "app.example.com" }],
      proxy: { engine: "nginx" },
    });
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      const selection = selectEngines(scenario, ["builtin", "nginx"], null);
      assert.deepEqual(selection.engines, ["builtin"]);
      assert.deepEqual(selection.skipped, ["engine nginx skipped: nginx is not installed (apt-get install nginx)"]);
      assert.throws(
        () => selectEngines(scenario, null, null),
        /proxy\.engine is nginx, but nginx is not installed \(apt-get install nginx\)/,
      );
      assert.throws(() => selectEngines(scenario, ["nginx"], null), /none of the engines asked for is installed/);
    } finally {
      process.env.PATH = path;
    }
  });
});
