import { defineProbe } from "../types.js";

export default defineProbe({
  id: "http10-no-host",
  title: "HTTP/1.0 request without Host",
  category: "rfc-conformance",
  reference: "RFC 9112 §3.2, §3.3",
  why: "The authority is empty; a host filter has no safe default, so refuse (ASP.NET Core: AllowEmptyHosts=false).",
  build: () => ({ bytes: Buffer.from("GET / HTTP/1.0\r\n\r\n", "latin1"), expect: [{ outcomes: ["reject", "400"] }] }),
});
