/** Every probe passes against a correctly configured app and fails against at least one deliberately broken server. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PROBE_CATALOG } from "../../src/runners/probes/catalog/index.js";
import { runProbes, selectProbes } from "../../src/runners/probes/run-probes.js";
import type { ProbesResult } from "../../src/results/types.js";
import { startApp, type RunningApp } from "../../src/servers/app.js";
import { startBroken } from "../helpers/capture-server.js";

const POLICY = ["app.example.com", "*.tenant.example.com"];

async function probe(port: number): Promise<Map<string, boolean>> {
  const result: ProbesResult = await runProbes([{ deployment: "edge", via: "entry", host: "127.0.0.1", port, proxyInPath: false }], PROBE_CATALOG, {
    policyHosts: POLICY,
    timeoutMs: 2000,
  });
  return new Map(result.results.map((r) => [r.probe, r.pass]));
}

describe("probe catalog against correct and broken servers", () => {
  let correct: Map<string, boolean>;
  let naive: Map<string, boolean>;
  let naiveFirst: Map<string, boolean>;
  let refuseAll: Map<string, boolean>;
  let app: RunningApp;
  const closers: Array<() => Promise<void>> = [];

  before(async () => {
    app = await startApp({
      allowedHosts: POLICY,
      allowEmptyHosts: false,
      forwardedHeaders: { forwardedHeaders: ["XForwardedFor", "XForwardedProto", "XForwardedHost"] },
      clientAddress: "203.0.113.10",
    });
    const naiveServer = await startBroken("naive");
    const naiveFirstServer = await startBroken("naive-first");
    const refusing = await startBroken("refuse-all");
    closers.push(() => app.close(), naiveServer.close, naiveFirstServer.close, refusing.close);
    [correct, naive, naiveFirst, refuseAll] = await Promise.all([probe(app.port), probe(naiveServer.port), probe(naiveFirstServer.port), probe(refusing.port)]);
  });
  after(async () => Promise.all(closers.map((close) => close())));

  it("has at least the 50 original probes (docs/probes.md), with unique ids", () => {
    assert.ok(PROBE_CATALOG.length >= 50);
    assert.equal(new Set(PROBE_CATALOG.map((p) => p.id)).size, PROBE_CATALOG.length);
  });

  // The surface probes aim at a scenario's internal paths; test/integration/surface.test.ts covers them. The
  // h2-downgrade probes go only to HTTP/2 front doors: test/integration/h2-front-door.test.ts covers them.
  for (const definition of PROBE_CATALOG.filter((probe) => probe.category !== "surface" && probe.category !== "h2-downgrade")) {
    it(`${definition.id}: passes on the correct app, fails on a broken server`, () => {
      assert.equal(correct.get(definition.id), true, "correct app");
      assert.ok([naive, naiveFirst, refuseAll].some((broken) => broken.get(definition.id) === false), "no broken server failed it");
    });
  }

  it("selects by id and category, and names unknown ones", () => {
    assert.deepEqual(
      selectProbes(PROBE_CATALOG, { only: ["xff-spoof", "arbitrary-host"] }).map((p) => p.id),
      ["arbitrary-host", "xff-spoof"],
    );
    assert.ok(selectProbes(PROBE_CATALOG, { categories: ["spoofing"] }).every((p) => p.category === "spoofing"));
    assert.ok(!selectProbes(PROBE_CATALOG, { skip: ["xff-spoof"] }).some((p) => p.id === "xff-spoof"));
    assert.throws(() => selectProbes(PROBE_CATALOG, { only: ["arbitray-host"] }), /did you mean 'arbitrary-host'/);
    assert.throws(() => selectProbes(PROBE_CATALOG, { categories: ["spoof"] }), /unknown category/);
  });
});
