/**
 * The engines as people run them (typical) and as edgebench hardens them, on real nginx, HAProxy and Caddy: who
 * answered is decided from the app's record, the hardened HAProxy refuses a comma-joined Host itself, Caddy appends
 * to a client's X-Forwarded-For when asked, and hardened configurations match wildcards as deep as the policy says.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ENGINE_DRIVERS, engineVersion } from "../../src/engines/start-engine.js";
import type { ExternalEngineName } from "../../src/engines/types.js";
import { runScenario } from "../../src/run.js";
import { loadScenario, scenarioFromObject } from "../../src/scenario/load.js";
import type { EngineProfile, Scenario } from "../../src/scenario/types.js";
import { startTopology } from "../../src/topology/start.js";
import { PROBE_CATALOG } from "../../src/runners/probes/catalog/index.js";
import { SCENARIOS } from "../helpers/paths.js";
import { appJson, ask } from "../helpers/raw.js";

const ENGINES: ExternalEngineName[] = ["nginx", "haproxy", "caddy", "yarp"];
const PROFILES: EngineProfile[] = ["typical", "hardened"];
const missing = (engine: ExternalEngineName): string | false =>
  engineVersion(ENGINE_DRIVERS[engine]) === null
    ? `${engine} is not installed here (${ENGINE_DRIVERS[engine].install}); CI installs it`
    : false;

/** Probes hardened nginx and Caddy forward as sent and the app refuses: its 400, once reported as the proxy's. */
const APP_REFUSES = ["http10-no-host", "port-nonnumeric", "host-comma-list", "percent-encoded-host"];

async function withEngine(engine: ExternalEngineName, profile: EngineProfile, scenario?: Scenario): Promise<Scenario> {
  const base = scenario ?? (await loadScenario(`${SCENARIOS}default.yaml`));
  return { ...base, topologies: ["proxied"], proxy: { ...base.proxy, engine, profile } };
}

/** Sends one request through the engine and returns the status and, on 200, what the app saw. */
async function through(
  scenario: Scenario,
  request: string,
): Promise<Array<{ status: number; app: Record<string, unknown> | null }>> {
  const topology = await startTopology(scenario, { isolation: "inline" });
  try {
    const answers = [];
    for (const text of request.split("\u0000")) {
      const exchange = await ask(topology.running[0]!.entry.port, text);
      const response = exchange.responses[0]!;
      answers.push({ status: response.status, app: response.status === 200 ? appJson(response) : null });
    }
    return answers;
  } finally {
    await topology.close();
  }
}

/** Every answer through the proxy is the app's exactly when the app recorded that request with that status. */
function assertAnsweredByAgreesWithRecord(result: Awaited<ReturnType<typeof runScenario>>): void {
  const observed = result.probes!.results.flatMap((r) => r.observed.map((o) => ({ probe: r.probe, via: r.via, ...o })));
  assert.ok(observed.length > 50, `only ${observed.length} answers`);
  for (const o of observed) {
    const recorded = o.appReceived !== undefined && o.appReceived.status === o.status;
    assert.equal(
      o.answeredBy,
      recorded || o.via === "bypass" ? "app" : "proxy",
      `${o.probe} via ${o.via}: ${JSON.stringify(o)}`,
    );
  }
}

describe("builtin: who answered, from the app's record", () => {
  it("agrees with the app's record on every probe", async () => {
    const scenario = await loadScenario(`${SCENARIOS}default.yaml`);
    assertAnsweredByAgreesWithRecord(await runScenario({ ...scenario, topologies: ["proxied"] }, { load: false }));
  });
});

for (const engine of ENGINES) {
  describe(`${engine}: who answered, from the app's record`, { skip: missing(engine) }, () => {
    for (const profile of PROFILES) {
      it(`${profile}: "app" exactly when the app recorded the request with the status on the wire`, async () => {
        const result = await runScenario(await withEngine(engine, profile), { load: false });
        assert.equal(result.deployments.find((d) => d.topology === "proxied")?.profile, profile);
        assertAnsweredByAgreesWithRecord(result);
        const entry = (id: string) =>
          result.probes!.results.find((r) => r.probe === id && r.via === "entry")!.observed[0]!;
        if ((engine === "nginx" || engine === "caddy") && profile === "hardened") {
          for (const id of APP_REFUSES) assert.deepEqual([entry(id).status, entry(id).answeredBy], [400, "app"], id);
        }
        if (engine === "nginx") {
          // nginx refuses a repeated Host itself: nothing reached the app.
          assert.deepEqual(
            [entry("duplicate-host-identical").status, entry("duplicate-host-identical").answeredBy],
            [400, "proxy"],
          );
          assert.equal(entry("duplicate-host-identical").appReceived, undefined);
        }
      });
    }
  });
}

