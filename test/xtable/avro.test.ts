/**
 * The Avro reader under `xtable verify`: Iceberg writes manifests with the
 * deflate codec by default (the fixtures in verify.test.ts use it), or
 * snappy; 63-bit snapshot ids must survive. No snappy compressor is installed
 * here, so the snappy blocks below are literal-only snappy streams, which
 * are valid snappy that any decoder must read.
 */

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import zlib from "node:zlib";
import avro from "avsc";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAvroFile } from "../../src/xtable/verify/avro.js";

const SCHEMA = {
  type: "record",
  name: "manifest_file",
  fields: [
    { name: "manifest_path", type: "string" },
    { name: "added_snapshot_id", type: "long" },
  ],
} as const;

/** A snappy stream of literals only: varint length, then literal chunks of at most 60 bytes. */
function snappyLiteral(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let n = data.length;
  const varint: number[] = [];
  do {
    varint.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  parts.push(Buffer.from(varint));
  for (let i = 0; i < data.length; i += 60) {
    const chunk = data.subarray(i, i + 60);
    parts.push(Buffer.from([(chunk.length - 1) << 2]), chunk);
  }
  return Buffer.concat(parts);
}

const crc32 = (zlib as unknown as { crc32: (d: Buffer) => number }).crc32;

async function encode(file: string, codec: string, compress: (b: Buffer) => Buffer, records: unknown[]): Promise<void> {
  // Longs as bigints on the way in too, so the test writes exact 63-bit ids.
  const longType = avro.types.LongType.__with({
    fromBuffer: (b: Buffer) => b.readBigInt64LE(),
    toBuffer: (v: bigint) => {
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(v);
      return b;
    },
    fromJSON: BigInt,
    toJSON: Number,
    isValid: (v: unknown) => typeof v === "bigint",
    compare: () => 0,
  });
  const type = avro.Type.forSchema(SCHEMA as unknown as avro.Schema, { registry: { long: longType } as never });
  const chunks: Buffer[] = [];
  const encoder = new avro.streams.BlockEncoder(type, {
    codec,
    codecs: { [codec]: (b: Buffer, cb: (e: Error | null, r?: Buffer) => void) => cb(null, compress(b)) },
  });
  encoder.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => encoder.on("end", resolve));
  for (const r of records) encoder.write(r);
  encoder.end();
  await done;
  await writeFile(file, Buffer.concat(chunks));
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pipegen-avro-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const records = [
  { manifest_path: "file:/lake/t/metadata/a-m0.avro", added_snapshot_id: 7268084192184005010n },
  { manifest_path: `file:/lake/t/metadata/${"b".repeat(100)}-m0.avro`, added_snapshot_id: 1n },
];

describe("readAvroFile", () => {
  it("reads the snappy codec (block + big-endian CRC-32) and keeps 63-bit longs exact", async () => {
    const file = join(dir, "snappy.avro");
    await encode(
      file,
      "snappy",
      (b) => {
        const crc = Buffer.alloc(4);
        crc.writeUInt32BE(crc32(b));
        return Buffer.concat([snappyLiteral(b), crc]);
      },
      records,
    );
    const read = await readAvroFile(file);
    expect(read.metadata["avro.codec"]).toBe("snappy");
    expect(read.records.map((r) => ({ ...r }))).toEqual(records);
  });

  it("rejects a snappy block whose checksum does not match", async () => {
    const file = join(dir, "bad-crc.avro");
    await encode(file, "snappy", (b) => Buffer.concat([snappyLiteral(b), Buffer.from([0, 0, 0, 0])]), records);
    await expect(readAvroFile(file)).rejects.toThrow(/checksum/);
  });

  it("reads deflate", async () => {
    const file = join(dir, "deflate.avro");
    await encode(file, "deflate", (b) => zlib.deflateRawSync(b), records);
    expect((await readAvroFile(file)).records.map((r) => r.added_snapshot_id)).toEqual([7268084192184005010n, 1n]);
  });

  it("names a codec it cannot read", async () => {
    const file = join(dir, "bzip2.avro");
    await encode(file, "bzip2", (b) => b, records);
    await expect(readAvroFile(file)).rejects.toThrow(/codec/);
  });

  it("rejects a file cut off inside its header", async () => {
    const file = join(dir, "cut.avro");
    await writeFile(file, Buffer.from("Obj\x01\x04", "latin1"));
    await expect(readAvroFile(file)).rejects.toThrow("it is truncated or not an Avro container file");
  });
});
