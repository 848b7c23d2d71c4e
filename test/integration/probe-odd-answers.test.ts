/**
 * Targets that answer something other than HTTP: graded on what came back (not HTTP, reset, an endless answer cut at
 * the size limit), at once, never as "a hang".
 */
import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { describe, it } from "node:test";
import { PROBE_CATALOG } from "../../src/runners/probes/catalog/index.js";
import { runProbes } from "../../src/runners/probes/run-probes.js";

const TIMEOUT_MS = 3000;

async function probeServer(onConnection: (socket: Socket) => void) {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const probe = PROBE_CATALOG.find((definition) => definition.id === "missing-host-http11")!;
  try {
    const result = await runProbes(
      [{ deployment: "external", via: "entry", host: "127.0.0.1", port, proxyInPath: false }],
      [probe],
      {
        policyHosts: ["app.example.com"],
        timeoutMs: TIMEOUT_MS,
        wireOnly: true,
      },
    );
    return result.results[0]!;
  } finally {
    for (const socket of sockets) socket.destroy();
    server.close();
  }
}

describe("odd answers", () => {
  it("says 'not HTTP' with the first bytes of a banner, at once", async () => {
    const result = await probeServer((socket) => socket.write("SSH-2.0-OpenSSH_9.2p1 Debian\r\n"));
    assert.equal(result.pass, false);
    assert.match(result.explanation, /^not HTTP: \d+ byte\(s\) starting "SSH-2\.0-OpenSSH_9\.2p1 De"…; expected/);
    assert.ok(result.elapsedMs < TIMEOUT_MS, `graded after ${result.elapsedMs} ms`);
  });

  it("says the connection was reset", async () => {
    const result = await probeServer((socket) => socket.once("data", () => socket.resetAndDestroy()));
    assert.equal(result.explanation, "the connection was reset without an answer; expected 400");
    const garbage = await probeServer((socket) => socket.once("data", () => socket.end("\u0000\u0001garbage")));
    assert.match(garbage.explanation, /^not HTTP: 9 byte\(s\) starting "\\u0000\\u0001garbage"; expected/);
  });

  it("cuts an endless answer at the size limit and says so", async () => {
    const chunk = Buffer.alloc(64 * 1024, 120);
    const result = await probeServer((socket) => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 999999999999\r\n\r\n");
      const pump = (): void => {
        while (!socket.destroyed && socket.write(chunk));
        if (!socket.destroyed) socket.once("drain", pump);
      };
      pump();
    });
    assert.equal(result.pass, false);
    assert.match(result.explanation, /^an answer longer than 1048576 bytes, cut there; expected/);
    assert.ok(result.elapsedMs < TIMEOUT_MS);
  });
});
