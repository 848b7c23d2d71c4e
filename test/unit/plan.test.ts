/** The deployment plan: scenario × engines → named deployments, and the reference proxy the others are ratios to. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planDeployments, PlanError, referenceProxy } from "../../src/plan/deployments.js";
import { scenarioFromObject } from "../../src/scenario/load.js";

const scenario = (extra: Record<string, unknown> = {}) =>
  scenarioFromObject({ apps: [{ name: "web", allowedHosts: "app.example.com" }], ...extra });

describe("deployment plan", () => {
  it("names a scenario's own deployments edge and proxied/<its engine>", () => {
    const plan = planDeployments(scenario());
    assert.deepEqual(
      plan.map((d) => [d.name, d.topology, d.scenario.proxy.engine]),
      [
        ["edge", "edge", "builtin"],
        ["proxied/builtin", "proxied", "builtin"],
      ],
    );
    assert.deepEqual(
      planDeployments(scenario({ topologies: ["proxied"], proxy: { engine: "nginx" } })).map((d) => d.name),
      ["proxied/nginx"],
    );
    assert.deepEqual(
      planDeployments(scenario({ topologies: ["edge"] }), { engines: ["nginx", "caddy"] }).map((d) => d.name),
      ["edge"],
    );
  });

  it("makes one proxied deployment per engine, in the order given, each running its own engine", () => {
    const plan = planDeployments(scenario(), { engines: ["nginx", "builtin", "haproxy", "caddy"] });
    assert.deepEqual(
      plan.map((d) => d.name),
      ["edge", "proxied/nginx", "proxied/builtin", "proxied/haproxy", "proxied/caddy"],
    );
    assert.deepEqual(
      plan.map((d) => d.scenario.proxy.engine),
      ["builtin", "nginx", "builtin", "haproxy", "caddy"],
    );
  });

  it("keeps a user's engine configuration with the engine it was written for", () => {
    const base = scenario({ proxy: { engine: "nginx", engineConfig: "/etc/site.conf" } });
    const plan = planDeployments(base, { engines: ["builtin", "nginx"] });
    assert.deepEqual(
      plan.map((d) => [d.name, d.scenario.proxy.engineConfig]),
      [
        ["edge", "/etc/site.conf"],
        ["proxied/builtin", null],
        ["proxied/nginx", "/etc/site.conf"],
      ],
    );
  });

  it("refuses several proxies on one fixed port, naming the field", () => {
    assert.throws(
      () => planDeployments(scenario({ proxy: { port: 8080 } }), { engines: ["builtin", "nginx"] }),
      (error: unknown) => {
        assert.ok(error instanceof PlanError);
        assert.match(error.message, /proxy\.port is fixed at 8080, so only one proxy can listen there/);
        return true;
      },
    );
    assert.equal(planDeployments(scenario({ proxy: { port: 8080 } })).length, 2);
  });

  it("chooses nginx as the reference proxy when present, another when asked, none for a single proxy", () => {
    const four = planDeployments(scenario(), { engines: ["builtin", "nginx", "haproxy", "caddy"] });
    assert.equal(referenceProxy(four), "proxied/nginx");
    assert.equal(referenceProxy(four, "haproxy"), "proxied/haproxy");
    assert.equal(referenceProxy(four, "proxied/caddy"), "proxied/caddy");
    assert.equal(referenceProxy(planDeployments(scenario(), { engines: ["builtin", "caddy"] })), null);
    assert.equal(referenceProxy(planDeployments(scenario())), null);
    assert.equal(referenceProxy(planDeployments(scenario()), "builtin"), null);
    assert.throws(
      () => referenceProxy(four, "yarp"),
      /--reference yarp: no such proxied deployment; this run has proxied\/builtin, proxied\/nginx, proxied\/haproxy, proxied\/caddy/,
    );
  });
});
