import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "private-ipv4-host",
  title: "A private IPv4 address as Host",
  category: "allowlist",
  reference: "PortSwigger: routing-based SSRF",
  why: "Edges that route by Host reach internal addresses; IP literals are not in the allowlist. (Only a header value: nothing is sent there.)",
  build: () => ({
    bytes: request(["GET / HTTP/1.1", "Host: 192.168.0.1", "Connection: close"]),
    expect: [{ outcomes: ["reject"] }],
  }),
});
