import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { grade, type DeploymentHints } from "../../src/runners/probes/oracle.js";
import { parseResponses } from "../../src/runners/probes/raw-response.js";
import { probeNames } from "../../src/runners/probes/run-probes.js";
import { ASPNETCORE_KNOBS, STRICT_KNOBS, type PolicyKnobs, type ResponseExpectation } from "../../src/runners/probes/types.js";
import { PROBE_CATALOG } from "../../src/runners/probes/catalog/index.js";
import { parseScenario } from "../../src/scenario/load.js";
import { parseTargetUrl } from "../../src/probe-target.js";

const POLICY = ["app.example.com", "*.tenant.example.com"];
const exchange = { closedByServer: true, timedOut: false, timeoutMs: 1000 };

function appAnswer(belief: { host: string; scheme?: string; remoteIp?: string; headers?: Record<string, string>; endpoint?: string | null }): string {
  const body = JSON.stringify({ app: "web", scheme: "http", remoteIp: "203.0.113.10", headers: {}, ...belief });
  return `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nServer: Kestrel\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

function gradeText(expect: ResponseExpectation[], text: string, proxyInPath = false, hints?: DeploymentHints) {
  return grade(expect, parseResponses(Buffer.from(text, "latin1")).responses, exchange, { policyHosts: POLICY, proxyInPath, ...(hints ? { hints } : {}) });
}

const NO_FAULT: DeploymentHints = { allowsAnyHost: false, allowsEmptyHost: false, trustsAnyPeer: false, proxyPassesClientForwarding: false, proxyForwardsAnyHost: false };

describe("probe oracle", () => {
  it("passes an exact 400 only for a 400", () => {
    assert.equal(gradeText([{ outcomes: ["400"] }], "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").pass, true);
    const refused = gradeText([{ outcomes: ["400"] }], "HTTP/1.1 421 Misdirected Request\r\nContent-Length: 0\r\n\r\n");
    assert.equal(refused.pass, false);
    assert.match(refused.explanation, /expected 400, got 421/);
  });

  it("takes 421, 400, 403 and 404 as refusals", () => {
    for (const status of [400, 403, 404, 421]) {
      assert.equal(gradeText([{ outcomes: ["reject"] }], `HTTP/1.1 ${status} X\r\nContent-Length: 0\r\n\r\n`).pass, true, String(status));
    }
    assert.equal(gradeText([{ outcomes: ["reject"] }], "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n").pass, false);
  });

  it("fails a refusal that the app served, naming the host it served", () => {
    const result = gradeText([{ outcomes: ["reject"] }], appAnswer({ host: "evil.example" }));
    assert.equal(result.pass, false);
    assert.match(result.explanation, /the app served it as Host 'evil\.example'/);
    assert.equal(result.observed[0]?.answeredBy, "app");
  });

  it("fails a 200 whose app-side host is outside the policy", () => {
    const result = gradeText([{ outcomes: ["accept"] }], appAnswer({ host: "app.example.com:evil.example" }));
    assert.equal(result.pass, false);
    assert.match(result.explanation, /policy does not allow/);
  });

  it("fails an accepted request when the app believed a forged host, address or scheme", () => {
    assert.equal(gradeText([{ outcomes: ["accept"], notBelieved: { host: "evil.example" } }], appAnswer({ host: "evil.example" })).pass, false);
    assert.equal(gradeText([{ outcomes: ["accept"], notBelieved: { remoteIp: "203.0.113.7" } }], appAnswer({ host: "app.example.com", remoteIp: "203.0.113.7" })).pass, false);
    assert.equal(gradeText([{ outcomes: ["accept"], notBelieved: { scheme: "https" } }], appAnswer({ host: "app.example.com", scheme: "https" })).pass, false);
    assert.equal(gradeText([{ outcomes: ["accept"], notBelieved: { scheme: "https" } }], appAnswer({ host: "app.example.com" })).pass, true);
  });

  it("fails forged fields that reached the app only when a proxy could have stripped them", () => {
    const expect: ResponseExpectation[] = [{ outcomes: ["accept"], forbiddenHeaders: [["x-forwarded-host", "evil.example"]] }];
    const answer = appAnswer({ host: "app.example.com", headers: { "x-forwarded-host": "evil.example, app.example.com" } });
    assert.equal(gradeText(expect, answer, false).pass, true);
    const behind = gradeText(expect, answer, true);
    assert.equal(behind.pass, false);
    assert.match(behind.explanation, /reached the app: the proxy must strip/);
  });

  it("grades each response of a pipelined probe on its own", () => {
    const expect: ResponseExpectation[] = [{ outcomes: ["accept"], appHost: "app.example.com" }, { outcomes: ["reject"] }];
    const both = appAnswer({ host: "app.example.com" }) + appAnswer({ host: "evil.example" });
    const result = gradeText(expect, both);
    assert.equal(result.pass, false);
    assert.match(result.explanation, /^request 2: /);
  });

  it("takes a silent close as a refusal but not as a 400, and a timeout as a hang", () => {
    assert.equal(grade([{ outcomes: ["reject"] }], [], exchange, { policyHosts: POLICY, proxyInPath: false }).pass, true);
    assert.equal(grade([{ outcomes: ["400"] }], [], exchange, { policyHosts: POLICY, proxyInPath: false }).pass, false);
    const hang = grade([{ outcomes: ["reject"] }], [], { ...exchange, closedByServer: false, timedOut: true }, { policyHosts: POLICY, proxyInPath: false });
    assert.match(hang.explanation, /a hang/);
  });

  it("derives probe names from the policy", () => {
    assert.deepEqual(probeNames(POLICY), { secure: false, allowed: "app.example.com", wildcardRoot: "tenant.example.com", evil: "evil.example", internalPath: null, publicPath: "/public" });
    assert.deepEqual(probeNames(["*.shop.example"]), { secure: false, allowed: "www.shop.example", wildcardRoot: "shop.example", evil: "evil.example", internalPath: null, publicPath: "/public" });
    assert.equal(probeNames(["a.example"]).wildcardRoot, null);
    assert.equal(probeNames(["a.example"], true).secure, true);
  });
});

describe("policy knobs", () => {
  const names = { secure: false, allowed: "app.example.com", wildcardRoot: "tenant.example.com", evil: "evil.example", internalPath: null, publicPath: "/public" };
  const outcomes = (id: string, knobs: PolicyKnobs): string[] => PROBE_CATALOG.find((p) => p.id === id)!.build(names, knobs)!.expect[0]!.outcomes;

  it("follow ASP.NET Core by default and the strict recommendations of docs/probes.md when strict", () => {
    const cases: Array<[string, string[], string[]]> = [
      ["wildcard-multi-label", ["accept"], ["reject"]],
      ["trailing-dot", ["reject"], ["accept"]],
      ["port-empty", ["400"], ["accept"]],
      ["absolute-form-https-cleartext", ["accept", "reject", "400"], ["reject", "400"]],
      ["very-long-host-10k", ["400", "reject", "accept"], ["400", "reject"]],
    ];
    for (const [id, aspnet, strict] of cases) {
      assert.deepEqual(outcomes(id, ASPNETCORE_KNOBS), aspnet, id);
      assert.deepEqual(outcomes(id, STRICT_KNOBS), strict, id);
    }
  });

  it("change single rules", () => {
    assert.deepEqual(outcomes("port-nonstandard", { ...ASPNETCORE_KNOBS, nonDefaultPort: "reject" }), ["reject"]);
    assert.deepEqual(outcomes("underscore-label", { ...ASPNETCORE_KNOBS, underscoreLabels: "reject" }), ["400", "reject"]);
  });

  it("are read from a scenario, the profile first and single knobs over it", () => {
    const scenario = parseScenario("apps: [{ name: a, allowedHosts: x.example }]\npolicy: { profile: strict, knobs: { wildcardDepth: any } }\n", "k.yaml");
    assert.equal(scenario.policy.profile, "strict");
    assert.deepEqual(scenario.policy.knobs, { ...STRICT_KNOBS, wildcardDepth: "any" });
  });
});

describe("target URLs", () => {
  it("accept loopback http only, unless remote targets are allowed", () => {
    assert.deepEqual(parseTargetUrl("http://127.0.0.1:5000"), { host: "127.0.0.1", port: 5000, url: "http://127.0.0.1:5000" });
    assert.equal(parseTargetUrl("http://localhost:8080/x").host, "127.0.0.1");
    assert.equal(parseTargetUrl("http://[::1]:8080").host, "::1");
    assert.throws(() => parseTargetUrl("http://192.0.2.1:80"), /not a loopback address/);
    assert.equal(parseTargetUrl("http://192.0.2.1:80", true).host, "192.0.2.1");
    assert.throws(() => parseTargetUrl("https://127.0.0.1"), /only http:\/\//);
    assert.throws(() => parseTargetUrl("nonsense"), /not a URL/);
  });

  it("names the configuration fact behind a failure as a typed cause, only when the deployment's configuration shows it", () => {
    const forgedHost: ResponseExpectation[] = [{ outcomes: ["accept"], notBelieved: { host: "evil.example" } }];
    const believed = appAnswer({ host: "evil.example" });
    assert.equal(gradeText(forgedHost, believed, false, { ...NO_FAULT, trustsAnyPeer: true }).cause, "app-trusts-any-peer");
    // Behind a proxy that passes the client's fields on, the proxy is the first thing to fix.
    const both = { ...NO_FAULT, trustsAnyPeer: true, proxyPassesClientForwarding: true };
    assert.equal(gradeText(forgedHost, believed, true, both).cause, "proxy-passes-client-forwarding");
    assert.equal(gradeText(forgedHost, believed, false, NO_FAULT).cause, undefined);
    assert.equal(gradeText(forgedHost, believed).cause, undefined);
    const refuse: ResponseExpectation[] = [{ outcomes: ["reject"] }];
    assert.equal(gradeText(refuse, appAnswer({ host: "evil.example" }), false, { ...NO_FAULT, allowsAnyHost: true }).cause, "app-allows-any-host");
    assert.equal(gradeText(refuse, appAnswer({ host: "" }), false, { ...NO_FAULT, allowsAnyHost: true, allowsEmptyHost: true }).cause, "app-allows-empty-host");
    assert.equal(gradeText(refuse, appAnswer({ host: "evil.example" }), true, { ...NO_FAULT, proxyForwardsAnyHost: true }).cause, "proxy-forwards-any-host");
    assert.doesNotMatch(gradeText(refuse, appAnswer({ host: "evil.example" }), false, { ...NO_FAULT, allowsAnyHost: true }).explanation, /Fix:/);
  });
});

describe("surface grading", () => {
  const hidden: ResponseExpectation[] = [{ outcomes: ["reject", "accept"], hiddenEndpoint: { path: "/admin", sent: "/api/../admin" } }];
  const answer = (endpoint: string | null | undefined) => parseResponses(Buffer.from(appAnswer({ host: "app.example.com", ...(endpoint !== undefined ? { endpoint } : {}) }), "latin1")).responses;
  const context = (proxyInPath: boolean, atEdge: "exposed" | "hidden" = "exposed") => ({
    policyHosts: POLICY,
    proxyInPath,
    internalPathsAtEdge: atEdge,
    hints: { allowsAnyHost: false, allowsEmptyHost: false, trustsAnyPeer: false, proxyPassesClientForwarding: false, proxyForwardsAnyHost: false, proxyEngine: "nginx", exposedPaths: ["/api/*"] },
  });

  it("grades on the app's routing decision: exposed at the edge, a failure through a proxy or when the policy hides it", () => {
    const edge = grade(hidden, answer("/admin"), exchange, context(false));
    assert.deepEqual([edge.pass, edge.observed[0]!.outcome, edge.observed[0]!.app?.endpoint], [true, "exposed", "/admin"]);
    const proxied = grade(hidden, answer("/admin"), exchange, context(true));
    assert.equal(proxied.pass, false);
    assert.match(proxied.explanation, /^'\/api\/\.\.\/admin' reached the app's internal endpoint \/admin through the proxy: let through by nginx's `location/);
    const hiddenAtEdge = grade(hidden, answer("/admin"), exchange, context(false, "hidden"));
    assert.match(hiddenAtEdge.explanation, /at the edge, where nothing in front of the app can hide it/);
  });

  it("passes the catch-all and refusals, and cannot grade an answer without a routing decision", () => {
    const fallback = grade(hidden, answer(null), exchange, context(true));
    assert.deepEqual([fallback.pass, fallback.observed[0]!.outcome], [true, "accept"]);
    assert.equal(grade(hidden, parseResponses(Buffer.from("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")).responses, exchange, context(true)).pass, true);
    assert.match(grade(hidden, answer(undefined), exchange, context(true)).explanation, /does not say which endpoint/);
  });

  it("says so when exposedPaths publishes the internal path itself", () => {
    const wide = { ...context(true), hints: { ...context(true).hints, exposedPaths: ["/*", "/admin"] } };
    assert.match(grade(hidden, answer("/admin"), exchange, wide).explanation, /publishes \/admin itself/);
  });
});
