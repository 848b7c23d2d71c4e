import { defineProbe } from "../types.js";

export default defineProbe({
  id: "non-ascii-host",
  title: "A homograph with a non-ASCII letter",
  category: "robustness",
  reference: "RFC 3986 §3.2.2, RFC 9112 §3.2",
  why: "obs-text is not allowed in uri-host (IDNs travel as A-labels): invalid Host, MUST 400. Unicode-normalising matchers may fold it to the allowed host.",
  build: ({ allowed }) => ({
    bytes: Buffer.concat([
      Buffer.from("GET / HTTP/1.1\r\nHost: ", "latin1"),
      Buffer.from(`\u0430${allowed.slice(1)}`, "utf8"),
      Buffer.from("\r\nConnection: close\r\n\r\n", "latin1"),
    ]),
    expect: [{ outcomes: ["400"] }],
  }),
});
