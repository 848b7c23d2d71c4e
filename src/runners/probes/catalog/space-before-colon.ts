import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "space-before-colon",
  title: "Whitespace between a field name and the colon",
  category: "rfc-conformance",
  reference: "RFC 9112 §5.1",
  why: "A server MUST reject with 400; lenient parsers read 'Host ' as a second Host.",
  build: ({ allowed, evil }) => ({
    bytes: request(["GET / HTTP/1.1", `Host: ${allowed}`, `Host : ${evil}`, "Connection: close"]),
    expect: [{ outcomes: ["400"] }],
  }),
});
