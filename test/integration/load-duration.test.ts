/** A closed-model round runs as long as asked (autocannon's own stop check comes once a second by default). */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { describe, it } from "node:test";
import { runLoad } from "../../src/runners/load/run-load.js";

describe("closed-model round length", () => {
  it("stops a 200 ms round near 200 ms, not at the next whole second", async () => {
    const server = createServer((_request, response) => response.end("ok"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const run = await runLoad({
        url,
        host: "app.example.com",
        method: "GET",
        path: "/",
        body: null,
        connections: 2,
        pipelining: 1,
        durationMs: 200,
      });
      assert.ok(run.responses > 0);
      // Generous for a shared machine; before the fix every round took at least 1000 ms.
      assert.ok(run.durationMs >= 200 && run.durationMs < 800, `a 200 ms round took ${run.durationMs} ms`);
    } finally {
      server.close();
    }
  });
});
