import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  hostFromUriComponent,
  hostMatchesAny,
  hostToUriComponent,
  HostFormatError,
  splitHostAndPort,
} from "../../src/policy/host-string.js";

describe("HostString.GetParts", () => {
  it("splits host and port, IPv6-aware", () => {
    assert.deepEqual(splitHostAndPort("localhost:9090"), { host: "localhost", port: "9090" });
    assert.deepEqual(splitHostAndPort("[::1]:80"), { host: "[::1]", port: "80" });
    assert.deepEqual(splitHostAndPort("[::1]:"), { host: "[::1]", port: null });
    assert.deepEqual(splitHostAndPort("::1"), { host: "[::1]", port: null });
    assert.deepEqual(splitHostAndPort(":80"), { host: "", port: "80" });
    assert.deepEqual(splitHostAndPort(":"), { host: "", port: "" });
    assert.deepEqual(splitHostAndPort("example.com"), { host: "example.com", port: null });
  });
});

describe("hostMatchesAny (HostString.MatchesAny)", () => {
  const cases: Array<[string, string[], boolean]> = [
    ["localhost", ["localhost"], true],
    ["localhost:9090", ["localhost"], true],
    ["LOCALHOST", ["localhost"], true],
    ["foo.eXample.com", ["*.exampLe.com"], true],
    ["a.b.c.eXample.com", ["*.example.com"], true],
    ["example.com", ["*.example.com"], false],
    [".example.com", ["*.example.com"], false],
    ["..example.com", ["*.example.com"], false],
    ["foo.example.com.bar", ["*.example.com"], false],
    [".com", ["*.com"], false],
    ["example.com.", ["example.com"], false],
    ["[::ABC]", ["[::aBc]"], true],
    ["::1", ["[::1]"], true],
    ["::1", ["::1"], false],
    ["[0:0:0:0:0:0:0:1]", ["[::1]"], false],
    ["[::1]:8080", ["[::1]"], true],
    ["example.com:80", ["example.com:80"], false],
    ["anything", ["*"], true],
    ["", ["*"], true],
    ["", ["example.com"], false],
    ["點看", ["點看"], true],
    ["eviltenant.example.com", ["*.tenant.example.com"], false],
    ["evilapp.example.com", ["app.example.com"], false],
  ];
  for (const [host, patterns, expected] of cases) {
    it(`${JSON.stringify(host)} against ${JSON.stringify(patterns)} is ${expected}`, () =>
      assert.equal(hostMatchesAny(host, patterns), expected));
  }
  it("throws on a port that is not all digits", () => {
    assert.throws(() => hostMatchesAny("example.com:1abc", ["example.com"]), HostFormatError);
    assert.throws(() => hostMatchesAny("app.example.com:evil.example", ["*"]), HostFormatError);
  });
  it("allows an empty port", () => assert.equal(hostMatchesAny("example.com:", ["example.com"]), true));
});

describe("HostString IDN conversions", () => {
  it("punycodes entries with characters that are not safe, keeping the port", () => {
    assert.equal(hostToUriComponent("點看"), "xn--c1yn36f");
    assert.equal(hostToUriComponent("點看:8080"), "xn--c1yn36f:8080");
    assert.equal(hostToUriComponent("app.example.com"), "app.example.com");
    assert.equal(hostToUriComponent("*.example.com"), "*.example.com");
  });
  it("decodes punycode back to Unicode", () => {
    assert.equal(hostFromUriComponent("xn--c1yn36f"), "點看");
    assert.equal(hostFromUriComponent("xn--c1yn36f:443"), "點看:443");
    assert.equal(hostFromUriComponent("[::1]:80"), "[::1]:80");
  });
});
