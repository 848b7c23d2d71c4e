import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadScenario, parseScenario, scenarioFromObject } from "../../src/scenario/load.js";
import { ScenarioError, type ScenarioIssue } from "../../src/scenario/issues.js";
import { FIXTURES } from "../helpers/paths.js";
import { starterScenario } from "../../src/scenario/starter.js";

async function issuesOf(name: string): Promise<ScenarioIssue[]> {
  try {
    await loadScenario(`${FIXTURES}scenarios/${name}`);
  } catch (error) {
    assert.ok(error instanceof ScenarioError, `expected a ScenarioError, got ${String(error)}`);
    return error.issues;
  }
  assert.fail(`${name} was accepted`);
}

describe("scenario loading", () => {
  it("fills defaults for a minimal scenario", async () => {
    const scenario = await loadScenario(`${FIXTURES}scenarios/valid-minimal.yaml`);
    assert.equal(scenario.name, "valid-minimal");
    assert.deepEqual(scenario.topologies, ["edge", "proxied"]);
    assert.deepEqual(scenario.apps[0]?.allowedHosts, ["app.example.com"]);
    assert.equal(scenario.apps[0]?.allowEmptyHosts, true);
    assert.equal(scenario.apps[0]?.forwardedHeaders, null);
    assert.deepEqual(scenario.policy.hosts, ["app.example.com"]);
    assert.equal(scenario.load.host, "app.example.com");
    assert.equal(scenario.load.durationMs, 2000);
    assert.equal(scenario.proxy.preserveHost, true);
  });

  it("reads JSON, durations and comma-separated flag strings", async () => {
    const json = await loadScenario(`${FIXTURES}scenarios/valid.json`);
    assert.equal(json.load.durationMs, 500);
    assert.deepEqual(json.topologies, ["edge"]);
    const tiny = await loadScenario(`${FIXTURES}scenarios/valid-tiny-load.yaml`);
    assert.deepEqual(tiny.apps[0]?.forwardedHeaders?.forwardedHeaders, ["XForwardedFor", "XForwardedProto"]);
    assert.deepEqual(tiny.apps[0]?.allowedHosts, ["app.example.com", "*.tenant.example.com"]);
  });

  it("names an unknown field with its line, column and a suggestion", async () => {
    const [issue] = await issuesOf("unknown-field.yaml");
    assert.equal(issue?.line, 3);
    assert.equal(issue?.column, 5);
    assert.equal(issue?.path, "apps[0].alowedHosts");
    assert.match(issue!.message, /unknown field \(did you mean 'allowedHosts'\?\)/);
    assert.match(issue!.file, /unknown-field\.yaml$/);
  });

  it("says what was expected and what was found", async () => {
    const [issue] = await issuesOf("wrong-type.yaml");
    assert.equal(issue?.path, "apps[0].allowEmptyHosts");
    assert.equal(issue?.line, 4);
    assert.match(issue!.message, /expected true or false, found "no"/);
  });

  it("lists the allowed values of an enumeration", async () => {
    const [issue] = await issuesOf("bad-enum.yaml");
    assert.equal(issue?.path, "topologies[1]");
    assert.match(issue!.message, /one of edge, proxied.*found "proxyed".*did you mean 'proxied'/);
  });

  it("reports a missing required field", async () => {
    const [issue] = await issuesOf("missing-required.yaml");
    assert.equal(issue?.path, "apps");
    assert.match(issue!.message, /required field is missing/);
  });

  it("reports YAML syntax errors with their position", async () => {
    const issues = await issuesOf("yaml-syntax.yaml");
    assert.ok(issues.length > 0);
    assert.match(issues[0]!.message, /^YAML syntax:/);
    assert.ok(issues[0]!.line >= 3);
  });

  it("reports an empty file, binary data and duplicate keys", async () => {
    assert.match((await issuesOf("empty.yaml"))[0]!.message, /empty/);
    assert.match((await issuesOf("binary.yaml"))[0]!.message, /binary/);
    assert.match((await issuesOf("duplicate-key.yaml"))[0]!.message, /unique/i);
  });

  it("refuses negative durations and out-of-range numbers", async () => {
    const issues = await issuesOf("negative-duration.yaml");
    assert.deepEqual(
      issues.map((i) => i.path),
      ["load.duration", "load.rounds"],
    );
  });

  it("checks addresses in knownProxies and knownNetworks", async () => {
    const issues = await issuesOf("bad-known-proxy.yaml");
    assert.deepEqual(
      issues.map((i) => i.path),
      ["apps[0].knownProxies[0]", "apps[0].knownNetworks[0]"],
    );
    assert.equal(issues[0]?.line, 5);
  });

  it("asks for a policy when every app allows any host", async () => {
    const [issue] = await issuesOf("no-policy.yaml");
    assert.equal(issue?.path, "policy.hosts");
  });

  it("explains why two edge apps cannot share one port, at the second app's port", async () => {
    await assert.rejects(loadScenario(`${FIXTURES}scenarios/edge-port-conflict.yaml`), (error: ScenarioError) => {
      assert.match(
        error.message,
        /edge-port-conflict\.yaml:7:11: apps\[1\]\.port: port 18080 is also apps\[0\] \(site\)'s: at the edge each app must listen on a port of its own/,
      );
      assert.match(error.message, /put them behind the proxy \(topology proxied\)/);
      return true;
    });
  });

  it("resolves TLS, instances, balancing and shaped hops, toClient starting from the toward-server settings", () => {
    const scenario = scenarioFromObject({
      apps: [{ name: "web", allowedHosts: "app.example.com", instances: 3 }],
      tls: "reencrypt",
      proxy: { balancing: "least-pending", forwarded: true },
      network: {
        clientHop: { latency: "20ms", jitter: "2ms", bandwidthMbps: 100, toClient: { latency: "25ms" } },
        appHop: { latency: "200us" },
      },
    });
    assert.equal(scenario.tls, "reencrypt");
    assert.equal(scenario.apps[0]!.instances, 3);
    assert.equal(scenario.proxy.balancing, "least-pending");
    assert.equal(scenario.proxy.forwarded, true);
    assert.deepEqual(scenario.network.clientHop, {
      toServer: { latencyMs: 20, jitterMs: 2, bandwidthMbps: 100, resetProbability: 0, stallProbability: 0 },
      toClient: { latencyMs: 25, jitterMs: 2, bandwidthMbps: 100, resetProbability: 0, stallProbability: 0 },
    });
    assert.equal(scenario.network.appHop?.toClient.latencyMs, 0.2);
  });

  it("accepts the starter scenario with each optional line uncommented (TLS, instances, allowlist, shaped hops)", () => {
    const starter = starterScenario({
      hosts: ["app.example.com", "*.tenant.example.com"],
      forwardedHeaders: true,
      schemaPath: null,
    });
    const lines: Array<[string, string]> = [
      ["# instances: 3", "instances: 3"],
      ["# tls: terminate", "tls: terminate"],
      ["# allowedHosts:", "allowedHosts:"],
      ["# network:", "network:"],
      ["#   clientHop:", "  clientHop:"],
      ["#   appHop:", "  appHop:"],
    ];
    let uncommented = starter;
    for (const [commented, plain] of lines) {
      assert.ok(uncommented.includes(commented), `the starter offers ${plain}`);
      uncommented = uncommented.replace(commented, plain);
    }
    const scenario = parseScenario(uncommented, "starter.yaml");
    assert.equal(scenario.tls, "terminate");
    assert.equal(scenario.apps[0]!.instances, 3);
    assert.deepEqual(scenario.proxy.allowedHosts, ["app.example.com", "*.tenant.example.com"]);
    assert.equal(scenario.network.clientHop?.toServer.latencyMs, 20);
  });

  it("collects every problem at once", async () => {
    const issues = await issuesOf("several-problems.yaml");
    assert.deepEqual(
      issues.map((i) => i.path),
      ["apps[0].forwardLimit", "apps[1].includeFailureMessage", "load.connections"],
    );
  });

  it("takes a rate as the open model", () => {
    const open = parseScenario("apps: [{ name: a, allowedHosts: x.example }]\nload: { rate: 500 }\n", "r.yaml");
    assert.deepEqual([open.load.model, open.load.rate, open.load.rateFraction], ["open", 500, 0.5]);
    const closed = parseScenario("apps: [{ name: a, allowedHosts: x.example }]\n", "r.yaml");
    assert.deepEqual([closed.load.model, closed.load.rate], ["closed", null]);
  });

  it("reports a file that does not exist", async () => {
    const [issue] = await issuesOf("does-not-exist.yaml");
    assert.match(issue!.message, /no such file/);
  });

  it("accepts plain objects through the programmatic API", () => {
    const scenario = scenarioFromObject({ apps: [{ name: "a", allowedHosts: ["x.example"] }], topologies: ["edge"] });
    assert.deepEqual(scenario.policy.hosts, ["x.example"]);
    assert.throws(() => parseScenario("apps: 3", "inline.yaml"), /inline\.yaml:1:7: apps: expected a list/);
  });
});
