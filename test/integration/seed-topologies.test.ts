/**
 * The seed document's topologies started from the bundled scenarios: Host routing behind one proxy port, balancing
 * with its split, TLS placements with probes over TLS, and a shaped internet client. Little load; counts and
 * verdicts, never rates.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runScenario } from "../../src/run.js";
import { loadScenario } from "../../src/scenario/load.js";
import type { Scenario } from "../../src/scenario/types.js";
import { startTopology } from "../../src/topology/start.js";
import { appJson, raw } from "../helpers/raw.js";
import { SCENARIOS } from "../helpers/paths.js";
import { ENGINE_DRIVERS, engineVersion } from "../../src/engines/start-engine.js";

const LITTLE_LOAD = { durationMs: 300, warmupMs: 0, rounds: 1, connections: 4 };

async function bundled(name: string): Promise<Scenario> {
  const scenario = await loadScenario(`${SCENARIOS}${name}.yaml`);
  return { ...scenario, load: { ...scenario.load, ...LITTLE_LOAD } };
}

describe("seed topologies", () => {
  it("port sharing: one proxy port routes by Host to each app; at the edge each app has its own port", async () => {
    const topology = await startTopology(await bundled("port-sharing"), { isolation: "inline" });
    try {
      const edge = topology.running.find((t) => t.kind === "edge")!;
      const proxied = topology.running.find((t) => t.kind === "proxied")!;
      const ask = async (port: number, host: string) =>
        (await raw(port, `GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`)).responses[0]!;
      assert.equal(appJson(await ask(proxied.entry.port, "www.example.com")).app, "site");
      assert.equal(appJson(await ask(proxied.entry.port, "api.example.com")).app, "api");
      assert.equal(
        (await ask(proxied.entry.port, "evil.example")).status,
        421,
        "the proxy's allowlist answers other hosts",
      );
      const [site, api] = edge.apps;
      assert.notEqual(site!.endpoint.port, api!.endpoint.port);
      assert.equal(appJson(await ask(site!.endpoint.port, "www.example.com")).app, "site");
      assert.equal(
        (await ask(site!.endpoint.port, "api.example.com")).status,
        400,
        "at the edge, the site's port does not serve the API's host",
      );
    } finally {
      await topology.close();
    }
  });

  it("load balancing: the report shows how the proxy spread the answers over three instances", async () => {
    const result = await runScenario(await bundled("load-balancing"), { probes: false });
    const proxied = result.load!.deployments.find((t) => t.deployment === "proxied/builtin")!;
    assert.deepEqual(
      proxied.instanceSplit?.map((s) => s.instance),
      ["web#1", "web#2", "web#3"],
    );
    for (const share of proxied.instanceSplit!)
      assert.ok(share.answers > 0 && share.share > 0.1, JSON.stringify(proxied.instanceSplit));
    assert.equal(result.load!.deployments.find((t) => t.deployment === "edge")!.instanceSplit, undefined);
    assert.equal(result.verdict.passed, true, result.verdict.failures.join("\n"));
  });

  for (const name of ["tls-terminate", "tls-reencrypt"]) {
    it(`${name}: load and every probe over TLS, verified against the run's CA`, async () => {
      const result = await runScenario(await bundled(name));
      assert.equal(result.verdict.passed, true, result.verdict.failures.join("\n"));
      for (const t of result.load!.deployments) {
        assert.match(t.url, /^https:/);
        assert.equal(t.errors + t.non2xx, 0);
      }
      assert.ok(result.probes!.passed > 90);
    });
  }

  it("exposed surface: /admin and /metrics are exposed at the edge and hidden behind the builtin proxy", async () => {
    const result = await runScenario(await bundled("exposed-surface"), { load: false });
    assert.equal(result.verdict.passed, true, result.verdict.failures.join("\n"));
    const outcome = (topology: string, id: string) =>
      result.probes!.results.find((r) => r.deployment === topology && r.probe === id)?.observed[0]?.outcome;
    for (const path of ["/admin", "/metrics"]) {
      assert.equal(outcome("edge", `surface-internal:${path}`), "exposed");
      assert.equal(outcome("proxied/builtin", `surface-internal:${path}`), "reject");
    }
    assert.ok(
      result.probes!.results.filter((r) => r.category === "surface" && r.deployment === "proxied/builtin").length >= 12,
    );
  });

  it("internet client: a shaped client hop puts its latency under both topologies", async () => {
    const result = await runScenario(await bundled("internet-client"), { probes: false });
    for (const t of result.load!.deployments)
      assert.ok(
        t.latency.p50Us >= 40_000,
        `${t.deployment} p50 ${t.latency.p50Us} µs, expected over 40 ms (20 ms each way)`,
      );
    assert.equal(result.verdict.passed, true, result.verdict.failures.join("\n"));
  });

  it("app-takes-5ms: every answer takes the app's 5 ms, at the edge and through the proxy", async () => {
    const result = await runScenario(await bundled("app-takes-5ms"), { probes: false });
    for (const t of result.load!.deployments)
      assert.ok(t.latency.minUs >= 5000, `${t.deployment} min ${t.latency.minUs} µs`);
    assert.deepEqual(result.scenario.appWork?.[0]?.work.serviceTime, { distribution: "fixed", ms: 5 });
    assert.equal(result.verdict.passed, true, result.verdict.failures.join("\n"));
  });

  const noNginx =
    engineVersion(ENGINE_DRIVERS.nginx) === null
      ? `nginx is not installed here (${ENGINE_DRIVERS.nginx.install})`
      : false;
  it(
    "large-answers: 1 MiB streamed answers through nginx, first byte measured apart from the whole",
    { skip: noNginx },
    async () => {
      const result = await runScenario(await bundled("large-answers"), { probes: false });
      for (const t of result.load!.deployments) {
        assert.equal(t.errors + t.non2xx + t.timeouts, 0, t.deployment);
        assert.ok(t.ttfb && t.ttfb.count > 0, `${t.deployment} has a time to first byte`);
        assert.ok(
          t.latency.minUs >= 7 * 4000,
          `${t.deployment}: seven 4 ms pauses between eight chunks, min ${t.latency.minUs} µs`,
        );
      }
      const edge = result.load!.deployments.find((t) => t.deployment === "edge")!;
      assert.ok(
        edge.ttfb!.p50Us + 20_000 <= edge.latency.p50Us,
        `edge first byte ${edge.ttfb!.p50Us} µs, whole ${edge.latency.p50Us} µs`,
      );
    },
  );
});
