import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "wildcard-apex",
  title: "The apex of a wildcard host",
  category: "allowlist",
  reference: "ASP.NET Core HostString.MatchesAny",
  why: "`*.example.com` requires at least one label; the apex is not covered.",
  build: ({ wildcardRoot }) =>
    wildcardRoot === null
      ? null
      : {
          bytes: request(["GET / HTTP/1.1", `Host: ${wildcardRoot}`, "Connection: close"]),
          expect: [{ outcomes: ["reject"] }],
        },
});
