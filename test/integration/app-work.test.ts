/** The simulated app's work per request on real sockets, and the load generator's time to first byte beside it. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { request } from "undici";
import { startApp, type RunningApp } from "../../src/servers/app.js";
import { runLoad } from "../../src/runners/load/run-load.js";
import { summarize } from "../../src/results/histogram.js";
import { runOpenGenerator } from "../../src/runners/load/open-generator.js";

describe("app work on the wire", () => {
  let app: RunningApp;
  before(async () => {
    const work = {
      serviceTime: { distribution: "fixed" as const, ms: 5 },
      answerBytes: 64 * 1024,
      chunks: 4,
      chunkDelayMs: 6,
    };
    app = await startApp({ allowedHosts: ["app.example.com"], work });
  });
  after(() => app.close());

  it("answers the padded JSON in chunks, after the service time", async () => {
    // The first request on a cold client pays for compiling it; time a warm one.
    await (await request(app.url, { headers: { host: "app.example.com" } })).body.dump();
    const started = performance.now();
    const response = await request(app.url, { headers: { host: "app.example.com" } });
    const head = performance.now() - started;
    const text = await response.body.text();
    const whole = performance.now() - started;
    assert.equal(response.headers["transfer-encoding"], "chunked");
    assert.equal(Buffer.byteLength(text), 64 * 1024);
    assert.equal(JSON.parse(text).host, "app.example.com");
    assert.ok(head >= 5, `head after ${head} ms`);
    assert.ok(whole - head >= 2 * 6, `three pauses between four chunks, whole ${whole} ms, head ${head} ms`);
  });

  it("refuses a disallowed Host at once, without the work", async () => {
    const response = await request(app.url, { headers: { host: "evil.example" } });
    assert.equal(response.statusCode, 400);
    await response.body.dump();
  });

  it("measures time to first byte apart from the whole answer's time", async () => {
    const run = await runLoad({
      url: app.url,
      host: "app.example.com",
      method: "GET",
      path: "/",
      body: null,
      connections: 2,
      pipelining: 1,
      durationMs: 400,
    });
    assert.ok(run.ok2xx > 5 && run.ttfb, `answers ${run.ok2xx}`);
    const ttfb = summarize(run.ttfb);
    const whole = summarize(run.histogram);
    // Answers whose head came in as the run stopped have a first byte and no end.
    assert.ok(
      ttfb.count >= whole.count && ttfb.count <= whole.count + 2,
      `${ttfb.count} heads, ${whole.count} answers`,
    );
    assert.ok(ttfb.p50Us >= 5000, `first byte p50 ${ttfb.p50Us} µs`);
    assert.ok(whole.p50Us - ttfb.p50Us >= 15_000, `whole p50 ${whole.p50Us} µs, first byte ${ttfb.p50Us} µs`);
  });

  it("measures time to first byte in the open model too, from each planned send", async () => {
    const settings = { url: app.url, host: "app.example.com", method: "GET", path: "/", body: null, ca: null };
    const run = await runOpenGenerator({ ...settings, rate: 40, durationMs: 500, connections: 4, timeoutMs: 5000 });
    assert.ok(run.ok2xx > 5 && run.ttfb, `answers ${run.ok2xx}`);
    const ttfb = summarize(run.ttfb);
    const whole = summarize(run.histogram);
    assert.equal(ttfb.count, whole.count);
    assert.ok(ttfb.p50Us >= 5000, `first byte p50 ${ttfb.p50Us} µs`);
    assert.ok(whole.p50Us - ttfb.p50Us >= 12_000, `whole p50 ${whole.p50Us} µs, first byte ${ttfb.p50Us} µs`);
  });
});
