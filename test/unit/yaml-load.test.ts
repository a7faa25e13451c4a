/** The fast YAML path (js-yaml) and the positioned path (`yaml`) must read specs identically. */
import { readdir, readFile } from "node:fs/promises";
import { expect, it } from "vitest";
import { parse } from "yaml";
import { loadYamlSpec } from "../../src/load/yaml.js";
import { ROOT } from "../helpers/cli.js";

const SAMPLES = [
  "a: 2024-01-01\nb: 0x1F\nc: 1e3\nd: ~\ne: yes\nf: .inf\ng: '007'\nh: 010\n",
  "steps:\n  - {id: a, after: []}\n  - id: b\n    sql: |\n      SELECT 1;\n      SELECT 2;\n",
  'k: >\n  folded\n  text\nl: "esc\\u00e9\\n"\n',
  // Merge keys: explicit keys win, then the first map merged.
  "a: &a {x: 1, y: 2}\nb: &b {y: 3, z: 4}\nc:\n  <<: [*a, *b]\n  x: 0\n",
];

it.each(SAMPLES)("reads %j like the yaml library", (text) => {
  const loaded = loadYamlSpec("x.pipeline.yaml", text);
  expect(Array.isArray(loaded)).toBe(false);
  expect((loaded as { data: unknown }).data).toEqual(parse(text, { merge: true }));
});

it("reads every example and fixture spec like the yaml library", async () => {
  const dirs = ["pipelines", "test/fixtures/bad"];
  let count = 0;
  for (const dir of dirs)
    for (const name of (await readdir(`${ROOT}${dir}`)).filter((n) => n.endsWith(".yaml"))) {
      const text = await readFile(`${ROOT}${dir}/${name}`, "utf8");
      expect((loadYamlSpec(name, text) as { data: unknown }).data).toEqual(parse(text));
      count++;
    }
  expect(count).toBeGreaterThanOrEqual(3);
});

it("takes the positioned path for aliases, with a cap on their expansion", () => {
  const bomb = [
    "a: &a [x, x, x, x, x, x, x, x, x, x]",
    ...Array.from(
      { length: 8 },
      (_, i) =>
        `${"bcdefghi"[i]}: &${"bcdefghi"[i]} [*${"abcdefgh"[i]}, *${"abcdefgh"[i]}, *${"abcdefgh"[i]}, *${"abcdefgh"[i]}, *${"abcdefgh"[i]}, *${"abcdefgh"[i]}, *${"abcdefgh"[i]}, *${"abcdefgh"[i]}, *${"abcdefgh"[i]}, *${"abcdefgh"[i]}]`,
    ),
  ].join("\n");
  const problems = loadYamlSpec("bomb.pipeline.yaml", bomb) as Array<{ message: string }>;
  expect(problems.map((p) => p.message)).toEqual([
    "YAML aliases expand too far: Excessive alias count indicates a resource exhaustion attack",
  ]);
});

it("reports syntax errors with positions, through the yaml library", () => {
  const problems = loadYamlSpec("x.pipeline.yaml", "a: [1, 2\nb: 3\n");
  expect(Array.isArray(problems)).toBe(true);
  expect((problems as Array<{ line: number; message: string }>)[0]!.message).toMatch(/^YAML syntax error: /);
});

it.each(["", "# only a comment\n"])("reports a file with no YAML document (%j) instead of passing it over", (text) => {
  expect(loadYamlSpec("x.pipeline.yaml", text)).toEqual([
    {
      file: "x.pipeline.yaml",
      line: 1,
      column: 1,
      path: "",
      message: "holds no YAML document (the file is empty or only comments)",
      hint: "write the pipeline spec here, or delete the file",
    },
  ]);
});
