import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "allowed-as-substring",
  title: "Allowed host as the suffix of a forged one",
  category: "allowlist",
  reference: "PortSwigger: flawed validation",
  why: "A naive endsWith() accepts evil<allowed>.",
  build: ({ allowed }) => ({
    bytes: request(["GET / HTTP/1.1", `Host: evil${allowed}`, "Connection: close"]),
    expect: [{ outcomes: ["reject"] }],
  }),
});
