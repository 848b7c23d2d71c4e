/**
 * The simulated app against every docs/kestrel-rules.md §6 rule HTTP/1.1 can show: request bytes in, status and what
 * the app believed out, on a real socket.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startApp, type RunningApp } from "../../src/servers/app.js";
import { headerValue } from "../../src/runners/probes/raw-response.js";
import { connect } from "node:http2";
import { h2Request } from "../helpers/h2-raw.js";
import { appJson, raw } from "../helpers/raw.js";

const ALLOWED = ["app.example.com", "*.tenant.example.com"];

async function statusOf(app: RunningApp, text: string): Promise<number | undefined> {
  return (await raw(app.port, text)).responses[0]?.status;
}

describe("Kestrel request rules (docs/kestrel-rules.md §2, §6 rules 1–9)", () => {
  let app: RunningApp;
  let override: RunningApp;
  before(async () => {
    app = await startApp({ allowedHosts: ["*"] });
    override = await startApp({ allowedHosts: ["*"], allowHostHeaderOverride: true });
  });
  after(async () => {
    await app.close();
    await override.close();
  });

  it("what the app believes is real Kestrel's (found by conformance): dot segments removed, punycode Host in Unicode", async () => {
    assert.equal(appJson((await raw(app.port, "GET /a/../b/./c/. HTTP/1.1\r\nHost: x\r\n\r\n")).responses[0]).path, "/b/c/");
    assert.equal(appJson((await raw(app.port, "GET /%2E%2E/a%2F.. HTTP/1.1\r\nHost: x\r\n\r\n")).responses[0]).path, "/a%2F..");
    const idn = appJson((await raw(app.port, "GET / HTTP/1.1\r\nHost: xn--bcher-kva.example\r\n\r\n")).responses[0]);
    assert.equal(idn.host, "b\u00fccher.example");
    assert.equal(idn.headers.host, "xn--bcher-kva.example");
  });

  it("rule 1: HTTP/1.1 without Host is 400; HTTP/1.0 without Host is accepted with no further checks", async () => {
    assert.equal(await statusOf(app, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n"), 400);
    assert.equal(await statusOf(app, "GET / HTTP/1.0\r\n\r\n"), 200);
    assert.equal(await statusOf(app, "GET http://evil.example/ HTTP/1.0\r\n\r\n"), 200);
  });

  it("rule 2: two Host lines are 400, even identical, on HTTP/1.0 too", async () => {
    assert.equal(await statusOf(app, "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"), 400);
    assert.equal(await statusOf(app, "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
    assert.equal(await statusOf(app, "GET / HTTP/1.1\r\nHost: evil.example\nHost: a\r\n\r\n"), 400);
  });

  it("rule 3: an empty or whitespace-only Host is valid for origin-form and asterisk-form", async () => {
    assert.equal(await statusOf(app, "GET / HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n"), 200);
    assert.equal(await statusOf(app, "GET / HTTP/1.1\r\nHost:    \r\nConnection: close\r\n\r\n"), 200);
    assert.equal(await statusOf(app, "OPTIONS * HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n"), 200);
  });

  it("rule 4: Host syntax (characters, port digits, bracketed IPv6, no leading colon, no non-ASCII)", async () => {
    for (const host of ["a.b", "a_b!$&'()-.~", "x:1", "[::1]", "[::1]:80", "900.900.900.900:9523547852"]) {
      assert.equal(await statusOf(app, `GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`), 200, host);
    }
    for (const host of ["::1", ":80", "a:b", "a:", "[::]", "[]", "a b", "a,b", "a/b", "a@b", "a%2eb", "\xd0\xb0pp.example.com"]) {
      assert.equal(await statusOf(app, `GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`), 400, host);
    }
  });

  it("rule 5: asterisk-form needs OPTIONS and authority-form needs CONNECT: 405 with Allow, before headers", async () => {
    const asterisk = (await raw(app.port, "GET * HTTP/1.1\r\nHost: a\r\n\r\n")).responses[0]!;
    assert.equal(asterisk.status, 405);
    assert.equal(headerValue(asterisk, "allow"), "OPTIONS");
    const authority = (await raw(app.port, "GET app.example.com:80 HTTP/1.1\r\nHost: app.example.com\r\n\r\n")).responses[0]!;
    assert.equal(authority.status, 405);
    assert.equal(headerValue(authority, "allow"), "CONNECT");
    // Decided on the request line: a broken header after it does not turn the 405 into a 400.
    assert.equal(await statusOf(app, "GET * HTTP/1.1\r\nBroken header\r\n\r\n"), 405);
    assert.equal(await statusOf(app, "GET @evil.example/ HTTP/1.1\r\nHost: app.example.com\r\n\r\n"), 400);
  });

  it("rule 6: CONNECT needs Host byte-identical to the target", async () => {
    assert.equal(await statusOf(app, "CONNECT api.nuget.org:443 HTTP/1.1\r\nHost: api.nuget.org:443\r\nConnection: close\r\n\r\n"), 200);
    assert.equal(await statusOf(app, "CONNECT api.nuget.org:443 HTTP/1.1\r\nHost: api.nuget.org\r\n\r\n"), 400);
    assert.equal(await statusOf(app, "CONNECT api.nuget.org:443 HTTP/1.1\r\nHost: API.nuget.org:443\r\n\r\n"), 400);
  });

  it("rule 7: absolute-form Host must equal the authority (default port optional), or is overridden when allowed", async () => {
    assert.equal(await statusOf(app, "GET http://localhost:80/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 200);
    assert.equal(await statusOf(app, "GET http://localhost:80/ HTTP/1.1\r\nHost: localhost:80\r\nConnection: close\r\n\r\n"), 200);
    assert.equal(await statusOf(app, "GET https://localhost:22/ HTTP/1.1\r\nHost: localhost:22\r\nConnection: close\r\n\r\n"), 200);
    assert.equal(await statusOf(app, "GET https://localhost:22/ HTTP/1.1\r\nHost: localhost\r\n\r\n"), 400);
    assert.equal(await statusOf(app, "GET http://root@contoso.com/path HTTP/1.1\r\nHost: contoso.com\r\nConnection: close\r\n\r\n"), 200);
    assert.equal(await statusOf(app, "GET http://root@contoso.com/path HTTP/1.1\r\nHost: contoso.com:80\r\nConnection: close\r\n\r\n"), 200);
    assert.equal(await statusOf(app, "GET http://LOCALHOST/ HTTP/1.1\r\nHost: LOCALHOST\r\n\r\n"), 400);
    assert.equal(await statusOf(app, "GET http://app.example.com/ HTTP/1.1\r\nHost: evil.example\r\n\r\n"), 400);
    const overridden = await raw(override.port, "GET http://www.foo.com:80/ HTTP/1.1\r\nHost: garbled\r\nConnection: close\r\n\r\n");
    assert.equal(appJson(overridden.responses[0]).host, "www.foo.com");
    const port = await raw(override.port, "GET http://www.foo.com:5129/ HTTP/1.1\r\nHost: garbled\r\nConnection: close\r\n\r\n");
    assert.equal(appJson(port.responses[0]).host, "www.foo.com:5129");
  });

  it("rule 8: only http:// and https:// targets; the scheme is not checked against the connection", async () => {
    assert.equal(await statusOf(app, "GET https://localhost/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 200);
    for (const target of ["ws://localhost/", "otherscheme://a/", "http://", "http://:80", "http://user@", "http://abc%20xyz/abc"]) {
      assert.equal(await statusOf(app, `GET ${target} HTTP/1.1\r\nHost: localhost\r\n\r\n`), 400, target);
    }
  });

  it("rule 9: a Kestrel refusal is HTTP/1.1, Content-Length: 0, Connection: close, Date, Server, empty body, closed", async () => {
    const exchange = await raw(app.port, "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n");
    const response = exchange.responses[0]!;
    assert.match(exchange.received.toString("latin1"), /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.equal(headerValue(response, "content-length"), "0");
    assert.equal(headerValue(response, "connection"), "close");
    assert.equal(headerValue(response, "server"), "Kestrel");
    assert.ok(headerValue(response, "date"));
    assert.equal(response.body.length, 0);
    assert.equal(exchange.closedByServer, true);
  });

  it("answers a whole pipeline in order, validating each request on its own", async () => {
    const exchange = await raw(
      app.port,
      "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: b\r\nContent-Length: 5\r\n\r\nhelloGET /3 HTTP/1.1\r\nHost: c\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n",
    );
    assert.deepEqual(
      exchange.responses.map((r) => r.status),
      [200, 200, 200, 400],
    );
    assert.deepEqual(
      exchange.responses.slice(0, 3).map((r) => [appJson(r).path, appJson(r).host, appJson(r).bodyLength]),
      [["/1", "a", 0], ["/2", "b", 5], ["/3", "c", 3]],
    );
  });

  it("answers a client that half-closes after its request", async () => {
    const exchange = await raw(app.port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    assert.equal(exchange.responses[0]?.status, 200);
    assert.equal(exchange.closedByServer, true);
  });
});

describe("HostFiltering (docs/kestrel-rules.md §3, §6 rules 11–18)", () => {
  const apps: RunningApp[] = [];
  const start = async (options: Parameters<typeof startApp>[0]): Promise<RunningApp> => {
    const app = await startApp(options);
    apps.push(app);
    return app;
  };
  after(async () => Promise.all(apps.map((a) => a.close())));

  it("rule 14: an empty Host is decided by AllowEmptyHosts before the wildcard", async () => {
    const strictStar = await start({ allowedHosts: ["*"], allowEmptyHosts: false });
    assert.equal(await statusOf(strictStar, "GET / HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n"), 400);
    assert.equal(await statusOf(strictStar, "GET / HTTP/1.0\r\n\r\n"), 400);
    assert.equal(await statusOf(strictStar, "GET / HTTP/1.1\r\nHost: anything\r\nConnection: close\r\n\r\n"), 200);
  });

  it("rule 15: the port is ignored, case too; *.x needs a label and matches several", async () => {
    const filtered = await start({ allowedHosts: ALLOWED });
    const cases: Array<[string, number]> = [
      ["app.example.com:8080", 200],
      ["APP.EXAMPLE.COM", 200],
      ["a.b.tenant.example.com", 200],
      ["tenant.example.com", 400],
      ["eviltenant.example.com", 400],
      ["app.example.com.", 400],
      ["evil.example", 400],
    ];
    for (const [host, status] of cases) {
      assert.equal(await statusOf(filtered, `GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`), status, host);
    }
  });

  it("rule 11: the filter checks the Host that arrived, before forwarded headers", async () => {
    const behindProxy = await start({ allowedHosts: ["app.example.com"], forwardedHeaders: { forwardedHeaders: ["XForwardedHost"] } });
    assert.equal(await statusOf(behindProxy, "GET / HTTP/1.1\r\nHost: evil.example\r\nX-Forwarded-Host: app.example.com\r\n\r\n"), 400);
    const passed = await raw(behindProxy.port, "GET / HTTP/1.1\r\nHost: app.example.com\r\nX-Forwarded-Host: other.example\r\nConnection: close\r\n\r\n");
    assert.equal(appJson(passed.responses[0]).host, "other.example");
  });

  it("rule 16: Unicode entries are punycoded, request hosts are not", async () => {
    const idn = await start({ allowedHosts: ["點看"] });
    assert.equal(await statusOf(idn, "GET / HTTP/1.1\r\nHost: xn--c1yn36f\r\nConnection: close\r\n\r\n"), 200);
  });

  it("rule 17: the 400 carries the 334-byte page and keeps the connection open; without the message it is empty", async () => {
    const filtered = await start({ allowedHosts: ALLOWED });
    const exchange = await raw(filtered.port, "GET / HTTP/1.1\r\nHost: evil.example\r\n\r\nGET / HTTP/1.1\r\nHost: app.example.com\r\nConnection: close\r\n\r\n");
    const [rejected, accepted] = exchange.responses;
    assert.equal(rejected?.status, 400);
    assert.equal(headerValue(rejected!, "content-length"), "334");
    assert.equal(headerValue(rejected!, "content-type"), "text/html");
    assert.equal(headerValue(rejected!, "connection"), undefined);
    assert.equal(accepted?.status, 200);
    const quiet = await start({ allowedHosts: ALLOWED, includeFailureMessage: false });
    const empty = (await raw(quiet.port, "GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")).responses[0]!;
    assert.equal(empty.status, 400);
    assert.equal(empty.body.length, 0);
  });

  it("rule 18: no configured hosts is a 500 on every request", async () => {
    const misconfigured = await start({ allowedHosts: [] });
    assert.equal(await statusOf(misconfigured, "GET / HTTP/1.1\r\nHost: app.example.com\r\nConnection: close\r\n\r\n"), 500);
  });

  it("rule 13: *, [::] or 0.0.0.0 anywhere in the list lets every non-empty host through", async () => {
    const open = await start({ allowedHosts: ["localHost", "0.0.0.0"] });
    assert.equal(await statusOf(open, "GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"), 200);
  });
});

describe("ForwardedHeaders in the app (docs/kestrel-rules.md §4, §6 rules 19–25)", () => {
  const apps: RunningApp[] = [];
  after(async () => Promise.all(apps.map((a) => a.close())));

  it("rule 19: a loopback peer is a known proxy by default; a simulated internet client is not", async () => {
    const forwarded = { forwardedHeaders: ["XForwardedFor", "XForwardedProto", "XForwardedHost"] as const };
    const local = await startApp({ forwardedHeaders: { forwardedHeaders: [...forwarded.forwardedHeaders] } });
    const edge = await startApp({ forwardedHeaders: { forwardedHeaders: [...forwarded.forwardedHeaders] }, clientAddress: "203.0.113.10" });
    apps.push(local, edge);
    const spoof = "GET / HTTP/1.1\r\nHost: app.example.com\r\nX-Forwarded-For: 1.2.3.4\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: evil.example\r\nConnection: close\r\n\r\n";
    const trusted = appJson((await raw(local.port, spoof)).responses[0]);
    assert.deepEqual([trusted.remoteIp, trusted.scheme, trusted.host], ["1.2.3.4", "https", "evil.example"]);
    assert.equal(trusted.headers["x-original-host"], "app.example.com");
    assert.equal(trusted.headers["x-original-proto"], "http");
    assert.match(trusted.headers["x-original-for"], /^127\.0\.0\.1:\d+$/);
    const untrusted = appJson((await raw(edge.port, spoof)).responses[0]);
    assert.deepEqual([untrusted.remoteIp, untrusted.scheme, untrusted.host], ["203.0.113.10", "http", "app.example.com"]);
    assert.equal(untrusted.headers["x-forwarded-host"], "evil.example");
  });

  it("rule 22: an X-Forwarded-Host outside ForwardedHeaders' AllowedHosts is ignored, never an error", async () => {
    const app = await startApp({ forwardedHeaders: { forwardedHeaders: ["XForwardedHost"], allowedHosts: ["app.example.com"] } });
    apps.push(app);
    const answer = (await raw(app.port, "GET / HTTP/1.1\r\nHost: internal:5000\r\nX-Forwarded-Host: evil.example\r\nConnection: close\r\n\r\n")).responses[0]!;
    assert.equal(answer.status, 200);
    assert.equal(appJson(answer).host, "internal:5000");
  });
});

describe("HTTP/2 (docs/kestrel-rules.md §2.6, §6 rule 10)", () => {
  let app: RunningApp;
  before(async () => {
    app = await startApp({ protocols: "Http2", allowedHosts: ALLOWED });
  });
  after(async () => app.close());

  const base: Array<[string, string]> = [
    [":method", "GET"],
    [":scheme", "http"],
    [":path", "/"],
  ];

  it(":authority replaces Host: the filter and the app see the authority", async () => {
    assert.equal((await h2Request(app.port, [...base, [":authority", "app.example.com"], ["host", "evil.example"]])).status, 200);
    assert.equal((await h2Request(app.port, [...base, [":authority", "evil.example"], ["host", "app.example.com"]])).status, 400);
    assert.equal((await h2Request(app.port, [...base, ["host", "app.example.com"]])).status, 200);
  });

  it("several Host fields, or an invalid one, reset the stream with PROTOCOL_ERROR instead of a 400", async () => {
    assert.equal((await h2Request(app.port, [...base, ["host", "app.example.com"], ["host", "app.example.com"]])).resetCode, 1);
    assert.equal((await h2Request(app.port, [...base, ["host", "app.example.com:evil"]])).resetCode, 1);
  });

  it("answers what the app believed, with protocol HTTP/2", async () => {
    const session = connect(`http://127.0.0.1:${app.port}`);
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const request = session.request({ ":path": "/x?y=1", ":authority": "a.tenant.example.com" });
        let text = "";
        request.setEncoding("utf8");
        request.on("data", (chunk: string) => (text += chunk));
        request.on("end", () => resolve(text));
        request.on("error", reject);
        request.end();
      });
      const answer = JSON.parse(body);
      assert.deepEqual([answer.protocol, answer.host, answer.path, answer.query], ["HTTP/2", "a.tenant.example.com", "/x", "?y=1"]);
    } finally {
      session.close();
    }
  });
});

describe("issue-driven cases (docs/kestrel-rules.md §7)", () => {
  const apps: RunningApp[] = [];
  const start = async (options: Parameters<typeof startApp>[0]): Promise<RunningApp> => {
    const app = await startApp(options);
    apps.push(app);
    return app;
  };
  after(async () => Promise.all(apps.map((a) => a.close())));

  it("#41702: a probe sending the pod IP as Host gets 400 unless the IP is listed", async () => {
    const app = await start({ allowedHosts: ["app.example.com"] });
    assert.equal(await statusOf(app, "GET /healthz HTTP/1.1\r\nHost: 10.1.2.3:8080\r\nConnection: close\r\n\r\n"), 400);
  });

  it("#66652: an empty label before the wildcard suffix is refused", async () => {
    const app = await start({ allowedHosts: ["*.example.com"] });
    assert.equal(await statusOf(app, "GET / HTTP/1.1\r\nHost: ..example.com\r\nConnection: close\r\n\r\n"), 400);
    assert.equal(await statusOf(app, "GET / HTTP/1.1\r\nHost: a.example.com\r\nConnection: close\r\n\r\n"), 200);
  });

  it("#61449: X-Forwarded-Proto alone is not taken from a peer that is not a known proxy", async () => {
    const app = await start({ forwardedHeaders: { forwardedHeaders: ["XForwardedProto"] }, clientAddress: "203.0.113.10" });
    const seen = appJson((await raw(app.port, "GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-Proto: https\r\nConnection: close\r\n\r\n")).responses[0]);
    assert.equal(seen.scheme, "http");
  });

  it("#8471 / #38940: the right-most X-Forwarded-For entry is taken, one hop with the default ForwardLimit", async () => {
    const app = await start({ forwardedHeaders: { forwardedHeaders: ["XForwardedFor"] } });
    const seen = appJson((await raw(app.port, "GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 1.1.1.1, 10.0.0.5\r\nConnection: close\r\n\r\n")).responses[0]);
    assert.equal(seen.remoteIp, "10.0.0.5");
    assert.equal(seen.headers["x-forwarded-for"], "1.1.1.1");
  });

  it("#6758: clearing KnownProxies and KnownNetworks trusts every client again", async () => {
    const app = await start({
      forwardedHeaders: { forwardedHeaders: ["XForwardedHost"], knownProxies: [], knownNetworks: [] },
      clientAddress: "203.0.113.10",
    });
    const seen = appJson((await raw(app.port, "GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-Host: evil.example\r\nConnection: close\r\n\r\n")).responses[0]);
    assert.equal(seen.host, "evil.example");
  });
});
