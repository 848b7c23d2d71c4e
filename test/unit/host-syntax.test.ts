import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isForwardedHostValid, isHostHeaderValid } from "../../src/policy/host-syntax.js";

// docs/kestrel-rules.md §2.3, after Kestrel's HttpUtilitiesTest HostHeaderData / HostHeaderInvalidData.
const VALID = [
  "",
  "   ".trim(),
  "localhost",
  "localhost:5000",
  "app.example.com",
  ".",
  "..example.com",
  "example.com.",
  "a_b.example.com",
  "!$&'()-._~",
  "900.900.900.900:9523547852",
  "[::1]",
  "[::1]:8080",
  "[abcdef:127.2355.1246.114]:0",
  "[1:2:3:4:5:6:7:8]",
];
const INVALID = [
  ":",
  ":80",
  "::1",
  "a:b:c",
  "[]",
  "[::]",
  "[::1",
  "[::1]:",
  "[::1]x",
  "[fe80::1%eth0]",
  "localhost:",
  "localhost:abc",
  "app.example.com:evil.example",
  "app.example.com:@evil.example",
  "app.example.com@evil.example",
  "app.example.com/evil",
  "app.example.com evil",
  "a,b",
  "a;b",
  "a*b",
  "a+b",
  "a=b",
  "app%2eexample.com",
  "\u0430pp.example.com",
  "app.example.com\u0000.evil",
];

describe("Kestrel Host syntax (IsHostHeaderValid)", () => {
  for (const value of VALID) it(`accepts ${JSON.stringify(value)}`, () => assert.equal(isHostHeaderValid(value), true));
  for (const value of INVALID) it(`refuses ${JSON.stringify(value)}`, () => assert.equal(isHostHeaderValid(value), false));
  it("refuses an empty forwarded host, which the request check allows", () => {
    assert.equal(isHostHeaderValid(""), true);
    assert.equal(isForwardedHostValid(""), false);
    assert.equal(isForwardedHostValid("app.example.com:443"), true);
  });
});
