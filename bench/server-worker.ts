/** A benchmark server in its own thread: the simulated app with given options, or a bare node:http handler. */
import { createServer } from "node:http";
import { performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import { startApp, type AppOptions } from "../src/servers/app.js";

export type BenchServerSpec = { kind: "app"; options: AppOptions } | { kind: "bare-node" };

const spec = workerData as BenchServerSpec;
const port = parentPort!;

// Busy time of this thread's event loop: what a request costs the server, whether or not the load generator is
// the bottleneck of the run.
port.on("message", (message: unknown) => {
  if (message === "busy") port.postMessage({ busyMs: performance.eventLoopUtilization().active });
});

if (spec.kind === "app") {
  const app = await startApp(spec.options);
  port.on("message", (message: unknown) => {
    if (message === "close") void app.close().then(() => port.close());
  });
  port.postMessage({ url: app.url });
} else {
  // The least a Node server can do for the same answer: parse with llhttp, reply with the same JSON the app sends.
  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    const question = url.indexOf("?");
    const body = JSON.stringify({
      app: "bare",
      method: req.method,
      path: question < 0 ? url : url.slice(0, question),
      query: question < 0 ? "" : url.slice(question),
      target: url,
      protocol: `HTTP/${req.httpVersion}`,
      host: req.headers.host ?? "",
      scheme: "http",
      remoteIp: req.socket.remoteAddress ?? null,
      remotePort: req.socket.remotePort ?? 0,
      pathBase: "",
      headers: req.headers,
      bodyLength: 0,
    });
    res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(body), Server: "Kestrel" });
    res.end(body);
  });
  server.listen(0, "127.0.0.1", () => {
    const address = server.address() as { port: number };
    port.on("message", (message: unknown) => {
      if (message !== "close") return;
      server.closeAllConnections();
      server.close(() => port.close());
    });
    port.postMessage({ url: `http://127.0.0.1:${address.port}` });
  });
}
