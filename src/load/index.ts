/** Phase 1: load. Reads spec files into raw values with locators; syntax errors become problems. */
import { readFile, readlink } from "node:fs/promises";
import path from "node:path";
import { formatPath, type Problem, placeProblem } from "../problem.js";
import { type EnvironmentChoice, NO_ENVIRONMENT } from "./environment.js";
import { dataTooDeep, MAX_NESTING } from "./nesting.js";
import type { LoadedSpec } from "./source.js";
import { loadYamlSpec } from "./yaml.js";

export { dagIdOfFile, discoverSpecFiles, discoverTemplateFiles, type SpecFile } from "./discover.js";
export type { LoadedSpec, Locator, Position, SpecPath } from "./source.js";
export { formatPath } from "./source.js";

/** Loads one spec file. Returns problems instead of throwing for anything wrong with the file. */
export async function loadSpec(
  absolutePath: string,
  cwd: string,
  /** The path to show in messages; by default, relative to cwd. */
  shown?: string,
  /** The environment a TypeScript spec that exports a function is built for. */
  options: { readonly env?: EnvironmentChoice } = {},
): Promise<LoadedSpec | Problem[]> {
  const file = shown ?? path.relative(cwd, absolutePath).split(path.sep).join("/");
  const whole = (message: string, hint?: string): Problem[] => [
    { file, line: 0, column: 0, path: "", message, ...(hint ? { hint } : {}) },
  ];
  let bytes: Buffer;
  try {
    bytes = await readFile(absolutePath);
  } catch (error) {
    const target = await readlink(absolutePath).catch(() => undefined);
    if (target !== undefined && (error as NodeJS.ErrnoException).code === "ENOENT")
      return whole(
        `is a symbolic link to ${target}, which does not exist`,
        "point the link at a spec file, or remove it",
      );
    return whole(`cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const text = textOf(bytes);
  if (text === undefined)
    return whole("is not a text file: a spec is UTF-8 text", "check that the path names the spec, not a binary file");
  let spec: LoadedSpec | Problem[];
  if (!absolutePath.endsWith(".ts")) spec = loadYamlSpec(file, text);
  else {
    // The TypeScript loader (sucrase, jiti, and the TypeScript parser for positions) is large: load it only for .ts specs.
    const { loadTypeScriptSpec } = await import("./typescript.js");
    spec = await loadTypeScriptSpec(file, absolutePath, text, { env: options.env ?? NO_ENVIRONMENT });
  }
  return Array.isArray(spec) ? spec : (tooDeep(spec) ?? spec);
}

/** A loaded value nested too deep, or containing itself (a TypeScript spec can build either), as a problem. */
function tooDeep(spec: LoadedSpec): Problem[] | undefined {
  const found = dataTooDeep(spec.data);
  if (!found) return undefined;
  const at = formatPath(found.path);
  return [
    placeProblem(
      {
        file: spec.file,
        path: found.path,
        message: found.cycle
          ? `contains itself: the value at ${at} is one of the objects it is inside`
          : `nests deeper than ${MAX_NESTING} levels, more than pipegen reads`,
        hint: found.cycle
          ? "export plain data: a spec is a tree of objects, lists, strings, numbers and booleans"
          : "a spec needs fewer than ten levels",
      },
      spec.locate,
    ),
  ];
}

/** The file's text, or undefined when it is not UTF-8 text (invalid UTF-8, or NUL bytes). */
function textOf(bytes: Buffer): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
