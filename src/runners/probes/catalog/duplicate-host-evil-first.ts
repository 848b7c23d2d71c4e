import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "duplicate-host-evil-first",
  title: "Forged Host, then the allowed Host",
  category: "rfc-conformance",
  reference: "RFC 9112 §3.2",
  why: "MUST 400; catches filters that keep the last value (dictionaries that overwrite).",
  build: ({ allowed, evil }) => ({
    bytes: request(["GET / HTTP/1.1", `Host: ${evil}`, `Host: ${allowed}`, "Connection: close"]),
    expect: [{ outcomes: ["400"] }],
  }),
});
