/**
 * A depth limit for specs. Both YAML parsers pipegen uses recurse once per
 * nesting level, and so does any walk over the loaded value, so a spec nested
 * a few thousand levels deep would exhaust the call stack ("YAML syntax error:
 * Maximum call stack size exceeded", or a crash). A spec needs fewer than ten
 * levels; anything deeper than MAX_NESTING is refused before it is parsed
 * (YAML) or walked (the value a TypeScript spec exports).
 */
import type { Position, SpecPath } from "./source.js";

export const MAX_NESTING = 64;

/**
 * Where a YAML text first nests deeper than MAX_NESTING, or undefined. It
 * counts what can nest without recursing: indentation levels of block
 * collections, `- ` entries that open a sequence on the same line, and
 * flow brackets outside quotes and comments. Block scalar lines are text.
 */
export function yamlTooDeep(text: string): Position | undefined {
  const indents: number[] = [];
  let flow = 0;
  let quote: string | undefined;
  let blockScalarIndent: number | undefined;
  const lines = text.split(/\r\n|\r|\n/);
  for (const [n, line] of lines.entries()) {
    const indent = /^ */.exec(line)![0].length;
    const content = line.slice(indent);
    if (blockScalarIndent !== undefined) {
      if (content === "" || indent > blockScalarIndent) continue;
      blockScalarIndent = undefined;
    }
    if (quote === undefined && flow === 0 && content !== "" && !content.startsWith("#")) {
      while (indents.length > 0 && indents.at(-1)! > indent) indents.pop();
      if (indents.length === 0 || indents.at(-1)! < indent) indents.push(indent);
    }
    let dashes = 0;
    if (quote === undefined && flow === 0) dashes = /^(?:-[ \t]+)*/.exec(content)![0].replace(/[^-]/g, "").length;
    for (let i = 0; i < content.length; i++) {
      const c = content[i]!;
      if (quote !== undefined) {
        if (c === "\\" && quote === '"') i++;
        else if (c === quote) quote = undefined;
        continue;
      }
      if (c === "#" && (i === 0 || /\s/.test(content[i - 1]!))) break;
      if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:-]/.test(content[i - 1]!))) quote = c;
      else if (c === "[" || c === "{") {
        flow++;
        if (indents.length + dashes + flow > MAX_NESTING) return { line: n + 1, column: indent + i + 1 };
      } else if ((c === "]" || c === "}") && flow > 0) flow--;
    }
    if (indents.length + dashes + flow > MAX_NESTING) return { line: n + 1, column: indent + 1 };
    if (quote === undefined && flow === 0 && /(?:^|[:-]\s+)[|>][+-]?\d?[+-]?\s*(?:#.*)?$/.test(content))
      blockScalarIndent = indent;
  }
  return undefined;
}

/**
 * The path to the first value nested deeper than MAX_NESTING in a loaded
 * spec, or to the first value that contains itself; undefined when there is
 * none. Iterative, so that it cannot exhaust the stack itself.
 */
export function dataTooDeep(data: unknown): { path: SpecPath; cycle: boolean } | undefined {
  // The objects on the path from the root; an entry with `leave` takes its object off it.
  const onPath = new Set<object>();
  const stack: Array<{ value: unknown; path: PropertyKey[] } | { leave: object }> = [{ value: data, path: [] }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    if ("leave" in top) {
      onPath.delete(top.leave);
      continue;
    }
    const { value, path } = top;
    if (value === null || typeof value !== "object") continue;
    if (onPath.has(value)) return { path, cycle: true };
    if (path.length > MAX_NESTING) return { path, cycle: false };
    onPath.add(value);
    stack.push({ leave: value });
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--)
      stack.push({ value: entries[i]![1], path: [...path, entries[i]![0]] });
  }
  return undefined;
}
