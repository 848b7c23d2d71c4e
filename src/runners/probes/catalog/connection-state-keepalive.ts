import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "connection-state-keepalive",
  title: "Allowed request, its answer, then a forged one on the same connection",
  category: "smuggling-adjacent",
  reference: "PortSwigger: connection state attacks",
  why: "The second request is sent only after the first was answered (keep-alive, not pipelined); it must be validated on its own.",
  build: ({ allowed, evil }) => ({
    bytes: request(["GET / HTTP/1.1", `Host: ${allowed}`]),
    then: [request(["GET / HTTP/1.1", `Host: ${evil}`, "Connection: close"])],
    expect: [{ outcomes: ["accept"], appHost: allowed }, { outcomes: ["reject"] }],
  }),
});
