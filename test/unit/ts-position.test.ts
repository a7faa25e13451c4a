/**
 * Where a TS spec threw: sucrase keeps lines, and `originalPosition` finds the
 * column in the source line. Given a source and a token in it, the token's
 * column in the transpiled code must map back to the token's column in the
 * source, also on lines where sucrase rewrote imports.
 */
import { transform } from "sucrase";
import { describe, expect, it } from "vitest";
import { originalPosition } from "../../src/load/typescript.js";

const transpile = (source: string) =>
  transform(source, { transforms: ["typescript", "imports"], disableESTransforms: true }).code;

/** 1-based line and column of the first `token` at or after line `line` in `text`. */
function find(text: string, token: string, line: number) {
  const lines = text.split("\n");
  for (let i = line - 1; i < lines.length; i++)
    if (lines[i]!.includes(token)) return { line: i + 1, column: lines[i]!.indexOf(token) + 1 };
  throw new Error(`${token} not in the text`);
}

describe("originalPosition", () => {
  it.each<[string, string, string]>([
    [
      "a line sucrase leaves alone",
      'const bucket = process.env.B;\nif (!bucket) throw new Error("B is not set");\n',
      "new Error",
    ],
    [
      "after a parameter type and a return type",
      "const raise = (message: string): never => { throw new Error(message); };\n",
      "new Error",
    ],
    [
      "after a type assertion and a generic",
      'const n = (JSON.parse("1") as number) + f<string>("x") + boom();\n',
      "boom()",
    ],
    [
      "after a template literal with a substitution (where sucrase's own map stops)",
      "const v = (name: string): string => `${name}`; const w = (x: number): number => fail(x);\n",
      "fail(x)",
    ],
    [
      "on the second line of a multi-line object",
      'const spec = {\n  bucket: need("B") as string,\n  key: (other as Record<string, string>).key,\n};\n',
      "other",
    ],
  ])("%s", (_, source, token) => {
    const want = find(source, token, 1);
    const got = originalPosition(source, transpile(source), find(transpile(source), token, want.line));
    expect(got).toEqual(want);
  });

  it("maps through a line where the import was rewritten", () => {
    const source =
      'import { definePipeline } from "pipegen";\n\n  export default definePipeline({ id: explode() as string });\n';
    const out = transpile(source);
    expect(out.split("\n")[2]).toContain("_pipegen.definePipeline.call(void 0");
    expect(originalPosition(source, out, find(out, "explode", 3))).toEqual(find(source, "explode", 3));
  });

  it("keeps a position it cannot map", () => {
    expect(originalPosition("a\n", "a\n", { line: 9, column: 4 })).toEqual({ line: 9, column: 4 });
  });
});
