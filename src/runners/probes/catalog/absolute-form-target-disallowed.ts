import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "absolute-form-target-disallowed",
  title: "Absolute-form target naming a forged host",
  category: "rfc-conformance",
  reference: "RFC 9112 §3.2.2; PortSwigger: supply an absolute URL",
  why: "The effective authority is the target's; filtering on Host alone makes the edge an open forward proxy.",
  build: ({ allowed, evil }) => ({
    bytes: request([`GET http://${evil}/ HTTP/1.1`, `Host: ${allowed}`, "Connection: close"]),
    expect: [{ outcomes: ["reject", "400"] }],
  }),
});
