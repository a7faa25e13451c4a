/** `pipegen init` in an empty folder, then validate and render there; real Airflow imports the result. */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { parse } from "yaml";
import { pipegen, ROOT } from "./helpers/cli.js";
import { pythonJson } from "./helpers/python.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pipegen-init-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

it("scaffolds a project that validates, renders and imports in Airflow", async () => {
  const init = await pipegen(["init"], { cwd: dir });
  expect(init.exitCode, init.stderr).toBe(0);
  expect(init.stdout.split("\n").slice(0, -1)).toEqual([
    "  created package.json",
    "  created tsconfig.json",
    "  created .gitignore",
    "  created .vscode/settings.json",
    "  created pipelines/daily_orders.pipeline.ts",
    "  created pipelines/lakehouse_sync.pipeline.yaml",
    "  created .github/workflows/mwaa.yml",
  ]);
  expect((await pipegen(["validate"], { cwd: dir })).stdout).toBe("✓ 2 pipelines valid");
  const render = await pipegen(["render"], { cwd: dir });
  expect(render.exitCode, render.stderr).toBe(0);
  expect((await pipegen(["render", "--check"], { cwd: dir })).exitCode).toBe(0);

  const pkg = JSON.parse(await readFile(path.join(dir, "package.json"), "utf8"));
  expect(pkg.name).toBe(path.basename(dir).toLowerCase());
  expect(pkg.devDependencies.pipegen).toMatch(/^\^\d+\.\d+\.\d+$/);
  expect(await readFile(path.join(dir, "pipelines/lakehouse_sync.pipeline.yaml"), "utf8")).toMatch(
    /^# yaml-language-server: \$schema=\.\.\/node_modules\/pipegen\/schema\/pipeline\.schema\.json\n/,
  );
  const settings = JSON.parse(await readFile(path.join(dir, ".vscode/settings.json"), "utf8"));
  expect(settings["yaml.schemas"]).toEqual({
    "./node_modules/pipegen/schema/pipeline.schema.json": "pipelines/*.pipeline.yaml",
  });
  const workflow = parse(await readFile(path.join(dir, ".github/workflows/mwaa.yml"), "utf8"));
  // Only the jobs that talk to AWS may ask GitHub for an OIDC token.
  expect(workflow.permissions).toEqual({ contents: "read" });
  expect(workflow.jobs.plan.permissions).toEqual({ contents: "read", "id-token": "write" });
  expect(workflow.jobs.deploy.permissions).toEqual({ contents: "read", "id-token": "write" });
  expect(workflow.jobs.bundle.steps.map((s: { run?: string }) => s.run).filter(Boolean)).toEqual([
    "npm ci",
    "npx pipegen validate",
    "npx pipegen render --check",
  ]);
  expect(workflow.jobs.deploy.steps.at(-1).run).toBe("npx pipegen deploy --prune --wait --wait-timeout 90");
  // It is the workflow that docs/ci.md explains, step by step.
  const documented = /```yaml\n([\s\S]*?)```/.exec(await readFile(path.join(ROOT, "docs/ci.md"), "utf8"))![1]!;
  expect(workflow).toEqual(parse(documented));

  // The starter DAGs target the newest MWAA Airflow and import there without errors.
  const bag = await pythonJson<{ import_errors: object; dags: object }>("airflow-3.3.1", [
    "test/python/inspect_dags.py",
    path.join(dir, "dist/dags"),
    "--data-interval-start",
    "2025-01-01T05:00:00+00:00",
    "--data-interval-end",
    "2025-01-02T05:00:00+00:00",
  ]);
  expect(bag.import_errors).toEqual({});
  expect(Object.keys(bag.dags).sort()).toEqual(["daily_orders", "lakehouse_sync"]);
});

it("refuses to overwrite files without --force, and writes nothing", async () => {
  await writeFile(path.join(dir, "package.json"), "{}\n");
  const r = await pipegen(["init"], { cwd: dir });
  expect(r.exitCode).toBe(1);
  expect(r.stderr).toBe("✗ init would overwrite package.json; nothing was written (use --force to overwrite)");
  expect(await readFile(path.join(dir, "package.json"), "utf8")).toBe("{}\n");
  expect((await pipegen(["init", "--force", "-q"], { cwd: dir })).exitCode).toBe(0);
  expect(JSON.parse(await readFile(path.join(dir, "package.json"), "utf8")).private).toBe(true);
});

it("exits 1 with one line when the project folder cannot be made", async () => {
  await writeFile(path.join(dir, "taken"), "not a folder\n");
  const r = await pipegen(["init", "taken/project"], { cwd: dir });
  expect(r.exitCode).toBe(1);
  expect(r.stderr).toBe(
    `✗ cannot write ${dir}/taken/project/package.json: a part of the path is a file, not a folder (${dir}/taken)`,
  );
});
