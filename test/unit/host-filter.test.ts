import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAllowedHostsConfig, prepareAllowedHosts } from "../../src/policy/allowed-hosts.js";
import { createHostFilter, INVALID_HOSTNAME_BODY } from "../../src/policy/host-filter.js";

describe("parseAllowedHostsConfig", () => {
  it("splits on ';', drops empty entries, does not trim", () => {
    assert.deepEqual(parseAllowedHostsConfig("a.com;b.com"), ["a.com", "b.com"]);
    assert.deepEqual(parseAllowedHostsConfig(";a.com;;b.com;"), ["a.com", "b.com"]);
    assert.deepEqual(parseAllowedHostsConfig("a.com; b.com"), ["a.com", " b.com"]);
  });
  it("falls back to * when missing or empty", () => {
    assert.deepEqual(parseAllowedHostsConfig(undefined), ["*"]);
    assert.deepEqual(parseAllowedHostsConfig(null), ["*"]);
    assert.deepEqual(parseAllowedHostsConfig(""), ["*"]);
    assert.deepEqual(parseAllowedHostsConfig(";;"), ["*"]);
  });
});

describe("prepareAllowedHosts", () => {
  it("turns on allow-any for *, [::] and 0.0.0.0 wherever they stand", () => {
    for (const any of ["*", "[::]", "0.0.0.0"]) assert.equal(prepareAllowedHosts(["localHost", any]).allowAny, true);
    assert.equal(prepareAllowedHosts(["*.example.com"]).allowAny, false);
  });
  it("punycodes and de-duplicates ignoring case", () => {
    assert.deepEqual(prepareAllowedHosts(["點看", "A.com", "a.COM"]).hosts, ["xn--c1yn36f", "A.com"]);
  });
});

describe("createHostFilter (HostFilteringMiddleware)", () => {
  it("allows empty and missing hosts by default, before the wildcard", () => {
    const filter = createHostFilter({ allowedHosts: ["*"] });
    assert.deepEqual(filter(""), { allowed: true, status: 200 });
    assert.deepEqual(filter(undefined), { allowed: true, status: 200 });
    const strict = createHostFilter({ allowedHosts: ["*"], allowEmptyHosts: false });
    assert.deepEqual(strict(""), { allowed: false, status: 400 });
    assert.deepEqual(strict("anything"), { allowed: true, status: 200 });
  });
  it("answers 400 for a host that does not match", () => {
    const filter = createHostFilter({ allowedHosts: ["app.example.com", "*.tenant.example.com"] });
    assert.deepEqual(filter("evil.example"), { allowed: false, status: 400 });
    assert.deepEqual(filter("APP.example.com:8080"), { allowed: true, status: 200 });
    assert.deepEqual(filter("a.tenant.example.com"), { allowed: true, status: 200 });
  });
  it("answers 500 for every request when no hosts are configured", () => {
    const filter = createHostFilter({ allowedHosts: [] });
    assert.deepEqual(filter("app.example.com"), { allowed: false, status: 500 });
    assert.deepEqual(filter(""), { allowed: false, status: 500 });
  });
  it("does not match Unicode request hosts against punycoded entries", () => {
    const filter = createHostFilter({ allowedHosts: ["點看"] });
    assert.equal(filter("點看").allowed, false);
    assert.equal(filter("xn--c1yn36f").allowed, true);
  });
  it("carries Http.Sys's 334-byte page", () => {
    assert.equal(INVALID_HOSTNAME_BODY.length, 334);
    assert.match(INVALID_HOSTNAME_BODY.toString("latin1"), /Bad Request - Invalid Hostname/);
    assert.ok(!INVALID_HOSTNAME_BODY.toString("latin1").endsWith("\n"));
  });
});
