import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "slow-headers",
  title: "Slow request heads (slowloris): a few connections trickle a head one byte at a time",
  category: "robustness",
  reference: "RFC 9112 §9.5; Kestrel RequestHeadersTimeout; nginx client_header_timeout",
  why: "A server must not let a client that never finishes its request head hold a connection for ever, and must go on serving others meanwhile. The probe holds a few trickling connections for a bounded time, reports how long each was held or when it was cut, and sends a normal request meanwhile: that one must be served, and no trickling head may be answered as if it were complete.",
  build: ({ allowed }) => ({
    // The normal request, sent while the slow ones are held.
    bytes: request(["GET / HTTP/1.1", `Host: ${allowed}`, "Connection: close"]),
    expect: [{ outcomes: ["accept"], appHost: allowed }],
    slow: { head: request(["GET / HTTP/1.1", `Host: ${allowed}`, `X-Slow: ${"s".repeat(200)}`]) },
  }),
});
