import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "indented-first-header",
  title: "Whitespace before the first field (line wrapping)",
  category: "rfc-conformance",
  reference: "RFC 9112 §2.2; PortSwigger: line wrapping",
  why: "Whitespace between the start-line and the first field MUST be rejected, or the indented line ignored entirely (never forwarded).",
  build: ({ allowed, evil }) => ({
    bytes: request(["GET / HTTP/1.1", ` Host: ${evil}`, `Host: ${allowed}`, "Connection: close"]),
    expect: [{ outcomes: ["400", "accept"], appHost: allowed, notBelieved: { host: evil } }],
  }),
});
