import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyForwardedHeaders, type ForwardedHeadersOptions, type ForwardedRequest } from "../../src/policy/forwarded-headers.js";

function request(headers: Record<string, string>, remoteIp: string | null = "127.0.0.1", remotePort = 99): ForwardedRequest {
  return { remoteIp, remotePort, scheme: "http", host: "localhost", pathBase: "", headers };
}

function apply(options: ForwardedHeadersOptions, req: ForwardedRequest): ForwardedRequest {
  return applyForwardedHeaders(options, req);
}

describe("applyForwardedHeaders", () => {
  it("does nothing with no flags (the default None)", () => {
    const result = apply({ forwardedHeaders: [] }, request({ "X-Forwarded-For": "11.111.111.11" }));
    assert.equal(result.remoteIp, "127.0.0.1");
    assert.equal(result.headers["X-Forwarded-For"], "11.111.111.11");
  });

  it("takes X-Forwarded-For from a loopback peer and records the original", () => {
    const result = apply({ forwardedHeaders: ["XForwardedFor"] }, request({ "X-Forwarded-For": "11.111.111.11:9090" }));
    assert.equal(result.remoteIp, "11.111.111.11");
    assert.equal(result.remotePort, 9090);
    assert.equal(result.headers["X-Original-For"], "127.0.0.1:99");
    assert.equal(result.headers["x-original-for"], "127.0.0.1:99");
    assert.equal(result.headers["X-Forwarded-For"], undefined);
    assert.equal("X-Forwarded-For" in result.headers, false);
  });

  it("walks right to left up to ForwardLimit and keeps the unconsumed left part", () => {
    const result = apply({ forwardedHeaders: ["XForwardedFor"] }, request({ "X-Forwarded-For": "11.111.111.11, 22.222.222.22" }));
    assert.equal(result.remoteIp, "22.222.222.22");
    assert.equal(result.headers["X-Forwarded-For"], "11.111.111.11");
  });

  it("stops at the first unknown proxy and keeps what was applied before it", () => {
    const result = apply(
      { forwardedHeaders: ["XForwardedFor"], forwardLimit: null },
      request({ "X-Forwarded-For": "11.111.111.11, 22.222.222.22" }),
    );
    assert.equal(result.remoteIp, "22.222.222.22");
    assert.equal(result.headers["X-Forwarded-For"], "11.111.111.11");
  });

  it("ignores everything from a peer that is not a known proxy", () => {
    const result = apply(
      { forwardedHeaders: ["XForwardedFor", "XForwardedHost", "XForwardedProto"] },
      request({ "X-Forwarded-For": "1.2.3.4", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https" }, "11.111.111.11"),
    );
    assert.equal(result.remoteIp, "11.111.111.11");
    assert.equal(result.host, "localhost");
    assert.equal(result.scheme, "http");
    assert.equal(result.headers["X-Original-For"], undefined);
  });

  it("checks trust even when X-Forwarded-For is not processed (8.0.17/9.0.6 hardening)", () => {
    const result = apply({ forwardedHeaders: ["XForwardedProto"] }, request({ "X-Forwarded-Proto": "https" }, "11.111.111.11"));
    assert.equal(result.scheme, "http");
  });

  it("trusts every hop that is known, as far as ForwardLimit allows", () => {
    const result = apply(
      { forwardedHeaders: ["XForwardedFor"], forwardLimit: 2, knownProxies: ["10.0.0.1", "11.111.111.11"], knownNetworks: [] },
      request({ "X-Forwarded-For": "12.112.112.12:23456, 11.111.111.11:12345" }, "10.0.0.1"),
    );
    assert.equal(result.remoteIp, "12.112.112.12");
    assert.equal(result.remotePort, 23456);
  });

  it("trusts an IPv4-mapped IPv6 peer through its IPv4 form", () => {
    const result = apply(
      { forwardedHeaders: ["XForwardedFor"], knownNetworks: ["10.0.0.0/8"], knownProxies: [] },
      request({ "X-Forwarded-For": "1.2.3.4" }, "::ffff:10.0.0.1"),
    );
    assert.equal(result.remoteIp, "1.2.3.4");
    assert.equal(result.headers["X-Original-For"], "[::ffff:10.0.0.1]:99");
  });

  it("accepts ::1 (default KnownProxies) and rejects :: ", () => {
    assert.equal(apply({ forwardedHeaders: ["XForwardedFor"] }, request({ "X-Forwarded-For": "1.2.3.4" }, "::1")).remoteIp, "1.2.3.4");
    assert.equal(apply({ forwardedHeaders: ["XForwardedFor"] }, request({ "X-Forwarded-For": "1.2.3.4" }, "::")).remoteIp, "::");
    assert.equal(apply({ forwardedHeaders: ["XForwardedFor"] }, request({ "X-Forwarded-For": "1.2.3.4" }, "127.0.1.1")).remoteIp, "1.2.3.4");
  });

  it("trusts anyone when both lists are cleared", () => {
    const result = apply({ forwardedHeaders: ["XForwardedFor"], knownProxies: [], knownNetworks: [] }, request({ "X-Forwarded-For": "1.2.3.4" }, "8.8.8.8"));
    assert.equal(result.remoteIp, "1.2.3.4");
  });

  it("stops at an unparsable X-Forwarded-For value", () => {
    const result = apply({ forwardedHeaders: ["XForwardedFor"], forwardLimit: null }, request({ "X-Forwarded-For": "1.2.3.4, garbage" }));
    assert.equal(result.remoteIp, "127.0.0.1");
    assert.equal(result.headers["X-Forwarded-For"], "1.2.3.4, garbage");
  });

  it("applies X-Forwarded-Host only when valid and allowed, silently otherwise", () => {
    const options: ForwardedHeadersOptions = { forwardedHeaders: ["XForwardedHost"], allowedHosts: ["app.example.com"] };
    const allowed = apply(options, request({ "X-Forwarded-Host": "app.example.com" }));
    assert.equal(allowed.host, "app.example.com");
    assert.equal(allowed.headers["X-Original-Host"], "localhost");
    const refused = apply(options, request({ "X-Forwarded-Host": "evil.example" }));
    assert.equal(refused.host, "localhost");
    assert.equal(refused.headers["X-Forwarded-Host"], "evil.example");
    const invalid = apply({ forwardedHeaders: ["XForwardedHost"] }, request({ "X-Forwarded-Host": "a b" }));
    assert.equal(invalid.host, "localhost");
  });

  it("rewrites the Host field with the forwarded host and lists values left as a multi-valued field (as real Kestrel)", () => {
    const applied = apply({ forwardedHeaders: ["XForwardedHost", "XForwardedFor"] }, request({ Host: "localhost", "X-Forwarded-Host": "a.example", "X-Forwarded-For": "1.1.1.1, 2.2.2.2, 3.3.3.3" }));
    assert.equal(applied.headers.Host, "a.example");
    assert.equal(applied.headers["X-Forwarded-For"], "1.1.1.1, 2.2.2.2");
  });

  it("decodes a punycode X-Forwarded-Host to Unicode", () => {
    assert.equal(apply({ forwardedHeaders: ["XForwardedHost"] }, request({ "X-Forwarded-Host": "xn--c1yn36f" })).host, "點看");
  });

  it("takes a scheme made of ALPHA, DIGIT, + - . only", () => {
    assert.equal(apply({ forwardedHeaders: ["XForwardedProto"] }, request({ "X-Forwarded-Proto": "https" })).scheme, "https");
    assert.equal(apply({ forwardedHeaders: ["XForwardedProto"] }, request({ "X-Forwarded-Proto": "1" })).scheme, "1");
    const bad = apply({ forwardedHeaders: ["XForwardedProto"] }, request({ "X-Forwarded-Proto": "ht tp" }));
    assert.equal(bad.scheme, "http");
    assert.equal(bad.headers["X-Original-Proto"], undefined);
  });

  it("writes X-Original-For even when only another header was applied (the source quirk)", () => {
    const result = apply({ forwardedHeaders: ["XForwardedFor", "XForwardedProto"] }, request({ "X-Forwarded-Proto": "https" }));
    assert.equal(result.scheme, "https");
    assert.equal(result.remoteIp, "127.0.0.1");
    assert.equal(result.headers["X-Original-For"], "127.0.0.1:99");
    assert.equal(result.headers["X-Original-Proto"], "http");
  });

  it("aborts every change on a count mismatch with RequireHeaderSymmetry", () => {
    const result = apply(
      { forwardedHeaders: ["XForwardedFor", "XForwardedProto"], requireHeaderSymmetry: true, forwardLimit: null },
      request({ "X-Forwarded-For": "1.1.1.1, 2.2.2.2", "X-Forwarded-Proto": "https" }),
    );
    assert.equal(result.remoteIp, "127.0.0.1");
    assert.equal(result.scheme, "http");
  });

  it("processes nothing with ForwardLimit 0", () => {
    assert.equal(apply({ forwardedHeaders: ["XForwardedFor"], forwardLimit: 0 }, request({ "X-Forwarded-For": "1.2.3.4" })).remoteIp, "127.0.0.1");
  });

  it("sets PathBase from X-Forwarded-Prefix, recording the old one only when there was one", () => {
    const first = apply({ forwardedHeaders: ["XForwardedPrefix"] }, request({ "X-Forwarded-Prefix": "/base%20path" }));
    assert.equal(first.pathBase, "/base path");
    assert.equal(first.headers["X-Original-Prefix"], undefined);
    const second = apply({ forwardedHeaders: ["XForwardedPrefix"] }, { ...request({ "X-Forwarded-Prefix": "/b" }), pathBase: "/a" });
    assert.equal(second.headers["X-Original-Prefix"], "/a");
    assert.equal(apply({ forwardedHeaders: ["XForwardedPrefix"] }, request({ "X-Forwarded-Prefix": "b" })).pathBase, "");
  });

  it("reads header names case-insensitively and splits quoted, comma-separated values", () => {
    const result = apply(
      { forwardedHeaders: ["XForwardedFor"], forwardLimit: 2, knownProxies: [], knownNetworks: [] },
      request({ "x-forwarded-for": '"1.1.1.1", 2.2.2.2' }, "127.0.0.1"),
    );
    assert.equal(result.remoteIp, "1.1.1.1");
  });

  it("does not change the request it was given", () => {
    const original = request({ "X-Forwarded-For": "1.2.3.4" });
    apply({ forwardedHeaders: ["XForwardedFor"] }, original);
    assert.equal(original.remoteIp, "127.0.0.1");
    assert.equal(original.headers["X-Forwarded-For"], "1.2.3.4");
  });
});
