import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "absolute-form-host-mismatch",
  title: "Absolute-form target with a different Host",
  category: "rfc-conformance",
  reference: "RFC 9112 §3.2.2",
  why: "The target's authority wins over Host; the app must never see the forged Host (a strict 400 is tolerated).",
  build: ({ allowed, evil }) => ({
    bytes: request([`GET http://${allowed}/ HTTP/1.1`, `Host: ${evil}`, "Connection: close"]),
    expect: [
      {
        outcomes: ["accept", "400"],
        appHost: allowed,
        forbiddenHeaders: [["host", evil]],
        notBelieved: { host: evil },
      },
    ],
  }),
});
