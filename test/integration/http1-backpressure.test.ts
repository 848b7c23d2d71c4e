/** A long streamed answer waits for the socket to drain many times; each wait must leave no listener behind. */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { describe, it } from "node:test";
import { createHttp1Server } from "../../src/http1/connection.js";
import { HttpRequestError } from "../../src/http1/errors.js";

const CHUNK = Buffer.alloc(256 * 1024, 97);
const CHUNKS = 200;

describe("HTTP/1 backpressure", () => {
  it("streams 50 MB through many drain waits without MaxListenersExceededWarning", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning.name);
    };
    process.on("warning", onWarning);
    let waits = 0;
    const server = createHttp1Server({
      bodyMode: "discard",
      formatRejection: (error: HttpRequestError) =>
        Buffer.from(`HTTP/1.1 ${error.status} x\r\ncontent-length: 0\r\n\r\n`),
      onRequest: (_exchange, response) => {
        const stream = response.stream(200, [["content-type", "text/plain"]], CHUNK.length * CHUNKS);
        void (async () => {
          for (let i = 0; i < CHUNKS; i++) {
            if (!stream.write(CHUNK)) {
              waits++;
              await stream.drained();
            }
          }
          stream.end();
        })();
      },
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const received = await new Promise<number>((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port }, () =>
        socket.write("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"),
      );
      let bytes = 0;
      socket.on("data", (chunk: Buffer) => (bytes += chunk.length));
      socket.on("end", () => resolve(bytes));
      socket.on("error", reject);
    });
    server.close();
    process.off("warning", onWarning);
    assert.ok(received > CHUNK.length * CHUNKS);
    assert.ok(waits > 10, `only ${waits} waits: the test did not exercise backpressure`);
    assert.deepEqual(
      warnings.filter((name) => name === "MaxListenersExceededWarning"),
      [],
    );
  });
});
