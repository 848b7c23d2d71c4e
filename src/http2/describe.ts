/** A stream's frames as readable text for documentation: each field line as sent, then the DATA. */
import { dataPayload, FRAME_TYPE, headerBlockFragment, readFrames } from "./frames.js";
import { createHeaderBlockDecoder } from "./hpack.js";

/** `HEADERS` with one field line each (bytes escaped by `escape`), `DATA` with its payload, END_STREAM marked. */
export function describeFrames(bytes: Buffer, escape: (bytes: Buffer) => string): string {
  const decoder = createHeaderBlockDecoder();
  const lines: string[] = [];
  for (const frame of readFrames(bytes).frames) {
    const end = frame.flags & 0x1 ? " END_STREAM" : "";
    if (frame.type === FRAME_TYPE.HEADERS) {
      lines.push(`HEADERS stream ${frame.streamId}${end}`);
      for (const [name, value] of decoder.decode(headerBlockFragment(frame))) {
        // One field line stays one line: an escaped CR LF inside a value must not look like a new field.
        lines.push(`  ${escape(Buffer.from(`${name}: ${value}`, "latin1")).replace(/\n/g, "")}`);
      }
    } else if (frame.type === FRAME_TYPE.DATA) {
      lines.push(`DATA stream ${frame.streamId}${end}`, `  ${escape(dataPayload(frame)).replace(/\n/g, "\n  ")}`);
    }
  }
  return lines.join("\n");
}
