/** Step templates through the built bin: `pipegen templates`, render with templates, schema --templates, refusals. */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pipegen } from "./helpers/cli.js";
import { goldenBundle } from "./helpers/golden.js";

describe("pipegen templates", () => {
  it("lists each template with its version, description, file and config", async () => {
    const r = await pipegen(["templates"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      [
        "land_crawl_load@1 — Wait for a file in S3, crawl it with Glue, load it with Redshift SQL",
        "  defined in pipelines/land_crawl_load.template.ts",
        "  with:",
        "    bucket   string  (required)",
        "    key      string  (required)",
        "    crawler  string  (required)",
        '    timeout  string  (default "6h")',
        "    sql      string | string[]  (required)",
        "",
        "land_crawl_load@2 — Wait for Parquet files in S3, crawl them with Glue, COPY them into a Redshift table",
        "  defined in pipelines/land_crawl_load.template.ts",
        "  with:",
        "    bucket   string  (required)",
        "    key      string  (required)",
        "    crawler  string  (required)",
        '    timeout  string  (default "6h")',
        "    from     string  (required)",
        "    table    string  (required)",
      ].join("\n"),
    );
  });

  it("--json gives each config as JSON Schema", async () => {
    const r = await pipegen(["templates", "--json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as Array<{ name: string; version: string; config: Record<string, unknown> }>;
    expect(list.map((t) => `${t.name}@${t.version}`)).toEqual(["land_crawl_load@1", "land_crawl_load@2"]);
    expect(list[1]!.config).toMatchObject({
      type: "object",
      required: ["bucket", "key", "crawler", "from", "table"],
      properties: { table: { type: "string", pattern: "^[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*$" } },
    });
  });

  it("refuses template files that do not load or define no template, each at its line and column", async () => {
    const r = await pipegen(["templates", "test/fixtures/templates-bad"]);
    expect(r.exitCode).toBe(1);
    const dir = "test/fixtures/templates-bad";
    expect(r.stderr.split("\n")).toEqual([
      `${dir}/a.template.ts:5:3 [1]: is not a step template — export what defineTemplate returns (import { defineTemplate, z } from "pipegen"), or a list of them`,
      `${dir}/a.template.ts:6:26 [2].name: must be a template name: lowercase letters, digits, '_' and '-', starting with a letter`,
      `${dir}/b.template.ts:5:12 version: feed@1 is also defined in ${dir}/a.template.ts — a pipeline pins one definition: give this one a new version, or remove one of them`,
      `${dir}/c.template.ts:5:12 version: must be a version such as "1", "1.2" or "1.2.3" (a string)`,
      `${dir}/d.template.ts:1:23 the template file threw while loading: Expected property name or '}' in JSON at position 1 — a template file must only define and export its templates`,
      "✗ 5 problems in 4 spec files; nothing was written",
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("a spec that uses a template", () => {
  it.each([
    ["pipelines/daily_landing.pipeline.yaml", "daily_landing"],
    ["pipelines/partner_feed.pipeline.ts", "partner_feed"],
  ])("%s renders alone (its folder's templates are read) to the golden DAG", async (spec, dagId) => {
    const out = await mkdtemp(path.join(tmpdir(), "pipegen-templates-"));
    try {
      const r = await pipegen(["render", spec, "--out", `${out}/dist`, "--airflow-version", "3.3.1", "-q"]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(await readFile(`${out}/dist/dags/${dagId}.py`, "utf8")).toBe(
        await readFile(`${goldenBundle("3.3.1")}/dags/${dagId}.py`, "utf8"),
      );
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it("schema --templates gives each use: its template's config schema", async () => {
    const r = await pipegen(["schema", "--templates", "pipelines"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const steps = JSON.parse(r.stdout).properties.steps.items.anyOf as Array<{
      properties?: { use?: { const?: string }; with?: { required?: string[] } };
    }>;
    const uses = steps.flatMap((s) =>
      s.properties?.use ? [[s.properties.use.const, s.properties.with?.required]] : [],
    );
    expect(uses).toEqual([
      ["land_crawl_load@1", ["bucket", "key", "crawler", "sql"]],
      ["land_crawl_load@2", ["bucket", "key", "crawler", "from", "table"]],
    ]);
  });
});
