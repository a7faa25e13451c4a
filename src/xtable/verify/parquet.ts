/**
 * Reads Parquet files (Delta checkpoints) with hyparquet. hyparquet decodes
 * SNAPPY itself; GZIP and BROTLI come from node:zlib, and ZSTD too where the
 * running Node has it (22.15+).
 */

import zlib from "node:zlib";
import { type Compressors, parquetMetadata, parquetReadObjects } from "hyparquet";

const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Uint8Array) => Buffer }).zstdDecompressSync;

const COMPRESSORS: Compressors = {
  GZIP: (input) => new Uint8Array(zlib.gunzipSync(input)),
  BROTLI: (input) => new Uint8Array(zlib.brotliDecompressSync(input)),
  ...(zstd ? { ZSTD: (input: Uint8Array) => new Uint8Array(zstd(input)) } : {}),
};

/**
 * The rows of a Parquet file's bytes as objects, for the top-level columns in
 * `wanted` that the file has (structs become objects, maps plain objects,
 * INT64 values bigints).
 */
export async function parquetRows(bytes: Uint8Array, wanted: readonly string[]): Promise<Record<string, unknown>[]> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(file);
  // schema[0] is the root; its direct children are the top-level columns.
  const present = new Set<string>();
  let i = 1;
  while (i < metadata.schema.length) {
    const element = metadata.schema[i]!;
    present.add(element.name);
    i = skipSubtree(metadata.schema, i);
  }
  const columns = wanted.filter((c) => present.has(c));
  if (columns.length === 0) return [];
  return (await parquetReadObjects({ file, metadata, columns, compressors: COMPRESSORS })) as Record<string, unknown>[];
}

/** Index just past the schema element at `i` and all its descendants. */
function skipSubtree(schema: readonly { num_children?: number }[], i: number): number {
  let remaining = 1;
  while (remaining > 0) {
    remaining += (schema[i]!.num_children ?? 0) - 1;
    i++;
  }
  return i;
}
