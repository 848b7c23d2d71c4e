import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "localhost-host",
  title: "Host: localhost",
  category: "allowlist",
  reference: "PortSwigger: Host header authentication bypass",
  why: "Apps that grant admin to Host: localhost are bypassed if it reaches them; it is not in the allowlist.",
  build: () => ({
    bytes: request(["GET / HTTP/1.1", "Host: localhost", "Connection: close"]),
    expect: [{ outcomes: ["reject"] }],
  }),
});
