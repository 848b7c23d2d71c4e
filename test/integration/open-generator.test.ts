/**
 * The open-model generator against real servers on loopback: schedule, framing, keep-alive, failures, TLS and
 * Ctrl-C. Counts and orderings only; how well it keeps time is the bench's business (the machine is shared).
 */
import assert from "node:assert/strict";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { closeSync, fstatSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from "node:net";
import { getPriority, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Worker } from "node:worker_threads";
import { runOpenGenerator, type OpenGeneratorSettings } from "../../src/runners/load/open-generator.js";
import { summarize } from "../../src/results/histogram.js";
import { createRunCertificates, type RunCertificates } from "../../src/tls/certificates.js";

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

const base = (url: string, rate: number, durationMs: number, connections: number): OpenGeneratorSettings => ({
  url,
  host: "app.example.com",
  method: "GET",
  path: "/",
  body: null,
  rate,
  durationMs,
  connections,
  timeoutMs: 2000,
  ca: null,
});

describe("open-model generator on real sockets", () => {
  let handler: Handler = (_request, response) => response.end("ok");
  const seenHosts = new Set<string>();
  const seenPorts = new Set<number>();
  const server = createHttpServer((request, response) => {
    seenHosts.add(request.headers.host ?? "");
    seenPorts.add(request.socket.remotePort ?? 0);
    handler(request, response);
  });
  let url = "";
  before(async () => (url = `http://127.0.0.1:${await listen(server)}`));
  after(() => server.close());

  it("sends rate × duration requests over connections opened ahead, with the Host given, all answered", async () => {
    seenPorts.clear();
    const run = await runOpenGenerator(base(url, 500, 400, 4));
    assert.deepEqual([run.requests, run.responses, run.ok2xx, run.errors, run.timeouts], [200, 200, 200, 0, 0]);
    assert.deepEqual([...seenHosts], ["app.example.com"]);
    assert.ok(seenPorts.size <= 4, `${seenPorts.size} connections`);
    assert.equal(run.latenessHistogram.totalCount, 200);
    assert.equal(run.lateThresholdUs, 2000);
    // Response time runs from the planned send, which is never after the actual one.
    assert.ok(summarize(run.histogram).p50Us >= summarize(run.serviceHistogram).p50Us);
  });

  it("charges the wait for a busy connection to response time, not service time, and counts it late", async () => {
    handler = (_request, response) => void setTimeout(() => response.end("slow"), 30);
    const run = await runOpenGenerator(base(url, 100, 300, 1));
    assert.equal(run.ok2xx, 30);
    assert.ok(run.late >= 20, `${run.late} late`);
    assert.ok(run.schedulerLate < run.late, "a request held by a busy connection is not the scheduler's lateness");
    assert.ok(summarize(run.serviceHistogram).p99Us < 200_000);
    assert.ok(summarize(run.histogram).p99Us > 400_000, "the last request waited behind the ones before it");
  });

  it("reads chunked and close-delimited bodies, follows Connection: close and counts a reset as an error", async () => {
    let n = 0;
    handler = (request, response) => {
      n++;
      if (n % 4 === 0) return request.socket.destroy();
      if (n % 4 === 1) response.setHeader("Connection", "close");
      if (n % 4 === 2) return void response.end(JSON.stringify({ n }));
      response.write("part one, ");
      response.end("part two");
    };
    const run = await runOpenGenerator(base(url, 200, 400, 3));
    assert.equal(run.requests, 80);
    assert.equal(run.errors, 20);
    assert.equal(run.ok2xx, 60);
    // The run ends with its last answer, not at the deadline (400 ms + the 2 s timeout).
    assert.ok(run.durationMs < 1500, `${Math.round(run.durationMs)} ms`);
    handler = (_request, response) => response.end("ok");
  });

  it("writes a request too large for one direct write through the connection, framing intact", async () => {
    const bodies: number[] = [];
    handler = (request, response) => {
      let length = 0;
      request.on("data", (chunk: Buffer) => (length += chunk.length));
      request.on("end", () => {
        bodies.push(length);
        response.end("ok");
      });
    };
    const run = await runOpenGenerator({ ...base(url, 100, 300, 2), method: "POST", body: "x".repeat(40_000) });
    assert.deepEqual([run.requests, run.ok2xx, run.errors], [30, 30, 0]);
    assert.deepEqual(new Set(bodies), new Set([40_000]));
    handler = (_request, response) => response.end("ok");
  });

  it("counts a request unanswered within the timeout as timed out and goes on", async () => {
    let n = 0;
    handler = (_request, response) => {
      if (++n % 5 !== 0) response.end("ok");
    };
    const run = await runOpenGenerator({ ...base(url, 100, 500, 4), timeoutMs: 150 });
    assert.equal(run.requests, 50);
    assert.equal(run.timeouts, 10);
    assert.equal(run.ok2xx + run.timeouts, 50);
    handler = (_request, response) => response.end("ok");
  });

  it("counts requests still waiting for a connection at the deadline as timed out, none left out", async () => {
    handler = (_request, response) => void setTimeout(() => response.end("slow"), 100);
    const run = await runOpenGenerator({ ...base(url, 100, 500, 1), timeoutMs: 500 });
    assert.equal(run.requests, 50);
    assert.ok(run.ok2xx >= 5 && run.ok2xx <= 10, `${run.ok2xx} answered`);
    assert.equal(run.ok2xx + run.timeouts, 50);
    assert.ok(run.late >= run.timeouts, "a request never sent is late");
    assert.ok(run.schedulerLate < 3, `${run.schedulerLate} late with a connection free`);
    handler = (_request, response) => response.end("ok");
  });

  it("stops sending on abort and reports what it measured", async () => {
    const controller = new AbortController();
    let answered = 0;
    handler = (_request, response) => {
      response.end("ok");
      if (++answered === 20) controller.abort();
    };
    const run = await runOpenGenerator(base(url, 200, 10_000, 4), controller.signal);
    assert.ok(run.requests >= 20 && run.requests < 100, `${run.requests} requests`);
    assert.equal(run.ok2xx, run.requests);
    handler = (_request, response) => response.end("ok");
  });
});

describe("open-model generator against raw servers", () => {
  async function rawServer(onConnection: (socket: Socket) => void): Promise<{ url: string; server: Server }> {
    const server = createNetServer((socket) => {
      socket.on("error", () => undefined);
      onConnection(socket);
    });
    return { url: `http://127.0.0.1:${await listen(server)}`, server };
  }

  it("counts a close-delimited answer cut off by the timeout as a timeout, not an answer", async () => {
    const { url, server } = await rawServer((socket) =>
      socket.once("data", () => socket.write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\npart of a body")),
    );
    const run = await runOpenGenerator({ ...base(url, 20, 200, 4), timeoutMs: 300 });
    server.close();
    assert.deepEqual([run.requests, run.ok2xx, run.timeouts], [4, 0, 4]);
  });

  it("never writes a request to a descriptor its connection no longer owns", async () => {
    // The server ends idle connections every few ms while this thread opens and closes files, as a result writer
    // would: a closed socket's descriptor number is soon a file's, and a request written there would land in it.
    const sockets = new Set<Socket>();
    const { url, server } = await rawServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("data", (data) => {
        const requests = data.toString("latin1").split("GET ").length - 1;
        socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".repeat(requests));
      });
    });
    const sweep = setInterval(() => sockets.forEach((socket) => socket.end()), 10);
    const folder = mkdtempSync(join(tmpdir(), "edgebench-fd-"));
    let written = 0;
    let opened = 0;
    const files = setInterval(() => {
      const fd = openSync(join(folder, `file-${opened++ % 4}`), "w");
      setTimeout(() => {
        written += fstatSync(fd).size;
        closeSync(fd);
      }, 5);
    }, 0);
    try {
      const run = await runOpenGenerator({ ...base(url, 2000, 1500, 48), timeoutMs: 300 });
      assert.ok(run.ok2xx > 1000, `${run.ok2xx} answered`);
    } finally {
      clearInterval(sweep);
      clearInterval(files);
      server.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    rmSync(folder, { recursive: true, force: true });
    assert.ok(opened > 100, `${opened} files opened`);
    assert.equal(written, 0, "request bytes were written into a file");
  });
});

describe("open-model generator with nothing listening", () => {
  it("fails each request at its time, as a client would, and ends on time", async () => {
    const closed = createHttpServer();
    const port = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const began = performance.now();
    const run = await runOpenGenerator({ ...base(`http://127.0.0.1:${port}`, 100, 400, 2), timeoutMs: 300 });
    const tookMs = performance.now() - began;
    assert.equal(run.ok2xx, 0);
    assert.ok(run.errors > 0 && run.errors === run.requests, `${run.errors} errors of ${run.requests}`);
    assert.ok(tookMs < 2000, `${Math.round(tookMs)} ms`);
  });
});

describe("open-model generator over TLS", () => {
  let certificates: RunCertificates;
  let url = "";
  const server = createHttpsServer({}, (_request, response) => response.end("secure"));
  before(async () => {
    certificates = await createRunCertificates(["app.example.com"]);
    server.setSecureContext({ key: certificates.server.key, cert: certificates.server.cert });
    url = `https://127.0.0.1:${await listen(server)}`;
  });
  after(() => server.close());

  it("verifies the certificate against the run's CA and keeps its connections", async () => {
    const run = await runOpenGenerator({ ...base(url, 200, 250, 2), ca: certificates.ca });
    assert.deepEqual([run.requests, run.ok2xx, run.errors], [50, 50, 0]);
  });

  it("sends nothing to an endpoint whose certificate does not verify", async () => {
    const other = await createRunCertificates(["app.example.com"]);
    const run = await runOpenGenerator({ ...base(url, 100, 200, 2), ca: other.ca, timeoutMs: 300 });
    assert.equal(run.ok2xx, 0);
    assert.equal(run.responses, 0);
  });
});

describe("the sending thread's scheduling requests", () => {
  it("raise only the calling thread's priority, where the process may", async (t) => {
    if (process.platform !== "linux") return t.skip("Linux only");
    const module = new URL("../../src/support/thread-priority.js", import.meta.url).href;
    const folder = mkdtempSync(join(tmpdir(), "edgebench-priority-"));
    const script = join(folder, "thread.mjs");
    writeFileSync(
      script,
      [
        'import { parentPort } from "node:worker_threads";',
        'import { readlinkSync } from "node:fs";',
        'import { getPriority } from "node:os";',
        `import { preferThisThread } from ${JSON.stringify(module)};`,
        "const raised = preferThisThread();",
        'const thread = Number(readlinkSync("/proc/thread-self").split("/").pop());',
        "parentPort.postMessage({ raised, priority: getPriority(thread) });",
      ].join("\n"),
    );
    const before = getPriority(process.pid);
    const worker = new Worker(script);
    try {
      const seen = await new Promise<{ raised: boolean; priority: number }>((resolve) =>
        worker.once("message", resolve),
      );
      assert.equal(seen.priority, seen.raised ? -10 : before);
      assert.equal(getPriority(process.pid), before, "the main thread keeps its own");
    } finally {
      await worker.terminate();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
