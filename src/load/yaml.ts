/** Loads a YAML spec, keeping the source positions of every node. */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import type { Problem } from "../errors.js";
import type { LoadedSpec, Locator } from "./source.js";

export function loadYamlSpec(file: string, text: string): LoadedSpec | Problem[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const errors = [...doc.errors, ...doc.warnings];
  if (errors.length > 0) {
    return errors.map((e) => {
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
  }
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
    const offset = at?.range?.[0] ?? 0;
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  return { file, data: doc.toJS({ maxAliasCount: 100 }), locate };
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}
