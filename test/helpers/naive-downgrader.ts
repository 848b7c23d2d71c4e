/**
 * A broken HTTP/2 front door for tests: it reads frames and HPACK without any RFC 9113 check and writes each stream
 * to one shared keep-alive HTTP/1.1 connection to the app with every field verbatim (CR, LF, transfer-encoding and
 * content-length included), answers matched in order. What a careless downgrade does, on real sockets.
 */
import { createServer, connect, type Server, type Socket } from "node:net";
import { CLIENT_PREFACE, dataFrame, dataPayload, FLAG, FRAME_TYPE, headerBlockFragment, headersFrame, readFrames, settingsFrame } from "../../src/http2/frames.js";
import { createHeaderBlockDecoder, encodeHeaderBlock, type FieldLine } from "../../src/http2/hpack.js";
import { parseResponses } from "../../src/runners/probes/raw-response.js";

function http1Request(fields: readonly FieldLine[], body: Buffer): Buffer {
  const pseudo = new Map(fields.filter(([name]) => name.startsWith(":")));
  const regular = fields.filter(([name]) => !name.startsWith(":"));
  const hasHost = regular.some(([name]) => name === "host");
  const hasLength = regular.some(([name]) => name === "content-length" || name === "transfer-encoding");
  let head = `${pseudo.get(":method")} ${pseudo.get(":path")} HTTP/1.1\r\n`;
  if (!hasHost && pseudo.has(":authority")) head += `host: ${pseudo.get(":authority")}\r\n`;
  for (const [name, value] of regular) head += `${name}: ${value}\r\n`;
  if (!hasLength && body.length > 0) head += `content-length: ${body.length}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`, "latin1"), body]);
}

function serve(client: Socket, appPort: number): void {
  const upstream = connect({ host: "127.0.0.1", port: appPort });
  const decoder = createHeaderBlockDecoder();
  const waiting: number[] = [];
  const streams = new Map<number, { fields: FieldLine[]; body: Buffer[] }>();
  let answered = 0;
  let fromApp: Buffer = Buffer.alloc(0);
  let fromClient: Buffer = Buffer.alloc(0);
  let prefaceSeen = false;
  upstream.on("data", (chunk: Buffer) => {
    fromApp = Buffer.concat([fromApp, chunk]);
    const { responses } = parseResponses(fromApp);
    for (; answered < responses.length && waiting.length > 0; answered++) {
      const response = responses[answered]!;
      const id = waiting.shift()!;
      client.write(headersFrame(id, encodeHeaderBlock([[":status", String(response.status)]]), false));
      client.write(dataFrame(id, response.body, true));
    }
  });
  const send = (id: number): void => {
    const stream = streams.get(id)!;
    waiting.push(id);
    upstream.write(http1Request(stream.fields, Buffer.concat(stream.body)));
  };
  client.write(settingsFrame([]));
  client.on("data", (chunk: Buffer) => {
    fromClient = Buffer.concat([fromClient, chunk]);
    if (!prefaceSeen) {
      if (fromClient.length < CLIENT_PREFACE.length) return;
      fromClient = fromClient.subarray(CLIENT_PREFACE.length);
      prefaceSeen = true;
    }
    const { frames, rest } = readFrames(fromClient);
    fromClient = rest;
    for (const frame of frames) {
      if (frame.type === FRAME_TYPE.SETTINGS && !(frame.flags & FLAG.ACK)) client.write(settingsFrame([], true));
      if (frame.type === FRAME_TYPE.HEADERS) streams.set(frame.streamId, { fields: decoder.decode(headerBlockFragment(frame)), body: [] });
      if (frame.type === FRAME_TYPE.DATA) streams.get(frame.streamId)?.body.push(dataPayload(frame));
      if ((frame.type === FRAME_TYPE.HEADERS || frame.type === FRAME_TYPE.DATA) && frame.flags & FLAG.END_STREAM) send(frame.streamId);
    }
  });
  client.on("close", () => upstream.destroy());
  upstream.on("close", () => client.destroy());
  client.on("error", () => upstream.destroy());
  upstream.on("error", () => client.destroy());
}

export async function startNaiveDowngrader(appPort: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    serve(socket, appPort);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
