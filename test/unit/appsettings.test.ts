import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AppSettingsError, parseJsonWithComments, readAspNetCoreSettings } from "../../src/policy/appsettings.js";
import { loadScenario } from "../../src/scenario/load.js";
import { ScenarioError } from "../../src/scenario/issues.js";
import { FIXTURES, SCENARIOS } from "../helpers/paths.js";

describe("appsettings.json", () => {
  it("reads AllowedHosts as the default builder does", () => {
    assert.deepEqual(readAspNetCoreSettings({ AllowedHosts: "a.example;*.b.example" }).allowedHosts, [
      "a.example",
      "*.b.example",
    ]);
    assert.deepEqual(readAspNetCoreSettings({ allowedhosts: "" }).allowedHosts, ["*"]);
    assert.deepEqual(readAspNetCoreSettings({}).allowedHosts, ["*"]);
    assert.equal(readAspNetCoreSettings({}).forwardedHeaders, null);
  });

  it("binds a ForwardedHeaders section onto ForwardedHeadersOptions", () => {
    const settings = readAspNetCoreSettings({
      ForwardedHeaders: {
        ForwardedHeaders: "XForwardedFor, XForwardedHost",
        ForwardLimit: "2",
        KnownProxies: ["10.0.0.1"],
        KnownNetworks: { 0: "10.1.0.0/16", 1: "10.2.0.0/16" },
        AllowedHosts: ["app.example.com"],
        RequireHeaderSymmetry: "True",
      },
    });
    assert.deepEqual(settings.forwardedHeaders, {
      forwardedHeaders: ["XForwardedFor", "XForwardedHost"],
      forwardLimit: 2,
      knownProxies: ["10.0.0.1"],
      knownNetworks: ["10.1.0.0/16", "10.2.0.0/16"],
      allowedHosts: ["app.example.com"],
      requireHeaderSymmetry: true,
    });
    assert.deepEqual(
      readAspNetCoreSettings({ ForwardedHeaders: { ForwardedHeaders: 5 } }).forwardedHeaders?.forwardedHeaders,
      ["XForwardedFor", "XForwardedProto"],
    );
    assert.deepEqual(
      readAspNetCoreSettings({ ForwardedHeaders: { ForwardedHeaders: "All", ForwardLimit: null } }).forwardedHeaders
        ?.forwardLimit,
      null,
    );
  });

  it("maps ForwardedHeaders_Enabled to For and Proto from any source", () => {
    assert.deepEqual(readAspNetCoreSettings({ ForwardedHeaders_Enabled: "true" }).forwardedHeaders, {
      forwardedHeaders: ["XForwardedFor", "XForwardedProto"],
      knownProxies: [],
      knownNetworks: [],
    });
  });

  it("names the key of a value it cannot use", () => {
    assert.throws(
      () => readAspNetCoreSettings({ ForwardedHeaders: { ForwardedHeaders: "XForwardedEverything" } }),
      (error: unknown) => {
        assert.ok(error instanceof AppSettingsError);
        assert.equal(error.key, "ForwardedHeaders:ForwardedHeaders");
        return true;
      },
    );
    assert.throws(() => readAspNetCoreSettings({ AllowedHosts: ["a"] }), /AllowedHosts/);
  });

  it("accepts comments and trailing commas but leaves strings alone", () => {
    assert.deepEqual(parseJsonWithComments('{ // note\n "a": "x,}//y", /* b */ "b": [1, 2,], }'), {
      a: "x,}//y",
      b: [1, 2],
    });
  });

  it("feeds a scenario's app, the scenario's own fields winning", async () => {
    const scenario = await loadScenario(`${SCENARIOS}appsettings.yaml`);
    const app = scenario.apps[0]!;
    assert.deepEqual(app.allowedHosts, ["app.example.com", "*.tenant.example.com"]);
    assert.deepEqual(app.forwardedHeaders, { forwardedHeaders: ["XForwardedFor", "XForwardedProto"], forwardLimit: 1 });
    assert.equal(app.allowEmptyHosts, false);
    assert.deepEqual(scenario.policy.hosts, ["app.example.com", "*.tenant.example.com"]);
  });

  it("reports an unusable or missing appsettings file at the field that names it", async () => {
    await assert.rejects(loadScenario(`${FIXTURES}scenarios/appsettings-bad.yaml`), (error: unknown) => {
      assert.ok(error instanceof ScenarioError);
      assert.deepEqual(
        error.issues.map((i) => [i.path, i.line]),
        [
          ["apps[0].appsettings", 3],
          ["apps[1].appsettings", 5],
        ],
      );
      assert.match(error.issues[0]!.message, /XForwardedEverything/);
      assert.match(error.issues[1]!.message, /no such file/);
      return true;
    });
  });
});
