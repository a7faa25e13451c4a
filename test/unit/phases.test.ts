/**
 * Phases import only from earlier phases: load → validate → resolve → render
 * (and iam, which renders IAM documents) → write, then the commands built on
 * them. An import that points the other way, or across render and iam, fails
 * here with the file that makes it.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";

/**
 * Each top-level area of src/ and its place in the order. Rank 0 is what
 * every phase may use and which uses no phase: the problem type, errors, the
 * spec language, the Jinja checker, the XTable runner's location.
 */
const RANK: Readonly<Record<string, number>> = {
  "rendered-file": 0,
  problem: 0,
  errors: 0,
  spec: 0,
  jinja: 0,
  runner: 0,
  load: 1,
  validate: 2,
  resolve: 3,
  render: 4,
  iam: 4,
  "pipeline-run": 5,
  write: 6,
  deploy: 7,
  xtable: 7,
  init: 7,
  cli: 8,
  index: 8,
  bin: 9,
};

interface Source {
  /** Path relative to src/, with forward slashes. */
  readonly file: string;
  readonly text: string;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+"(\.[^"]+)"|\bimport\(\s*"(\.[^"]+)"\s*\)/g;

function areaOf(file: string): string {
  const [first, ...rest] = file.split("/");
  return rest.length === 0 ? first!.replace(/\.[jt]s$/, "") : first!;
}

/** Every relative import from an area to one ranked after it, or to another area of its rank (rank 0 aside). */
function wrongWayImports(sources: readonly Source[]): string[] {
  const out: string[] = [];
  for (const { file, text } of sources)
    for (const m of text.matchAll(IMPORT)) {
      const target = path.posix.join(path.posix.dirname(file), m[1] ?? m[2]!);
      const [from, to] = [areaOf(file), areaOf(target)];
      if (from === to) continue;
      const [a, b] = [RANK[from], RANK[to]];
      if (a === undefined || b === undefined)
        out.push(`${file} -> ${target}: no rank for ${a === undefined ? from : to}`);
      else if (b > a || (b === a && a !== 0)) out.push(`${file} -> ${target}`);
    }
  return out;
}

function sourcesUnder(dir: string): Source[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => ({ file: f.split(path.sep).join("/"), text: readFileSync(path.join(dir, f), "utf8") }));
}

describe("phase order", () => {
  it("no module of src/ imports from a later phase, nor across render and iam", () => {
    const sources = sourcesUnder(path.join(ROOT, "src"));
    expect(sources.length).toBeGreaterThan(100);
    expect(wrongWayImports(sources)).toEqual([]);
  });

  it.each<[string, Source, string[]]>([
    [
      "validate importing render",
      { file: "validate/x.ts", text: 'import { a } from "../render/task-graph.js";' },
      ["validate/x.ts -> render/task-graph.js"],
    ],
    [
      "a type-only import counts too",
      { file: "spec/x.ts", text: 'import type { A } from "../load/source.js";' },
      ["spec/x.ts -> load/source.js"],
    ],
    [
      "iam importing render",
      { file: "iam/steps/x.ts", text: 'export { b } from "../../render/steps/unload.js";' },
      ["iam/steps/x.ts -> render/steps/unload.js"],
    ],
    [
      "a dynamic import",
      { file: "resolve/x.ts", text: 'const m = await import("../write/index.js");' },
      ["resolve/x.ts -> write/index.js"],
    ],
    [
      "an area with no rank",
      { file: "newarea/x.ts", text: 'import { a } from "../spec/common.js";' },
      ["newarea/x.ts -> spec/common.js: no rank for newarea"],
    ],
    [
      "render importing resolve is the right way",
      { file: "render/x.ts", text: 'import type { R } from "../resolve/index.js";' },
      [],
    ],
    [
      "the CLI imports every phase",
      { file: "cli/commands/x.ts", text: 'import { a } from "../../write/index.js";' },
      [],
    ],
  ])("finds %s", (_, source, want) => {
    expect(wrongWayImports([source])).toEqual(want);
  });
});
