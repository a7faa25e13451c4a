/** Given a YAML text, want where it first nests deeper than pipegen reads, or nothing. */
import { describe, expect, it } from "vitest";
import { dataTooDeep, MAX_NESTING, yamlTooDeep } from "../../src/load/nesting.js";

const indented = (n: number) => Array.from({ length: n }, (_, i) => `${" ".repeat(i)}x${i}:`).join("\n");

describe("yamlTooDeep", () => {
  it.each<[string, string, { line: number; column: number } | undefined]>([
    ["the examples' depth", "a:\n  b:\n    - c: 1\n      d: [1, {e: 2}]\n", undefined],
    ["64 block levels", `${indented(64)} v`, undefined],
    ["65 block levels", `${indented(65)} v`, { line: 65, column: 65 }],
    ["sequences opened on one line", `a: ${"- ".repeat(70)}x`.replace("a: ", "a:\n  "), { line: 2, column: 3 }],
    [
      "a block scalar indented deeper and deeper is text",
      `sql: |\n${Array.from({ length: 200 }, (_, i) => `${" ".repeat(i + 2)}line ${i}`).join("\n")}\nnext: 1\n`,
      undefined,
    ],
    [
      "brackets in quotes and comments are text",
      `a: "${"[".repeat(100)}"\nb: '${"{".repeat(100)}' # ${"[".repeat(100)}\n`,
      undefined,
    ],
    ["a quoted string over many lines", `a: "x\n${"  [\n".repeat(100)}"\n`, undefined],
    ["flow brackets", `a: ${"[".repeat(64)}${"]".repeat(64)}`, { line: 1, column: 67 }],
  ])("%s", (_, text, want) => {
    expect(yamlTooDeep(text)).toEqual(want);
  });
});

describe("dataTooDeep", () => {
  it("finds the first value nested too deep, or one that contains itself", () => {
    let deep: unknown = "x";
    for (let i = 0; i <= MAX_NESTING; i++) deep = [deep];
    expect(dataTooDeep({ a: deep })?.path).toHaveLength(MAX_NESTING + 1);
    const loop: Record<string, unknown> = { b: 1 };
    loop.c = { d: loop };
    expect(dataTooDeep({ a: loop })).toEqual({ path: ["a", "c", "d"], cycle: true });
    const shared = { s: 1 };
    expect(dataTooDeep({ a: shared, b: [shared, shared] })).toBeUndefined();
  });
});
