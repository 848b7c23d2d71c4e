import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "duplicate-host-allowed-first",
  title: "Allowed Host, then a forged Host",
  category: "rfc-conformance",
  reference: "RFC 9112 §3.2; PortSwigger: duplicate Host headers",
  why: "MUST 400: a filter that checks the first value while a later hop uses the last is bypassed.",
  build: ({ allowed, evil }) => ({
    bytes: request(["GET / HTTP/1.1", `Host: ${allowed}`, `Host: ${evil}`, "Connection: close"]),
    expect: [{ outcomes: ["400"] }],
  }),
});
