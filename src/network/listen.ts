/** Listening on loopback with clear errors, and closing a server together with its open connections. */
import type { Server, Socket } from "node:net";
import { EdgebenchError } from "../support/errors.js";

export interface ListeningServer {
  url: string;
  port: number;
  host: string;
  close(): Promise<void>;
}

export class ListenError extends EdgebenchError {
  constructor(host: string, port: number, cause: NodeJS.ErrnoException) {
    const what = cause.code === "EADDRINUSE" ? `port ${port} on ${host} is already in use` : cause.message;
    super(cause.code ?? "ERR_LISTEN", `cannot listen on ${host}:${port}: ${what}`);
  }
}

/** Starts `server` on host:port (0 = ephemeral) and tracks sockets so close() does not wait for idle clients. */
export function listen(
  server: Server,
  host: string,
  port: number,
  scheme: "http" | "https" = "http",
): Promise<ListeningServer> {
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => reject(new ListenError(host, port, error));
    server.once("error", onError);
    server.listen({ host, port }, () => {
      server.off("error", onError);
      const address = server.address();
      const actualPort = typeof address === "object" && address ? address.port : port;
      const urlHost = host.includes(":") ? `[${host}]` : host;
      resolve({
        url: `${scheme}://${urlHost}:${actualPort}`,
        port: actualPort,
        host,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const socket of sockets) socket.destroy();
          }),
      });
    });
  });
}
