import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "obs-fold-host-value",
  title: "Host value continued by obs-fold",
  category: "rfc-conformance",
  reference: "RFC 9112 §5.2",
  why: "obs-fold MUST be rejected with 400 or replaced by SP, and the unfolded value is not a valid Host either.",
  build: ({ allowed, evil }) => ({
    bytes: request(["GET / HTTP/1.1", `Host: ${allowed}`, ` ${evil}`, "Connection: close"]),
    expect: [{ outcomes: ["400"] }],
  }),
});
