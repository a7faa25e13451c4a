/**
 * The built bin never deletes or overwrites what pipegen did not write:
 * the reproduction from issue 10 (`render --out .` in a fresh project used
 * to delete it), the specs folder as --out, a user's file or a link among
 * pipegen's files, a folder from an earlier pipegen, and the single-file
 * outputs. Each refusal is checked byte for byte against a snapshot.
 */
import { cp, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pipegen, ROOT } from "./helpers/cli.js";
import { goldenBundle } from "./helpers/golden.js";
import { snapshot } from "./helpers/snapshot.js";

let work: string;
let project: string;
beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), "pipegen-own-cli-"));
  project = path.join(work, "project");
  await mkdir(project);
});
afterEach(() => rm(work, { recursive: true, force: true }));

const FIX =
  "pipegen replaces everything in its output folder, so it writes only to a folder that is new, empty or its own";

/** Runs the bin, expects exit 1 with `stderr`, and that nothing under the temp folder changed. */
async function expectRefused(args: string[], cwd: string, stderr: string): Promise<void> {
  const before = await snapshot(work);
  const r = await pipegen(args, { cwd });
  expect(r.stderr).toBe(stderr);
  expect(r.stdout).toBe("");
  expect(r.exitCode).toBe(1);
  expect(await snapshot(work)).toEqual(before);
}

async function initProject(): Promise<void> {
  expect((await pipegen(["init", "-q"], { cwd: project })).exitCode).toBe(0);
}

