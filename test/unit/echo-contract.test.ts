import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseRecord, probeToken, probeTokenInRawHead, tagRequests } from "../../src/http1/echo-contract.js";
import { grade } from "../../src/runners/probes/oracle.js";
import { parseResponses } from "../../src/runners/probes/raw-response.js";
import { EngineSelectionError, parseProfileList } from "../../src/engines/per-engine.js";
import { planDeployments } from "../../src/plan/deployments.js";
import { scenarioFromObject } from "../../src/scenario/load.js";

const text = (buffers: Buffer[]): string[] => buffers.map((b) => b.toString("latin1"));

describe("echo contract: the token field", () => {
  it("is added as the last field of each head, keeping what comes first byte for byte", () => {
    const folded = Buffer.from("GET / HTTP/1.1\r\n Host: evil.example\r\nHost: app.example.com\r\n\r\n", "latin1");
    assert.deepEqual(text(tagRequests([folded], ["t1"])), [
      "GET / HTTP/1.1\r\n Host: evil.example\r\nHost: app.example.com\r\nX-Edgebench-Probe: t1\r\n\r\n",
    ]);
    assert.deepEqual(text(tagRequests([Buffer.from("GET / HTTP/1.0\r\n\r\n")], ["t"])), ["GET / HTTP/1.0\r\nX-Edgebench-Probe: t\r\n\r\n"]);
  });

  it("tags pipelined heads and later parts in order, with the line ending the head uses", () => {
    const pipelined = Buffer.from("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\nHost: b\n\n", "latin1");
    const then = Buffer.from("GET / HTTP/1.1\r\nHost: c\r\n\r\n", "latin1");
    assert.deepEqual(text(tagRequests([pipelined, then], ["1", "2", "3"])), [
      "GET / HTTP/1.1\r\nHost: a\r\nX-Edgebench-Probe: 1\r\n\r\nGET / HTTP/1.1\nHost: b\nX-Edgebench-Probe: 2\n\n",
      "GET / HTTP/1.1\r\nHost: c\r\nX-Edgebench-Probe: 3\r\n\r\n",
    ]);
  });

  it("leaves a head that never ends untouched", () => {
    assert.deepEqual(text(tagRequests([Buffer.from("GET / HTTP/1.1\r\nHost: a\r\n")], ["1"])), ["GET / HTTP/1.1\r\nHost: a\r\n"]);
  });

  it("is found in a head the server could not parse, and only a token-shaped value counts", () => {
    assert.equal(probeTokenInRawHead(Buffer.from("GET / HTTP/1.1\r\nHost: a\nHost: b\r\nx-edgebench-probe: ab-1-2\r\n\r\n")), "ab-1-2");
    assert.equal(probeTokenInRawHead(Buffer.from("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nX-Edgebench-Probe: next\r\n\r\n")), null);
    assert.equal(probeToken(" ab-1 "), "ab-1");
    assert.equal(probeToken("a b"), null);
  });

  it("reads the record by token, the last entry winning, skipping lines that are not entries", () => {
    const record = parseRecord('{"token":"a","status":400,"host":null}\nnot json\n{"token":"a","status":200,"host":"x"}\n{"status":1}\n');
    assert.deepEqual([...record.values()], [{ token: "a", status: 200, host: "x" }]);
  });
});

describe("echo contract: who answered", () => {
  const refusal = parseResponses(Buffer.from("HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Length: 0\r\n\r\n", "latin1")).responses;
  const exchange = { closedByServer: true, timedOut: false, timeoutMs: 1000 };
  const answeredBy = (appRecord?: Parameters<typeof grade>[3]["appRecord"], proxyInPath = true) =>
    grade([{ outcomes: ["400"] }], refusal, exchange, { policyHosts: ["app.example.com"], proxyInPath, ...(appRecord ? { appRecord } : {}) }).observed[0];

  it("is the app when its record holds the request with the status on the wire, whatever Server says", () => {
    assert.deepEqual(answeredBy([{ token: "t", status: 400, host: "a:" }]), { status: 400, answeredBy: "app", outcome: "400", appReceived: { status: 400, host: "a:" } });
  });

  it("is the proxy when the app never had it or answered something else", () => {
    assert.equal(answeredBy([null])?.answeredBy, "proxy");
    assert.equal(answeredBy([{ token: "t", status: 200, host: "a" }])?.answeredBy, "proxy");
  });

  it("is unknown without a record to ask, unless the app's own JSON answer came back", () => {
    assert.equal(answeredBy(undefined)?.answeredBy, "unknown");
    assert.equal(answeredBy(undefined, false)?.answeredBy, "unknown");
  });
});

describe("engine profiles on the command line", () => {
  it("expands engines × profiles, the builtin proxy and a user's configuration once", () => {
    const scenario = scenarioFromObject({ apps: [{ name: "web", allowedHosts: "app.example.com" }], topologies: ["proxied"] });
    const plan = planDeployments(scenario, { engines: ["builtin", "nginx"], profiles: ["typical", "hardened"] });
    assert.deepEqual(
      plan.map((d) => [d.name, d.scenario.proxy.engine, d.scenario.proxy.profile]),
      [
        ["proxied/builtin", "builtin", "hardened"],
        ["proxied/nginx/typical", "nginx", "typical"],
        ["proxied/nginx/hardened", "nginx", "hardened"],
      ],
    );
    const own = { ...scenario, proxy: { ...scenario.proxy, engine: "nginx" as const, engineConfig: "/etc/site.conf" } };
    assert.deepEqual(planDeployments(own, { profiles: ["typical", "hardened"] }).map((d) => d.name), ["proxied/nginx"]);
    assert.deepEqual(planDeployments(scenario, { engines: ["nginx"], profiles: ["hardened"] }).map((d) => d.name), ["proxied/nginx"]);
  });

  it("refuses an unknown profile, naming the choices", () => {
    assert.deepEqual(parseProfileList("Typical, hardened,typical"), ["typical", "hardened"]);
    assert.throws(() => parseProfileList("strict"), (error: unknown) => error instanceof EngineSelectionError && /typical, hardened/.test(error.message));
  });
});
