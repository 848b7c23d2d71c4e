import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "xff-spoof",
  title: "X-Forwarded-For from the client",
  category: "spoofing",
  reference: "RFC 7239 §8.1",
  why: "A client-chosen X-Forwarded-For is the IP-based auth and rate-limit bypass.",
  bypass: true,
  build: ({ allowed }) => ({
    bytes: request(["GET / HTTP/1.1", `Host: ${allowed}`, "X-Forwarded-For: 203.0.113.7", "Connection: close"]),
    expect: [
      {
        outcomes: ["accept"],
        notBelieved: { remoteIp: "203.0.113.7" },
        forbiddenHeaders: [["x-forwarded-for", "203.0.113.7"]],
      },
    ],
  }),
});
