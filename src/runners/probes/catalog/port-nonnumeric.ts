import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "port-nonnumeric",
  title: "Non-numeric port in Host",
  category: "smuggling-adjacent",
  reference: "RFC 9112 §3.2",
  why: "port = *DIGIT, so the value is invalid (MUST 400); matchers that cut at ':' pass it and the value is reflected.",
  build: ({ allowed, evil }) => ({
    bytes: request(["GET / HTTP/1.1", `Host: ${allowed}:${evil}`, "Connection: close"]),
    expect: [{ outcomes: ["400"] }],
  }),
});
