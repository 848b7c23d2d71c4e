import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "host-with-space",
  title: "A space inside Host",
  category: "robustness",
  reference: "RFC 9112 §3.2",
  why: "SP is not allowed in uri-host (MUST 400); some matchers split on whitespace and take the first token.",
  build: ({ allowed, evil }) => ({
    bytes: request(["GET / HTTP/1.1", `Host: ${allowed} ${evil}`, "Connection: close"]),
    expect: [{ outcomes: ["400"] }],
  }),
});
