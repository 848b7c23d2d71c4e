import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "arbitrary-host",
  title: "An arbitrary Host",
  category: "allowlist",
  reference: "PortSwigger: arbitrary Host; OWASP WSTG-INPV-17",
  why: "The basic password-reset and cache-poisoning vector: must not reach the app or a default vhost.",
  build: ({ evil }) => ({
    bytes: request(["GET / HTTP/1.1", `Host: ${evil}`, "Connection: close"]),
    expect: [{ outcomes: ["reject"] }],
  }),
});
