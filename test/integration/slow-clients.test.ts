/**
 * Slow clients: a request head dribbled one byte at a time gets 408 once the app's RequestHeadersTimeout (or the
 * builtin proxy's header timeout) is over, however often a byte arrives; a body slower than MinRequestBodyDataRate
 * gets 408 after its grace period. Limits are set short here; the defaults are Kestrel's and nginx's.
 */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, describe, it } from "node:test";
import { PROBE_CATALOG } from "../../src/runners/probes/catalog/index.js";
import { runProbes } from "../../src/runners/probes/run-probes.js";
import { startApp, type RunningApp } from "../../src/servers/app.js";
import { startProxy, type RunningProxy } from "../../src/servers/proxy.js";
import { PROXY_SOURCE_ADDRESS } from "../../src/topology/source-address.js";

/** Sends `head` one byte every intervalMs (then `body` the same way); resolves with what came back and when. */
function dribble(
  port: number,
  text: string,
  intervalMs: number,
): Promise<{ answer: string; ms: number; sent: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect({ host: "127.0.0.1", port });
    let answer = "";
    let sent = 0;
    const timer = setInterval(() => {
      if (sent < text.length && !socket.destroyed) socket.write(text[sent++]!);
    }, intervalMs);
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(timer);
      resolve({ answer, ms: performance.now() - started, sent });
    });
    // Bounded: a server that never cuts the client is cut here, with what was seen so far.
    setTimeout(() => socket.destroy(), 5000).unref();
  });
}

const HEAD =
  "GET / HTTP/1.1\r\nHost: app.example.com\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";

describe("slow clients", () => {
  const closers: Array<RunningApp | RunningProxy> = [];
  after(async () => Promise.all(closers.map((server) => server.close())));

  it("the app answers 408 to a head still arriving after RequestHeadersTimeout", async () => {
    const app = await startApp({ requestHeadersTimeoutMs: 400 });
    closers.push(app);
    const { answer, ms, sent } = await dribble(app.port, HEAD, 50);
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.ok(sent < HEAD.length, "the head was never completed");
    assert.ok(ms < 4000, `held ${ms} ms`);
  });

  it("the builtin proxy answers 408 to a head still arriving after its header timeout", async () => {
    const app = await startApp({ proxyAddresses: [PROXY_SOURCE_ADDRESS] });
    const proxy = await startProxy({
      routes: [{ hosts: ["*"], upstreams: [app.url] }],
      sourceAddress: PROXY_SOURCE_ADDRESS,
      headerTimeoutMs: 400,
    });
    closers.push(proxy, app);
    const { answer, ms } = await dribble(proxy.port, HEAD, 50);
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.ok(ms < 4000, `held ${ms} ms`);
  });

  it("the app answers 408 to a body slower than MinRequestBodyDataRate after its grace period", async () => {
    const app = await startApp({ minRequestBodyDataRate: 240, minRequestBodyDataRateGraceMs: 300 });
    closers.push(app);
    const request = "POST / HTTP/1.1\r\nHost: app.example.com\r\nContent-Length: 1000\r\n\r\n";
    const socket = connect({ host: "127.0.0.1", port: app.port }, () => socket.write(request));
    const answer = await new Promise<string>((resolve) => {
      let text = "";
      // 20 bytes/s: well under 240.
      const timer = setInterval(() => socket.destroyed || socket.write("x"), 50);
      socket.on("data", (chunk: Buffer) => (text += chunk.toString("latin1")));
      socket.on("error", () => {});
      socket.on("close", () => {
        clearInterval(timer);
        resolve(text);
      });
      setTimeout(() => socket.destroy(), 5000).unref();
    });
    assert.match(answer, /^HTTP\/1\.1 408 /);
  });

  it("the slow-headers probe reports who held its slow connections for how long, and serves a normal request meanwhile", async () => {
    const patient = await startApp({ allowedHosts: ["app.example.com"] });
    const strict = await startApp({ allowedHosts: ["app.example.com"], requestHeadersTimeoutMs: 300 });
    closers.push(patient, strict);
    const probe = PROBE_CATALOG.filter((definition) => definition.id === "slow-headers");
    const slowHeaders = { connections: 3, intervalMs: 100, holdMs: 1000 };
    const [held, cut] = await Promise.all(
      [patient, strict].map(async (app) => {
        const target = {
          deployment: "edge",
          via: "entry" as const,
          host: "127.0.0.1",
          port: app.port,
          proxyInPath: false,
        };
        return (await runProbes([target], probe, { policyHosts: ["app.example.com"], timeoutMs: 2000, slowHeaders }))
          .results[0]!;
      }),
    );
    assert.equal(held!.pass, true, held!.explanation);
    assert.equal(
      held!.observation,
      "one byte every 100 ms: 3 of 3 slow connections held for at least 1.0 s (its header timeout, if any, is longer)",
    );
    assert.equal(cut!.pass, true, cut!.explanation);
    assert.match(cut!.observation!, /^one byte every 100 ms: 3 of 3 cut within 0\.\d s \(408\)$/);
  });
});
