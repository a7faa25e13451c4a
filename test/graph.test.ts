/** `pipegen graph`: each example drawn as Mermaid and DOT, compared with stored files (UPDATE_GOLDEN=1 rewrites them). */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { pipegen, ROOT } from "./helpers/cli.js";

const EXAMPLES = [
  "products.pipeline.ts",
  "sales.pipeline.yaml",
  "orders_lakehouse.pipeline.yaml",
  "daily_landing.pipeline.yaml",
  "partner_feed.pipeline.ts",
];
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
  expect(r.stderr).toBe("✗ pipelines holds 6 specs; graph draws one pipeline at a time");
});

it("writes DOT that Graphviz's grammar accepts (parsed by pydot)", async () => {
  const { execa } = await import("execa");
  const { venvBin } = await import("./helpers/python.js");
  const script = [
    "import json, sys, pydot",
    "def nodes(g):",
    "    own = [n.get_name() for n in g.get_nodes() if n.get_name() not in ('node', 'graph', 'edge')]",
    "    return own + [n for s in g.get_subgraphs() for n in nodes(s)]",
    "def clusters(g):",
    "    out = {}",
    "    for s in g.get_subgraphs():",
    "        out[s.get_name()] = sorted(nodes(s))",
    "        out.update(clusters(s))",
    "    return out",
    "out = {}",
    "for path in sys.argv[1:]:",
    "    (graph,) = pydot.graph_from_dot_file(path)",
    "    out[graph.get_name()] = [len(nodes(graph)), len(graph.get_edges()), clusters(graph)]",
    "print(json.dumps(out, sort_keys=True))",
  ].join("\n");
  const files = ["products", "sales", "orders_lakehouse"].map((n) => `${GOLDEN}${n}.dot`);
  const r = await execa(venvBin("tools", "python"), ["-c", script, ...files]);
  // [task nodes (in clusters too; the `node` defaults entry excluded), edges, cluster → the task nodes inside it]
  expect(JSON.parse(r.stdout)).toEqual({
    orders_lakehouse: [
      8,
      9,
      {
        cluster_lakehouse: ["build_customers", "build_orders", "translate_tables", "wait_for_build_orders"],
        cluster_build: ["build_customers", "build_orders", "wait_for_build_orders"],
        cluster_publish: ["export_daily_orders", "refresh_order_facts"],
      },
    ],
    products: [
      8,
      7,
      { cluster_glue: ["crawl_products", "load_products", "wait_for_crawl_products", "wait_for_load_products"] },
    ],
    sales: [3, 2, {}],
  });
});
