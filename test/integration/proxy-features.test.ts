/**
 * The builtin proxy as a real reverse proxy: framing it refuses before forwarding anything, size limits, keep-alive
 * reuse, RFC 7239 Forwarded, TLS in all three placements, and balancing over instances. Real sockets on loopback.
 */
import assert from "node:assert/strict";
import { request as httpsRequest } from "node:https";
import { createServer, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { startApp, type RunningApp } from "../../src/servers/app.js";
import { startProxy, type ProxyOptions, type RunningProxy } from "../../src/servers/proxy.js";
import { sendRaw } from "../../src/runners/probes/raw-request.js";
import { createRunCertificates, type RunCertificates } from "../../src/tls/certificates.js";
import { PROXY_SOURCE_ADDRESS } from "../../src/topology/start.js";
import { appJson, raw } from "../helpers/raw.js";
import { startRecordingServer, type RecordingServer } from "../helpers/recording-server.js";

describe("builtin proxy: framing, limits, keep-alive", () => {
  let recorder: RecordingServer;
  const proxies: RunningProxy[] = [];
  const proxyTo = async (options: Partial<ProxyOptions> = {}): Promise<RunningProxy> => {
    const proxy = await startProxy({ routes: [{ hosts: ["*"], upstreams: [recorder.url] }], ...options });
    proxies.push(proxy);
    return proxy;
  };
  before(async () => {
    recorder = await startRecordingServer();
  });
  after(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await recorder.close();
  });

  const SMUGGLING: Array<[string, string]> = [
    [
      "Content-Length with Transfer-Encoding",
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n",
    ],
    [
      "two different Content-Lengths",
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 40\r\n\r\nabcd",
    ],
    ["obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX-Folded: one\r\n two\r\n\r\n"],
    [
      "an invalid chunk size",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabcd\r\n0\r\n\r\n",
    ],
    [
      "a chunk size with a sign",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n-4\r\nabcd\r\n0\r\n\r\n",
    ],
    [
      "a non-chunked final transfer coding",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
    ],
  ];
  for (const [name, bytes] of SMUGGLING) {
    it(`refuses ${name} with 400 and closes, forwarding nothing`, async () => {
      const proxy = await proxyTo();
      const before = recorder.received().join("").length;
      const exchange = await raw(proxy.port, bytes);
      assert.equal(exchange.responses.length, 1, exchange.received.toString("latin1"));
      assert.equal(exchange.responses[0]!.status, 400);
      assert.ok(exchange.closedByServer);
      assert.equal(recorder.received().join("").length, before, "bytes reached the app");
    });
  }

  it("forwards a small chunked body with a Content-Length, byte for byte", async () => {
    const proxy = await proxyTo();
    const connectionsBefore = recorder.connections();
    await raw(
      proxy.port,
      "PUT /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n4\r\nabcd\r\n2\r\nef\r\n0\r\n\r\n",
    );
    const seen = recorder.received().slice(connectionsBefore).join("");
    assert.match(seen, /^PUT \/x HTTP\/1\.1\r\n/);
    assert.match(seen, /\r\nContent-Length: 6\r\n\r\nabcdef$/);
    assert.doesNotMatch(seen, /Transfer-Encoding/i);
  });

  it("streams a body larger than it holds, re-chunked, and the app gets all of it", async () => {
    const app = await startApp();
    const proxy = await proxyTo({ routes: [{ hosts: ["*"], upstreams: [app.url] }] });
    try {
      const piece = Buffer.alloc(50_000, "x");
      const chunked = Buffer.concat([
        ...Array.from({ length: 6 }, () =>
          Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")]),
        ),
        Buffer.from("0\r\n\r\n"),
      ]);
      const head = Buffer.from(
        "POST /big HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
      );
      const exchange = await sendRaw(Buffer.concat([head, chunked]), {
        host: "127.0.0.1",
        port: proxy.port,
        timeoutMs: 5000,
      });
      assert.equal(exchange.responses[0]?.status, 200);
      assert.equal(appJson(exchange.responses[0]).bodyLength, 300_000);
    } finally {
      await app.close();
    }
  });

  it("answers 413 to a body over its limit, declared or chunked, before forwarding it", async () => {
    const proxy = await proxyTo({ maxRequestBodyBytes: 10 });
    const before = recorder.received().join("").length;
    const declared = await raw(proxy.port, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world");
    assert.equal(declared.responses[0]?.status, 413);
    const chunked = await raw(
      proxy.port,
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nb\r\nhello world\r\n0\r\n\r\n",
    );
    assert.equal(chunked.responses[0]?.status, 413);
    assert.equal(recorder.received().join("").length, before);
  });

  it("reuses one upstream connection for sequential requests (keep-alive)", async () => {
    const proxy = await proxyTo();
    const before = recorder.connections();
    for (let i = 0; i < 20; i++) {
      const exchange = await raw(proxy.port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
      assert.equal(exchange.responses[0]?.status, 200);
    }
    assert.equal(recorder.connections() - before, 1);
  });

  it("passes a plain answer on byte for byte, and takes hop-by-hop fields out of one that has them", async () => {
    const plain = await proxyTo();
    const exchange = await raw(plain.port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    assert.equal(
      exchange.received.toString("latin1"),
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nServer: recorder\r\n\r\nok",
    );
    const hopByHop = await startRecordingServer(
      "HTTP/1.1 200 OK\r\nConnection: X-Private\r\nX-Private: 1\r\nKeep-Alive: timeout=5\r\nX-Kept: yes\r\nContent-Length: 2\r\n\r\nok",
    );
    try {
      const proxy = await proxyTo({ routes: [{ hosts: ["*"], upstreams: [hopByHop.url] }] });
      const answer = await raw(proxy.port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      const text = answer.received.toString("latin1");
      assert.equal(answer.responses[0]?.status, 200);
      assert.doesNotMatch(text, /X-Private|Keep-Alive/i);
      assert.match(text, /X-Kept: yes\r\n/);
      assert.equal(answer.responses[0]?.body.toString(), "ok");
    } finally {
      await hopByHop.close();
    }
  });

  it("answers an HTTP/1.0 client a chunked upstream answer without chunk framing, ending it by closing", async () => {
    const chunkedApp = await startRecordingServer(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
    );
    try {
      const proxy = await proxyTo({ routes: [{ hosts: ["*"], upstreams: [chunkedApp.url] }] });
      const old = await raw(proxy.port, "GET / HTTP/1.0\r\nHost: a\r\n\r\n");
      const text = old.received.toString("latin1");
      assert.doesNotMatch(text, /Transfer-Encoding/i);
      assert.match(text, /\r\nConnection: close\r\n\r\nhello world$/);
      assert.ok(old.closedByServer);
      const current = await raw(proxy.port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      assert.match(current.received.toString("latin1"), /Transfer-Encoding: chunked\r\n/);
      assert.equal(current.responses[0]?.body.toString(), "hello world");
    } finally {
      await chunkedApp.close();
    }
  });

  it("sends RFC 7239 Forwarded when asked, IPv6 quoted, appending to a kept client value", async () => {
    const proxy = await proxyTo({ forwarded: true });
    const start = recorder.connections();
    await raw(
      proxy.port,
      "GET / HTTP/1.1\r\nHost: app.example.com\r\nForwarded: for=203.0.113.7\r\nConnection: close\r\n\r\n",
    );
    const stripped = recorder.received().slice(start).join("");
    assert.match(stripped, /\r\nForwarded: for=127\.0\.0\.1;proto=http;host="app\.example\.com"\r\n/);
    assert.doesNotMatch(stripped, /203\.0\.113\.7/);
    const keeping = await proxyTo({ forwarded: true, stripClientForwarded: false, forwardedFor: "append" });
    const next = recorder.connections();
    await raw(
      keeping.port,
      "GET / HTTP/1.1\r\nHost: app.example.com\r\nForwarded: for=203.0.113.7\r\nConnection: close\r\n\r\n",
    );
    assert.match(
      recorder.received().slice(next).join(""),
      /\r\nForwarded: for=203\.0\.113\.7, for=127\.0\.0\.1;proto=http;host="app\.example\.com"\r\n/,
    );
  });
});

/** GET over HTTPS trusting only `ca`; resolves with the status and the app's JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads the app's JSON field by field
function getHttps(port: number, ca: string, host: string): Promise<{ status: number; json: Record<string, any> }> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest({ host: "127.0.0.1", port, ca, path: "/", headers: { host } }, (response) => {
      let body = "";
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, json: JSON.parse(body) }));
    });
    request.on("error", reject);
    request.end();
  });
}

describe("TLS in its three placements, with certificates made at run time", () => {
  let certificates: RunCertificates;
  const closers: Array<() => Promise<void>> = [];
  before(async () => {
    certificates = await createRunCertificates(["app.example.com"]);
  });
  after(async () => {
    await Promise.all(closers.map((close) => close()));
  });
  const forwardedHeaders = { forwardedHeaders: ["XForwardedFor", "XForwardedProto"] as const };

  it("at the edge app: HTTPS verified against the run's CA, and the app knows its scheme", async () => {
    const app = await startApp({ tls: certificates.server });
    closers.push(() => app.close());
    assert.match(app.url, /^https:/);
    const { status, json } = await getHttps(app.port, certificates.ca, "app.example.com");
    assert.equal(status, 200);
    assert.equal(json.scheme, "https");
  });

  it("refuses a client that does not trust the run's CA", async () => {
    const app = await startApp({ tls: certificates.server });
    closers.push(() => app.close());
    const other = await createRunCertificates([]);
    await assert.rejects(
      getHttps(app.port, other.ca, "app.example.com"),
      /self[- ]signed|unable to verify|certificate/i,
    );
  });

  it("terminated at the proxy: plain HTTP to the app, X-Forwarded-Proto https believed from the proxy", async () => {
    const app = await startApp({
      proxyAddresses: [PROXY_SOURCE_ADDRESS],
      forwardedHeaders: { forwardedHeaders: [...forwardedHeaders.forwardedHeaders] },
    });
    const proxy = await startProxy({
      routes: [{ hosts: ["*"], upstreams: [app.url] }],
      tls: certificates.server,
      sourceAddress: PROXY_SOURCE_ADDRESS,
    });
    closers.push(
      () => proxy.close(),
      () => app.close(),
    );
    assert.match(app.url, /^http:/);
    const { status, json } = await getHttps(proxy.port, certificates.ca, "app.example.com");
    assert.equal(status, 200);
    // ForwardedHeaders applied it (and moved the original to X-Original-Proto, as ASP.NET Core does).
    assert.equal(json.scheme, "https");
    assert.equal(json.headers["x-original-proto"], "http");
  });

  it("re-encrypted: TLS at the proxy and again to an HTTPS app, which sees a secure connection", async () => {
    const app = await startApp({ tls: certificates.server });
    const proxy = await startProxy({
      routes: [{ hosts: ["*"], upstreams: [app.url] }],
      tls: certificates.server,
      upstreamCa: certificates.ca,
    });
    closers.push(
      () => proxy.close(),
      () => app.close(),
    );
    const { status, json } = await getHttps(proxy.port, certificates.ca, "app.example.com");
    assert.equal(status, 200);
    assert.equal(json.scheme, "https", "the app's own connection is TLS");
    assert.equal(json.headers["x-forwarded-proto"], "https");
  });

  it("answers 502 when the upstream's certificate is not from the CA it trusts", async () => {
    const stranger = await createRunCertificates([]);
    const app = await startApp({ tls: stranger.server });
    const proxy = await startProxy({ routes: [{ hosts: ["*"], upstreams: [app.url] }], upstreamCa: certificates.ca });
    closers.push(
      () => proxy.close(),
      () => app.close(),
    );
    const exchange = await raw(proxy.port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    assert.equal(exchange.responses[0]?.status, 502);
  });
});

describe("balancing over app instances", () => {
  const apps: RunningApp[] = [];
  const proxies: RunningProxy[] = [];
  before(async () => {
    for (let i = 0; i < 3; i++) apps.push(await startApp({ name: `web${i + 1}` }));
  });
  after(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await Promise.all(apps.map((a) => a.close()));
  });

  it("round robin sends every instance its turn", async () => {
    const proxy = await startProxy({
      routes: [{ hosts: ["*"], upstreams: apps.map((a) => a.url) }],
      balancing: "round-robin",
    });
    proxies.push(proxy);
    const seen: string[] = [];
    for (let i = 0; i < 30; i++)
      seen.push(
        appJson((await raw(proxy.port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")).responses[0]).app,
      );
    assert.deepEqual(seen.slice(0, 3).sort(), ["web1", "web2", "web3"]);
    for (const name of ["web1", "web2", "web3"]) assert.equal(seen.filter((s) => s === name).length, 10, name);
  });

  it("least pending avoids an instance that is still busy", async () => {
    // An instance that accepts and never answers stands for one stuck on its requests.
    const sockets = new Set<Socket>();
    const silentServer = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silentServer.listen(0, "127.0.0.1", resolve));
    const silent = {
      url: `http://127.0.0.1:${(silentServer.address() as { port: number }).port}`,
      close: () =>
        new Promise<void>((done) => {
          for (const socket of sockets) socket.destroy();
          silentServer.close(() => done());
        }),
    };
    const proxy = await startProxy({
      routes: [{ hosts: ["*"], upstreams: [silent.url, apps[0]!.url] }],
      balancing: "least-pending",
      upstreamTimeoutMs: 1500,
    });
    proxies.push(proxy);
    try {
      // The first request goes to the silent instance and stays pending; every later one goes to the other.
      const hanging = raw(proxy.port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
      await new Promise((resolve) => setTimeout(resolve, 100));
      for (let i = 0; i < 5; i++)
        assert.equal(
          appJson((await raw(proxy.port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")).responses[0]).app,
          "web1",
        );
      assert.equal((await hanging).responses[0]?.status ?? 0, 504);
    } finally {
      await silent.close();
    }
  });
});
