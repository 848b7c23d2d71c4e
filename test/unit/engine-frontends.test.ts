import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { caddy } from "../../src/engines/caddy.js";
import { haproxy } from "../../src/engines/haproxy.js";
import { nginx } from "../../src/engines/nginx.js";
import type { EngineSpec } from "../../src/engines/types.js";

function spec(frontend: EngineSpec["frontend"], tls: boolean): EngineSpec {
  return {
    listen: { host: "127.0.0.1", port: 8443 },
    routes: [{ hosts: ["app.example.com"], upstreams: [{ host: "127.0.0.1", port: 5000 }] }],
    frontend,
    profile: "hardened",
    wildcardDepth: "any",
    preserveHost: true,
    forwardedFor: "replace",
    forwarded: false,
    stripClientForwarded: true,
    allowedHosts: null,
    exposedPaths: null,
    upstreamTimeoutMs: 1000,
    balancing: "round-robin",
    maxRequestBodyBytes: 1024,
    tls: tls ? { certFile: "/d/server.crt", keyFile: "/d/server.key", caFile: "/d/ca.crt", terminate: true, reencrypt: false } : null,
    sourceAddress: "127.0.0.2",
    dir: "/d",
  };
}

describe("front-door protocols in the generated engine configurations", () => {
  it("nginx: http2 on the listen line; both on one cleartext port is refused", () => {
    assert.match(nginx.configure(spec("both", true)).text, /listen 127\.0\.0\.1:8443 ssl http2/);
    assert.match(nginx.configure(spec("h2", false)).text, /listen 127\.0\.0\.1:8443 http2/);
    assert.doesNotMatch(nginx.configure(spec("http1", true)).text, /http2/);
    assert.throws(() => nginx.configure(spec("both", false)), /cannot serve HTTP\/1\.1 and HTTP\/2 on one cleartext port/);
  });

  it("HAProxy: ALPN over TLS, proto h2 for HTTP/2 only on cleartext", () => {
    assert.match(haproxy.configure(spec("both", true)).text, /ssl crt \/d\/server\.pem alpn h2,http\/1\.1/);
    assert.match(haproxy.configure(spec("http1", true)).text, /alpn http\/1\.1/);
    assert.match(haproxy.configure(spec("h2", false)).text, /bind 127\.0\.0\.1:8443 proto h2/);
    assert.doesNotMatch(haproxy.configure(spec("both", false)).text, /proto h2|alpn/);
  });

  it("Caddy: h2 over TLS, h2c beside HTTP/1.1 on cleartext, HTTP/1.1 only for http1", () => {
    assert.match(caddy.configure(spec("both", true)).text, /protocols h1 h2\n/);
    assert.match(caddy.configure(spec("h2", false)).text, /protocols h1 h2c\n/);
    assert.match(caddy.configure(spec("http1", true)).text, /protocols h1\n/);
  });
});
