import { defineProbe } from "../types.js";

export default defineProbe({
  id: "connection-state-reuse",
  title: "Allowed request, then a forged one on the same connection",
  category: "smuggling-adjacent",
  reference: "PortSwigger: connection state attacks",
  why: "Each request on a keep-alive connection must be validated on its own, not routed like the first.",
  build: ({ allowed, evil }) => ({
    bytes: Buffer.from(
      `GET / HTTP/1.1\r\nHost: ${allowed}\r\n\r\nGET / HTTP/1.1\r\nHost: ${evil}\r\nConnection: close\r\n\r\n`,
      "latin1",
    ),
    expect: [{ outcomes: ["accept"], appHost: allowed }, { outcomes: ["reject"] }],
  }),
});
