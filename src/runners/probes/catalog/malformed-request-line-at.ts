import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "malformed-request-line-at",
  title: "Request-target starting with @",
  category: "smuggling-adjacent",
  reference: "RFC 9112 §2.2, §3.2; PortSwigger: SSRF via flawed request parsing",
  why: "Neither origin- nor absolute-form: proxies that build 'http://' + Host + target produce http://allowed@evil/. SHOULD 400 and close.",
  build: ({ allowed, evil }) => ({
    bytes: request([`GET @${evil}/ HTTP/1.1`, `Host: ${allowed}`, "Connection: close"]),
    expect: [{ outcomes: ["400"] }],
  }),
});
