/** Merging load rounds of several generators: each generator's rounds stay paired; settings must agree. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { computeOverhead } from "../../src/results/compare.js";
import { mergeResults, MergeError } from "../../src/results/merge.js";
import type { RunResult } from "../../src/results/types.js";
import { FIXTURES } from "../helpers/paths.js";
import { assertValidRunResult } from "../helpers/result-schema.js";

const fixture = (): RunResult => JSON.parse(readFileSync(`${FIXTURES}results/run-result.json`, "utf8")) as RunResult;

describe("merge of load results", () => {
  it("numbers the second generator's rounds after the first's and pairs within each", () => {
    const a = fixture();
    const b = { ...fixture(), probes: null };
    const [merged] = mergeResults([{ label: "a.json", result: a }, { label: "b.json", result: b }]);
    assertValidRunResult(merged);
    const load = merged!.load!;
    for (const topology of load.deployments) assert.deepEqual(topology.rounds.map((r) => r.round), [1, 2, 3, 4]);
    assert.equal(load.settings.rounds, 4);
    const p50 = load.overheads[0]!.figures.find((o) => o.metric === "p50")!;
    const [edge, proxied] = a.load!.deployments;
    const single = computeOverhead(edge!, proxied!)!.find((o) => o.metric === "p50")!;
    assert.deepEqual(p50.perRound, [...single.perRound, ...single.perRound]);
    assert.deepEqual(merged!.probes!.results, a.probes!.results);
    assert.match(merged!.warnings.at(-1)!, /load rounds of 2 generators/);
  });

  it("refuses load of different settings", () => {
    const b = fixture();
    b.load!.settings.connections += 1;
    b.probes = null;
    assert.throws(() => mergeResults([{ label: "a.json", result: { ...fixture(), probes: null } }, { label: "b.json", result: b }]), MergeError);
  });
});
