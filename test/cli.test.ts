/** The built bin, run with execa: exit codes, messages, and what lands on disk. */
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pipegen, ROOT } from "./helpers/cli.js";

let work: string;
beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), "pipegen-cli-"));
  await cp(path.join(ROOT, "pipelines"), path.join(work, "pipelines"), { recursive: true });
});
afterEach(() => rm(work, { recursive: true, force: true }));

describe("pipegen validate", () => {
  it("accepts the examples", async () => {
    const r = await pipegen(["validate", path.join(ROOT, "pipelines")]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe("✓ 6 pipelines valid");
  });

  it("reports every problem in every file with file:line:col, and exits 1", async () => {
    const r = await pipegen(["validate", "test/fixtures/bad"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split("\n")).toEqual([
      "test/fixtures/bad/orders.pipeline.ts:11:13 steps[0].kind: an unload step needs connections.redshift",
      "test/fixtures/bad/orders.pipeline.ts:14:11 steps[0].to: must be an s3:// URI such as s3://my-bucket/path/",
      "test/fixtures/bad/products.pipeline.yaml:12:13 steps[0].bucket: is not a valid S3 bucket name: only lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
      "test/fixtures/bad/products.pipeline.yaml:16:14 steps[1].crawler: expected a string, got number 42",
      'test/fixtures/bad/products.pipeline.yaml:17:9 steps[2].id: duplicate step id "crawl" — steps[1] already uses it; task ids must be unique',
      'test/fixtures/bad/products.pipeline.yaml:20:13 steps[2].after[0]: unknown step "nowhere" — known steps: wait, crawl',
      "✗ 6 problems in 2 spec files; nothing was written",
    ]);
  });

  it("--json prints the verdict and every problem for machines", async () => {
    const ok = await pipegen(["validate", "--json", "pipelines/sales.pipeline.yaml"]);
    expect(ok.exitCode).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({
      valid: true,
      pipelines: [{ id: "sales", file: "pipelines/sales.pipeline.yaml", airflowVersion: "2.10.3" }],
      problems: [],
    });
    const bad = await pipegen(["validate", "--json", "test/fixtures/bad"]);
    expect(bad.exitCode).toBe(1);
    const report = JSON.parse(bad.stdout);
    expect(report.valid).toBe(false);
    expect(report.problems).toHaveLength(6);
    expect(report.problems[3]).toEqual({
      file: "test/fixtures/bad/products.pipeline.yaml",
      line: 16,
      column: 14,
      path: "steps[1].crawler",
      message: "expected a string, got number 42",
    });
  });

  it("refuses a spec with an xtable step but no runner location, at the step, with a hint; renders nothing", async () => {
    const sales = path.join(work, "pipelines/sales.pipeline.yaml");
    const text = await readFile(sales, "utf8");
    const without = text.replace(/\nxtableRunner:\n {2}bucket: prod-mwaa-source\n/, "\n");
    await writeFile(sales, without);
    const line = without.split("\n").indexOf("    kind: xtable") + 1;
    const r = await pipegen(["render"], { cwd: work });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split("\n")).toEqual([
      `pipelines/sales.pipeline.yaml:${line}:11 steps[1].kind: an xtable step needs xtableRunner: the MWAA environment's bucket (and deploy prefix), where pipegen deploy uploads the XTable runner and from where startup.sh fetches it — add \`xtableRunner: { bucket: <the bucket pipegen deploy --bucket writes to>, prefix: <its --prefix, if any> }\` at the top of the spec`,
      "✗ 1 problem in 1 spec file; nothing was written",
    ]);
    expect(await readdir(work)).toEqual(["pipelines"]);
  });

  it("refuses specs whose xtable steps fetch the runner from different places (one bundle, one startup.sh)", async () => {
    const sales = path.join(work, "pipelines/sales.pipeline.yaml");
    await writeFile(
      sales,
      (await readFile(sales, "utf8")).replace(
        "bucket: prod-mwaa-source\n",
        "bucket: prod-mwaa-source\n  prefix: team-b/\n",
      ),
    );
    const r = await pipegen(["validate"], { cwd: work });
    expect(r.exitCode).toBe(1);
    const both =
      "xtableRunner: one bundle has one startup.sh, which fetches the XTable runner from one place, but the specs name s3://prod-mwaa-source/ (pipelines/orders_lakehouse.pipeline.yaml) and s3://prod-mwaa-source/team-b/ (pipelines/sales.pipeline.yaml) — name the same bucket and prefix (where pipegen deploy writes) in every spec with an xtable step";
    expect(r.stderr.split("\n")).toEqual([
      expect.stringMatching(/^pipelines\/orders_lakehouse\.pipeline\.yaml:\d+:\d+ /),
      expect.stringMatching(/^pipelines\/sales\.pipeline\.yaml:\d+:\d+ /),
      "✗ 2 problems in 2 spec files; nothing was written",
    ]);
    for (const l of r.stderr.split("\n").slice(0, 2)) expect(l.replace(/^\S+ /, "")).toBe(both);
  });

  it("reports YAML and TypeScript syntax errors cleanly", async () => {
    const r = await pipegen(["validate", "test/fixtures/syntax"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      "test/fixtures/syntax/broken.pipeline.yaml:3:3 YAML syntax error: Block collections are not allowed within flow collections",
    );
    expect(r.stderr).toContain(
      "test/fixtures/syntax/typo.pipeline.ts:6:1 TypeScript syntax error: Expression or comma expected.",
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("reports a TS spec that throws, at the throwing line, without a stack trace", async () => {
    const r = await pipegen(["validate", "test/fixtures/throws"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      "test/fixtures/throws/boom.pipeline.ts:4:20 the spec threw while loading: PIPEGEN_FIXTURE_BUCKET is not set — a spec module must only build and export its pipeline\n✗ 1 problem in 1 spec file; nothing was written",
    );
  });

  it("places a throw after stripped types at its column in the .ts file", async () => {
    const r = await pipegen(["validate", "test/fixtures/throws-typed"]);
    expect(r.exitCode).toBe(1);
    // Column 51 of line 4 is `new Error(...)`, after `(message: string): never`.
    expect(r.stderr.split("\n")[0]).toBe(
      "test/fixtures/throws-typed/late.pipeline.ts:4:51 the spec threw while loading: PIPEGEN_FIXTURE_BUCKET is not set — a spec module must only build and export its pipeline",
    );
  });

  it("reports a TS spec without a default export, and an import it cannot resolve", async () => {
    const r = await pipegen(["validate", "test/fixtures/ts-modules"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split("\n")).toEqual([
      "test/fixtures/ts-modules/nodefault.pipeline.ts:1:1 has no default export — end the file with `export default definePipeline({ ... })`",
      "test/fixtures/ts-modules/unresolved.pipeline.ts:2:26 the spec threw while loading: Cannot find module './no-such-module' — check the import: relative paths are resolved from the spec's folder, packages from its node_modules",
      "✗ 2 problems in 2 spec files; nothing was written",
    ]);
  });

  it("loads a TS spec that imports a sibling TS module, and sees the module's values", async () => {
    const out = path.join(work, "shared-out");
    const r = await pipegen(["render", "test/fixtures/shared", "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    const dag = await readFile(path.join(out, "dags/clicks.py"), "utf8");
    expect(dag).toContain('bucket_name="shared-landing-bucket"');
    expect(dag).toContain('schedule="@daily"');
  });

  it.each([
    [["validate", "no/such/dir"], "✗ no such file or folder: no/such/dir"],
    [
      ["validate", "package.json"],
      "✗ package.json is not a spec file: spec files are named <dag_id>.pipeline.ts or <dag_id>.pipeline.yaml",
    ],
    [
      ["render", "--airflow-version", "1.10.15"],
      "error: option '--airflow-version <version>' argument '1.10.15' is invalid. Allowed choices are 2.10.3, 2.11.0, 3.0.6, 3.2.1, 3.3.1.\n(run with --help for usage)",
    ],
    [
      ["deploy"],
      "✗ no bucket to deploy to: pass --bucket <name>, set PIPEGEN_BUCKET, or set deploy.bucket in pipegen.config.yaml",
    ],
    [
      ["deploy", "--bucket", "ok-bucket", "--from", "package.json", "--dry-run"],
      "✗ --from package.json: is a file, not a folder; run `pipegen render` first or point --from at a bundle",
    ],
    [
      ["deploy", "--bucket", "ok-bucket", "--from", "no/such/dist", "--dry-run"],
      "✗ --from no/such/dist: no such folder; run `pipegen render` first or point --from at a bundle",
    ],
  ])("%j exits 1: %s", async (args, message) => {
    const r = await pipegen(args);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(message);
  });

  it("prints help and version with exit 0", async () => {
    for (const args of [["--help"], ["render", "--help"], ["validate", "--help"], ["schema", "--help"]]) {
      const r = await pipegen(args);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(/^Usage: pipegen/);
    }
    const version = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8")).version;
    expect((await pipegen(["--version"])).stdout).toBe(version);
  });
});

describe("pipegen render", () => {
  it("writes the bundle, then skips unchanged files, then --check passes", async () => {
    const first = await pipegen(["render"], { cwd: work });
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain("✓ rendered 11 files to dist (11 changed, 0 unchanged)");
    expect((await readdir(path.join(work, "dist"))).sort()).toEqual([
      ".pipegen-files.json",
      "dags",
      "requirements.txt",
      "startup.sh",
    ]);
    expect((await stat(path.join(work, "dist/startup.sh"))).mode & 0o111).not.toBe(0);

    const before = (await stat(path.join(work, "dist/dags/products.py"))).mtimeMs;
    const second = await pipegen(["render"], { cwd: work });
    expect(second.stdout).toBe("✓ rendered 11 files to dist (0 changed, 11 unchanged)");
    expect((await stat(path.join(work, "dist/dags/products.py"))).mtimeMs).toBe(before);

    const check = await pipegen(["render", "--check"], { cwd: work });
    expect(check.exitCode).toBe(0);
  });

  it("--check exits 1 and names changed, missing and extra files", async () => {
    await pipegen(["render"], { cwd: work });
    await writeFile(path.join(work, "dist/dags/products.py"), "# edited by hand\n");
    await rm(path.join(work, "dist/requirements.txt"));
    // Extra: a DAG pipegen wrote whose spec is gone.
    await rm(path.join(work, "pipelines/orders_lakehouse.pipeline.yaml"));
    const r = await pipegen(["render", "--check"], { cwd: work });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      [
        "  extra   dags/orders_lakehouse.py",
        "  changed dags/products.py",
        "  missing requirements.txt",
        "✗ 3 files are stale: run `pipegen render` and commit the result",
      ].join("\n"),
    );
    expect(await readFile(path.join(work, "dist/dags/products.py"), "utf8")).toBe("# edited by hand\n");
  });

  it.each([
    [
      "is a file",
      "taken",
      "✗ cannot read the output folder <work>/taken: a part of the path is a file, not a folder; nothing was written",
    ],
    [
      "is below a file",
      "taken/dist",
      "✗ cannot read the output folder <work>/taken/dist: a part of the path is a file, not a folder; nothing was written",
    ],
  ])("exits 1 with one line when --out %s", async (_, out, want) => {
    await writeFile(path.join(work, "taken"), "not a folder\n");
    const r = await pipegen(["render", "--out", out], { cwd: work });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(want.replace("<work>", work));
    expect(await readFile(path.join(work, "taken"), "utf8")).toBe("not a folder\n");
  });

  it("writes nothing when any spec is invalid, and keeps the previous bundle", async () => {
    await pipegen(["render"], { cwd: work });
    const previous = await readFile(path.join(work, "dist/dags/sales.py"), "utf8");
    const sales = path.join(work, "pipelines/sales.pipeline.yaml");
    await writeFile(
      sales,
      (await readFile(sales, "utf8"))
        .replace("refreshMaterializedView", "refreshMaterialisedView")
        .replace("sales_daily_mv", "sales_mv"),
    );
    const r = await pipegen(["render"], { cwd: work });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      'steps[2].kind: unknown kind "refreshMaterialisedView" — did you mean "refreshMaterializedView"?',
    );
    expect(await readFile(path.join(work, "dist/dags/sales.py"), "utf8")).toBe(previous);
    expect((await readdir(work)).sort()).toEqual(["dist", "pipelines"]);
  });

  it("refuses specs that target different Airflow versions, unless --airflow-version is given", async () => {
    const sales = path.join(work, "pipelines/sales.pipeline.yaml");
    await writeFile(
      sales,
      (await readFile(sales, "utf8")).replace('airflowVersion: "2.10.3"', 'airflowVersion: "3.0.6"'),
    );
    const r = await pipegen(["validate"], { cwd: work });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      "pipelines/sales.pipeline.yaml:10:17 airflowVersion: one bundle deploys to one MWAA environment, but the specs target 2.10.3 (pipelines/daily_landing.pipeline.yaml, pipelines/orders_lakehouse.pipeline.yaml, pipelines/partner_feed.pipeline.ts, pipelines/products.pipeline.ts, pipelines/sales_features.pipeline.yaml) and 3.0.6 (pipelines/sales.pipeline.yaml)",
    );
    expect((await pipegen(["render", "--airflow-version", "3.0.6"], { cwd: work })).exitCode).toBe(0);
    expect(await readFile(path.join(work, "dist/requirements.txt"), "utf8")).toContain(
      "constraints-3.0.6/constraints-3.12.txt",
    );
  });

  it("refuses two spec files that declare the same DAG id, which would be one DAG file, and writes nothing", async () => {
    await cp(path.join(work, "pipelines/sales.pipeline.yaml"), path.join(work, "pipelines/eu/sales.pipeline.yaml"), {
      recursive: true,
    });
    const r = await pipegen(["render"], { cwd: work });
    expect(r.exitCode).toBe(1);
    const both =
      "dags/sales.py would be written from pipelines/eu/sales.pipeline.yaml and pipelines/sales.pipeline.yaml — DAG ids must be unique in a bundle: rename one spec file and its id";
    expect(r.stderr.split("\n")).toEqual([
      `pipelines/eu/sales.pipeline.yaml:6:5 id: ${both}`,
      `pipelines/sales.pipeline.yaml:6:5 id: ${both}`,
      "✗ 2 problems in 2 spec files; nothing was written",
    ]);
    expect(await readdir(work)).not.toContain("dist");
  });
});

describe("pipegen schema", () => {
  it("writes the JSON Schema", async () => {
    const r = await pipegen(["schema", "--out", path.join(work, "s.json")]);
    expect(r.exitCode).toBe(0);
    const schema = JSON.parse(await readFile(path.join(work, "s.json"), "utf8"));
    expect(schema.title).toBe("pipegen pipeline spec");
    // Every step kind, or a template step (whose `with:` a project-specific schema describes: see pipegen templates).
    const [kinds, template] = schema.properties.steps.items.anyOf;
    expect(kinds.oneOf).toHaveLength(9);
    expect(template.properties.kind).toEqual({ type: "string", const: "template" });
  });
});
