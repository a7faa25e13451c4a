/**
 * Folders and single files that pipegen writes (the bundle, `schema --out`,
 * `graph --out`, `init`), with file-system failures reported as OutputError.
 */
import { mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors.js";

/** A folder or file cannot be read or written: the machine or the flags are at fault, not the specs. */
export class OutputError extends UserError {
  override readonly name = "OutputError";
}

/**
 * `mkdir -p`, one folder at a time from the deepest one that exists. Node's
 * own recursive mkdir never returns for a path it cannot create under /proc.
 */
export async function makeDirectory(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    // ENOTDIR: a file further up; go on up to name it.
    const info = await stat(at).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
      throw error;
    });
    if (info?.isDirectory()) break;
    if (info) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${at}'`), { code: "ENOTDIR", path: at });
    missing.push(at);
    if (path.dirname(at) === at) break;
  }
  for (const folder of missing.reverse())
    await mkdir(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
}

/**
 * Writes one file, making its folder first.
 * @throws {OutputError} when that cannot be done
 */
export async function writeOutputFile(file: string, content: string): Promise<void> {
  try {
    await makeDirectory(path.dirname(file));
    await writeFile(file, content);
  } catch (error) {
    throw asOutputError(error, `cannot write ${file}`);
  }
}

const REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "the file system is read-only",
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is used up",
  ENOTDIR: "a part of the path is a file, not a folder",
  ENOENT: "a folder on the path cannot be created there",
  EISDIR: "a folder is in the way of a file",
};

/**
 * A file-system error as an OutputError: `what` (e.g. "cannot write dist"),
 * the cause, and the path it concerns when that is another one; `after` ends
 * the sentence. Anything but a file-system error is returned as it is: a bug.
 */
export function asOutputError(error: unknown, what: string, after = ""): unknown {
  const { code, path: where } = (error ?? {}) as NodeJS.ErrnoException;
  if (typeof code !== "string" || !code.startsWith("E")) return error;
  const onPath = where && !what.endsWith(where) ? ` (${where})` : "";
  return new OutputError(`${what}: ${REASONS[code] ?? code}${onPath}${after}`);
}

/** Runs `work` on every item, at most 64 at a time (enough to keep the disk busy, few enough file handles). */
export async function inBatches<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += 64) results.push(...(await Promise.all(items.slice(i, i + 64).map(work))));
  return results;
}
