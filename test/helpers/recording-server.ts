/**
 * An upstream on raw sockets that records every byte it receives and answers each request head with a small 200
 * (Content-Length framed, keep-alive), so a test can see exactly what a proxy forwarded, or that it forwarded nothing.
 */
import { createServer, type Socket } from "node:net";

export interface RecordingServer {
  port: number;
  url: string;
  /** Everything received, per connection, in order. */
  received(): string[];
  connections(): number;
  close(): Promise<void>;
}

const OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nServer: recorder\r\n\r\nok";

/** `answer`: the bytes sent back for each request head (default a small 200). */
export async function startRecordingServer(answer = OK): Promise<RecordingServer> {
  const received: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    const index = received.push("") - 1;
    let pending = "";
    socket.on("data", (chunk: Buffer) => {
      received[index] += chunk.toString("latin1");
      pending += chunk.toString("latin1");
      // One answer per request head; bodies are recorded, not parsed.
      let end: number;
      while ((end = pending.indexOf("\r\n\r\n")) >= 0) {
        pending = pending.slice(end + 4);
        socket.write(answer);
      }
    });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    received: () => [...received],
    connections: () => received.length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
