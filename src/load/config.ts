/**
 * Finds and reads the project config file (`pipegen.config.{yaml,yml,json,ts}`
 * or the file `--config` names) into a raw value with a locator, the way
 * specs are read: YAML with positions, JSON held to JSON, TypeScript run.
 * Validation (validate/config.ts) checks what it holds.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { type Problem, UserError } from "../errors.js";
import { CONFIG_FILE_NAMES } from "../spec/deploy-settings.js";
import type { LoadedSpec } from "./source.js";
import { loadYamlSpec } from "./yaml.js";

/** A config file on disk: where it is and how messages name it. */
export interface ConfigFile {
  readonly absolute: string;
  /** Relative to the working directory when inside it, as given otherwise. */
  readonly file: string;
}

/**
 * The config file to read: the one given (`--config`, `PIPEGEN_CONFIG`), else
 * the one of CONFIG_FILE_NAMES in `cwd`, else none.
 * @throws {UserError} when the given file does not exist, or `cwd` holds more than one config file
 */
export function findConfigFile(cwd: string, given?: string): ConfigFile | undefined {
  if (given !== undefined) {
    const absolute = path.resolve(cwd, given);
    if (!existsSync(absolute)) throw new UserError(`config file ${given} does not exist`);
    return { absolute, file: shownPath(cwd, absolute) };
  }
  const present = CONFIG_FILE_NAMES.filter((name) => existsSync(path.join(cwd, name)));
  if (present.length > 1)
    throw new UserError(
      `${present.join(" and ")} are both config files; pipegen reads one: merge them into one file and remove the other`,
    );
  if (present.length === 0) return undefined;
  return { absolute: path.join(cwd, present[0]!), file: present[0]! };
}

function shownPath(cwd: string, absolute: string): string {
  const relative = path.relative(cwd, absolute);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative)
    ? relative.split(path.sep).join("/")
    : absolute;
}

/** Reads a config file; an empty YAML file is an empty config. Problems instead of throwing for anything wrong in it. */
export async function loadConfigFile(config: ConfigFile): Promise<LoadedSpec | Problem[]> {
  const { absolute, file } = config;
  let text: string;
  try {
    text = await readFile(absolute, "utf8");
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
  if (absolute.endsWith(".ts")) {
    const { loadTypeScriptSpec } = await import("./typescript.js");
    return loadTypeScriptSpec(file, absolute, text, { exports: "config" });
  }
  if (!absolute.endsWith(".json")) {
    // A config file with nothing in it yet (or only comments) is an empty config.
    if (text.split(/\r\n|\r|\n/).every((line) => /^\s*(#.*)?$/.test(line)))
      return { file, data: {}, locate: () => ({ line: 1, column: 1 }) };
    return loadYamlSpec(file, text);
  }
  // YAML accepts more than JSON (trailing commas, comments); a .json file must be JSON.
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    const before = text.slice(0, at ? Number(at[1]) : 0).split(/\r\n|\r|\n/);
    return [
      {
        file,
        line: before.length,
        column: before.at(-1)!.length + 1,
        path: "",
        message: `is not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, "")}`,
        hint: "fix the JSON syntax, or write the config as pipegen.config.yaml",
      },
    ];
  }
  // JSON is YAML: the YAML reader locates paths in it.
  const located = loadYamlSpec(file, text);
  return Array.isArray(located) ? located : { ...located, data };
}
