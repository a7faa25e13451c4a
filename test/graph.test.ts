/** `pipegen graph`: each example drawn as Mermaid and DOT, compared with stored files (UPDATE_GOLDEN=1 rewrites them). */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { pipegen, ROOT } from "./helpers/cli.js";

const EXAMPLES = ["products.pipeline.ts", "sales.pipeline.yaml", "orders_lakehouse.pipeline.yaml"];
const GOLDEN = `${ROOT}test/golden-graph/`;

describe.each(EXAMPLES)("pipegen graph pipelines/%s", (spec) => {
  it.each([
    ["mermaid", "mmd"],
    ["dot", "dot"],
  ])("as %s", async (format, ext) => {
    const r = await pipegen(["graph", `pipelines/${spec}`, "--format", format]);
    expect(r.exitCode, r.stderr).toBe(0);
    const file = `${GOLDEN}${spec.replace(/\.pipeline\.\w+$/, "")}.${ext}`;
    if (process.env.UPDATE_GOLDEN)
      await mkdir(GOLDEN, { recursive: true }).then(() => writeFile(file, `${r.stdout}\n`));
    expect(`${r.stdout}\n`).toBe(await readFile(file, "utf8"));
  });
});

it("refuses a folder with several specs", async () => {
  const r = await pipegen(["graph", "pipelines"]);
  expect(r.exitCode).toBe(1);
  expect(r.stderr).toBe("✗ pipelines holds 4 specs; graph draws one pipeline at a time");
});

it("writes DOT that Graphviz's grammar accepts (parsed by pydot)", async () => {
  const { execa } = await import("execa");
  const { venvBin } = await import("./helpers/python.js");
  const script = [
    "import json, sys, pydot",
    "out = {}",
    "for path in sys.argv[1:]:",
    "    (graph,) = pydot.graph_from_dot_file(path)",
    "    out[graph.get_name()] = [len(graph.get_nodes()) - 1, len(graph.get_edges())]",
    "print(json.dumps(out, sort_keys=True))",
  ].join("\n");
  const files = ["products", "sales", "orders_lakehouse"].map((n) => `${GOLDEN}${n}.dot`);
  const r = await execa(venvBin("tools", "python"), ["-c", script, ...files]);
  // [task nodes (the `node` defaults entry excluded), edges]
  expect(JSON.parse(r.stdout)).toEqual({ orders_lakehouse: [8, 9], products: [8, 7], sales: [3, 2] });
});
