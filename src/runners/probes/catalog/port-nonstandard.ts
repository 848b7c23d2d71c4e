import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "port-nonstandard",
  title: "Allowed host with a non-default port",
  category: "allowlist",
  reference: "RFC 9110 §7.2, §7.4",
  why: "Policy knob nonDefaultPort: most filters (ASP.NET Core) match the host part only; a port-strict edge answers 421.",
  build: ({ allowed }, knobs) => ({
    bytes: request(["GET / HTTP/1.1", `Host: ${allowed}:8080`, "Connection: close"]),
    expect: [
      knobs.nonDefaultPort === "reject"
        ? { outcomes: ["reject"] }
        : { outcomes: ["accept"], appHost: `${allowed}:8080` },
    ],
  }),
});
