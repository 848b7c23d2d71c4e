import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "missing-host-http11",
  title: "HTTP/1.1 request without Host",
  category: "rfc-conformance",
  reference: "RFC 9112 §3.2",
  why: "A server MUST respond 400 to any HTTP/1.1 request that lacks a Host field.",
  build: () => ({ bytes: request(["GET / HTTP/1.1", "Connection: close"]), expect: [{ outcomes: ["400"] }] }),
});
