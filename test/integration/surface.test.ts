/**
 * The surface probes on real sockets: a builtin proxy publishing /public in front of an app with internal endpoints,
 * the same app at the edge, and a sloppy server whose routing every disguise fools.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PROBE_CATALOG } from "../../src/runners/probes/catalog/index.js";
import { runProbes, selectProbes, type ProbeTarget, type SurfaceOptions } from "../../src/runners/probes/run-probes.js";
import type { ProbesResult } from "../../src/results/types.js";
import { startApp, type RunningApp } from "../../src/servers/app.js";
import { startProxy, type RunningProxy } from "../../src/servers/proxy.js";
import { PROXY_SOURCE_ADDRESS } from "../../src/topology/start.js";
import { startBroken } from "../helpers/capture-server.js";

const HOSTS = ["app.example.com"];
const SURFACE = selectProbes(PROBE_CATALOG, { categories: ["surface"] });
const INTERNAL = ["/admin", "/metrics"];
/** The disguises Kestrel's decoding and dot-segment removal and routing's case-insensitive segments turn into /admin. */
const KESTREL_ROUTES_TO_ADMIN = [
  "surface-internal",
  "surface-dot-segment",
  "surface-encoded-dots",
  "surface-uppercase",
  "surface-encoded-letter",
  "surface-trailing-dot-segment",
  "surface-absolute-form",
];

async function probe(port: number, proxyInPath: boolean, surface: Partial<SurfaceOptions> = {}, engine = "builtin"): Promise<ProbesResult> {
  const target: ProbeTarget = {
    deployment: proxyInPath ? "proxied" : "edge",
    via: "entry",
    host: "127.0.0.1",
    port,
    proxyInPath,
    hints: { allowsAnyHost: false, allowsEmptyHost: false, trustsAnyPeer: false, proxyPassesClientForwarding: false, proxyForwardsAnyHost: false, proxyEngine: engine, exposedPaths: surface.exposedPaths ?? null },
  };
  return runProbes([target], SURFACE, {
    policyHosts: HOSTS,
    timeoutMs: 2000,
    surface: { internalPaths: INTERNAL, exposedPaths: ["/public/*"], atEdge: "exposed", ...surface },
  });
}

const byId = (result: ProbesResult) => new Map(result.results.map((r) => [r.probe, r]));

describe("surface probes", () => {
  let app: RunningApp;
  let guarded: RunningProxy;
  let open: RunningProxy;
  before(async () => {
    app = await startApp({ allowedHosts: HOSTS, internalPaths: INTERNAL, clientAddress: "203.0.113.10", proxyAddresses: [PROXY_SOURCE_ADDRESS] });
    const routes = [{ hosts: HOSTS, upstreams: [app.url] }];
    guarded = await startProxy({ routes, exposedPaths: ["/public/*"], sourceAddress: PROXY_SOURCE_ADDRESS });
    open = await startProxy({ routes, sourceAddress: PROXY_SOURCE_ADDRESS });
  });
  after(async () => {
    await Promise.all([guarded.close(), open.close(), app.close()]);
  });

  it("are at least 12, each run once per internal path (and a control)", async () => {
    assert.ok(SURFACE.filter((p) => p.perInternalPath).length >= 12);
    const result = await probe(app.port, false);
    assert.equal(result.results.length, 1 + (SURFACE.length - 1) * INTERNAL.length);
    assert.ok(byId(result).has("surface-dot-segment:/metrics"));
  });

  it("pass behind a proxy that publishes only /public, whose control is still served", async () => {
    const result = await probe(guarded.port, true, { exposedPaths: ["/public/*"] });
    assert.equal(result.failed, 0, result.results.filter((r) => !r.pass).map((r) => `${r.probe}: ${r.explanation}`).join("\n"));
    assert.equal(byId(result).get("surface-public-control")!.observed[0]!.status, 200);
    assert.equal(byId(result).get("surface-internal:/admin")!.observed[0]!.status, 404);
  });

  it("fail behind a proxy that forwards every path, naming proxy.exposedPaths", async () => {
    const results = byId(await probe(open.port, true, { exposedPaths: null }));
    const internal = results.get("surface-internal:/admin")!;
    assert.equal(internal.pass, false);
    assert.equal(internal.observed[0]!.outcome, "exposed");
    assert.match(internal.explanation, /forwards every path.*proxy\.exposedPaths/);
  });

  it("report at the edge what the app routed to its internal endpoint as exposed, and fail it when the policy hides it", async () => {
    const exposed = byId(await probe(app.port, false));
    const reached = [...exposed.values()].filter((r) => r.probe.endsWith(":/admin") && r.observed[0]?.outcome === "exposed").map((r) => r.probe.split(":")[0]);
    assert.deepEqual(reached.sort(), [...KESTREL_ROUTES_TO_ADMIN].sort());
    assert.ok([...exposed.values()].every((r) => r.pass));
    assert.equal(exposed.get("surface-nul:/admin")!.observed[0]!.status, 400);
    const hidden = await probe(app.port, false, { atEdge: "hidden" });
    assert.equal(hidden.failed, KESTREL_ROUTES_TO_ADMIN.length * INTERNAL.length);
    assert.match(hidden.results.find((r) => !r.pass)!.explanation, /at the edge/);
  });

  it("fail on a server whose routing every disguise fools, each naming the path sent", async () => {
    const sloppy = await startBroken("naive");
    try {
      const results = byId(await probe(sloppy.port, true, { exposedPaths: ["/public/*"] }, "haproxy"));
      for (const definition of SURFACE.filter((p) => p.perInternalPath)) {
        const result = results.get(`${definition.id}:/admin`)!;
        assert.equal(result.pass, false, definition.id);
        assert.match(result.explanation, /HAProxy's `acl exposed_path path_beg`/);
      }
    } finally {
      await sloppy.close();
    }
  });
});
