/** Paths as Kestrel and routing read them, the builtin proxy's published prefixes, the engines' rules, scenario fields. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HttpRequestError } from "../../src/http1/errors.js";
import { kestrelRequestPath, removeDotSegments, routeEndpoint } from "../../src/servers/kestrel/request-path.js";
import { createExposedPathFilter } from "../../src/servers/proxy/exposed-paths.js";
import { isPublished, splitExposedPaths } from "../../src/policy/exposed-paths.js";
import { exposedLocations } from "../../src/engines/nginx.js";
import { exposedPathRules } from "../../src/engines/haproxy.js";
import { exposedPathsHandle } from "../../src/engines/caddy.js";
import { loadScenario, scenarioFromObject } from "../../src/scenario/load.js";
import { ScenarioError } from "../../src/scenario/issues.js";
import { FIXTURES } from "../helpers/paths.js";

describe("Kestrel's request path", () => {
  it("decodes escapes except %2F, then removes dot segments (so %2e%2e climbs)", () => {
    const cases: Array<[string, string]> = [
      ["/", "/"],
      ["/%61dmin", "/admin"],
      ["/public/../admin", "/admin"],
      ["/public/%2e%2e/admin", "/admin"],
      ["/admin/.", "/admin/"],
      ["/admin%2f", "/admin%2f"],
      ["/a%2F..%2Fb", "/a%2F..%2Fb"],
      ["/../../x", "/x"],
      ["/a/..", "/"],
      ["//admin", "//admin"],
      ["/admin;x=1", "/admin;x=1"],
      ["/caf%C3%A9", "/café"],
      ["/bad%C3", "/bad%C3"],
      ["/100%", "/100%"],
    ];
    for (const [raw, expected] of cases) assert.equal(kestrelRequestPath(raw), expected, raw);
  });

  it("refuses a decoded NUL with 400", () => {
    assert.throws(
      () => kestrelRequestPath("/admin%00"),
      (error: HttpRequestError) => error.status === 400,
    );
  });

  it("removes dot segments as RFC 3986 §5.2.4", () => {
    assert.equal(removeDotSegments("/a/b/c/./../../g"), "/a/g");
    assert.equal(removeDotSegments("/a/..b/.c"), "/a/..b/.c");
  });

  it("routes literal segments case-insensitively, a trailing slash ignored, an empty segment counted", () => {
    const endpoints = ["/admin", "/health/ready"];
    assert.equal(routeEndpoint("/ADMIN", endpoints), "/admin");
    assert.equal(routeEndpoint("/admin/", endpoints), "/admin");
    assert.equal(routeEndpoint("/Health/Ready", endpoints), "/health/ready");
    for (const path of ["//admin", "/admin;x=1", "/admin%2f", "/admin/x", "/", "/admi"])
      assert.equal(routeEndpoint(path, endpoints), null, path);
  });
});

describe("published paths", () => {
  it("are exact paths, or prefixes on a segment boundary written /x/*, compared case-insensitively", () => {
    const exposed = splitExposedPaths(["/", "/about", "/public/*"]);
    assert.deepEqual(exposed, { exact: ["/", "/about"], prefixes: ["/public"], all: false });
    for (const path of ["/", "/About", "/public", "/public/", "/Public/x/y"])
      assert.ok(isPublished(path, exposed), path);
    for (const path of ["/admin", "/about/x", "/publicity", "//public/x"]) assert.ok(!isPublished(path, exposed), path);
    assert.ok(isPublished("/anything", splitExposedPaths(["/*"])));
  });

  it("are compared by the builtin proxy on the path as the app will read it", () => {
    const exposed = createExposedPathFilter(["/public/*"]);
    assert.ok(exposed("/public/a?x=1"));
    assert.ok(!exposed("/public/../admin"));
    assert.ok(!exposed("/public/%2e%2e/admin"));
    assert.ok(!exposed("/public/x%00"));
    assert.ok(exposed("/public/..%2fadmin"));
    assert.ok(createExposedPathFilter(null)("/admin"));
  });

  it("become one rule set per engine, and nothing without a list", () => {
    const nginx = exposedLocations(["/", "/public/*"], ["proxy_pass http://app_0;"]);
    assert.match(
      nginx,
      /location = \/ \{[^]*location = \/public \{[^]*location \^~ \/public\/ \{[^]*location \/ \{\s*return 404;/,
    );
    assert.match(exposedLocations(null, ["proxy_pass http://app_0;"]), /^ {4}location \/ \{\n {6}proxy_pass/);
    assert.deepEqual(exposedPathRules(["/", "/api/*", "/public/*"]).slice(0, 2), [
      "  acl exposed_path path / /api /public",
      "  acl exposed_path path_beg /api/ /public/",
    ]);
    assert.match(
      exposedPathsHandle(["/", "/api/*"])[0]!,
      /@hidden_path not path \/ \/api \/api\/\*\n {2}handle @hidden_path \{\n {4}respond "Not Found" 404/,
    );
    for (const none of [null, ["/*"]]) {
      assert.deepEqual(exposedPathRules(none), []);
      assert.deepEqual(exposedPathsHandle(none), []);
    }
  });
});

describe("scenario paths", () => {
  it("read internalPaths, exposedPaths and internalPathsAtEdge, with defaults", () => {
    const plain = scenarioFromObject({ apps: [{ name: "web", allowedHosts: "app.example.com" }] });
    assert.deepEqual(
      [plain.apps[0]!.internalPaths, plain.proxy.exposedPaths, plain.policy.internalPathsAtEdge],
      [[], null, "exposed"],
    );
    const given = scenarioFromObject({
      apps: [{ name: "web", allowedHosts: "app.example.com", internalPaths: ["/admin"] }],
      proxy: { exposedPaths: ["/api/*"] },
      policy: { internalPathsAtEdge: "hidden" },
    });
    assert.deepEqual(
      [given.apps[0]!.internalPaths, given.proxy.exposedPaths, given.policy.internalPathsAtEdge],
      [["/admin"], ["/api/*"], "hidden"],
    );
  });

  it("refuse paths whose meaning depends on who decodes them, at their line", async () => {
    await assert.rejects(loadScenario(`${FIXTURES}scenarios/bad-paths.yaml`), (error: ScenarioError) => {
      assert.deepEqual(
        error.issues.map((issue) => [issue.path, issue.line]),
        [
          ["apps[0].internalPaths[1]", 4],
          ["apps[0].internalPaths[2]", 4],
          ["apps[0].internalPaths[3]", 4],
          ["proxy.exposedPaths[0]", 6],
          ["proxy.exposedPaths[2]", 6],
        ],
      );
      assert.match(error.issues[0]!.message, /expected a path such as \/admin/);
      return true;
    });
  });
});
