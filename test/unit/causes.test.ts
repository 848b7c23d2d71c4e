import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTopLevelString } from "../../src/fixes/appsettings-edit.js";
import { unifiedDiff } from "../../src/fixes/unified-diff.js";
import { changeFor } from "../../src/fixes/plan.js";
import { editEngineConfig } from "../../src/fixes/engine-config-edit.js";
import { groupCauses, type CauseChange } from "../../src/results/causes.js";
import type { ProbeResult } from "../../src/results/types.js";
import { parseJsonWithComments } from "../../src/policy/appsettings.js";
import { parseScenario } from "../../src/scenario/load.js";
import { causesHeadline, categorySummaries, probeSets } from "../../src/reporters/causes.js";

function failure(
  probe: string,
  topology: "edge" | "proxied",
  via: "entry" | "bypass",
  cause?: ProbeResult["cause"],
  pass = false,
): ProbeResult {
  return {
    probe,
    title: probe,
    category: "spoofing",
    reference: "",
    deployment: topology,
    via,
    expected: [],
    observed: [],
    closedByServer: false,
    timedOut: false,
    elapsedMs: 1,
    pass,
    explanation: pass ? "" : "wrong",
    ...(cause ? { cause } : {}),
  };
}

const NO_CHANGE: CauseChange = { scenario: [], appsettings: null, programCs: [], engines: {} };

