/** Finds spec files: `*.pipeline.ts`, `*.pipeline.yaml` and `*.pipeline.yml`. */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors.js";

export const SPEC_FILE = /\.pipeline\.(ts|ya?ml)$/;

/** The DAG id a spec file must declare: its name without `.pipeline.<ext>`. */
export function dagIdOfFile(file: string): string {
  return path.basename(file).replace(SPEC_FILE, "");
}

/**
 * Expands files and folders into a sorted, de-duplicated list of spec files.
 * Folders are searched recursively. A named file that is not a spec, or a
 * path that does not exist, is a user error.
 */
export async function discoverSpecFiles(paths: readonly string[], cwd: string): Promise<string[]> {
  const found = new Set<string>();
  const missing: string[] = [];
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    const info = await stat(absolute).catch(() => undefined);
    if (!info) missing.push(given);
    else if (info.isDirectory()) for (const f of await walk(absolute)) found.add(f);
    else if (SPEC_FILE.test(absolute)) found.add(absolute);
    else
      throw new UserError(
        `${given} is not a spec file: spec files are named <dag_id>.pipeline.ts or <dag_id>.pipeline.yaml`,
      );
  }
  if (missing.length > 0) throw new UserError(`no such file or folder: ${missing.join(", ")}`);
  if (found.size === 0)
    throw new UserError(`no spec files (*.pipeline.ts, *.pipeline.yaml) found in ${paths.join(", ")}`);
  return [...found].sort();
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith(".") || e.name === "node_modules") continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(full)));
    else if (SPEC_FILE.test(e.name)) out.push(full);
  }
  return out;
}
