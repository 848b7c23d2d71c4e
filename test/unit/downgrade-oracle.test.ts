import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { grade } from "../../src/runners/probes/oracle.js";
import type { RawResponse } from "../../src/runners/probes/raw-response.js";
import { probeNames } from "../../src/runners/probes/run-probes.js";
import { ASPNETCORE_KNOBS, STRICT_KNOBS } from "../../src/runners/probes/types.js";
import { H2_DOWNGRADE_PROBES } from "../../src/runners/probes/catalog/h2-downgrade.js";
import { SMUGGLED_PATH } from "../../src/runners/probes/h2-request.js";

const POLICY = ["app.example.com"];
const names = probeNames(POLICY);
const exchange = { closedByServer: false, timedOut: false, timeoutMs: 1000 };
const context = { policyHosts: POLICY, proxyInPath: true };

function app(belief: Record<string, unknown>): RawResponse {
  const body = { app: "web", host: "app.example.com", scheme: "http", remoteIp: "203.0.113.10", headers: {}, path: "/", bodyLength: 0, ...belief };
  return { status: 200, reason: "", headers: [["server", "Kestrel"]], body: Buffer.from(JSON.stringify(body)) };
}

function probe(id: string, knobs = ASPNETCORE_KNOBS) {
  const definition = H2_DOWNGRADE_PROBES.find((p) => p.id === id)!;
  return definition.build(names, knobs)!;
}

describe("h2-downgrade grading", () => {
  it("has at least 12 probes, each an HTTP/2 request with an RFC 9113 clause", () => {
    assert.ok(H2_DOWNGRADE_PROBES.length >= 12);
    for (const definition of H2_DOWNGRADE_PROBES) {
      const built = definition.build(names, ASPNETCORE_KNOBS)!;
      assert.equal(built.protocol, "h2", definition.id);
      assert.match(definition.reference, /RFC 9113/, definition.id);
    }
  });

  it("takes a reset stream as a refusal, and a follow-up answered by the app as no smuggling", () => {
    const built = probe("h2-transfer-encoding");
    assert.equal(grade(built.expect, [undefined, app({})], exchange, context).pass, true);
  });

  it("fails when a request hidden in the body reached the app: the smuggling signature", () => {
    const built = probe("h2-content-length-shorter");
    const result = grade(built.expect, [undefined, app({ path: SMUGGLED_PATH })], exchange, context);
    assert.equal(result.pass, false);
    assert.match(result.explanation, /second request appeared/);
  });

  it("fails a body the downgrade reframed, and a malformed field that reached the app", () => {
    const longer = probe("h2-content-length-longer");
    const reframed = grade(longer.expect, [app({ bodyLength: 64 }), app({})], exchange, context);
    assert.match(reframed.explanation, /64-byte body where the client's DATA frames carried 5/);
    const gateway = grade(longer.expect, [{ status: 502, reason: "", headers: [], body: Buffer.alloc(0) }, app({})], exchange, context);
    assert.match(gateway.explanation, /got 502: the proxy forwarded a content-length the DATA frames did not carry/);
    const crlf = probe("h2-nul-in-value");
    assert.equal(grade(crlf.expect, [app({})], exchange, context).pass, true, "dropped field: harmless");
    const kept = grade(crlf.expect, [app({ headers: { "x-probe": "ab" } })], exchange, context);
    assert.match(kept.explanation, /malformed field 'x-probe' reached the app/);
  });

  it("holds the strict policy to the RFC: a malformed request served at all fails", () => {
    const strict = probe("h2-pseudo-after-regular", STRICT_KNOBS);
    assert.equal(grade(strict.expect, [app({})], exchange, context).pass, false);
    assert.equal(grade(probe("h2-pseudo-after-regular").expect, [app({})], exchange, context).pass, true);
  });

  it("fails :authority against Host when the app believed the Host field", () => {
    const built = probe("h2-authority-host-mismatch");
    assert.equal(grade(built.expect, [app({ host: "evil.example" })], exchange, context).pass, false);
    assert.equal(grade(built.expect, [{ status: 400, reason: "", headers: [], body: Buffer.alloc(0) }], exchange, context).pass, true);
  });
});
