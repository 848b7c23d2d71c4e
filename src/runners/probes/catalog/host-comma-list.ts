import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "host-comma-list",
  title: "Two hosts joined by a comma",
  category: "robustness",
  reference: "RFC 9110 §5.3",
  why: "What a recipient that merged two Host lines would see; Host is a singleton. Not in the allowlist: refuse (400 recommended).",
  build: ({ allowed, evil }) => ({
    bytes: request(["GET / HTTP/1.1", `Host: ${allowed},${evil}`, "Connection: close"]),
    expect: [{ outcomes: ["400", "reject"] }],
  }),
});
