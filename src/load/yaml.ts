/**
 * Loads a YAML spec. The fast path reads it with js-yaml (about three times
 * faster than `yaml`, which matters when rendering hundreds of specs); the
 * `yaml` library, which keeps every node's source position, parses the file
 * only when a syntax error or a spec problem needs a line and column, and
 * is loaded only then.
 */

import { createRequire } from "node:module";
import { CORE_SCHEMA, load } from "js-yaml";
import type { Document, Node } from "yaml";
import type { Problem } from "../errors.js";
import { MAX_NESTING, yamlTooDeep } from "./nesting.js";
import type { LoadedSpec, Locator } from "./source.js";

export function loadYamlSpec(file: string, text: string): LoadedSpec | Problem[] {
  const deep = yamlTooDeep(text);
  if (deep)
    return [
      {
        file,
        ...deep,
        path: "",
        message: `nests deeper than ${MAX_NESTING} levels, more than pipegen reads`,
        hint: "a spec needs fewer than ten levels: check the indentation and the brackets",
      },
    ];
  let data: unknown;
  try {
    data = load(text, { schema: CORE_SCHEMA });
  } catch {
    // js-yaml's messages carry no positions in our format: let `yaml` describe the error.
    const parsed = positioned(file, text);
    if (parsed.problems.length > 0) return parsed.problems;
    if (parsed.doc.contents === null)
      return [
        {
          file,
          line: 1,
          column: 1,
          path: "",
          message: "holds no YAML document (the file is empty or only comments)",
          hint: "write the pipeline spec here, or delete the file",
        },
      ];
    // `yaml` reads what js-yaml refused: take its reading.
    return fromDocument(file, parsed);
  }
  // An aliased mapping or list is shared, not copied; walking it could expand
  // exponentially, so such files take the `yaml` path, which caps aliases.
  if (!hasSharedCollections(data)) {
    let locator: Locator | undefined;
    return { file, data, locate: (path, options) => (locator ??= positioned(file, text).locate)(path, options) };
  }
  const parsed = positioned(file, text);
  return parsed.problems.length > 0 ? parsed.problems : fromDocument(file, parsed);
}

function fromDocument(file: string, parsed: ReturnType<typeof positioned>): LoadedSpec | Problem[] {
  try {
    return { file, data: parsed.doc.toJS({ maxAliasCount: 100 }), locate: parsed.locate };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [
      {
        file,
        line: 1,
        column: 1,
        path: "",
        message: `YAML aliases expand too far: ${message}`,
        hint: "write the values out instead of nesting aliases",
      },
    ];
  }
}

function hasSharedCollections(value: unknown, seen = new Set<object>()): boolean {
  if (value === null || typeof value !== "object") return false;
  if (seen.has(value)) return true;
  seen.add(value);
  return Object.values(value).some((v) => hasSharedCollections(v, seen));
}

/** Parses with source positions: syntax problems, the document, and a locator for paths in it. */
function positioned(file: string, text: string): { problems: Problem[]; doc: Document; locate: Locator } {
  const { isMap, isScalar, isSeq, LineCounter, parseDocument } = yamlLibrary();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const problems: Problem[] = [...doc.errors, ...doc.warnings].map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    return {
      file,
      line: pos.line,
      column: pos.col,
      path: "",
      message: `YAML ${e.code === "DUPLICATE_KEY" ? "duplicate key" : "syntax error"}: ${firstLine(e.message)}`,
      hint: "fix the YAML syntax; nothing was rendered",
    };
  });
  const locate: Locator = (path, options) => {
    let node: unknown = doc.contents;
    let at: Node | null = doc.contents;
    for (const [i, seg] of path.entries()) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        if (options?.key && i === path.length - 1) {
          at = pair.key as Node;
          break;
        }
        at = (pair.value as Node | null) ?? (pair.key as Node);
        node = pair.value;
      } else if (isSeq(node) && typeof seg === "number" && node.items[seg]) {
        node = node.items[seg];
        at = node as Node;
      } else break;
    }
    const pos = lineCounter.linePos(at?.range?.[0] ?? 0);
    return { line: pos.line, column: pos.col };
  };
  return { problems, doc, locate };
}

let yamlModule: typeof import("yaml") | undefined;

function yamlLibrary(): typeof import("yaml") {
  yamlModule ??= createRequire(import.meta.url)("yaml") as typeof import("yaml");
  return yamlModule;
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}
