import { defineProbe } from "../types.js";

export default defineProbe({
  id: "bare-lf-duplicate-host",
  title: "A second Host behind a bare LF",
  category: "smuggling-adjacent",
  reference: "RFC 9112 §2.2, §3.2",
  why: "Read with LF as a line end there are two Hosts (MUST 400); read without, the value holds an LF (invalid).",
  build: ({ allowed, evil }) => ({
    bytes: Buffer.from(`GET / HTTP/1.1\r\nHost: ${evil}\nHost: ${allowed}\r\nConnection: close\r\n\r\n`, "latin1"),
    expect: [{ outcomes: ["400"] }],
  }),
});
