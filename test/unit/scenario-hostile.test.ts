/** Scenario input as a careless or hostile user writes it: each is refused with file, line, field and a useful message. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadScenario, parseScenario } from "../../src/scenario/load.js";
import { ScenarioError, type ScenarioIssue } from "../../src/scenario/issues.js";
import { FIXTURES } from "../helpers/paths.js";

function issuesOf(load: () => unknown): Promise<ScenarioIssue[]> {
  return Promise.resolve()
    .then(load)
    .then(
      () => assert.fail("accepted"),
      (error: unknown) => {
        assert.ok(error instanceof ScenarioError, `expected a ScenarioError, got ${String(error)}`);
        return error.issues;
      },
    );
}

const fixture = (name: string): Promise<ScenarioIssue[]> =>
  issuesOf(() => loadScenario(`${FIXTURES}scenarios/${name}`));

describe("hostile scenario input", () => {
  it("refuses a CR LF in load.host and a load.path that is not origin form", async () => {
    const issues = await fixture("load-host-path.yaml");
    assert.deepEqual(
      issues.map((issue) => [issue.path, issue.line]),
      [
        ["load.host", 5],
        ["load.path", 6],
      ],
    );
    assert.match(issues[0]!.message, /header field value .*no CR, LF.*found "app\.example\.com\\r\\nX-Injected: 1"/);
    assert.match(issues[1]!.message, /origin form such as \/api\/items\?id=1.*found "no-slash"/);
    for (const path of ["/", "/a/b?c=d&e=%20", "/@:;=,"]) {
      const text = `apps:\n  - name: web\n    allowedHosts: app.example.com\nload:\n  path: "${path}"\n  host: app.example.com:8080\n`;
      assert.equal(parseScenario(text, "ok.yaml").load.path, path);
    }
    for (const path of ["/a b", "/a\tb", "//x#frag", "http://x/"]) {
      const text = `apps:\n  - name: web\n    allowedHosts: app.example.com\nload:\n  path: "${path}"\n`;
      assert.equal((await issuesOf(() => parseScenario(text, "bad.yaml")))[0]?.path, "load.path", path);
    }
  });

  it("treats prototype names as the unknown fields they are, at the top and in apps", async () => {
    const issues = await fixture("prototype-keys.yaml");
    assert.deepEqual(
      issues.map((issue) => issue.path),
      ["apps[0].constructor", "apps[0].hasOwnProperty", "__proto__", "toString", "valueOf"],
    );
    for (const issue of issues) assert.match(issue.message, /^unknown field/);
  });

  it("says a document is nested too deeply instead of a stack overflow", async () => {
    const text = `apps:\n  - name: web\nx: ${"[".repeat(5000)}${"]".repeat(5000)}\n`;
    const [issue] = await issuesOf(() => parseScenario(text, "deep.yaml"));
    assert.match(issue!.message, /nested too deeply/);
    assert.doesNotMatch(issue!.message, /call stack/);
  });

  it("gives the range of a number it refuses", async () => {
    const [issue] = await fixture("rate-zero.yaml");
    assert.equal(issue?.path, "load.rate");
    assert.equal(issue?.message, "expected a number > 0 and <= 1000000, found number 0");
  });

  it("accepts comments in a JSON scenario, as in appsettings.json, with positions kept", async () => {
    const scenario = await loadScenario(`${FIXTURES}scenarios/commented.json`);
    assert.deepEqual(scenario.topologies, ["edge"]);
    const text = '{\n  /* a\n  b */ "apps": [{ "name": "web", "allowedHosts": "x.example" }], // c\n  "lod": 1\n}\n';
    const [issue] = await issuesOf(() => parseScenario(text, "c.json"));
    assert.deepEqual([issue?.path, issue?.line, issue?.column], ["lod", 4, 3]);
  });

  it("refuses an appsettings file that is a JSON list, and does not echo a file that is not JSON", async () => {
    const issues = await fixture("appsettings-not-object.yaml");
    assert.deepEqual(
      issues.map((issue) => issue.path),
      ["apps[0].appsettings", "apps[1].appsettings"],
    );
    assert.match(issues[0]!.message, /expected a JSON object of settings, found a list/);
    assert.match(issues[1]!.message, /secrets\.env: \(document\): not JSON: an appsettings file is a JSON object$/);
    assert.doesNotMatch(issues[1]!.message, /DATABASE|hunter2/);
  });
});
