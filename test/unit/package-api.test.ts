/** The package root exports the names and shapes the Kestrel-fidelity issue fixes, importable by package name. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as edgebench from "edgebench";

describe("package root API", () => {
  it("exports the host-rule functions and startApp", async () => {
    for (const name of [
      "hostMatchesAny",
      "parseAllowedHostsConfig",
      "createHostFilter",
      "applyForwardedHeaders",
      "startApp",
      "runScenario",
      "loadScenario",
    ]) {
      assert.equal(typeof (edgebench as Record<string, unknown>)[name], "function", name);
    }
    assert.equal(edgebench.hostMatchesAny("a.example.com:80", ["*.example.com"]), true);
    assert.deepEqual(edgebench.createHostFilter({ allowedHosts: ["a"] })("b"), { allowed: false, status: 400 });
    const app = await edgebench.startApp();
    try {
      assert.match(app.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(app.port > 0);
    } finally {
      await app.close();
    }
  });
});
