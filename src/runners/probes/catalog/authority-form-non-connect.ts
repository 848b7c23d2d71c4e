import { defineProbe, request } from "../types.js";

export default defineProbe({
  id: "authority-form-non-connect",
  title: "Authority-form target with GET",
  category: "rfc-conformance",
  reference: "RFC 9110 §7.1, RFC 9112 §3.2.3",
  why: "Authority-form MUST NOT be used with methods other than CONNECT: SHOULD 400 and close (Kestrel's 405 with Allow: CONNECT refuses it too).",
  build: ({ allowed }) => ({
    bytes: request([`GET ${allowed}:80 HTTP/1.1`, `Host: ${allowed}`, "Connection: close"]),
    expect: [{ outcomes: ["400", "reject"] }],
  }),
});
