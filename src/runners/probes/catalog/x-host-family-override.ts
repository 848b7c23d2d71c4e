import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "x-host-family-override",
  title: "X-Host, X-Forwarded-Server, X-HTTP-Host-Override, X-Original-Host from the client",
  category: "spoofing",
  reference: "PortSwigger: host override headers",
  why: "Framework-specific host sources: strip them at the edge; the app must not believe them.",
  bypass: true,
  build: ({ allowed, evil }) => ({
    bytes: request([
      "GET / HTTP/1.1",
      `Host: ${allowed}`,
      `X-Host: ${evil}`,
      `X-Forwarded-Server: ${evil}`,
      `X-HTTP-Host-Override: ${evil}`,
      `X-Original-Host: ${evil}`,
      "Connection: close",
    ]),
    expect: [
      {
        outcomes: ["accept"],
        appHost: allowed,
        notBelieved: { host: evil },
        forbiddenHeaders: [
          ["x-host", evil],
          ["x-forwarded-server", evil],
          ["x-http-host-override", evil],
          ["x-original-host", evil],
        ],
      },
    ],
  }),
});
