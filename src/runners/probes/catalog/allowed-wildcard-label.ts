import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "allowed-wildcard-label",
  title: "Control: one label in front of a wildcard host",
  category: "allowlist",
  reference: "policy",
  why: "`*.example.com` serves its subdomains.",
  build: ({ wildcardRoot }) =>
    wildcardRoot === null
      ? null
      : {
          bytes: request(["GET / HTTP/1.1", `Host: acme.${wildcardRoot}`, "Connection: close"]),
          expect: [{ outcomes: ["accept"], appHost: `acme.${wildcardRoot}` }],
        },
});
