import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { kestrelSettings } from "../../src/apps/kestrel/settings.js";
import { normalizeBelief } from "../../src/conformance/compare.js";
import { knownDifferenceFor } from "../../src/conformance/known-differences.js";
import { withAppRuntime } from "../../src/apps/runtime.js";
import { scenarioFromObject } from "../../src/scenario/load.js";

describe("the real app's settings", () => {
  it("carry every field of an app's options into ASP.NET Core's configuration sections", () => {
    const settings = kestrelSettings(
      {
        name: "web",
        allowedHosts: ["app.example.com", "*.tenant.example.com"],
        allowEmptyHosts: false,
        includeFailureMessage: false,
        allowHostHeaderOverride: true,
        protocols: "Http2",
        port: 0,
        forwardedHeaders: {
          forwardedHeaders: ["XForwardedFor", "All"],
          forwardLimit: null,
          knownProxies: [],
          knownNetworks: ["10.0.0.0/8"],
          allowedHosts: ["a.example"],
          requireHeaderSymmetry: true,
        },
        clientAddress: "203.0.113.10",
        proxyAddresses: ["127.0.0.2"],
      },
      { certFile: "/run/cert.pem", keyFile: "/run/key.pem" },
    );
    assert.deepEqual(settings, {
      AllowedHosts: "app.example.com;*.tenant.example.com",
      HostFiltering: { AllowEmptyHosts: false, IncludeFailureMessage: false },
      Kestrel: {
        AddServerHeader: true,
        AllowHostHeaderOverride: true,
        Endpoints: {
          App: {
            Url: "https://127.0.0.1:0",
            Protocols: "Http2",
            Certificate: { Path: "/run/cert.pem", KeyPath: "/run/key.pem" },
          },
        },
      },
      ForwardedHeaders: {
        ForwardedHeaders: "XForwardedFor, XForwardedHost, XForwardedProto, XForwardedPrefix",
        ForwardLimit: "none",
        KnownProxies: [],
        KnownNetworks: ["10.0.0.0/8"],
        AllowedHosts: ["a.example"],
        RequireHeaderSymmetry: true,
      },
      Edgebench: { Name: "web", ClientAddress: "203.0.113.10", ProxyAddresses: ["127.0.0.2"] },
      Logging: { LogLevel: { Default: "Warning" }, Console: { LogToStandardErrorThreshold: "Trace" } },
    });
  });

  it("leave the framework's defaults alone when an app gives none (no ForwardedHeaders section: no middleware)", () => {
    const settings = kestrelSettings({}, null);
    assert.equal(settings.AllowedHosts, "*");
    assert.equal("ForwardedHeaders" in settings, false);
    assert.deepEqual((settings.Kestrel as { Endpoints: unknown }).Endpoints, {
      App: { Url: "http://127.0.0.1:0", Protocols: "Http1AndHttp2" },
    });
    const limited = kestrelSettings({ forwardedHeaders: { forwardedHeaders: ["None"] } }, null)
      .ForwardedHeaders as Record<string, unknown>;
    assert.deepEqual(limited, { ForwardedHeaders: "None", RequireHeaderSymmetry: false });
  });
});

describe("conformance comparison", () => {
  it("sets aside what differs by run alone: the app's name and ephemeral peer ports", () => {
    const belief = normalizeBelief({
      app: "x",
      remotePort: 45000,
      host: "h",
      headers: { "x-original-for": "127.0.0.1:51234", b: "1:80" },
    });
    assert.deepEqual(belief, {
      headers: { b: "1:80", "x-original-for": "127.0.0.1:peer" },
      host: "h",
      remotePort: "peer",
    });
    assert.equal(normalizeBelief({ remotePort: 8080 }).remotePort, 8080);
  });

  it("finds a known difference by exact id or by prefix", () => {
    const known = [
      { case: "a/exact", reason: "r1" },
      { case: "b/*", reason: "r2" },
    ];
    assert.equal(knownDifferenceFor("a/exact", known)?.reason, "r1");
    assert.equal(knownDifferenceFor("a/exact2", known), null);
    assert.equal(knownDifferenceFor("b/anything", known)?.reason, "r2");
  });
});

describe("app runtime", () => {
  it("is simulated unless the scenario or --app-runtime says kestrel", async () => {
    const scenario = scenarioFromObject({
      apps: [{ name: "a" }, { name: "b", runtime: "kestrel" }],
      policy: { hosts: ["app.example.com"] },
    });
    assert.deepEqual(
      scenario.apps.map((app) => app.runtime),
      ["simulated", "kestrel"],
    );
    assert.deepEqual(
      withAppRuntime(scenario, "kestrel").apps.map((app) => app.runtime),
      ["kestrel", "kestrel"],
    );
    assert.throws(() => scenarioFromObject({ apps: [{ name: "a", runtime: "iis" }] }), /runtime/);
  });
});
