/** The simulated app's side of the echo contract: every request carrying a token is recorded, served or refused. */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseRecord } from "../../src/http1/echo-contract.js";
import { startApp } from "../../src/servers/app.js";
import { probeTarget } from "../../src/probe-target.js";
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { loadScenario } from "../../src/scenario/load.js";
import { startTopology } from "../../src/topology/start.js";
import { SCENARIOS } from "../helpers/paths.js";
import { ask } from "../helpers/raw.js";

describe("simulated app: the record", () => {
  it("records served requests, the host filter's refusals and the server's own, and nothing untokened", async () => {
    const dir = await mkdtemp(join(tmpdir(), "edgebench-record-test-"));
    const recordFile = join(dir, "app.jsonl");
    const app = await startApp({ allowedHosts: ["app.example.com"], allowEmptyHosts: false, recordFile });
    try {
      const send = (fields: string) => ask(app.port, `GET / HTTP/1.1\r\n${fields}Connection: close\r\n\r\n`);
      assert.equal((await send("Host: app.example.com\r\nX-Edgebench-Probe: served\r\n")).responses[0]!.status, 200);
      assert.equal((await send("Host: evil.example\r\nX-Edgebench-Probe: filtered\r\n")).responses[0]!.status, 400);
      assert.equal((await send("Host: app.example.com\r\n evil.example\r\nX-Edgebench-Probe: folded\r\n")).responses[0]!.status, 400);
      assert.equal((await send("Host: app.example.com\r\n")).responses[0]!.status, 200);
      const record = parseRecord(await readFile(recordFile, "utf8"));
      assert.deepEqual(Object.fromEntries([...record].map(([token, entry]) => [token, [entry.status, entry.host]])), {
        served: [200, "app.example.com"],
        filtered: [400, "evil.example"],
        folded: [400, null],
      });
    } finally {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("tells who answered at an external target when given its app's record, and says unknown without it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "edgebench-record-test-"));
    const recordFile = join(dir, "app.jsonl");
    const app = await startApp({ allowedHosts: ["app.example.com"], allowEmptyHosts: false, recordFile });
    try {
      const probe = (appRecord?: string) =>
        probeTarget({ url: `http://127.0.0.1:${app.port}`, policyHosts: ["app.example.com"], ...(appRecord ? { appRecord } : {}) });
      const withRecord = (await probe(recordFile)).probes!.results.flatMap((r) => r.observed);
      assert.ok(withRecord.length > 40);
      assert.deepEqual([...new Set(withRecord.map((o) => o.answeredBy))], ["app"]);
      const refusals = (await probe()).probes!.results.flatMap((r) => r.observed).filter((o) => o.status >= 400);
      assert.ok(refusals.length > 20);
      assert.deepEqual([...new Set(refusals.map((o) => o.answeredBy))], ["unknown"]);
    } finally {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("keeps a topology's records in a private folder that closing removes", async () => {
    const topology = await startTopology(await loadScenario(`${SCENARIOS}default.yaml`), { isolation: "inline" });
    const [edge, proxied] = topology.running;
    assert.notEqual(edge!.appRecord, proxied!.appRecord);
    await ask(edge!.entry.port, "GET / HTTP/1.1\r\nHost: app.example.com\r\nX-Edgebench-Probe: t\r\nConnection: close\r\n\r\n");
    assert.equal(parseRecord(await readFile(edge!.appRecord, "utf8")).get("t")?.status, 200);
    await topology.close();
    assert.equal(existsSync(dirname(edge!.appRecord)), false);
  });
});
