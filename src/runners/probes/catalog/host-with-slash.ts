import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "host-with-slash",
  title: "A slash inside Host",
  category: "robustness",
  reference: "RFC 9112 §3.2",
  why: "'/' is not allowed in uri-host: invalid Host, MUST 400; concatenating scheme + Host + path builds an attacker URL.",
  build: ({ allowed, evil }) => ({
    bytes: request(["GET / HTTP/1.1", `Host: ${allowed}/${evil}`, "Connection: close"]),
    expect: [{ outcomes: ["400"] }],
  }),
});
