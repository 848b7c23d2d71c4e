import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "allowed-as-prefix",
  title: "Allowed host as the prefix of a forged one",
  category: "allowlist",
  reference: "PortSwigger: flawed validation",
  why: "A naive startsWith() or unanchored pattern accepts <allowed>.<evil>, which is attacker DNS.",
  build: ({ allowed, evil }) => ({
    bytes: request(["GET / HTTP/1.1", `Host: ${allowed}.${evil}`, "Connection: close"]),
    expect: [{ outcomes: ["reject"] }],
  }),
});
