/**
 * HPACK for raw probes (RFC 7541): requests are encoded as literals without indexing and without Huffman coding, so
 * every byte of every name and value goes on the wire exactly as given (CR, LF, NUL, uppercase, a colon);
 * answers are decoded with hpack.js (dynamic table and Huffman), one decoder per connection.
 */
import hpack from "hpack.js";

export type FieldLine = [name: string, value: string];

/** An integer with an N-bit prefix (RFC 7541 §5.1); `high` holds the bits above the prefix. */
export function encodeInteger(value: number, prefixBits: number, high = 0): Buffer {
  const max = (1 << prefixBits) - 1;
  if (value < max) return Buffer.from([high | value]);
  const bytes = [high | max];
  let rest = value - max;
  while (rest >= 128) {
    bytes.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function stringLiteral(text: string): Buffer {
  const bytes = Buffer.from(text, "latin1");
  return Buffer.concat([encodeInteger(bytes.length, 7), bytes]);
}

/** One field as a literal without indexing, new name (RFC 7541 §6.2.2), bytes taken as latin1. */
export function literalField([name, value]: FieldLine): Buffer {
  return Buffer.concat([Buffer.from([0x00]), stringLiteral(name), stringLiteral(value)]);
}

/** A header block of literal fields in the order given (pseudo-headers included, wherever they are put). */
export function encodeHeaderBlock(fields: readonly FieldLine[]): Buffer {
  return Buffer.concat(fields.map(literalField));
}

export interface HeaderBlockDecoder {
  /** The fields of one complete header block; throws on a malformed block. */
  decode(block: Buffer): FieldLine[];
}

export function createHeaderBlockDecoder(): HeaderBlockDecoder {
  const decompressor = hpack.decompressor.create({ table: { size: 4096 } });
  return {
    decode(block) {
      decompressor.write(block);
      decompressor.execute();
      const fields: FieldLine[] = [];
      for (let field = decompressor.read(); field !== null; field = decompressor.read()) fields.push([field.name, field.value]);
      return fields;
    },
  };
}
