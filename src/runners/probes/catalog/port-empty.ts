import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "port-empty",
  title: "Allowed host with an empty port",
  category: "allowlist",
  reference: "RFC 9110 §4.2.3; RFC 3986 §3.2.3",
  why: "Policy knob emptyPort: port = *DIGIT makes it grammatical; Kestrel's Host syntax needs a digit after ':' and answers 400. Mis-splitting it is the bug to catch.",
  build: ({ allowed }, knobs) => ({
    bytes: request(["GET / HTTP/1.1", `Host: ${allowed}:`, "Connection: close"]),
    expect: [knobs.emptyPort === "accept" ? { outcomes: ["accept"], appHost: `${allowed}:` } : { outcomes: ["400"] }],
  }),
});
