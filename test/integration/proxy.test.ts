/** The builtin proxy in front of a real app on loopback: what the app received, and the proxy's own answers. */
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { startApp, type RunningApp } from "../../src/servers/app.js";
import { startProxy, type ProxyOptions, type RunningProxy } from "../../src/servers/proxy.js";
import { headerValue } from "../../src/runners/probes/raw-response.js";
import { PROXY_SOURCE_ADDRESS } from "../../src/topology/start.js";
import { runLoad } from "../../src/runners/load/run-load.js";
import { appJson, raw } from "../helpers/raw.js";

describe("builtin proxy", () => {
  let app: RunningApp;
  const proxies: RunningProxy[] = [];
  const proxyTo = async (options: Partial<ProxyOptions> = {}, upstream?: string): Promise<RunningProxy> => {
    const proxy = await startProxy({
      routes: [{ hosts: ["*"], upstreams: [upstream ?? app.url] }],
      sourceAddress: PROXY_SOURCE_ADDRESS,
      ...options,
    });
    proxies.push(proxy);
    return proxy;
  };
  before(async () => {
    app = await startApp({ proxyAddresses: [PROXY_SOURCE_ADDRESS], clientAddress: "203.0.113.10" });
  });
  after(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await app.close();
  });

  it("forwards method, path, body and Host, and sets X-Forwarded-For/-Proto/-Host", async () => {
    const proxy = await proxyTo();
    const exchange = await raw(
      proxy.port,
      "POST /submit?x=1 HTTP/1.1\r\nHost: app.example.com\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
    );
    const seen = appJson(exchange.responses[0]);
    assert.equal(exchange.responses[0]?.status, 200);
    assert.deepEqual(
      [seen.method, seen.path, seen.query, seen.bodyLength, seen.host],
      ["POST", "/submit", "?x=1", 5, "app.example.com"],
    );
    assert.equal(seen.headers["x-forwarded-for"], "127.0.0.1");
    assert.equal(seen.headers["x-forwarded-proto"], "http");
    assert.equal(seen.headers["x-forwarded-host"], "app.example.com");
    assert.equal(seen.remoteIp, PROXY_SOURCE_ADDRESS, "the app sees its proxy as the proxy, not as a simulated client");
  });

  it("streams a chunked request body upstream", async () => {
    const proxy = await proxyTo();
    const exchange = await raw(
      proxy.port,
      "PUT / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n4\r\nabcd\r\n2\r\nef\r\n0\r\n\r\n",
    );
    assert.equal(appJson(exchange.responses[0]).bodyLength, 6);
  });

  it("removes hop-by-hop fields, those named in Connection included", async () => {
    const proxy = await proxyTo();
    const exchange = await raw(
      proxy.port,
      "GET / HTTP/1.1\r\nHost: a\r\nConnection: close, X-Secret\r\nX-Secret: 1\r\nKeep-Alive: 5\r\nTE: trailers\r\nUpgrade: h2c\r\nProxy-Connection: x\r\nX-Kept: yes\r\n\r\n",
    );
    const headers = appJson(exchange.responses[0]).headers as Record<string, string>;
    for (const name of ["x-secret", "keep-alive", "te", "upgrade", "proxy-connection"])
      assert.equal(headers[name], undefined, name);
    assert.equal(headers["x-kept"], "yes");
  });

  it("strips client forwarding and host-override fields by default, underscore names too", async () => {
    const proxy = await proxyTo();
    const exchange = await raw(
      proxy.port,
      "GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 6.6.6.6\r\nX-Forwarded-Host: evil.example\r\nForwarded: for=6.6.6.6\r\nX-Host: evil\r\nX-Original-Host: evil\r\nX-HTTP-Host-Override: evil\r\nX-Forwarded-Server: evil\r\nX_Forwarded_Host: evil\r\nConnection: close\r\n\r\n",
    );
    const headers = appJson(exchange.responses[0]).headers as Record<string, string>;
    assert.equal(headers["x-forwarded-for"], "127.0.0.1");
    assert.equal(headers["x-forwarded-host"], "a");
    for (const name of [
      "forwarded",
      "x-host",
      "x-original-host",
      "x-http-host-override",
      "x-forwarded-server",
      "x_forwarded_host",
    ]) {
      assert.equal(headers[name], undefined, name);
    }
  });

  it("keeps client chains and appends its own when stripping is off", async () => {
    const proxy = await proxyTo({ stripClientForwarded: false, forwardedFor: "append" });
    const exchange = await raw(
      proxy.port,
      "GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 6.6.6.6\r\nX-Forwarded-Host: evil.example\r\nX-Host: evil\r\nConnection: close\r\n\r\n",
    );
    const headers = appJson(exchange.responses[0]).headers as Record<string, string>;
    assert.equal(headers["x-forwarded-for"], "6.6.6.6, 127.0.0.1");
    assert.equal(headers["x-forwarded-host"], "evil.example, a");
    assert.equal(headers["x-host"], "evil");
  });

  it("sends the upstream's address as Host when preserveHost is false", async () => {
    const proxy = await proxyTo({ preserveHost: false });
    const seen = appJson(
      (await raw(proxy.port, "GET / HTTP/1.1\r\nHost: app.example.com\r\nConnection: close\r\n\r\n")).responses[0],
    );
    assert.equal(seen.host, new URL(app.url).host);
    assert.equal(seen.headers["x-forwarded-host"], "app.example.com");
  });

  it("takes Host from an absolute-form target (RFC 9112 §3.2.2)", async () => {
    const proxy = await proxyTo();
    const seen = appJson(
      (
        await raw(
          proxy.port,
          "GET http://app.example.com/p HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
        )
      ).responses[0],
    );
    assert.deepEqual([seen.host, seen.path], ["app.example.com", "/p"]);
  });

  it("refuses what it cannot forward unambiguously", async () => {
    const proxy = await proxyTo();
    for (const request of [
      "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
      "GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a:b\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
    ]) {
      const response = (await raw(proxy.port, request)).responses[0];
      assert.equal(response?.status, 400, request);
      assert.equal(headerValue(response!, "server"), "edgebench-proxy");
    }
  });

  it("answers 421 for hosts outside its own allowlist", async () => {
    const proxy = await proxyTo({ allowedHosts: ["app.example.com"] });
    assert.equal(
      (await raw(proxy.port, "GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")).responses[0]?.status,
      421,
    );
    assert.equal(
      (await raw(proxy.port, "GET / HTTP/1.1\r\nHost: app.example.com\r\nConnection: close\r\n\r\n")).responses[0]
        ?.status,
      200,
    );
  });

  it("routes by Host to the app that serves it", async () => {
    const other = await startApp({ name: "other" });
    try {
      const proxy = await startProxy({
        routes: [
          { hosts: ["app.example.com"], upstreams: [app.url] },
          { hosts: ["*.tenant.example.com"], upstreams: [other.url] },
        ],
      });
      proxies.push(proxy);
      const first = appJson(
        (await raw(proxy.port, "GET / HTTP/1.1\r\nHost: app.example.com\r\nConnection: close\r\n\r\n")).responses[0],
      );
      const second = appJson(
        (await raw(proxy.port, "GET / HTTP/1.1\r\nHost: a.tenant.example.com\r\nConnection: close\r\n\r\n"))
          .responses[0],
      );
      assert.deepEqual([first.app, second.app], ["app", "other"]);
    } finally {
      await other.close();
    }
  });

  it("answers 502 when the app cannot be reached", async () => {
    const gone = await startApp();
    const url = gone.url;
    await gone.close();
    const proxy = await proxyTo({}, url);
    const exchange = await raw(proxy.port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    assert.equal(exchange.responses[0]?.status, 502);
    assert.equal(proxy.counts.get(502), 1);
  });

  it("answers 504 when the app does not answer in time, never hangs", async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const proxy = await proxyTo({ upstreamTimeoutMs: 300 }, `http://127.0.0.1:${port}`);
      const exchange = await raw(proxy.port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      assert.equal(exchange.responses[0]?.status, 504);
      assert.equal(exchange.timedOut, false);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe("faults", () => {
  it("a port already in use is a clear error, not a crash", async () => {
    const first = await startApp();
    try {
      await assert.rejects(startApp({ port: first.port }), (error: Error & { code?: string }) => {
        assert.equal(error.code, "EADDRINUSE");
        assert.match(
          error.message,
          new RegExp(
            `cannot listen on 127\\.0\\.0\\.1:${first.port}: port ${first.port} on 127\\.0\\.0\\.1 is already in use`,
          ),
        );
        return true;
      });
    } finally {
      await first.close();
    }
  });

  it("an app that dies under load gives 502s from the proxy, counted, and the load ends by itself", async () => {
    const app = await startApp();
    const proxy = await startProxy({ routes: [{ hosts: ["*"], upstreams: [app.url] }] });
    try {
      const killer = setTimeout(() => void app.close(), 300);
      const run = await runLoad({
        url: proxy.url,
        host: "a",
        method: "GET",
        path: "/",
        body: null,
        connections: 4,
        pipelining: 1,
        durationMs: 800,
      });
      clearTimeout(killer);
      assert.ok(run.ok2xx > 0, "answers before the app died");
      assert.ok(run.non2xx + run.errors > 0, "failures after it died");
      assert.ok((proxy.counts.get(502) ?? 0) > 0, "the proxy answered 502");
    } finally {
      await proxy.close();
      await app.close();
    }
  });
});
