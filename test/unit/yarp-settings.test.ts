/* eslint-disable @typescript-eslint/no-explicit-any -- these tests read the proxy's JSON field by field */
/** The appsettings.json written for YARP from a scenario's proxy: routes, clusters, transforms per profile. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EngineSpec } from "../../src/engines/types.js";
import { yarpPaths, yarpSettings, yarpTransforms } from "../../src/engines/yarp/settings.js";

const SPEC: EngineSpec = {
  listen: { host: "127.0.0.1", port: 8080 },
  routes: [
    {
      hosts: ["app.example.com"],
      upstreams: [
        { host: "127.0.0.1", port: 5001 },
        { host: "127.0.0.1", port: 5002 },
      ],
    },
    { hosts: ["*.tenant.example.com"], upstreams: [{ host: "127.0.0.1", port: 5003 }] },
  ],
  preserveHost: true,
  forwardedFor: "replace",
  forwarded: false,
  stripClientForwarded: true,
  allowedHosts: ["app.example.com"],
  exposedPaths: null,
  upstreamTimeoutMs: 1500,
  balancing: "least-pending",
  maxRequestBodyBytes: 1000,
  profile: "hardened",
  wildcardDepth: "any",
  tls: null,
  sourceAddress: "127.0.0.2",
  dir: "/d",
};

type Settings = {
  ReverseProxy: { Routes: Record<string, any>; Clusters: Record<string, any> };
  Edgebench: any;
  Kestrel: any;
};

describe("yarpSettings", () => {
  it("a route per app by Host, the other apps first; a cluster per app with its instances, balancing and timeout", () => {
    const settings = yarpSettings(SPEC) as Settings;
    const { Routes, Clusters } = settings.ReverseProxy;
    assert.deepEqual(Routes["app0-path0"].Match, { Hosts: ["app.example.com"], Path: "/{**catch-all}" });
    assert.deepEqual([Routes["app0-path0"].Order, Routes["app1-path0"].Order], [1, 0]);
    assert.equal(Routes["app0-path0"].MaxRequestBodySize, 1000);
    assert.equal(Clusters.app0.LoadBalancingPolicy, "LeastRequests");
    assert.equal(Clusters.app0.HttpRequest.ActivityTimeout, "00:00:01.500");
    assert.deepEqual(Object.values(Clusters.app0.Destinations), [
      { Address: "http://127.0.0.1:5001" },
      { Address: "http://127.0.0.1:5002" },
    ]);
    assert.deepEqual(settings.Edgebench, {
      SourceAddress: "127.0.0.2",
      AllowedHosts: ["app.example.com"],
      UnroutedHostStatus: 421,
      UnroutedPathStatus: 404,
    });
    assert.equal(settings.Kestrel.Endpoints.main.Url, "http://127.0.0.1:8080");
  });

  it("TLS: the run's certificate on the endpoint, https destinations verified against the CA", () => {
    const tls = { certFile: "/d/c", keyFile: "/d/k", caFile: "/d/ca", terminate: true, reencrypt: true };
    const settings = yarpSettings({ ...SPEC, tls }) as Settings;
    assert.deepEqual(settings.Kestrel.Endpoints.main, {
      Url: "https://127.0.0.1:8080",
      Certificate: { Path: "/d/c", KeyPath: "/d/k" },
    });
    assert.equal(settings.ReverseProxy.Clusters.app1.Destinations.instance1.Address, "https://127.0.0.1:5003");
    assert.equal(settings.Edgebench.TrustedCaFile, "/d/ca");
  });

  it("one-label wildcards are checked by the program only in the hardened profile with an allowlist", () => {
    const one = { ...SPEC, wildcardDepth: "one" as const };
    assert.deepEqual((yarpSettings(one) as Settings).Edgebench.OneLabelHosts, [
      "app.example.com",
      "*.tenant.example.com",
    ]);
    assert.equal((yarpSettings({ ...one, profile: "typical" }) as Settings).Edgebench.OneLabelHosts, undefined);
    assert.equal((yarpSettings({ ...one, allowedHosts: null }) as Settings).Edgebench.OneLabelHosts, undefined);
  });
});

describe("yarpTransforms", () => {
  it("typical is YARP's defaults: only the original Host when preserveHost", () => {
    assert.deepEqual(yarpTransforms({ ...SPEC, profile: "typical" }), [{ RequestHeaderOriginalHost: "true" }]);
    assert.deepEqual(yarpTransforms({ ...SPEC, profile: "typical", preserveHost: false }), []);
  });

  it("hardened names X-Forwarded (For per forwardedFor) and removes the other forwarding fields", () => {
    const transforms = yarpTransforms({ ...SPEC, forwardedFor: "append" });
    assert.deepEqual(transforms[1], { "X-Forwarded": "Set", For: "Append", Proto: "Set", Host: "Set", Prefix: "Set" });
    const removed = transforms.map((t) => t.RequestHeaderRemove).filter(Boolean);
    assert.ok(removed.includes("X-Host") && removed.includes("Forwarded") && removed.includes("X_Forwarded_Host"));
    assert.ok(!removed.includes("X-Forwarded-For"));
  });

  it("forwarded adds RFC 7239 Forwarded and keeps X-Forwarded in the typical profile too", () => {
    const typical = yarpTransforms({ ...SPEC, profile: "typical", forwarded: true, preserveHost: false });
    assert.deepEqual(typical, [
      { "X-Forwarded": "Set" },
      { Forwarded: "for,proto,host", ForFormat: "Ip", Action: "Set" },
    ]);
    const hardened = yarpTransforms({ ...SPEC, forwarded: true });
    assert.ok(!hardened.some((t) => t.RequestHeaderRemove === "Forwarded"));
  });
});

describe("yarpPaths", () => {
  it("every path, or a route pattern per exposed path", () => {
    assert.deepEqual(yarpPaths(null), ["/{**catch-all}"]);
    assert.deepEqual(yarpPaths(["/*"]), ["/{**catch-all}"]);
    assert.deepEqual(yarpPaths(["/health", "/api/*"]), ["/health", "/api/{**rest}"]);
  });
});
