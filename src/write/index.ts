/**
 * Phase 5: write. Puts a rendered bundle on disk, or checks that the disk
 * already holds it. The output folder belongs to pipegen: files in it that
 * the render did not produce are stale.
 */
import { randomBytes } from "node:crypto";
import { link, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { RenderedFile } from "../render/bundle.js";
import { asOutputError, makeDirectory } from "./files.js";

export { OutputError } from "./files.js";

export interface FileChange {
  readonly path: string;
  readonly reason: "changed" | "missing" | "extra";
}

export interface WriteResult {
  readonly written: readonly FileChange[];
  readonly unchanged: number;
}

/** Compares the rendered files with the output folder. */
export async function diffBundle(
  outDir: string,
  files: readonly RenderedFile[],
): Promise<{ changes: FileChange[]; unchanged: number }> {
  return diff(outDir, files).catch((error: unknown) => {
    throw asOutputError(error, `cannot read the output folder ${outDir}`, "; nothing was written");
  });
}

async function diff(
  outDir: string,
  files: readonly RenderedFile[],
): Promise<{ changes: FileChange[]; unchanged: number }> {
  const existing = new Set(await listFiles(outDir));
  const changes: FileChange[] = [];
  let unchanged = 0;
  const same = await inBatches(
    files,
    async (f) => existing.has(f.path) && (await readFile(path.join(outDir, f.path), "utf8")) === f.content,
  );
  files.forEach((f, i) => {
    if (!existing.has(f.path)) changes.push({ path: f.path, reason: "missing" });
    else if (!same[i]) changes.push({ path: f.path, reason: "changed" });
    else unchanged++;
    existing.delete(f.path);
  });
  for (const extra of existing) changes.push({ path: extra, reason: "extra" });
  changes.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { changes, unchanged };
}

/**
 * Writes the bundle atomically: the new tree is built beside the output
 * folder and swapped in with renames, so a failure leaves the previous bundle
 * as it was. When nothing changed, nothing is touched; unchanged files are
 * hard-linked so their timestamps survive.
 * @throws {OutputError} when the folder cannot be read or written
 */
export async function writeBundle(outDir: string, files: readonly RenderedFile[]): Promise<WriteResult> {
  const { changes, unchanged } = await diffBundle(outDir, files);
  if (changes.length === 0) return { written: [], unchanged };
  await swapIn(outDir, files, new Set(changes.map((c) => c.path))).catch((error: unknown) => {
    throw asOutputError(error, `cannot write the bundle to ${outDir}`, "; the previous bundle, if any, is as it was");
  });
  return { written: changes, unchanged };
}

async function swapIn(outDir: string, files: readonly RenderedFile[], changed: ReadonlySet<string>): Promise<void> {
  const suffix = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const staging = `${outDir}.pipegen-new-${suffix}`;
  const previous = `${outDir}.pipegen-old-${suffix}`;
  await makeDirectory(path.dirname(outDir));
  // Made on its own (not as part of a deeper folder), so that a folder left by someone else is never adopted.
  await mkdir(staging);
  try {
    for (const dir of new Set(files.map((f) => path.dirname(path.join(staging, f.path))))) await makeDirectory(dir);
    await inBatches(files, async (f) => {
      const target = path.join(staging, f.path);
      if (changed.has(f.path))
        await writeFile(target, f.content, { encoding: "utf8", mode: f.path.endsWith(".sh") ? 0o755 : 0o644 });
      else await link(path.join(outDir, f.path), target);
    });
    const hadPrevious = await rename(outDir, previous).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return false;
        throw error;
      },
    );
    try {
      await rename(staging, outDir);
    } catch (error) {
      // Put the previous bundle back before reporting.
      if (hadPrevious) await rename(previous, outDir).catch(() => undefined);
      throw error;
    }
    if (hadPrevious) await rm(previous, { recursive: true, force: true });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Runs `work` on every item, at most 64 at a time (enough to keep the disk busy, few enough file handles). */
async function inBatches<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += 64) results.push(...(await Promise.all(items.slice(i, i + 64).map(work))));
  return results;
}

/** Every file under a folder, as forward-slash paths relative to it; empty when it does not exist. */
async function listFiles(root: string, prefix = ""): Promise<string[]> {
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(path.join(root, prefix), { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const out: string[] = [];
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(root, rel)));
    else out.push(rel);
  }
  return out;
}
