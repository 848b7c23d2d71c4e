import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "underscore-label",
  title: "An underscore in a subdomain label",
  category: "robustness",
  reference: "RFC 3986 §2.3; RFC 1123 §2.1",
  why: "Policy knob underscoreLabels: '_' is unreserved in URIs, so the Host is grammatical and matches the wildcard (ASP.NET Core); RFC 1123 host names forbid it.",
  build: ({ wildcardRoot }, knobs) =>
    wildcardRoot === null
      ? null
      : {
          bytes: request(["GET / HTTP/1.1", `Host: acme_corp.${wildcardRoot}`, "Connection: close"]),
          expect: [
            knobs.underscoreLabels === "reject"
              ? { outcomes: ["400", "reject"] }
              : { outcomes: ["accept"], appHost: `acme_corp.${wildcardRoot}` },
          ],
        },
});