describe("haproxy: the whole Host field", { skip: missing("haproxy") }, () => {
  it("hardened refuses a comma-joined Host itself; typical passes it to the app", async () => {
    const request = "GET / HTTP/1.1\r\nHost: app.example.com,evil.example\r\nConnection: close\r\n\r\n";
    const hardened = await runScenario(await withEngine("haproxy", "hardened"), {
      load: false,
      catalog: PROBE_CATALOG.filter((p) => p.id === "host-comma-list"),
    });
    const refusal = hardened.probes!.results.find((r) => r.via === "entry")!.observed[0]!;
    assert.deepEqual([refusal.status, refusal.answeredBy, refusal.appReceived], [400, "proxy", undefined]);
    const [typical] = await through(await withEngine("haproxy", "typical"), request);
    assert.equal(typical!.status, 400, "the app refuses it (Kestrel's Host syntax), after HAProxy passed it on");
  });

  it("hardened sends the whole Host as X-Forwarded-Host", async () => {
    const scenario = await withEngine("haproxy", "hardened");
    const [answer] = await through(
      scenario,
      "GET / HTTP/1.1\r\nHost: app.example.com:8080\r\nConnection: close\r\n\r\n",
    );
    assert.equal((answer!.app!.headers as Record<string, string>)["x-forwarded-host"], "app.example.com:8080");
  });
});

describe("caddy: forwardedFor append", { skip: missing("caddy") }, () => {
  it("keeps the client's X-Forwarded-For and adds the peer, while still replacing Proto and Host", async () => {
    const base = await withEngine("caddy", "hardened");
    const scenario = { ...base, proxy: { ...base.proxy, forwardedFor: "append" as const } };
    const [answer] = await through(
      scenario,
      "GET / HTTP/1.1\r\nHost: app.example.com\r\nX-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: evil.example\r\nConnection: close\r\n\r\n",
    );
    // The app's ForwardedHeaders took the last address (Caddy's peer) off the list: the client's is what is left.
    const headers = answer!.app!.headers as Record<string, string>;
    assert.equal(answer!.app!.remoteIp, "127.0.0.1");
    assert.equal(headers["x-forwarded-for"], "203.0.113.7");
    assert.equal(answer!.app!.scheme, "http", "the client's X-Forwarded-Proto was replaced");
    assert.equal(headers["x-forwarded-host"], "app.example.com");
  });
});

/** One app behind a proxy allowlist of `*.tenant.example.com`: the proxy alone decides a two-label name. */
function wildcardScenario(depth: "any" | "one"): Scenario {
  return scenarioFromObject({
    apps: [{ name: "web", allowedHosts: "*" }],
    topologies: ["proxied"],
    proxy: { allowedHosts: ["*.tenant.example.com"] },
    policy: { hosts: ["*.tenant.example.com"], knobs: { wildcardDepth: depth } },
  });
}

for (const engine of ENGINES) {
  describe(`${engine}: wildcard depth`, { skip: missing(engine) }, () => {
    for (const depth of ["any", "one"] as const) {
      it(`hardened matches *.tenant.example.com ${depth === "any" ? "at any depth" : "one label deep"}`, async () => {
        const scenario = await withEngine(engine, "hardened", wildcardScenario(depth));
        const answers = await through(
          scenario,
          ["a", "a.b"]
            .map((name) => `GET / HTTP/1.1\r\nHost: ${name}.tenant.example.com\r\nConnection: close\r\n\r\n`)
            .join("\u0000"),
        );
        assert.deepEqual(
          answers.map((a) => a.status),
          [200, depth === "any" ? 200 : 421],
        );
      });
    }
  });
}
