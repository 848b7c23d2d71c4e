/**
 * A benchmark server in its own process (started with fork): the simulated app, the builtin proxy, or a bare
 * node:http handler sending the same JSON. It reports its own CPU time on request, so a request's cost is measured in CPU, not wall time.
 */
import { createServer } from "node:http";
import { connect, createServer as createNetServer } from "node:net";
import { startApp, type AppOptions } from "../src/servers/app.js";
import { startProxy, type ProxyOptions } from "../src/servers/proxy.js";

export type BenchServerSpec =
  | { kind: "app"; options: AppOptions }
  | { kind: "proxy"; options: ProxyOptions }
  | { kind: "relay"; target: { host: string; port: number } }
  | { kind: "bare-node" };

/**
 * The floor of any proxy written for Node: bytes piped between two sockets, no HTTP at all. What it adds over the
 * bare app is what the runtime costs before a proxy does anything.
 */
function relay(target: { host: string; port: number }): Promise<string> {
  const server = createNetServer((client) => {
    const upstream = connect(target);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.pipe(upstream).on("error", () => client.destroy());
    upstream.pipe(client).on("error", () => upstream.destroy());
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)),
  );
}

const spec = JSON.parse(process.argv[2] ?? "{}") as BenchServerSpec;

function bareNode(): Promise<string> {
  // The least a Node server can do for the same answer: llhttp parses, the handler replies with the app's JSON shape.
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
    res.writeHead(200, {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Length": Buffer.byteLength(body),
      Server: "Kestrel",
    });
    res.end(body);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)),
  );
}

const url =
  spec.kind === "app"
    ? (await startApp(spec.options)).url
    : spec.kind === "proxy"
      ? (await startProxy(spec.options)).url
      : spec.kind === "relay"
        ? await relay(spec.target)
        : await bareNode();
process.on("message", (message) => {
  if (message === "cpu") {
    const usage = process.cpuUsage();
    process.send?.({ cpuUs: usage.user + usage.system });
  } else if (message === "exit") {
    process.exit(0);
  }
});
process.send?.({ url });
