import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "empty-host",
  title: "Empty Host value",
  category: "rfc-conformance",
  reference: "RFC 9110 §4.2.1, RFC 9112 §3.3",
  why: "An http(s) target needs a non-empty authority; with no configured default nothing in the allowlist matches, so refuse (never fall back to a default vhost).",
  build: () => ({
    bytes: request(["GET / HTTP/1.1", "Host: ", "Connection: close"]),
    expect: [{ outcomes: ["400", "reject"] }],
  }),
});
