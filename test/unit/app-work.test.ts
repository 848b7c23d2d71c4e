import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { padAnswer, serviceTimeSampler, splitChunks } from "../../src/servers/app-work.js";
import { parseSize } from "../../src/scenario/spec.js";
import { ScenarioError } from "../../src/scenario/issues.js";
import { scenarioFromObject } from "../../src/scenario/load.js";
import { seededRandom } from "../../src/results/stats.js";

const percentile = (values: number[], p: number): number =>
  [...values].sort((a, b) => a - b)[Math.floor((values.length * p) / 100)]!;

describe("app work", () => {
  it("samples a log-normal service time with the median and p99 asked", () => {
    const sample = serviceTimeSampler({ distribution: "lognormal", medianMs: 5, p99Ms: 40 }, seededRandom(7));
    const values = Array.from({ length: 20_000 }, sample);
    assert.ok(Math.abs(percentile(values, 50) - 5) < 0.25, `median ${percentile(values, 50)}`);
    assert.ok(Math.abs(percentile(values, 99) - 40) < 4, `p99 ${percentile(values, 99)}`);
    assert.ok(values.every((v) => v > 0));
  });

  it("samples uniform service times within their bounds, and a fixed one as given", () => {
    const uniform = Array.from(
      { length: 2000 },
      serviceTimeSampler({ distribution: "uniform", minMs: 2, maxMs: 4 }, seededRandom(1)),
    );
    assert.ok(uniform.every((v) => v >= 2 && v <= 4));
    assert.ok(Math.abs(percentile(uniform, 50) - 3) < 0.15);
    assert.equal(serviceTimeSampler({ distribution: "fixed", ms: 5 })(), 5);
  });

  it("pads the JSON answer to the exact size and keeps it JSON", () => {
    const json = JSON.stringify({ app: "web", host: "app.example.com" });
    const padded = padAnswer(json, 16 * 1024);
    assert.equal(Buffer.byteLength(padded), 16 * 1024);
    assert.equal(JSON.parse(padded).host, "app.example.com");
    assert.equal(padAnswer(json, 10), json, "an answer already larger is kept");
  });

  it("splits a body into the chunks asked, in order", () => {
    const body = Buffer.from("abcdefghij");
    const pieces = splitChunks(body, 3);
    assert.equal(pieces.length, 3);
    assert.equal(Buffer.concat(pieces).toString(), "abcdefghij");
    assert.equal(splitChunks(Buffer.from("ab"), 5).length, 2);
  });

  it("reads sizes in bytes and binary or decimal units", () => {
    assert.equal(parseSize("16KiB"), 16384);
    assert.equal(parseSize("1MiB"), 1048576);
    assert.equal(parseSize("2kB"), 2000);
    assert.equal(parseSize(512), 512);
    assert.equal(parseSize("16 bananas"), null);
  });
});

describe("app work in a scenario", () => {
  const base = { apps: [{ name: "web", allowedHosts: "app.example.com" }] };
  const issues = (input: unknown): string[] => {
    try {
      scenarioFromObject(input);
    } catch (error) {
      assert.ok(error instanceof ScenarioError);
      return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    }
    return [];
  };

  it("resolves each distribution and the request body size", () => {
    const scenario = scenarioFromObject({
      apps: [
        {
          ...base.apps[0],
          work: {
            serviceTime: { distribution: "lognormal", median: "5ms", p99: "40ms" },
            answerSize: "1MiB",
            chunks: 4,
            chunkDelay: "2ms",
          },
        },
      ],
      load: { method: "POST", bodySize: "4KiB" },
    });
    assert.deepEqual(scenario.apps[0]!.work, {
      serviceTime: { distribution: "lognormal", medianMs: 5, p99Ms: 40 },
      answerBytes: 1048576,
      chunks: 4,
      chunkDelayMs: 2,
    });
    assert.equal(scenario.load.body?.length, 4096);
    assert.deepEqual(
      scenarioFromObject({ apps: [{ ...base.apps[0], work: { serviceTime: { time: "5ms" } } }] }).apps[0]!.work
        .serviceTime,
      { distribution: "fixed", ms: 5 },
    );
  });

  it("names the field of every inconsistent work setting", () => {
    const found = issues({
      apps: [
        {
          name: "a",
          allowedHosts: "a.example.com",
          work: { serviceTime: { distribution: "uniform", min: "5ms", max: "1ms" } },
        },
        {
          name: "b",
          allowedHosts: "b.example.com",
          work: { serviceTime: { distribution: "lognormal", median: "5ms", p99: "2ms", time: "1ms" } },
        },
        { name: "c", allowedHosts: "c.example.com", work: { serviceTime: { distribution: "fixed" } } },
      ],
      load: { body: "x", bodySize: 10 },
    });
    assert.ok(
      found.some((text) => text.startsWith("apps[0].work.serviceTime.max: expected max >= min")),
      found.join("\n"),
    );
    assert.ok(
      found.some((text) => text.startsWith("apps[1].work.serviceTime.p99: expected p99 above the median")),
      found.join("\n"),
    );
    assert.ok(
      found.some((text) => text.startsWith("apps[1].work.serviceTime.time: not a field of a lognormal")),
      found.join("\n"),
    );
    assert.ok(
      found.some((text) => text.startsWith("apps[2].work.serviceTime.time: a fixed service time needs time")),
      found.join("\n"),
    );
    assert.ok(
      found.some((text) => text.startsWith("load.bodySize: give either")),
      found.join("\n"),
    );
    assert.deepEqual(issues({ apps: [{ ...base.apps[0], work: { answerSize: "lots" } }] }), [
      'apps[0].work.answerSize: expected a size such as 512, 16KiB or 1MiB, found "lots"',
    ]);
  });
});
