import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "xfp-spoof",
  title: "X-Forwarded-Proto: https over cleartext",
  category: "spoofing",
  reference: "RFC 9112 §3.3",
  why: "A forged https changes generated URLs, cookie Secure flags and redirects.",
  bypass: true,
  build: ({ allowed }) => ({
    bytes: request(["GET / HTTP/1.1", `Host: ${allowed}`, "X-Forwarded-Proto: https", "Connection: close"]),
    expect: [{ outcomes: ["accept"], notBelieved: { scheme: "https" }, forbiddenHeaders: [["x-forwarded-proto", "https"]] }],
  }),
});
