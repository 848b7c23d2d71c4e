import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "underscore-xfh",
  title: "X_Forwarded_Host (underscores) from the client",
  category: "spoofing",
  reference: "RFC 9110 §17.10",
  why: "CGI-style mappings turn '_' and '-' into the same variable, so an unrecognised X_Forwarded_Host can override X-Forwarded-Host in the app. Drop names with underscores.",
  bypass: true,
  build: ({ allowed, evil }) => ({
    bytes: request(["GET / HTTP/1.1", `Host: ${allowed}`, `X_Forwarded_Host: ${evil}`, "Connection: close"]),
    expect: [
      {
        outcomes: ["accept"],
        appHost: allowed,
        notBelieved: { host: evil },
        forbiddenHeaders: [["x_forwarded_host", evil]],
      },
    ],
  }),
});
