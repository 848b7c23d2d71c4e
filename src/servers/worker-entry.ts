/** Runs one server (app or proxy) in a worker thread, so load generation never shares its event loop. */
import { parentPort, workerData } from "node:worker_threads";
import { startServerOfSpec, type ServerSpec, type WorkerRequest, type WorkerResponse } from "./isolated.js";

const port = parentPort!;
const spec = workerData as ServerSpec;

function post(message: WorkerResponse): void {
  port.postMessage(message);
}

try {
  const server = await startServerOfSpec(spec);
  port.on("message", (message: WorkerRequest) => {
    if (message.type === "counts") {
      post({ type: "counts", id: message.id, counts: Object.fromEntries(server.counts) });
    } else if (message.type === "close") {
      void server.close().then(() => {
        post({ type: "closed" });
        port.close();
      });
    }
  });
  post({ type: "ready", url: server.url, port: server.port });
} catch (error) {
  post({
    type: "error",
    message: (error as Error).message,
    code: (error as NodeJS.ErrnoException).code ?? "ERR_SERVER_START",
  });
}
