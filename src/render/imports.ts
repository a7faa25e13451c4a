/**
 * Orders import statements the way ruff's isort rules (I001) expect:
 * standard library first, then third-party, a blank line between sections,
 * `import x` before `from x import y`, modules in order, and names merged.
 */
import { LINE_LENGTH } from "./python.js";

const STDLIB = new Set(["datetime", "json", "os", "pathlib", "subprocess", "tempfile", "typing", "__future__"]);

export function organizeImports(statements: readonly string[]): string[][] {
  const plain = new Set<string>();
  const from = new Map<string, Set<string>>();
  for (const s of statements) {
    const m = /^from (\S+) import (.+)$/.exec(s);
    if (m) for (const name of m[2]!.split(",")) from.set(m[1]!, (from.get(m[1]!) ?? new Set()).add(name.trim()));
    else plain.add(s.replace(/^import /, ""));
  }
  const sections: string[][] = [];
  for (const isStdlib of [true, false]) {
    const inSection = (module: string) => STDLIB.has(module.split(".")[0]!) === isStdlib;
    const lines = [
      ...[...plain]
        .filter(inSection)
        .sort(byModule)
        .map((m) => `import ${m}`),
      ...[...from.keys()]
        .filter(inSection)
        .sort(byModule)
        .map((m) => fromImport(m, [...from.get(m)!].sort(byMemberType))),
    ];
    if (lines.length > 0) sections.push(lines);
  }
  return sections;
}

/** `from m import a, b`, or wrapped in parentheses one name a line when longer than ruff's line length. */
function fromImport(module: string, names: readonly string[]): string {
  const line = `from ${module} import ${names.join(", ")}`;
  if (line.length <= LINE_LENGTH) return line;
  return `from ${module} import (\n${names.map((n) => `    ${n},\n`).join("")})`;
}

/**
 * isort's order-by-type, as ruff applies it to imported names: CONSTANTS,
 * then Classes, then everything else, each case-insensitively.
 */
function byMemberType(a: string, b: string): number {
  const rank = (n: string) => (n.length > 1 && n === n.toUpperCase() ? 0 : /^[A-Z]/.test(n) ? 1 : 2);
  return rank(a) - rank(b) || byModule(a, b);
}

function byModule(a: string, b: string): number {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  return x < y ? -1 : x > y ? 1 : 0;
}
