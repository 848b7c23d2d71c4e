/** `edgebench merge`: probe runs sharded by scenario, merged, equal one unsharded run; mismatches exit 2. */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { ProbeResult, RunResult } from "../../src/results/types.js";
import { SCENARIOS } from "../helpers/paths.js";
import { edgebench } from "../helpers/edgebench-cli.js";
import { assertValidRunResult } from "../helpers/result-schema.js";



/** What a probe observed and concluded; its elapsed time differs from run to run. */
function verdicts(result: RunResult): Array<Omit<ProbeResult, "elapsedMs">> {
  return result.probes!.results.map(({ elapsedMs: _elapsed, ...rest }) => rest);
}

describe("merge of sharded probe runs", () => {
  let folder: string;
  const scenarios = [join(SCENARIOS, "default.yaml"), join(SCENARIOS, "allowed-hosts-star.yaml")];
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "edgebench-merge-"));
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("equals one unsharded run's probe results, scenario by scenario", { timeout: 60_000 }, async () => {
    const [whole, ...shards] = await Promise.all([
      edgebench(["probe", ...scenarios, "-q", "-r", `json:${join(folder, "all.json")}`]),
      edgebench(["probe", scenarios[0]!, "-q", "-r", `json:${join(folder, "shard-1.json")}`]),
      edgebench(["probe", scenarios[1]!, "-q", "-r", `json:${join(folder, "shard-2.json")}`]),
    ]);
    assert.deepEqual([whole.code, ...shards.map((s) => s.code)], [1, 0, 1], whole.stderr);
    const merged = await edgebench(["merge", join(folder, "shard-1.json"), join(folder, "shard-2.json"), "-o", join(folder, "merged.json")]);
    assert.equal(merged.code, 1, merged.stderr);
    const unsharded = JSON.parse(await readFile(join(folder, "all.json"), "utf8")) as RunResult[];
    const result = JSON.parse(await readFile(join(folder, "merged.json"), "utf8")) as RunResult[];
    assert.equal(result.length, 2);
    for (const [i, expected] of unsharded.entries()) {
      assertValidRunResult(result[i]);
      assert.equal(result[i]!.scenario.name, expected.scenario.name);
      assert.deepEqual(verdicts(result[i]!), verdicts(expected));
      assert.deepEqual([result[i]!.probes!.passed, result[i]!.probes!.failed, result[i]!.probes!.skipped], [expected.probes!.passed, expected.probes!.failed, expected.probes!.skipped]);
      assert.deepEqual(result[i]!.verdict, expected.verdict);
    }
  });

  it("refuses shards that overlap and a scenario described differently under the same name (exit 2)", { timeout: 30_000 }, async () => {
    const shard = join(folder, "shard-1.json");
    const overlap = await edgebench(["merge", shard, shard]);
    assert.equal(overlap.code, 2);
    assert.match(overlap.stderr, /^edgebench: probe [\w-]+ on edge is in both .*shard-1\.json and .*shard-1\.json: shards must not overlap\n$/);
    const other = JSON.parse(await readFile(join(folder, "shard-2.json"), "utf8")) as RunResult;
    await writeFile(join(folder, "renamed.json"), JSON.stringify({ ...other, scenario: { ...other.scenario, name: "default" } }));
    const mismatch = await edgebench(["merge", shard, join(folder, "renamed.json")]);
    assert.equal(mismatch.code, 2);
    assert.match(mismatch.stderr, /renamed\.json and .*shard-1\.json both name scenario 'default' \(builtin\) but describe it differently/);
    assert.equal(mismatch.stdout, "");
  });
});

describe("export, import and merge usage errors", () => {
  it("exit 2 with the reason and no stack trace", { timeout: 30_000 }, async () => {
    const remote = await edgebench(["export", "--to", "k6", "--deployment", "edge=http://192.0.2.10:80"]);
    assert.deepEqual([remote.code, remote.stderr.split("\n")[0]], [2, "edgebench: --deployment 'edge=http://192.0.2.10:80': '192.0.2.10' is not a loopback address; load goes only to 127.0.0.0/8, [::1] or localhost unless --allow-remote is given (only a deployment you own)"]);
    const engine = await edgebench(["export", "--to", "jmeter", "--deployment", "edge=http://127.0.0.1:1"]);
    assert.equal(engine.code, 2);
    assert.match(engine.stderr, /argument 'jmeter' is invalid. Allowed choices are artillery, k6/);
    const missing = await edgebench(["import", "no-such-report.json"]);
    assert.deepEqual([missing.code, missing.stderr], [2, "edgebench: no-such-report.json: no such file\n"]);
    const none = await edgebench(["export", "--to", "artillery"]);
    assert.deepEqual([none.code, none.stderr], [2, "edgebench: give at least one --deployment NAME=URL (for a paired overhead: edge=URL and proxied=URL)\n"]);
    for (const outcome of [remote, engine, missing, none]) assert.doesNotMatch(outcome.stderr, /\n\s+at /);
  });
});
