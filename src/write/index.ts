/**
 * Phase 5: write. Puts a rendered bundle on disk, or checks that the disk
 * already holds it. pipegen owns only what it wrote in the output folder
 * (ownership.ts): a folder holding anything else is refused before anything
 * is written, and stale files are removed only when pipegen wrote them.
 */
import { randomBytes } from "node:crypto";
import { link, lstat, mkdir, readFile, realpath, rename, rm, rmdir, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { RenderedFile } from "../render/bundle.js";
import { asOutputError, inBatches, makeDirectory, writeOutputFile } from "./files.js";
import {
  claimFile,
  claimFolder,
  type FileKind,
  type FolderKind,
  ForeignOutputError,
  MANIFEST,
  manifestFor,
  type OwnedFolder,
} from "./ownership.js";

export { OutputError } from "./files.js";
export { type FileKind, type FolderKind, ForeignOutputError, MANIFEST } from "./ownership.js";

export interface FileChange {
  readonly path: string;
  readonly reason: "changed" | "missing" | "extra";
}

export interface WriteResult {
  readonly written: readonly FileChange[];
  readonly unchanged: number;
  /**
   * Set when files pipegen did not write appeared in the output folder while
   * it was being replaced: the previous folder, kept under this name with
   * them (pipegen's own files removed from it).
   */
  readonly kept?: string;
}

export interface OutputOptions {
  /** What the folder holds (default `bundle`): decides how a folder from before the manifest is recognised. */
  readonly kind?: FolderKind;
  /** How the user named the folder, for messages, e.g. `--out dist`. */
  readonly label?: string;
}

interface Comparison {
  readonly dir: string;
  readonly changes: FileChange[];
  readonly unchanged: number;
  readonly owned: OwnedFolder;
  readonly manifestCurrent: boolean;
}

/**
 * Compares the rendered files with the files pipegen owns in the output folder.
 * @throws {ForeignOutputError} when the folder holds anything pipegen did not write
 * @throws {OutputError} when the folder cannot be read
 */
export async function diffBundle(
  outDir: string,
  files: readonly RenderedFile[],
  options: OutputOptions = {},
): Promise<{ changes: FileChange[]; unchanged: number }> {
  const { changes, unchanged } = await compare(outDir, files, options);
  return { changes, unchanged };
}

async function compare(outDir: string, files: readonly RenderedFile[], options: OutputOptions): Promise<Comparison> {
  if (files.some((f) => f.path === MANIFEST))
    throw new Error(`a rendered file is named ${MANIFEST}, the manifest's name`);
  try {
    const dir = await followLink(outDir, options.label ?? outDir);
    const owned = await claimFolder(dir, options.kind ?? "bundle", options.label ?? outDir);
    const existing = new Set(owned.files);
    const changes: FileChange[] = [];
    let unchanged = 0;
    const same = await inBatches(
      files,
      async (f) => existing.has(f.path) && (await readFile(path.join(dir, f.path), "utf8")) === f.content,
    );
    files.forEach((f, i) => {
      if (!existing.has(f.path)) changes.push({ path: f.path, reason: "missing" });
      else if (!same[i]) changes.push({ path: f.path, reason: "changed" });
      else unchanged++;
      existing.delete(f.path);
    });
    for (const extra of existing) changes.push({ path: extra, reason: "extra" });
    changes.sort((a, b) => (a.path < b.path ? -1 : 1));
    const manifest = await readFile(path.join(dir, MANIFEST), "utf8").catch(() => undefined);
    return { dir, changes, unchanged, owned, manifestCurrent: manifest === manifestFor(files.map((f) => f.path)) };
  } catch (error) {
    throw asOutputError(error, `cannot read the output folder ${outDir}`, "; nothing was written");
  }
}

/**
 * An output folder given as a symbolic link is the folder it leads to: that
 * one is replaced, and the link stays as the user made it.
 */
async function followLink(outDir: string, label: string): Promise<string> {
  return realpath(outDir).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
    if ((await lstat(outDir).catch(() => undefined))?.isSymbolicLink())
      throw new ForeignOutputError(
        `${label} is a symbolic link to a folder that does not exist; nothing was written. Make that folder, or give --out a folder of its own`,
      );
    return path.resolve(outDir);
  });
}

/**
 * Writes the bundle atomically: the new tree, with its manifest, is built
 * beside the output folder and swapped in with renames, so a failure leaves
 * the previous bundle as it was. When nothing changed, nothing is touched
 * (but a missing or outdated manifest is written); unchanged files are
 * hard-linked so their timestamps survive.
 * @throws {ForeignOutputError} when the folder holds anything pipegen did not write
 * @throws {OutputError} when the folder cannot be read or written
 */
export async function writeBundle(
  outDir: string,
  files: readonly RenderedFile[],
  options: OutputOptions = {},
): Promise<WriteResult> {
  const { dir, changes, unchanged, owned, manifestCurrent } = await compare(outDir, files, options);
  const manifest = manifestFor(files.map((f) => f.path));
  try {
    if (changes.length === 0) {
      if (!manifestCurrent) await replaceFile(path.join(dir, MANIFEST), manifest);
      return { written: [], unchanged };
    }
    const kept = await swapIn(dir, files, manifest, new Set(changes.map((c) => c.path)), owned);
    return kept ? { written: changes, unchanged, kept } : { written: changes, unchanged };
  } catch (error) {
    throw asOutputError(error, `cannot write the bundle to ${outDir}`, "; the previous bundle, if any, is as it was");
  }
}

/** Writes a file in place of another by a rename, so that it is never half-written. */
async function replaceFile(file: string, content: string): Promise<void> {
  const temporary = `${file}.pipegen-${process.pid}-${randomBytes(4).toString("hex")}`;
  await writeFile(temporary, content);
  await rename(temporary, file).catch(async (error: unknown) => {
    await rm(temporary, { force: true });
    throw error;
  });
}

/** Returns the previous folder's name when it could not be removed because foreign files appeared in it. */
async function swapIn(
  outDir: string,
  files: readonly RenderedFile[],
  manifest: string,
  changed: ReadonlySet<string>,
  owned: OwnedFolder,
): Promise<string | undefined> {
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
    await writeFile(path.join(staging, MANIFEST), manifest);
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
    // The new bundle is in place: a failure from here on only leaves the previous folder behind.
    return hadPrevious ? await removeOwned(previous, owned).catch(() => previous) : undefined;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Empties the previous output folder of pipegen's files and folders, and
 * removes it. Nothing else is deleted: a file that appeared after the folder
 * was checked stays, and so does the folder (its name is returned).
 */
async function removeOwned(folder: string, owned: OwnedFolder): Promise<string | undefined> {
  await inBatches([...owned.files, MANIFEST], (f) =>
    unlink(path.join(folder, f)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    }),
  );
  // Deepest first; rmdir removes only an empty folder, so anything else stays where it is.
  for (const d of [...owned.folders, "."])
    try {
      await rmdir(path.join(folder, d));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST" && code !== "ENOENT") throw error;
    }
  return (await lstat(folder).catch(() => undefined)) ? folder : undefined;
}

/**
 * Writes one file among the user's own (`schema --out`, `graph --out`):
 * only where there is none yet, or where pipegen wrote one of this kind.
 * @throws {ForeignOutputError} when another file is there
 * @throws {OutputError} when it cannot be written
 */
export async function writeOwnedFile(file: string, content: string, kind: FileKind, label = file): Promise<void> {
  await claimFile(file, kind, label).catch((error: unknown) => {
    throw asOutputError(error, `cannot read ${file}`, "; nothing was written");
  });
  await writeOutputFile(file, content);
}
