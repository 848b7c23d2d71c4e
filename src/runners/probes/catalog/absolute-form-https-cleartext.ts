import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "absolute-form-https-cleartext",
  title: "An https target over a cleartext connection",
  category: "rfc-conformance",
  reference: "RFC 9110 §7.4, §15.5.20",
  why: "A request for an https resource MUST be rejected unless received over a secured connection (421 designated); Kestrel does not compare them (knob schemeCheck).",
  // Over TLS an https target is what the connection is: there is nothing to test.
  build: ({ allowed, secure }, knobs) =>
    secure
      ? null
      : {
          bytes: request([`GET https://${allowed}/ HTTP/1.1`, `Host: ${allowed}`, "Connection: close"]),
          expect: [
            knobs.schemeCheck === "reject"
              ? { outcomes: ["reject", "400"] }
              : { outcomes: ["accept", "reject", "400"], appHost: allowed, notBelieved: { scheme: "https" } },
          ],
        },
});
