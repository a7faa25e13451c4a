/**
 * Reads Avro object container files (Iceberg manifest lists and manifests)
 * with avsc. Two things avsc does not do out of the box:
 *
 * - Avro `long`s become bigints: Iceberg snapshot ids are random 63-bit
 *   numbers that a JavaScript number cannot hold.
 * - The `snappy` codec (Iceberg's `write.avro.compression-codec=snappy`);
 *   `deflate` (Iceberg's default, "gzip") is avsc's own, and `zstandard`
 *   works where the running Node has zstd (22.15+).
 */

import { readFile } from "node:fs/promises";
import zlib from "node:zlib";
import avro from "avsc";
import { snappyUncompress } from "hyparquet";

const BigIntLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (n: number | string) => BigInt(n),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === "bigint",
  compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
});

type Callback = (err: Error | null, value?: Buffer) => void;

/** Avro's snappy framing: the compressed block, then the CRC-32 (big-endian) of the uncompressed data. */
function snappy(buffer: Buffer, cb: Callback): void {
  try {
    const body = buffer.subarray(0, buffer.length - 4);
    // The raw snappy stream starts with the uncompressed length as a varint.
    let length = 0;
    for (let i = 0, shift = 0; i < 5; i++, shift += 7) {
      const byte = body[i]!;
      length += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) break;
    }
    const out = new Uint8Array(length);
    snappyUncompress(body, out);
    const crc32 = (zlib as unknown as { crc32?: (d: Uint8Array) => number }).crc32;
    if (crc32 && crc32(out) !== buffer.readUInt32BE(buffer.length - 4))
      throw new Error("snappy block checksum mismatch");
    cb(null, Buffer.from(out.buffer, out.byteOffset, out.byteLength));
  } catch (error) {
    cb(error as Error);
  }
}

const zstdDecompress = (zlib as unknown as { zstdDecompress?: (b: Buffer, cb: Callback) => void }).zstdDecompress;

const CODECS = {
  null: (buffer: Buffer, cb: Callback) => cb(null, buffer),
  deflate: (buffer: Buffer, cb: Callback) => zlib.inflateRaw(buffer, cb),
  snappy,
  ...(zstdDecompress ? { zstandard: (buffer: Buffer, cb: Callback) => zstdDecompress(buffer, cb) } : {}),
};

/** The header metadata (`iceberg.schema`, `partition-spec`, …) and records of an Avro container file. */
export interface AvroFile {
  readonly metadata: Readonly<Record<string, string>>;
  readonly records: readonly Record<string, unknown>[];
}

/**
 * Reads a whole Avro container file.
 * @throws {Error} when the file cannot be read or decoded (the codec is named when it is unsupported)
 */
export async function readAvroFile(path: string): Promise<AvroFile> {
  // Read first: errors of a piped file stream would not reach the decoder.
  return decodeAvro(await readFile(path));
}

/**
 * Decodes a whole Avro container file from its bytes.
 * @throws {Error} when it cannot be decoded (the codec is named when it is unsupported)
 */
export function decodeAvro(bytes: Buffer): Promise<AvroFile> {
  return new Promise((resolvePromise, reject) => {
    const records: Record<string, unknown>[] = [];
    let metadata: Record<string, string> = {};
    const decoder = new avro.streams.BlockDecoder({
      codecs: CODECS as unknown as Record<string, (b: Buffer, cb: (e: unknown, v?: Buffer) => void) => void>,
      parseHook: (schema) => avro.Type.forSchema(schema as avro.Schema, { registry: { long: BigIntLong } as never }),
    });
    let sawHeader = false;
    decoder.on("metadata", (_type: unknown, codec: string, header: { meta: Record<string, Buffer> }) => {
      sawHeader = true;
      if (!(codec in CODECS)) {
        decoder.destroy(new Error(`its Avro codec '${codec}' is not supported here`));
        return;
      }
      metadata = Object.fromEntries(Object.entries(header.meta).map(([k, v]) => [k, v.toString("utf8")]));
    });
    decoder.on("data", (record: Record<string, unknown>) => records.push(record));
    // avsc wraps codec failures as "<codec> codec decompression error" with the reason as cause.
    decoder.on("error", (error: Error & { cause?: unknown }) =>
      reject(error.cause instanceof Error ? new Error(`${error.message}: ${error.cause.message}`) : error),
    );
    // avsc waits for more input instead of failing on a cut-off header or block.
    decoder.on("end", () =>
      sawHeader
        ? resolvePromise({ metadata, records })
        : reject(new Error("it is truncated or not an Avro container file")),
    );
    decoder.end(bytes);
  });
}
