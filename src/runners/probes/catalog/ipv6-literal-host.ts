import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "ipv6-literal-host",
  title: "A bracketed IPv6 literal with port as Host",
  category: "allowlist",
  reference: "RFC 3986 §3.2.2",
  why: "Well-formed, so it must be parsed (brackets, then port) and refused, not crash the host:port splitter.",
  build: () => ({
    bytes: request(["GET / HTTP/1.1", "Host: [::1]:8080", "Connection: close"]),
    expect: [{ outcomes: ["reject"] }],
  }),
});
