import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "suffix-no-dot-boundary",
  title: "Wildcard suffix without a label boundary",
  category: "allowlist",
  reference: "PortSwigger: flawed validation",
  why: "A naive endsWith() accepts evil<root>; the suffix must match at a label boundary.",
  build: ({ wildcardRoot }) =>
    wildcardRoot === null
      ? null
      : {
          bytes: request(["GET / HTTP/1.1", `Host: evil${wildcardRoot}`, "Connection: close"]),
          expect: [{ outcomes: ["reject"] }],
        },
});
