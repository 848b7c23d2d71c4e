import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "allowed-exact",
  title: "Control: an exact allowed host",
  category: "allowlist",
  reference: "policy",
  why: "The deployment must serve the hosts it is for.",
  build: ({ allowed }) => ({
    bytes: request(["GET / HTTP/1.1", `Host: ${allowed}`, "Connection: close"]),
    expect: [{ outcomes: ["accept"], appHost: allowed }],
  }),
});
