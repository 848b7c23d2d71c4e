import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "userinfo-in-host",
  title: "Userinfo in Host: allowed@evil",
  category: "smuggling-adjacent",
  reference: "RFC 9112 §3.2, RFC 9110 §4.2.4",
  why: "'@' cannot appear in uri-host; URL parsers resolve it to evil while string matchers see the allowed host.",
  build: ({ allowed, evil }) => ({
    bytes: request(["GET / HTTP/1.1", `Host: ${allowed}@${evil}`, "Connection: close"]),
    expect: [{ outcomes: ["400"] }],
  }),
});
