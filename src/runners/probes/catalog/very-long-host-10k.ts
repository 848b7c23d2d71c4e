import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "very-long-host-10k",
  title: "A 10 KiB label in front of a wildcard host",
  category: "robustness",
  reference: "RFC 9110 §5.4; RFC 1035 §2.3.4",
  why: "A DNS label is at most 63 octets, so no real name matches (knob dnsLengthLimits); a server that will not process it MUST answer 4xx. It must never crash or hang.",
  build: ({ wildcardRoot, allowed }, knobs) => {
    const host = `${"a".repeat(10240)}.${wildcardRoot ?? allowed}`;
    return {
      bytes: request(["GET / HTTP/1.1", `Host: ${host}`, "Connection: close"]),
      expect: [
        knobs.dnsLengthLimits || wildcardRoot === null
          ? { outcomes: ["400", "reject"] }
          : { outcomes: ["400", "reject", "accept"], appHost: host },
      ],
    };
  },
});
