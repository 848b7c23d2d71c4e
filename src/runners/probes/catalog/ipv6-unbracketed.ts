import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "ipv6-unbracketed",
  title: "Unbracketed IPv6 literal as Host",
  category: "robustness",
  reference: "RFC 3986 §3.2.2, RFC 9112 §3.2",
  why: "An IPv6 address must be in brackets; '::1' is not a valid Host, so MUST 400.",
  build: () => ({
    bytes: request(["GET / HTTP/1.1", "Host: ::1", "Connection: close"]),
    expect: [{ outcomes: ["400"] }],
  }),
});
