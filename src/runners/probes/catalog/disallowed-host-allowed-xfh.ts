import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "disallowed-host-allowed-xfh",
  title: "Forged Host dressed with an allowed X-Forwarded-Host",
  category: "spoofing",
  reference: "ASP.NET Core: HostFiltering checks the Host, not X-Forwarded-Host",
  why: "At the edge the filter must validate Host, not a client-supplied X-Forwarded-Host.",
  bypass: true,
  build: ({ allowed, evil }) => ({
    bytes: request(["GET / HTTP/1.1", `Host: ${evil}`, `X-Forwarded-Host: ${allowed}`, "Connection: close"]),
    expect: [{ outcomes: ["reject"] }],
  }),
});
