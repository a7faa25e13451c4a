/**
 * Loads a YAML spec. The fast path reads it with js-yaml (about three times
 * faster than `yaml`, which matters when rendering hundreds of specs); the
 * `yaml` library, which keeps every node's source position, parses the file
 * only when a syntax error or a spec problem needs a line and column, and
 * is loaded only then.
 */

import { createRequire } from "node:module";
import { CORE_SCHEMA, load, mergeTag } from "js-yaml";
import type { Document, Node, Pair, YAMLMap } from "yaml";
import type { Problem } from "../errors.js";
import { MAX_NESTING, yamlTooDeep } from "./nesting.js";
import type { LoadedSpec, Locator } from "./source.js";

/**
 * YAML 1.2's core schema, plus merge keys (`<<: *defaults`), which YAML 1.1
 * defined and spec authors use to share step settings: both parsers apply
 * them the same way.
 */
const SCHEMA = CORE_SCHEMA.withTags(mergeTag);

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
    data = load(text, { schema: SCHEMA });
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
  const { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } = yamlLibrary();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true, merge: true });
  const problems: Problem[] = [...doc.errors, ...doc.warnings].map((e) => {
    let offset = e.pos[0];
    let message = `YAML ${e.code === "DUPLICATE_KEY" ? "duplicate key" : "syntax error"}: ${firstLine(e.message)}`;
    let hint = "fix the YAML syntax; nothing was rendered";
    if (e.code === "MULTIPLE_DOCS") {
      message = "holds more than one YAML document: a second one starts here";
      hint = "a spec file holds one pipeline: remove the '---' line and what follows, or move it to its own file";
    } else if (e.code === "MISSING_CHAR" && /closing .?quote/i.test(e.message)) {
      // The parser notices at the end of the file; the mistake is where the quote opens.
      const opened = unclosedQuote(text);
      if (opened !== undefined) {
        offset = opened;
        message = `YAML syntax error: this ${text[opened] === '"' ? "double" : "single"} quote is never closed`;
        hint =
          "close the quote on the line where it opens (a quoted YAML string may span lines, so the parser read to the end of the file)";
      }
    }
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col, path: "", message, hint };
  });
  const locate: Locator = (path, options) => {
    let node: unknown = doc.contents;
    let at: Node | null = doc.contents;
    for (const [i, seg] of path.entries()) {
      if (isMap(node)) {
        const pair = pairIn(node, String(seg));
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
  /** The pair for a key in a map, or in the maps it merges (`<<: *anchor`), as YAML merge keys apply them. */
  const pairIn = (map: YAMLMap, key: string, seen = new Set<unknown>()): Pair | undefined => {
    if (seen.has(map)) return undefined;
    seen.add(map);
    const own = map.items.find((p) => isScalar(p.key) && String(p.key.value) === key && key !== "<<");
    if (own) return own;
    for (const p of map.items) {
      // With merge on, the parser reads the key `<<` as a symbol (or, quoted, as the string "<<").
      const k = isScalar(p.key) ? p.key.value : undefined;
      if (!(k === "<<" || (typeof k === "symbol" && k.description === "<<"))) continue;
      const sources = isSeq(p.value) ? p.value.items : [p.value];
      for (const source of sources) {
        const target = isAlias(source) ? source.resolve(doc) : source;
        const found = isMap(target) ? pairIn(target, key, seen) : undefined;
        if (found) return found;
      }
    }
    return undefined;
  };
  return { problems, doc, locate };
}

/**
 * Where a quoted scalar that is never closed opens, from the parser's own
 * tokens (a quote inside a comment or a plain scalar is not one); undefined
 * when there is none.
 */
function unclosedQuote(text: string): number | undefined {
  const { Parser } = yamlLibrary();
  const search = (token: unknown): number | undefined => {
    if (token === null || typeof token !== "object") return undefined;
    const t = token as { type?: string; source?: string; offset?: number };
    if ((t.type === "double-quoted-scalar" || t.type === "single-quoted-scalar") && typeof t.source === "string")
      if (!isClosedQuote(t.source)) return t.offset;
    for (const value of Object.values(token)) {
      const found = Array.isArray(value) ? value.map(search).find((v) => v !== undefined) : search(value);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  for (const token of new Parser().parse(text)) {
    const found = search(token);
    if (found !== undefined) return found;
  }
  return undefined;
}

let yamlModule: typeof import("yaml") | undefined;

function yamlLibrary(): typeof import("yaml") {
  yamlModule ??= createRequire(import.meta.url)("yaml") as typeof import("yaml");
  return yamlModule;
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}

/** True when a quoted scalar's source ends with its closing quote (not an escaped one). */
function isClosedQuote(source: string): boolean {
  const body = source.slice(1);
  if (source[0] === "'") return /^(?:[^']|'')*'$/.test(body);
  return /^(?:[^"\\]|\\[\s\S])*"$/.test(body);
}
