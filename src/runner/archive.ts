/**
 * The runner archive: one zip of the runner folder (the launcher jar beside
 * every jar it needs), with bytes that depend on the files' names and
 * contents only, so that its SHA-256 can be pinned in the repository and
 * checked on every MWAA worker.
 *
 * - Entries are sorted by path and stored, not deflated: jars are zips
 *   already (deflating them again saves about 10 %), and stored entries make
 *   the bytes independent of any compressor's version.
 * - Every entry has the same timestamp (1980-01-01 00:00, the first DOS date,
 *   without the extended-timestamp field) and mode (0644); zip has no owners.
 * - Zip, not tar: MWAA's images ship `unzip` but no `tar`
 *   (aws/amazon-mwaa-docker-images, images/airflow/<version>/BillOfMaterials).
 *
 * yazl writes the zip: a small, long-kept zip writer that takes the
 * timestamp, mode and compression of each entry from the caller.
 */
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import yazl from "yazl";

/**
 * Local time on purpose: zip stores a DOS date in local-time fields, and
 * yazl converts with the local getters, so a Date built from local fields
 * comes out as 1980-01-01 00:00 in every time zone.
 */
const ENTRY_TIME = (): Date => new Date(1980, 0, 1, 0, 0, 0);
const ENTRY_MODE = 0o100644;

/** The archive's bytes and their identity. */
export interface RunnerArchive {
  readonly bytes: Buffer;
  /** Hex SHA-256 of `bytes`. */
  readonly sha256: string;
  readonly size: number;
  /** Entries, in archive order. */
  readonly entries: readonly string[];
}

/**
 * Packs a runner folder. Sub-folders are packed with their paths; links are
 * followed; nothing but regular files is packed.
 * @throws when the folder cannot be read
 */
export async function packRunner(dir: string): Promise<RunnerArchive> {
  const entries = (await listFiles(dir)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const zip = new yazl.ZipFile();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    zip.outputStream.on("data", (c: Buffer) => chunks.push(c));
    zip.outputStream.on("end", resolve);
    zip.outputStream.on("error", reject);
  });
  for (const entry of entries)
    zip.addBuffer(await readFile(path.join(dir, entry)), entry, {
      mtime: ENTRY_TIME(),
      mode: ENTRY_MODE,
      compress: false,
      forceDosTimestamp: true,
    });
  zip.end();
  await done;
  const bytes = Buffer.concat(chunks);
  return { bytes, sha256: createHash("sha256").update(bytes).digest("hex"), size: bytes.length, entries };
}

async function listFiles(dir: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    const kind = e.isSymbolicLink() ? await stat(path.join(dir, p)) : e;
    if (kind.isDirectory()) out.push(...(await listFiles(dir, p)));
    else if (kind.isFile()) out.push(p);
  }
  return out;
}
