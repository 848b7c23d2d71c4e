/**
 * The shaped hop on real sockets: added latency measured (never slept in the test), bandwidth, and faults that the
 * proxy must turn into 502 and 504. Timing bounds are one-sided where the machine's noise could only add time.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startShaper, type RunningShaper } from "../../src/network/shaper.js";
import { startApp, type RunningApp } from "../../src/servers/app.js";
import { startProxy, type RunningProxy } from "../../src/servers/proxy.js";
import type { DirectionShape, HopShape } from "../../src/scenario/types.js";
import { raw } from "../helpers/raw.js";

const NONE: DirectionShape = { latencyMs: 0, jitterMs: 0, bandwidthMbps: null, resetProbability: 0, stallProbability: 0 };
const both = (shape: Partial<DirectionShape>): HopShape => ({ toServer: { ...NONE, ...shape }, toClient: { ...NONE, ...shape } });
const GET = "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";

/**
 * What a hop adds: the fastest exchange through it minus the fastest without it, the two taken in turn. The fastest of
 * many is what the shaping itself costs; a busy machine only ever adds to the others.
 */
async function addedByHop(direct: number, through: number, times = 15): Promise<number> {
  const elapsed = { direct: Infinity, through: Infinity };
  for (let i = 0; i < times; i++) {
    for (const [which, port] of [["direct", direct], ["through", through]] as const) {
      const exchange = await raw(port, GET);
      assert.equal(exchange.responses[0]?.status, 200);
      elapsed[which] = Math.min(elapsed[which], exchange.elapsedMs);
    }
  }
  return elapsed.through - elapsed.direct;
}

describe("shaped hop", () => {
  let app: RunningApp;
  const started: Array<RunningShaper | RunningProxy> = [];
  const shaper = async (shape: HopShape, port = app.port): Promise<RunningShaper> => {
    const running = await startShaper({ target: { host: "127.0.0.1", port }, shape });
    started.push(running);
    return running;
  };
  before(async () => {
    app = await startApp();
  });
  after(async () => {
    await Promise.all(started.map((s) => s.close()));
    await app.close();
  });

  it("adds its latency each way, measured against the same app without it", async () => {
    const shaped = await shaper(both({ latencyMs: 5 }));
    const added = await addedByHop(app.port, shaped.port);
    assert.ok(added >= 9.5, `added ${added.toFixed(2)} ms, expected at least 10 ms (5 ms each way)`);
    assert.ok(added < 16, `added ${added.toFixed(2)} ms, expected about 10 ms`);
  });

  it("keeps sub-millisecond latency: 400 µs each way adds about 0.8 ms, not a timer's whole millisecond", async () => {
    const shaped = await shaper(both({ latencyMs: 0.4 }));
    const added = await addedByHop(app.port, shaped.port, 25);
    assert.ok(added >= 0.75, `added ${added.toFixed(3)} ms, expected at least 0.8 ms`);
    // A hop that waited for a millisecond timer each way would add at least 2 ms.
    assert.ok(added < 2, `added ${added.toFixed(3)} ms, expected about 0.8 ms`);
  });

  it("limits bandwidth: 200 kB upstream at 8 Mbit/s take at least 200 ms", async () => {
    const shaped = await shaper({ toServer: { ...NONE, bandwidthMbps: 8 }, toClient: NONE });
    const body = Buffer.alloc(200_000, "b");
    const exchange = await raw(shaped.port, Buffer.concat([Buffer.from(`POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`), body]));
    assert.equal(exchange.responses[0]?.status, 200);
    assert.ok(exchange.elapsedMs >= 195, `took ${exchange.elapsedMs.toFixed(1)} ms`);
    assert.ok(exchange.elapsedMs < 2500, `took ${exchange.elapsedMs.toFixed(1)} ms`);
  });

  it("a hop that resets connections gives 502 from the proxy, counted", async () => {
    const hop = await shaper(both({ resetProbability: 1 }));
    const proxy = await startProxy({ routes: [{ hosts: ["*"], upstreams: [hop.url] }] });
    started.push(proxy);
    const exchange = await raw(proxy.port, GET);
    assert.equal(exchange.responses[0]?.status, 502);
    assert.equal(proxy.counts.get(502), 1);
    assert.equal(hop.counts.get(0), 1, "the hop counted its fault");
  });

  it("a black-holed hop gives 504 at the proxy's timeout, never a hang", async () => {
    const hop = await shaper(both({ stallProbability: 1 }));
    const proxy = await startProxy({ routes: [{ hosts: ["*"], upstreams: [hop.url] }], upstreamTimeoutMs: 300 });
    started.push(proxy);
    const exchange = await raw(proxy.port, GET);
    assert.equal(exchange.responses[0]?.status, 504);
    assert.ok(exchange.elapsedMs >= 290 && exchange.elapsedMs < 2500, `took ${exchange.elapsedMs.toFixed(1)} ms`);
  });
});
