import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startApp, type RunningApp } from "../../src/servers/app.js";
import { startProxy, type RunningProxy } from "../../src/servers/proxy.js";
import { runProbes } from "../../src/runners/probes/run-probes.js";
import { H2_DOWNGRADE_PROBES } from "../../src/runners/probes/catalog/h2-downgrade.js";
import { PROBE_CATALOG } from "../../src/runners/probes/catalog/index.js";
import { sendRaw } from "../../src/runners/probes/raw-request.js";
import { h2Sender, runLoadH2 } from "../../src/runners/load/h2-load.js";
import { runOpenLoad } from "../../src/runners/load/open-model.js";
import { exchangeH2 } from "../../src/http2/raw-exchange.js";
import { streamFrames } from "../../src/runners/probes/h2-request.js";
import { createRunCertificates } from "../../src/tls/certificates.js";
import { startNaiveDowngrader } from "../helpers/naive-downgrader.js";

const HOSTS = ["app.example.com"];
const GET = [[":method", "GET"], [":scheme", "http"], [":authority", "app.example.com"], [":path", "/x"]] as Array<[string, string]>;

describe("the builtin proxy's HTTP/2 front door (real sockets)", () => {
  let app: RunningApp;
  let both: RunningProxy;
  before(async () => {
    app = await startApp({ allowedHosts: HOSTS, allowEmptyHosts: false });
    both = await startProxy({ routes: [{ hosts: HOSTS, upstreams: [app.url] }], frontDoor: "both", allowedHosts: HOSTS });
  });
  after(async () => {
    await both?.close();
    await app?.close();
  });

  it("serves HTTP/2 with prior knowledge and HTTP/1.1 on the same cleartext port, HTTP/1.1 to the app", async () => {
    const h2 = await exchangeH2([streamFrames(1, GET)], { host: "127.0.0.1", port: both.port, timeoutMs: 3000 });
    assert.equal(h2.streams[0]!.status, 200);
    const seen = JSON.parse(h2.streams[0]!.body.toString()) as { host: string; protocol: string; path: string };
    assert.deepEqual([seen.host, seen.protocol, seen.path], ["app.example.com", "HTTP/1.1", "/x"]);
    const h1 = await sendRaw(Buffer.from("GET / HTTP/1.1\r\nHost: app.example.com\r\nConnection: close\r\n\r\n"), { host: "127.0.0.1", port: both.port, timeoutMs: 3000 });
    assert.equal(h1.responses[0]?.status, 200);
  });

  it("grades every downgrade probe on the HTTP/2 side only, and HTTP/1 probes on the HTTP/1 side", async () => {
    const h2Only = await startProxy({ routes: [{ hosts: HOSTS, upstreams: [app.url] }], frontDoor: "h2" });
    try {
      const target = { deployment: "proxied", topology: "proxied" as const, via: "entry" as const, host: "127.0.0.1", port: h2Only.port, proxyInPath: true, frontDoor: "h2" as const };
      const catalog = [...H2_DOWNGRADE_PROBES, PROBE_CATALOG.find((p) => p.id === "duplicate-host-evil-first")!];
      const result = await runProbes([target], catalog, { policyHosts: HOSTS, timeoutMs: 3000 });
      assert.deepEqual(result.results.map((r) => r.probe), H2_DOWNGRADE_PROBES.map((p) => p.id));
      const byId = new Map(result.results.map((r) => [r.probe, r]));
      assert.equal(byId.get("h2-authority-host-mismatch")!.h2!.streams[0]!.status, 400);
      assert.equal(byId.get("h2-transfer-encoding")!.h2!.streams[0]!.reset, "PROTOCOL_ERROR");
      assert.equal(byId.get("h2-transfer-encoding")!.h2!.streams[1]!.status, 200, "the follow-up stream was answered");
      for (const r of result.results) assert.equal(r.pass, true, `${r.probe}: ${r.explanation}`);
    } finally {
      await h2Only.close();
    }
  });

  it("fails the framing and field probes on a downgrade that forwards every byte (the smuggling signature)", async () => {
    const naive = await startNaiveDowngrader(app.port);
    try {
      const target = { deployment: "proxied", topology: "proxied" as const, via: "entry" as const, host: "127.0.0.1", port: naive.port, proxyInPath: true, frontDoor: "h2" as const };
      const result = await runProbes([target], H2_DOWNGRADE_PROBES, { policyHosts: HOSTS, timeoutMs: 2000 });
      const byId = new Map(result.results.map((r) => [r.probe, r]));
      assert.match(byId.get("h2-content-length-shorter")!.explanation, /second request appeared/);
      // The app waits for the 59 bytes the content-length promised: nothing answers.
      assert.match(byId.get("h2-content-length-longer")!.explanation, /no answer within 2000 ms: a hang/);
      assert.match(byId.get("h2-uppercase-name")!.explanation, /malformed field 'x-probe' reached the app/);
      assert.match(byId.get("h2-transfer-encoding")!.explanation, /malformed field 'transfer-encoding' reached the app/);
      // Fields HTTP/1.1 cannot carry break the downgraded request: the app's own 400 refuses it.
      assert.equal(byId.get("h2-crlf-in-value")!.h2!.streams[0]!.status, 400);
    } finally {
      await naive.close();
    }
  });

  it("carries closed-model load over connections × streams, over TLS with ALPN too", async () => {
    const certificates = await createRunCertificates(HOSTS);
    const tls = await startProxy({ routes: [{ hosts: HOSTS, upstreams: [app.url] }], frontDoor: "both", tls: certificates.server });
    try {
      for (const url of [both.url, tls.url]) {
        const run = await runLoadH2({ url, host: "app.example.com", method: "GET", path: "/", body: null, connections: 2, streams: 4, durationMs: 300, ca: certificates.ca });
        assert.ok(run.ok2xx > 0, url);
        assert.equal(run.histogram.totalCount, run.ok2xx);
        assert.equal(run.errors + run.timeouts, 0);
      }
    } finally {
      await tls.close();
    }
  });

  it("holds an open-model schedule over HTTP/2 sessions", async () => {
    const sender = h2Sender({ url: both.url, host: "app.example.com", method: "GET", path: "/", body: null, connections: 2 });
    try {
      const run = await runOpenLoad({ rate: 200, durationMs: 500, connections: 8 }, sender.send);
      assert.equal(run.requests, 100);
      assert.equal(run.ok2xx, 100);
      assert.equal(run.histogram.totalCount, 100);
    } finally {
      await sender.close();
    }
  });

  it("counts a front door that does not speak HTTP/2 as errors, and stops on time", async () => {
    const started = Date.now();
    const run = await runLoadH2({ url: app.url, host: "app.example.com", method: "GET", path: "/", body: null, connections: 1, streams: 2, durationMs: 300, timeoutMs: 1000 });
    assert.equal(run.ok2xx, 0);
    assert.ok(run.errors + run.timeouts > 0);
    assert.ok(Date.now() - started < 5000);
  });
});
