/** Phase 1: load. Reads spec files into raw values with locators; syntax errors become problems. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Problem } from "../errors.js";
import type { LoadedSpec } from "./source.js";
import { loadYamlSpec } from "./yaml.js";

export { dagIdOfFile, discoverSpecFiles } from "./discover.js";
export type { LoadedSpec, Locator, Position, SpecPath } from "./source.js";
export { formatPath } from "./source.js";

/** Loads one spec file. Returns problems instead of throwing for anything wrong with the file. */
export async function loadSpec(absolutePath: string, cwd: string): Promise<LoadedSpec | Problem[]> {
  const file = path.relative(cwd, absolutePath).split(path.sep).join("/");
  let text: string;
  try {
    text = await readFile(absolutePath, "utf8");
  } catch (error) {
    return [
      {
        file,
        line: 0,
        column: 0,
        path: "",
        message: `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      },
    ];
  }
  if (!absolutePath.endsWith(".ts")) return loadYamlSpec(file, text);
  // The TypeScript loader (sucrase, jiti, and the TypeScript parser for positions) is large: load it only for .ts specs.
  const { loadTypeScriptSpec } = await import("./typescript.js");
  return loadTypeScriptSpec(file, absolutePath, text);
}
