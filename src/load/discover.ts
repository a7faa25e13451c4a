/** Finds spec files: `*.pipeline.ts`, `*.pipeline.yaml` and `*.pipeline.yml`. */
import { readdir, readlink, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors.js";

export const SPEC_FILE = /\.pipeline\.(ts|ya?ml)$/;

/** Step template files: `*.template.ts`, found next to the specs. */
export const TEMPLATE_FILE = /\.template\.ts$/;

/** The DAG id a spec file must declare: its name without `.pipeline.<ext>`. */
export function dagIdOfFile(file: string): string {
  return path.basename(file).replace(SPEC_FILE, "");
}

/** A spec file found on disk: where it is, and its path as the user gave it, for messages and headers. */
export interface SpecFile {
  readonly absolute: string;
  /** The given path (relative or absolute, as written) joined with the file's path under it, with forward slashes. */
  readonly file: string;
}

/**
 * Expands files and folders into a sorted, de-duplicated list of spec files.
 * Folders are searched recursively, following symbolic links (each real
 * folder once, so a link to a parent does not loop; a file reached twice is
 * listed once). A named file that is not a spec, or a path that does not
 * exist, is a user error.
 */
export async function discoverSpecFiles(paths: readonly string[], cwd: string): Promise<SpecFile[]> {
  const found = new Map<string, SpecFile>();
  const add = async (absolute: string, file: string) => {
    // A dangling link is kept: loading it says where it points.
    const real = await realpath(absolute).catch(() => absolute);
    const known = found.get(real);
    if (!known) found.set(real, { absolute, file });
  };
  const missing: string[] = [];
  const visited = new Set<string>();
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    const info = await stat(absolute).catch(() => undefined);
    const shown = displayPath(given);
    if (!info) {
      // A link to nothing, named like a spec: loading it says where it points.
      const link = await readlink(absolute).catch(() => undefined);
      if (link !== undefined && SPEC_FILE.test(absolute)) await add(absolute, shown);
      else missing.push(link === undefined ? given : `${given} (a symbolic link to ${link}, which does not exist)`);
    } else if (info.isDirectory())
      for (const f of await walk(absolute, shown, visited, SPEC_FILE)) await add(f.absolute, f.file);
    else if (SPEC_FILE.test(absolute)) await add(absolute, shown);
    else
      throw new UserError(
        `${given} is not a spec file: spec files are named <dag_id>.pipeline.ts or <dag_id>.pipeline.yaml`,
      );
  }
  if (missing.length > 0) throw new UserError(`no such file or folder: ${missing.join(", ")}`);
  if (found.size === 0)
    throw new UserError(`no spec files (*.pipeline.ts, *.pipeline.yaml) found in ${paths.join(", ")}`);
  return [...found.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** A path as the user gave it, normalized (`./pipelines/` → `pipelines`), with forward slashes. */
function displayPath(given: string): string {
  return path.normalize(given).split(path.sep).join("/").replace(/\/$/, "") || ".";
}

/** Breadth first, so that a file reached by several routes is shown by the shortest. */
async function walk(root: string, shown: string, visited: Set<string>, pattern: RegExp): Promise<SpecFile[]> {
  const out: SpecFile[] = [];
  const queue = [{ dir: root, shown }];
  for (let i = 0; i < queue.length; i++) {
    const { dir, shown: here } = queue[i]!;
    const real = await realpath(dir);
    if (visited.has(real)) continue;
    visited.add(real);
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      if (e.name.startsWith(".") || e.name === "node_modules") continue;
      const full = path.join(dir, e.name);
      const file = here === "." ? e.name : `${here}/${e.name}`;
      // Follow links: a linked folder is searched, a link named like a spec is a spec (even when it points nowhere).
      const target = e.isSymbolicLink() ? await stat(full).catch(() => undefined) : e;
      if (target?.isDirectory()) queue.push({ dir: full, shown: file });
      else if (pattern.test(e.name)) out.push({ absolute: full, file });
    }
  }
  return out;
}

/**
 * The step template files (`*.template.ts`) a run reads: every one under the
 * folders it is given, and under the folder of each spec file it is given,
 * so that `pipegen validate pipelines/a.pipeline.yaml` sees the templates
 * `pipegen validate pipelines` sees. Paths that do not exist are left to
 * discoverSpecFiles to report.
 */
export async function discoverTemplateFiles(paths: readonly string[], cwd: string): Promise<SpecFile[]> {
  const found = new Map<string, SpecFile>();
  const visited = new Set<string>();
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    const info = await stat(absolute).catch(() => undefined);
    if (!info) continue;
    const [folder, shown] = info.isDirectory()
      ? [absolute, displayPath(given)]
      : [path.dirname(absolute), displayPath(path.dirname(given))];
    for (const f of await walk(folder, shown, visited, TEMPLATE_FILE)) {
      const real = await realpath(f.absolute).catch(() => f.absolute);
      if (!found.has(real)) found.set(real, f);
    }
  }
  return [...found.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}
