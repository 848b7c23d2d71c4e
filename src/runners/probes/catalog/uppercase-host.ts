import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "uppercase-host",
  title: "Allowed host in upper case",
  category: "allowlist",
  reference: "RFC 9110 §4.2.3, §5.1",
  why: "Field names and hosts are case-insensitive: refusing is a false positive.",
  build: ({ allowed }) => ({
    bytes: request(["GET / HTTP/1.1", `HOST: ${allowed.toUpperCase()}`, "Connection: close"]),
    expect: [{ outcomes: ["accept"], appHost: allowed }],
  }),
});
