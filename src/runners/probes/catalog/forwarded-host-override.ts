import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "forwarded-host-override",
  title: "RFC 7239 Forwarded from the client",
  category: "spoofing",
  reference: "RFC 7239 §5.3, §8.1",
  why: "Forwarded 'cannot be relied upon': any node, the client included, can set it. The first hop must drop or replace it.",
  bypass: true,
  build: ({ allowed, evil, secure }) => {
    const forgedScheme = secure ? "http" : "https";
    const forwarded = `for=203.0.113.7;host=${evil};proto=${forgedScheme}`;
    return {
      bytes: request(["GET / HTTP/1.1", `Host: ${allowed}`, `Forwarded: ${forwarded}`, "Connection: close"]),
      expect: [
        {
          outcomes: ["accept"],
          appHost: allowed,
          notBelieved: { host: evil, remoteIp: "203.0.113.7", scheme: forgedScheme },
          forbiddenHeaders: [["forwarded", forwarded]],
        },
      ],
    };
  },
});