describe("pipegen render never deletes the user's files", () => {
  it("pipegen init, git init, render --out . (issue 10): refused, every file still there byte for byte", async () => {
    await initProject();
    const git = (...args: string[]) =>
      execa("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: project });
    await git("init", "-q");
    await git("add", "-A");
    await git("commit", "-qm", "init");
    expect(Object.keys(await snapshot(project))).toContain(".git/HEAD");
    await expectRefused(
      ["render", "--out", "."],
      project,
      `✗ --out . holds .git/, which pipegen did not write (and 6 more); nothing was written. ${FIX}: give --out a folder of its own, such as dist/`,
    );
    expect((await git("status", "--porcelain")).stdout).toBe("");
  });

  it("refuses the project root by its full path, and the folder above it", async () => {
    await initProject();
    await expectRefused(
      ["render", "--out", project],
      project,
      `✗ --out ${project} holds .github/, which pipegen did not write (and 5 more); nothing was written. ${FIX}: give --out a folder of its own, such as dist/`,
    );
    await expectRefused(
      ["render", "--out", ".."],
      project,
      `✗ --out .. holds project/, which pipegen did not write; nothing was written. ${FIX}: move project/ out of .., or give --out a folder of its own, such as dist/`,
    );
  });

  it("refuses a folder that holds only .git", async () => {
    await initProject();
    await execa("git", ["init", "-q", path.join(work, "repo")]);
    await expectRefused(
      ["render", "--out", "../repo"],
      project,
      `✗ --out ../repo holds .git/, which pipegen did not write; nothing was written. ${FIX}: move .git/ out of ../repo, or give --out a folder of its own, such as dist/`,
    );
  });

  it("refuses --out equal to the specs folder", async () => {
    await initProject();
    await expectRefused(
      ["render", "--out", "pipelines"],
      project,
      `✗ --out pipelines holds daily_orders.pipeline.ts, which pipegen did not write (and 1 more); nothing was written. ${FIX}: give --out a folder of its own, such as dist/`,
    );
  });

  it("refuses, with --check too, a folder with one file of the user's among pipegen's", async () => {
    await initProject();
    expect((await pipegen(["render", "-q"], { cwd: project })).exitCode).toBe(0);
    await writeFile(path.join(project, "dist/README.md"), "the user's notes\n");
    const message = `✗ --out dist holds README.md, which pipegen did not write; nothing was written. ${FIX}: move README.md out of dist, or give --out another folder`;
    await expectRefused(["render"], project, message);
    await expectRefused(["render", "--check"], project, message);
  });

  it("refuses a link inside the output folder that points outside it, and follows it nowhere", async () => {
    await initProject();
    expect((await pipegen(["render", "-q"], { cwd: project })).exitCode).toBe(0);
    await writeFile(path.join(work, "outside.py"), "# the user's\n");
    // In place of a file pipegen wrote, so the manifest lists the path.
    await rm(path.join(project, "dist/dags/daily_orders.py"));
    await symlink(path.join(work, "outside.py"), path.join(project, "dist/dags/daily_orders.py"));
    await expectRefused(
      ["render"],
      project,
      `✗ --out dist holds dags/daily_orders.py (a symbolic link), which pipegen did not write; nothing was written. ${FIX}: move dags/daily_orders.py out of dist, or give --out another folder`,
    );
  });

  it("refuses the working folder even when all in it is pipegen's", async () => {
    await initProject();
    expect((await pipegen(["render", "-q"], { cwd: project })).exitCode).toBe(0);
    await expectRefused(
      ["render", "../pipelines", "--out", "."],
      path.join(project, "dist"),
      "✗ --out . is the working folder or holds it; nothing was written. pipegen replaces its output folder whole, so give --out a folder of its own, such as dist/",
    );
  });
});

describe("pipegen render replaces what it wrote", () => {
  it("re-rendered after a spec was deleted, removes only that DAG", async () => {
    await initProject();
    expect((await pipegen(["render", "-q"], { cwd: project })).exitCode).toBe(0);
    const before = await snapshot(path.join(project, "dist"));
    const mtime = (await stat(path.join(project, "dist/dags/lakehouse_sync.py"))).mtimeMs;
    await rm(path.join(project, "pipelines/daily_orders.pipeline.ts"));
    const r = await pipegen(["render"], { cwd: project });
    expect(r.stderr).toBe("");
    expect(r.stdout.split("\n")).toEqual([
      "  removed dist/dags/daily_orders.py",
      "✓ rendered 6 files to dist (1 changed, 6 unchanged)",
    ]);
    const { "dags/daily_orders.py": gone, ".pipegen-files.json": _, ...others } = before;
    expect(gone).toBeDefined();
    const { ".pipegen-files.json": manifest, ...now } = await snapshot(path.join(project, "dist"));
    expect(now).toEqual(others);
    expect(manifest).toBeDefined();
    expect((await stat(path.join(project, "dist/dags/lakehouse_sync.py"))).mtimeMs).toBe(mtime);
    expect((await pipegen(["render", "--check"], { cwd: project })).exitCode).toBe(0);
  });

  it("takes over a bundle an earlier pipegen wrote (no manifest) without a word, and adds the manifest", async () => {
    await cp(path.join(ROOT, "pipelines"), path.join(project, "pipelines"), { recursive: true });
    await cp(goldenBundle("2.10.3"), path.join(project, "dist"), { recursive: true });
    const check = await pipegen(["render", "--check"], { cwd: project });
    expect(check.stdout).toBe("✓ dist is up to date (11 files)");
    const r = await pipegen(["render"], { cwd: project });
    expect(r.stdout).toBe("✓ rendered 11 files to dist (0 changed, 11 unchanged)");
    expect(JSON.parse(await readFile(path.join(project, "dist/.pipegen-files.json"), "utf8")).files).toHaveLength(11);
  });
});

describe("pipegen schema --out and graph --out", () => {
  it("write a new file, and write again over their own, but never over the user's file or through a link", async () => {
    await initProject();
    const spec = "pipelines/daily_orders.pipeline.ts";
    for (let i = 0; i < 2; i++) {
      expect((await pipegen(["schema", "--out", "schema.json"], { cwd: project })).exitCode).toBe(0);
      expect((await pipegen(["graph", spec, "--out", "docs/graph.mmd"], { cwd: project })).exitCode).toBe(0);
    }
    await symlink("package.json", path.join(project, "link.json"));
    const tail = "; nothing was written. pipegen replaces only files it wrote: give --out another file";
    await expectRefused(
      ["schema", "--out", "package.json"],
      project,
      `✗ --out package.json is not the JSON Schema pipegen writes${tail}, or move package.json away first`,
    );
    await expectRefused(
      ["graph", spec, "--out", spec],
      project,
      `✗ --out ${spec} is not a diagram pipegen draws${tail}, or move daily_orders.pipeline.ts away first`,
    );
    await expectRefused(
      ["schema", "--out", "link.json"],
      project,
      `✗ --out link.json is a symbolic link, which pipegen does not write through${tail}, or move link.json away first`,
    );
  });
});
