/**
 * Deliberately broken servers on raw sockets, to show that every probe fails when it should:
 * - "naive": splits lines on LF, keeps the last Host, checks nothing, trusts every X-Forwarded-* and answers 200 with
 *   the app's JSON shape (what it "believed");
 * - "naive-first": the same, but keeps the first value of a field, takes the scheme from an absolute-form target and
 *   cuts the host to 255 characters, as C-buffer code does;
 * - "refuse-all": answers 400 to every request.
 * The naive ones route every path to an endpoint of its own name, read sloppily (absolute-form authority dropped, cut
 * at a NUL, `;` parameters dropped, every escape decoded, `\` as `/`, slashes merged, dot segments removed, lower
 * case): every path disguise reaches the internal endpoint it disguises.
 */
import { createServer, type Server, type Socket } from "node:net";

export type BrokenKind = "naive" | "naive-first" | "refuse-all";

function sloppyEndpoint(target: string): string {
  let path = target.replace(/^https?:\/\/[^/]*/, "").split("?")[0]!;
  path = path.replace(/%00.*$/, "").replace(/;[^/]*/g, "");
  try {
    path = decodeURIComponent(path.replace(/%(?![0-9a-fA-F]{2})/g, "%25"));
  } catch {
    // Not UTF-8 once decoded: left as it came.
  }
  path = path.replace(/\\/g, "/").replace(/\/+/g, "/");
  const segments: string[] = [];
  for (const segment of path.split("/").slice(1)) {
    if (segment === "..") segments.pop();
    else if (segment !== "." && segment !== "") segments.push(segment);
  }
  return `/${segments.join("/")}`.toLowerCase();
}

function naiveAnswer(head: string, socket: Socket, first: boolean): string {
  const lines = head.split("\n").map((line) => line.replace(/\r$/, ""));
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    if (colon > 0 && !(first && name in headers)) headers[name] = line.slice(colon + 1).trim();
  }
  const target = lines[0]?.split(" ")[1] ?? "";
  const targetScheme = first && /^https?:\/\//.test(target) ? target.slice(0, target.indexOf(":")) : undefined;
  const host = headers["x-forwarded-host"] ?? headers.host ?? "";
  const body = JSON.stringify({
    app: "naive",
    method: lines[0]?.split(" ")[0],
    path: "/",
    endpoint: sloppyEndpoint(target),
    host: first ? host.slice(0, 255) : host,
    scheme: headers["x-forwarded-proto"] ?? targetScheme ?? "http",
    remoteIp: headers["x-forwarded-for"] ?? socket.remoteAddress,
    headers,
  });
  return `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

export function startBroken(kind: BrokenKind): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    let buffer = "";
    socket.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("latin1");
      for (let end = buffer.search(/\r?\n\r?\n/); end >= 0; end = buffer.search(/\r?\n\r?\n/)) {
        const head = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, "");
        socket.write(
          kind === "refuse-all"
            ? "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
            : naiveAnswer(head, socket, kind === "naive-first"),
          "latin1",
        );
      }
    });
    socket.on("end", () => socket.end());
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: (server.address() as { port: number }).port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      }),
    ),
  );
}
