import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "trailing-dot",
  title: "Allowed host with a trailing dot",
  category: "allowlist",
  reference: "RFC 1034 §3.1; ASP.NET Core HostString (no trailing-dot normalisation)",
  why: "Policy knob trailingDot: the absolute FQDN names the same host; ASP.NET Core does not strip the dot and refuses it. Either way it must not reach another vhost.",
  build: ({ allowed }, knobs) => ({
    bytes: request(["GET / HTTP/1.1", `Host: ${allowed}.`, "Connection: close"]),
    expect: [
      knobs.trailingDot === "accept" ? { outcomes: ["accept"], appHost: `${allowed}.` } : { outcomes: ["reject"] },
    ],
  }),
});
