import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "port-at-injection",
  title: "Userinfo-looking port: allowed:@evil",
  category: "smuggling-adjacent",
  reference: "RFC 9112 §3.2",
  why: "Invalid Host (MUST 400): split at ':' it looks allowed; parsed as an authority it is userinfo 'allowed:' at host evil.",
  build: ({ allowed, evil }) => ({
    bytes: request(["GET / HTTP/1.1", `Host: ${allowed}:@${evil}`, "Connection: close"]),
    expect: [{ outcomes: ["400"] }],
  }),
});
