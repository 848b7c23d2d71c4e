import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { renderJson } from "../../src/reporters/json.js";
import { renderTerminal } from "../../src/reporters/terminal.js";
import { formatDuration, formatRate } from "../../src/reporters/format.js";
import type { RunResult } from "../../src/results/types.js";
import { FIXTURES } from "../helpers/paths.js";

async function fixture(): Promise<RunResult> {
  return JSON.parse(await readFile(`${FIXTURES}results/run-result.json`, "utf8")) as RunResult;
}

describe("reporters", () => {
  it("formats durations and rates in sensible units", () => {
    assert.equal(formatDuration(665), "665µs");
    assert.equal(formatDuration(1045), "1.04ms");
    assert.equal(formatDuration(14421), "14.4ms");
    assert.equal(formatDuration(2_500_000), "2.50s");
    assert.equal(formatRate(16174.2), "16.2k");
    assert.equal(formatRate(5599), "5599");
  });

  it("renders the terminal report from result data alone, without colour", async () => {
    const text = renderTerminal(await fixture(), { color: false, width: 80 });
    assert.doesNotMatch(text, /\x1b\[/);
    assert.match(text, /edge\s+16\.2k\s+500µs/);
    assert.match(text, /p50\s+\+909µs\s+\[\+892µs … \+926µs\]/);
    assert.match(text, /req\/s\s+×0\.41/);
    assert.match(text, /arbitrary-host\s+✓ 400\s+✗ 200/);
    assert.match(text, /Why they failed\n {2}✗ arbitrary-host on proxied/);
    assert.match(text, /FAIL · 1 problem/);
    for (const line of text.split("\n").filter((l) => l.startsWith("  ") && !l.startsWith("    "))) {
      assert.ok(line.length <= 100, `too wide: ${line}`);
    }
  });

  it("marks an overhead whose interval includes zero", async () => {
    const result = await fixture();
    result.load!.overhead![0]!.significant = false;
    assert.match(renderTerminal(result, { color: false }), /p50\s+~\+909µs/);
  });

  it("colours only when asked", async () => {
    assert.match(renderTerminal(await fixture(), { color: true }), /\x1b\[/);
  });

  it("writes JSON that reads back to the same data", async () => {
    const result = await fixture();
    assert.deepEqual(JSON.parse(renderJson(result)), result);
  });
});
