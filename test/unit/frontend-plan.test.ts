/** The front-door protocol as a deployment dimension: `--frontend http1,h2` crossed with the engines. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseFrontendList } from "../../src/engines/per-engine.js";
import { planDeployments } from "../../src/plan/deployments.js";
import { scenarioFromObject } from "../../src/scenario/load.js";
import { frontDoorOf } from "../../src/topology/start.js";

const scenario = (extra: Record<string, unknown> = {}) =>
  scenarioFromObject({ apps: [{ name: "web", allowedHosts: "app.example.com" }], ...extra });

describe("front door in the deployment plan", () => {
  it("names a deployment per front door only when several are chosen", () => {
    const plan = planDeployments(scenario(), { engines: ["builtin", "nginx"], frontends: ["http1", "h2"] });
    assert.deepEqual(
      plan.map((d) => [d.name, d.scenario.proxy.frontend]),
      [
        ["edge", "http1"],
        ["proxied/builtin/http1", "http1"],
        ["proxied/builtin/h2", "h2"],
        ["proxied/nginx/http1", "http1"],
        ["proxied/nginx/h2", "h2"],
      ],
    );
    assert.deepEqual(planDeployments(scenario({ proxy: { frontend: "h2" } })).map((d) => d.name), ["edge", "proxied/builtin"]);
  });

  it("serves HTTP/2 at the edge only where the app can: an Http2 endpoint on cleartext", () => {
    assert.equal(frontDoorOf(scenario({ proxy: { frontend: "h2" } }), "edge"), "h2");
    assert.equal(frontDoorOf(scenario({ proxy: { frontend: "h2" }, tls: "terminate" }), "edge"), "http1");
    assert.equal(frontDoorOf(scenario({ proxy: { frontend: "both" } }), "edge"), "http1");
    assert.equal(frontDoorOf(scenario({ proxy: { frontend: "both" } }), "proxied"), "both");
  });

  it("reads --frontend and refuses an unknown protocol with the choices", () => {
    assert.deepEqual(parseFrontendList("h2, http1,h2"), ["h2", "http1"]);
    assert.throws(() => parseFrontendList("h3"), /unknown front door 'h3'; choose from http1, h2, both/);
  });
});
