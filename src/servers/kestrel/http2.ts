/**
 * The app's HTTP/2 front end (cleartext, prior knowledge, as Kestrel serves an Http2-only endpoint): `:authority`
 * replaces Host; several Host fields or an invalid one reset the stream with PROTOCOL_ERROR instead of a 400
 * (docs/kestrel-rules.md §2.6, Http2Stream.TryValidateAuthorityAndHost). Then the same middleware pipeline as HTTP/1.1.
 */
import { constants, createServer, type Http2Server, type IncomingHttpHeaders, type ServerHttp2Stream } from "node:http2";
import { isHostHeaderValid } from "../../policy/host-syntax.js";
import { httpDate } from "../http-date.js";
import { kestrelRequestPath } from "./request-path.js";
import type { createAppPipeline } from "../app.js";

type Pipeline = ReturnType<typeof createAppPipeline>;

export function createHttp2Frontend(pipeline: Pipeline, options: { addServerHeader: boolean }): Http2Server {
  const server = createServer();
  server.on("stream", (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, _flags: number, rawHeaders: string[]) => {
    // Resetting a stream with an error code reports that code as the stream's error: it is the intended answer.
    stream.on("error", () => stream.destroy());
    const fields: Record<string, string> = {};
    const hosts: string[] = [];
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!.toLowerCase();
      const value = rawHeaders[i + 1]!;
      if (name === "host") hosts.push(value);
      if (name.startsWith(":")) continue;
      fields[name] = fields[name] === undefined ? value : `${fields[name]}, ${value}`;
    }
    const authority = headers[":authority"];
    let host: string | undefined;
    if (typeof authority === "string" && authority.length > 0) {
      host = authority;
    } else if (hosts.length > 1) {
      stream.close(constants.NGHTTP2_PROTOCOL_ERROR);
      return;
    } else {
      host = hosts[0];
    }
    if (host !== undefined && !isHostHeaderValid(host)) {
      stream.close(constants.NGHTTP2_PROTOCOL_ERROR);
      return;
    }
    if (host !== undefined) fields.host = host;
    const target = String(headers[":path"] ?? "");
    const question = target.indexOf("?");
    let path: string;
    try {
      path = kestrelRequestPath(question < 0 ? target : target.slice(0, question));
    } catch {
      stream.close(constants.NGHTTP2_PROTOCOL_ERROR);
      return;
    }
    const socket = stream.session?.socket;
    let bodyLength = 0;
    stream.on("data", (chunk: Buffer) => (bodyLength += chunk.length));
    stream.on("end", () => {
      const result = pipeline.handle({
        method: String(headers[":method"] ?? ""),
        target,
        path,
        query: question < 0 ? "" : target.slice(question),
        protocol: "HTTP/2",
        host: host ?? "",
        hostPresent: host !== undefined && host.length > 0,
        headers: fields,
        remoteAddress: socket?.remoteAddress ?? "",
        remotePort: socket?.remotePort ?? 0,
        secure: false,
        bodyLength,
      });
      const responseHeaders: Record<string, string | number> = { ":status": result.status, date: httpDate() };
      if (options.addServerHeader) responseHeaders.server = "Kestrel";
      if (result.contentType) responseHeaders["content-type"] = result.contentType;
      stream.respond(responseHeaders);
      stream.end(result.body);
    });
  });
  server.on("sessionError", () => {});
  return server;
}
