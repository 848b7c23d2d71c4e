import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "wildcard-multi-label",
  title: "Two labels in front of a wildcard host",
  category: "allowlist",
  reference: "RFC 6125 §6.4.3; ASP.NET Core HostString.MatchesAny",
  why: "Policy knob wildcardDepth: suffix matchers (ASP.NET Core) accept several labels; one-label wildcards (TLS certificates, Caddy) refuse them.",
  build: ({ wildcardRoot }, knobs) =>
    wildcardRoot === null
      ? null
      : {
          bytes: request(["GET / HTTP/1.1", `Host: a.b.${wildcardRoot}`, "Connection: close"]),
          expect: [
            knobs.wildcardDepth === "one"
              ? { outcomes: ["reject"] }
              : { outcomes: ["accept"], appHost: `a.b.${wildcardRoot}` },
          ],
        },
});
