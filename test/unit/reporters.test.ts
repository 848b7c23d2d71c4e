import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { renderJson } from "../../src/reporters/json.js";
import { renderHtml } from "../../src/reporters/html.js";
import { renderJunit } from "../../src/reporters/junit.js";
import { renderMarkdown } from "../../src/reporters/markdown.js";
import { parseReporterSpecs } from "../../src/reporters/index.js";
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

  it("print a threshold's measured latency in its unit in every report, and say when nothing was measured", async () => {
    const result = await fixture();
    const threshold = { metric: "proxied/nginx.p99", operator: "<" as const, value: 1000 };
    result.thresholds = [
      { ...threshold, expression: "proxied/nginx.p99 < 1ms", actual: 1834, passed: false },
      { ...threshold, expression: "edge.p99 < 1ms", metric: "edge.p99", actual: null, passed: false },
    ];
    const markdown = renderMarkdown([result]);
    assert.match(markdown, /\| `proxied\/nginx\.p99 < 1ms` \| 1\.83ms \|/);
    assert.match(markdown, /\| `edge\.p99 < 1ms` \| not measured \|/);
    assert.match(renderHtml([result]), /proxied\/nginx\.p99 &lt; 1ms<\/code> <span class="dim">\(measured 1\.83ms\)/);
    assert.match(renderJunit([result]), /proxied\/nginx\.p99 &lt; 1ms: measured 1\.83ms/);
    assert.match(
      renderTerminal(result, { color: false, width: 100 }),
      /proxied\/nginx\.p99 < 1ms \(measured 1\.83ms\)/,
    );
  });

  it("shows time to first byte beside the whole answer, and the app's work, when the result has them", async () => {
    const result = await fixture();
    const load = result.load!;
    load.deployments = load.deployments.map((t, i) => ({
      ...t,
      ttfb: { ...t.latency, p50Us: 111 + i, p99Us: 222 + i },
    }));
    const work = {
      serviceTime: { distribution: "fixed" as const, ms: 5 },
      answerBytes: 1024 ** 2,
      chunks: 8,
      chunkDelayMs: 4,
    };
    result.scenario.appWork = [{ app: "web", work }];
    const edge = load.deployments.find((t) => t.deployment === "edge")!;
    const row = new RegExp(
      `edge\\s+111µs\\s+${formatDuration(edge.latency.p50Us)}\\s+222µs\\s+${formatDuration(edge.latency.p99Us)}`,
    );
    const terminal = renderTerminal(result, { color: false, width: 100 });
    assert.match(terminal, /first byte \/ whole answer/);
    assert.match(terminal, row);
    assert.match(terminal, /app web: 5ms service time, 1MiB answers, streamed in 8 chunks 4ms apart/);
    assert.match(renderMarkdown([result]), /\| edge \| 111µs \| /);
    assert.doesNotMatch(renderTerminal(await fixture(), { color: false, width: 100 }), /first byte/);
  });

  it("renders the terminal report from result data alone, without colour", async () => {
    const text = renderTerminal(await fixture(), { color: false, width: 80 });
    assert.doesNotMatch(text, /\x1b\[/);
    assert.match(text, /edge\s+16\.2k\s+500µs/);
    assert.match(text, /p50\s+\+909µs\s+\[\+892µs … \+926µs\]/);
    assert.match(text, /req\/s\s+×0\.41/);
    assert.match(text, /arbitrary-host\s+✓ 400\s+✗ 200/);
    // A result saved before causes existed: its failure is listed with its explanation, under no cause.
    assert.match(text, /Failures without a known configuration cause\n {2}✗ arbitrary-host on proxied/);
    assert.match(text, /FAIL · 1 problem/);
    for (const line of text.split("\n").filter((l) => l.startsWith("  ") && !l.startsWith("    "))) {
      assert.ok(line.length <= 100, `too wide: ${line}`);
    }
  });

  it("marks an overhead whose interval includes zero", async () => {
    const result = await fixture();
    result.load!.overheads[0]!.figures[0]!.significant = false;
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

describe("junit and markdown reporters", () => {
  it("write one JUnit suite per topology, one case per probe, failures with the explanation, escaped", async () => {
    const result = await fixture();
    result.probes!.results[1]!.explanation = `got 200 <"evil" & more>\u0001`;
    const xml = renderJunit([result]);
    assert.match(
      xml,
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="edgebench" tests="3" failures="1" errors="0">/,
    );
    assert.match(xml, /<testsuite name="fixture · probes · edge" tests="1" failures="0"/);
    assert.match(xml, /<testsuite name="fixture · probes · proxied \(builtin\)" tests="1" failures="1"/);
    assert.match(
      xml,
      /<testsuite name="fixture · probes · proxied \(bypassing the builtin proxy\)" tests="1" failures="0"/,
    );
    assert.match(xml, /<failure message="got 200 &lt;&quot;evil&quot; &amp; more&gt;\\x01" type="edgebench">/);
    assert.equal((xml.match(/<testcase /g) ?? []).length, 3);
    assert.doesNotMatch(xml, /[\u0000-\u0008]/);
  });

  it("adds a thresholds suite", async () => {
    const result = await fixture();
    result.thresholds = [
      { expression: "probes.failed == 0", metric: "probes.failed", operator: "==", value: 0, actual: 1, passed: false },
    ];
    assert.match(
      renderJunit([result]),
      /<testsuite name="fixture · thresholds" tests="1" failures="1"[\s\S]*name="probes\.failed == 0"[\s\S]*measured 1/,
    );
  });

  it("write a Markdown summary with the load, overhead and failures", async () => {
    const md = renderMarkdown([await fixture()]);
    assert.match(md, /^### edgebench · fixture · ❌ FAIL \(1\)/);
    assert.match(md, /\| edge \| 16\.2k \| 500µs \|/);
    assert.match(md, /\| p50 \| \+909µs \| \+892µs … \+926µs \|/);
    assert.match(md, /\| `arbitrary-host` \| proxied \| 200 \(app\) \|/);
  });

  it("read reporter lists with destinations", () => {
    assert.deepEqual(parseReporterSpecs("terminal,junit:probes.xml, markdown:out/summary.md"), [
      { name: "terminal" },
      { name: "junit", path: "probes.xml" },
      { name: "markdown", path: "out/summary.md" },
    ]);
    assert.throws(() => parseReporterSpecs("terminal,xml:x"), /unknown reporter 'xml'/);
  });
});
