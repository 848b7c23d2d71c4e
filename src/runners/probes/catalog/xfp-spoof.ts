import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "xfp-spoof",
  title: "X-Forwarded-Proto forging the other scheme (https over cleartext, http over TLS)",
  category: "spoofing",
  reference: "RFC 9112 §3.3",
  why: "A forged https changes generated URLs, cookie Secure flags and redirects.",
  bypass: true,
  build: ({ allowed, secure }) => {
    const forged = secure ? "http" : "https";
    return {
      bytes: request(["GET / HTTP/1.1", `Host: ${allowed}`, `X-Forwarded-Proto: ${forged}`, "Connection: close"]),
      expect: [
        { outcomes: ["accept"], notBelieved: { scheme: forged }, forbiddenHeaders: [["x-forwarded-proto", forged]] },
      ],
    };
  },
});