describe("causes", () => {
  it("group failures by cause, each probe once with its targets, the cause that explains most first", () => {
    const results = [
      failure("xfh-override", "edge", "entry", "app-trusts-any-peer"),
      failure("xfh-override", "proxied", "entry", "proxy-passes-client-forwarding"),
      failure("xfh-override", "proxied", "bypass", "app-trusts-any-peer"),
      failure("x-host-family-override", "proxied", "entry", "proxy-passes-client-forwarding"),
      failure("underscore-xfh", "proxied", "entry", "proxy-passes-client-forwarding"),
      failure("xff-spoof", "edge", "entry"),
      failure("xfp-spoof", "edge", "entry", undefined, true),
    ];
    const causes = groupCauses(results, () => NO_CHANGE);
    assert.deepEqual(
      causes.map((c) => [c.id, c.failures]),
      [
        ["proxy-passes-client-forwarding", 3],
        ["app-trusts-any-peer", 2],
      ],
    );
    assert.deepEqual(causes[1]!.probes, [{ probe: "xfh-override", targets: ["edge", "proxied→app"] }]);
    assert.deepEqual(probeSets(causes[0]!), [
      { probes: ["xfh-override", "x-host-family-override", "underscore-xfh"], targets: ["proxied"] },
    ]);
    // One failure has no known cause: the headline says so rather than claiming all.
    assert.equal(causesHeadline(causes, 6), "2 changes fix 5 of 6 failures");
    assert.equal(causesHeadline(causes.slice(0, 1), 3), "1 change fixes all 3 failures");
    assert.deepEqual(
      categorySummaries(results).map((s) => [s.category, s.passed, s.total, s.targets]),
      [["spoofing", 1, 5, ["edge", "proxied", "proxied→app"]]],
    );
  });

  it("diff two texts as diff -u does", () => {
    const before = "a\nb\nc\nd\ne\nf\ng\nh\n";
    const after = "a\nb\nc\nD\ne\nf\ng\nh\ni\n";
    assert.equal(
      unifiedDiff(before, after, "x.txt"),
      "--- a/x.txt\n+++ b/x.txt\n@@ -1,8 +1,9 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n h\n+i\n",
    );
    assert.equal(unifiedDiff(before, before, "x.txt"), "");
    assert.match(
      unifiedDiff("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "1\n2\n3\n4\n5\n6\n7\n8\n9\nten\n", "n"),
      /^@@ -7,4 \+7,4 @@$/m,
    );
  });

  it("set an appsettings value as text, keeping comments, order and trailing commas", () => {
    const text = '{\n  // comment\n  "Logging": {},\n  "AllowedHosts": "*",\n}\n';
    const changed = setTopLevelString(text, "AllowedHosts", "a.example;*.b.example");
    assert.equal(changed, '{\n  // comment\n  "Logging": {},\n  "AllowedHosts": "a.example;*.b.example",\n}\n');
    const added = setTopLevelString('{\n    "Logging": {}\n}\n', "AllowedHosts", "a.example");
    assert.deepEqual(parseJsonWithComments(added), { AllowedHosts: "a.example", Logging: {} });
    assert.deepEqual(parseJsonWithComments(setTopLevelString("{}", "AllowedHosts", "a.example")), {
      AllowedHosts: "a.example",
    });
  });

  it("propose the appsettings diff when the app reads AllowedHosts from its file, else the JSON to add and the field", () => {
    const scenario = parseScenario(
      "name: t\napps: [{ name: web, allowedHosts: '*' }]\npolicy: { hosts: [app.example.com] }\n",
      "t.yaml",
    );
    const fromScenario = changeFor("app-allows-any-host", scenario, {
      appIndex: 0,
      appsettings: null,
      allowedHostsInScenario: true,
    });
    assert.deepEqual(fromScenario.scenario, [{ path: ["apps", 0, "allowedHosts"], value: "app.example.com" }]);
    assert.deepEqual(fromScenario.appsettings, { file: null, add: { AllowedHosts: "app.example.com" }, diff: null });
    const settings = { path: "/x/appsettings.json", text: '{\n  "AllowedHosts": "*"\n}\n' };
    const fromFile = changeFor("app-allows-any-host", scenario, {
      appIndex: 0,
      appsettings: settings,
      allowedHostsInScenario: false,
    });
    assert.deepEqual(fromFile.scenario, []);
    assert.match(fromFile.appsettings!.diff!, /^- {2}"AllowedHosts": "\*"\n\+ {2}"AllowedHosts": "app.example.com"$/m);
    // KnownProxies cannot be bound from configuration: Program.cs, with the address the app sees its proxy at.
    const trust = changeFor("app-trusts-any-peer", scenario, {
      appIndex: 0,
      appsettings: null,
      allowedHostsInScenario: true,
    });
    assert.equal(trust.appsettings, null);
    assert.ok(trust.programCs.some((line) => line.includes('KnownProxies.Add(IPAddress.Parse("127.0.0.2"))')));
    const strip = changeFor(
      "proxy-passes-client-forwarding",
      { ...scenario, proxy: { ...scenario.proxy, stripClientForwarded: false } },
      { appIndex: 0, appsettings: null, allowedHostsInScenario: true },
    );
    assert.match(strip.engines.nginx!, /^\+ +proxy_set_header X-Forwarded-Host \$host;$/m);
    assert.match(strip.engines.haproxy!, /^\+ +http-request del-header X-Forwarded-Host$/m);
    assert.match(strip.engines.caddy!, /^\+ +header_up -X-Host$/m);
  });

  it("move an engine on its typical configuration to the hardened one, and leave the builtin proxy's profile alone", () => {
    const typical = parseScenario(
      "name: t\napps: [{ name: web, allowedHosts: app.example.com }]\nproxy: { engine: nginx, profile: typical }\n",
      "t.yaml",
    );
    const source = { appIndex: 0, appsettings: null, allowedHostsInScenario: true };
    for (const id of ["proxy-passes-client-forwarding", "proxy-forwards-any-host"] as const) {
      const change = changeFor(id, typical, source);
      assert.deepEqual(change.scenario[0], { path: ["proxy", "profile"], value: "hardened" }, id);
      assert.match(change.engines.nginx!, /^\+ +proxy_set_header X-Forwarded-Host \$host;$/m, id);
    }
    const builtin = parseScenario(
      "name: t\napps: [{ name: web, allowedHosts: app.example.com }]\nproxy: { profile: typical }\n",
      "t.yaml",
    );
    const change = changeFor("proxy-forwards-any-host", builtin, source);
    assert.ok(change.scenario.every((field) => field.path.join(".") !== "proxy.profile"));
  });
});

describe("a user's engine configuration with the stripping lines worked in", () => {
  const scenario = parseScenario(
    "name: t\napps: [{ name: web, allowedHosts: app.example.com }]\nproxy: { stripClientForwarded: false, forwardedFor: append }\n",
    "t.yaml",
  );
  const change = changeFor("proxy-passes-client-forwarding", scenario, {
    appIndex: 0,
    appsettings: null,
    allowedHostsInScenario: true,
  });

  it("nginx: after each proxy_pass, in the user's layout, replacing the user's own lines for the same headers", () => {
    const multi =
      "location / {\n    proxy_pass http://{{UPSTREAM_0}};\n    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n    proxy_set_header Host $host;\n}\n";
    const edited = editEngineConfig("nginx", multi, change)!;
    assert.match(
      edited,
      /^ {4}proxy_pass http:\/\/\{\{UPSTREAM_0\}\};\n {4}proxy_set_header X-Forwarded-For \$remote_addr;\n {4}proxy_set_header X-Forwarded-Proto \$scheme;/m,
    );
    assert.doesNotMatch(edited, /proxy_add_x_forwarded_for/);
    assert.match(edited, /proxy_set_header Host \$host;\n\}\n$/);
    const inline = editEngineConfig("nginx", "server { location / { proxy_pass http://a; proxy_bind b; } }", change)!;
    assert.match(
      inline,
      /proxy_pass http:\/\/a; proxy_set_header X-Forwarded-For \$remote_addr; .* proxy_bind b; \} \}$/,
    );
  });

  it("HAProxy: after a frontend's bind lines, not in backends", () => {
    const edited = editEngineConfig(
      "haproxy",
      "frontend public\n  bind :80\n  bind :81\n  default_backend app\nbackend app\n  server a 127.0.0.1:5000\n",
      change,
    )!;
    assert.match(edited, /bind :81\n {2}http-request del-header _ -m sub\n/);
    assert.match(
      edited,
      /set-header X-Forwarded-Host %\[req\.fhdr\(host\)\] if \{ req\.fhdr\(host\) -m found \}\n {2}default_backend app\nbackend app\n {2}server a/,
    );
  });

  it("Caddy: inside each reverse_proxy block, a one-line reverse_proxy given one", () => {
    const edited = editEngineConfig("caddy", ":80 {\n  reverse_proxy {{UPSTREAM_0}}\n}\n", change)!;
    assert.match(edited, /^ {2}reverse_proxy \{\{UPSTREAM_0\}\} \{\n {4}header_up -X-Forwarded-Prefix\n/m);
    assert.match(edited, /header_up -X_Original_Proto\n {2}\}\n\}\n$/);
    const block = editEngineConfig("caddy", "reverse_proxy a:1 {\n  lb_policy first\n}\n", change)!;
    assert.match(block, /^reverse_proxy a:1 \{\n {2}header_up -X-Forwarded-Prefix\n[^]*\n {2}lb_policy first\n\}\n$/);
    // An allowlist reshapes server blocks: not worked in.
    assert.equal(
      editEngineConfig(
        "caddy",
        "x",
        changeFor("proxy-forwards-any-host", scenario, {
          appIndex: 0,
          appsettings: null,
          allowedHostsInScenario: true,
        }),
      ),
      null,
    );
  });
});
