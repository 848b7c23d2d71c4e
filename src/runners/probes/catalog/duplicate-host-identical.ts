import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "duplicate-host-identical",
  title: "Two identical Host lines",
  category: "rfc-conformance",
  reference: "RFC 9112 §3.2",
  why: "A server MUST respond 400 to a request with more than one Host field line, even when the values are equal.",
  build: ({ allowed }) => ({
    bytes: request(["GET / HTTP/1.1", `Host: ${allowed}`, `Host: ${allowed}`, "Connection: close"]),
    expect: [{ outcomes: ["400"] }],
  }),
});
