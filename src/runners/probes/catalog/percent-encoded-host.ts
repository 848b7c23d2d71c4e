import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "percent-encoded-host",
  title: "A percent-encoded dot in Host",
  category: "robustness",
  reference: "RFC 3986 §6.2.2.2",
  why: "pct-encoded is grammatical and decodes to the allowed host; a filter must not decode before matching while something later does. Refuse it.",
  build: ({ allowed }) => {
    const dot = allowed.indexOf(".");
    const host = dot < 0 ? `${allowed}%2e` : `${allowed.slice(0, dot)}%2e${allowed.slice(dot + 1)}`;
    return {
      bytes: request(["GET / HTTP/1.1", `Host: ${host}`, "Connection: close"]),
      expect: [{ outcomes: ["reject", "400"] }],
    };
  },
});
