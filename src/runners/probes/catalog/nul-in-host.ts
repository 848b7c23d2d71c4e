import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "nul-in-host",
  title: "NUL inside Host",
  category: "smuggling-adjacent",
  reference: "RFC 9110 §5.5",
  why: "NUL in a field value MUST be rejected or replaced with SP (which makes the Host invalid): C-string handling truncates it to the allowed host.",
  build: ({ allowed, evil }) => ({
    bytes: request(["GET / HTTP/1.1", `Host: ${allowed}\u0000.${evil}`, "Connection: close"]),
    expect: [{ outcomes: ["400"] }],
  }),
});
