import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "xfh-override",
  title: "X-Forwarded-Host from the client",
  category: "spoofing",
  reference: "PortSwigger: host override headers; WSTG-INPV-17",
  why: "No X-Forwarded-* from a client is trustworthy: the app must not come to believe the forged host.",
  bypass: true,
  build: ({ allowed, evil }) => ({
    bytes: request(["GET / HTTP/1.1", `Host: ${allowed}`, `X-Forwarded-Host: ${evil}`, "Connection: close"]),
    expect: [
      {
        outcomes: ["accept"],
        appHost: allowed,
        notBelieved: { host: evil },
        forbiddenHeaders: [["x-forwarded-host", evil]],
      },
    ],
  }),
});
