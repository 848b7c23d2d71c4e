/** The part of hpack.js (no bundled types) that edgebench uses: the decompressor. */
declare module "hpack.js" {
  interface DecodedField {
    name: string;
    value: string;
  }
  interface Decompressor {
    write(chunk: Buffer): void;
    execute(): void;
    read(): DecodedField | null;
  }
  const hpack: { decompressor: { create(options: { table: { size: number } }): Decompressor } };
  export default hpack;
}
