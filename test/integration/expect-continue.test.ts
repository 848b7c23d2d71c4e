/**
 * `Expect: 100-continue`: the app sends `100 Continue` as it reads the body (Kestrel does so when the app reads it),
 * the builtin proxy answers its client's expectation as it starts reading the body, and a final answer follows.
 */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { startApp, type RunningApp } from "../../src/servers/app.js";
import { startProxy, type RunningProxy } from "../../src/servers/proxy.js";
import { PROXY_SOURCE_ADDRESS } from "../../src/topology/source-address.js";

const HEAD =
  "POST /upload HTTP/1.1\r\nHost: app.example.com\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n";

/** Sends the head, waits (bounded) for an interim answer, then sends the body and reads to the end. */
function upload(port: number): Promise<{ interim: string; all: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port }, () => socket.write(HEAD));
    let text = "";
    let interim = "";
    // curl waits 1 s for it; here 2 s, and then the body goes anyway so a missing 100 fails, not hangs.
    const timer = setTimeout(() => socket.write("hello"), 2000);
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("latin1");
      if (!interim && text.includes("\r\n\r\n")) {
        interim = text.slice(0, text.indexOf("\r\n\r\n") + 4);
        clearTimeout(timer);
        socket.write("hello");
      }
    });
    socket.on("end", () => resolve({ interim, all: text }));
    socket.on("error", reject);
  });
}

describe("Expect: 100-continue", () => {
  let app: RunningApp;
  let proxy: RunningProxy;
  before(async () => {
    app = await startApp({ proxyAddresses: [PROXY_SOURCE_ADDRESS] });
    proxy = await startProxy({ routes: [{ hosts: ["*"], upstreams: [app.url] }], sourceAddress: PROXY_SOURCE_ADDRESS });
  });
  after(async () => {
    await proxy.close();
    await app.close();
  });

  for (const where of ["app", "proxy"] as const) {
    it(`gets 100 Continue from the ${where} before the body, then the final answer`, async () => {
      const { interim, all } = await upload(where === "app" ? app.port : proxy.port);
      assert.equal(interim, "HTTP/1.1 100 Continue\r\n\r\n");
      const final = all.slice(interim.length);
      assert.match(final, /^HTTP\/1\.1 200 OK\r\n/);
      assert.doesNotMatch(final, /100 Continue/, "exactly one interim answer reaches the client");
    });
  }

  it("sends no 100 Continue for a request without a body, or one answered before its body", async () => {
    const { interim } = await new Promise<{ interim: string }>((resolve) => {
      const socket = connect({ host: "127.0.0.1", port: app.port }, () =>
        socket.write("GET / HTTP/1.1\r\nHost: app.example.com\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"),
      );
      let text = "";
      socket.on("data", (chunk: Buffer) => (text += chunk.toString("latin1")));
      socket.on("end", () => resolve({ interim: text.slice(0, 12) }));
    });
    assert.equal(interim, "HTTP/1.1 200");
  });
});
