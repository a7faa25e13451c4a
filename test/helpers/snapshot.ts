/** What a folder holds, to prove byte for byte that a command left it alone. */
import { createHash } from "node:crypto";
import { readdir, readFile, readlink } from "node:fs/promises";
import path from "node:path";

/** Every entry under a folder, links as links: path → content hash, link target, or "dir". */
export async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string): Promise<void> => {
    for (const e of await readdir(path.join(root, rel), { withFileTypes: true })) {
      const p = path.join(rel, e.name);
      if (e.isSymbolicLink()) out[p] = `-> ${await readlink(path.join(root, p))}`;
      else if (e.isDirectory()) {
        out[p] = "dir";
        await walk(p);
      } else
        out[p] = createHash("sha256")
          .update(await readFile(path.join(root, p)))
          .digest("hex");
    }
  };
  await walk("");
  return out;
}
