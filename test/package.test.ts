/**
 * The package as users install it: `npm pack`, `npm install <tarball>` in a
 * fresh folder, then the installed bin runs init, validate and render there,
 * and its bundle is byte for byte what this checkout's build renders. This
 * proves that `files` in package.json holds everything the CLI reads at run
 * time (templates, the schema, startup fragments) and the XTable runner's
 * sources, and nothing of the working tree (tests, TypeScript sources,
 * caches, a built runner). The npm registry is reached through the local
 * npm cache first (--prefer-offline).
 */
import { access, constants, mkdir, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import { pipegen, ROOT } from "./helpers/cli.js";
import { snapshot } from "./helpers/snapshot.js";

let work: string;
let tarball: string;
let packed: string[];
/** Where the tarball was installed, as `npx pipegen` would have it. */
let installed: string;
let project: string;

const installedPipegen = (args: readonly string[], cwd: string) =>
  execa(path.join(installed, "node_modules/.bin/pipegen"), args, { cwd, env: { NO_COLOR: "1" }, reject: false });

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "pipegen-package-"));
  // The build is npm test's first step; `prepare` would only build it again.
  const pack = await execa("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: ROOT });
  const [info] = JSON.parse(pack.stdout) as [{ filename: string; files: { path: string }[] }];
  tarball = path.join(work, info.filename);
  packed = info.files.map((f) => f.path).sort();
  installed = path.join(work, "home");
  await mkdir(installed);
  await execa("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball], { cwd: installed });
  project = path.join(installed, "my-project");
}, 600_000);
afterAll(() => rm(work, { recursive: true, force: true }));

/** Every file under a folder of the checkout, as package paths. */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(path.join(ROOT, folder), { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)).split(path.sep).join("/"));
}

it("packs every file the CLI reads at run time and the XTable runner's sources, and nothing else", async () => {
  const runtime = [
    ...(await filesUnder("templates")),
    ...(await filesUnder("startup")),
    ...(await filesUnder("schema")),
    ...(await filesUnder("jars")).filter((p) => !p.startsWith("jars/target/")),
  ];
  expect(runtime).toEqual(expect.arrayContaining(["jars/pom.xml", "jars/build.sh", "jars/README.md"]));
  expect(runtime.some((p) => p.startsWith("jars/src/main/java/"))).toBe(true);
  expect(packed).toEqual(
    expect.arrayContaining([...runtime, "build/bin/pipegen.js", "build/index.js", "package.json"]),
  );
  const topLevel = new Set(packed.map((p) => p.split("/")[0]));
  expect([...topLevel].sort()).toEqual([
    "README.md",
    "build",
    "jars",
    "package.json",
    "schema",
    "startup",
    "templates",
  ]);
  expect(packed.filter((p) => p.startsWith("jars/target/"))).toEqual([]);
  // jars/build.sh keeps its executable bit through the tarball.
  await access(path.join(installed, "node_modules/pipegen/jars/build.sh"), constants.X_OK);
});

it("installed from the tarball, runs init, validate and render, and renders what the checkout renders", async () => {
  const init = await installedPipegen(["init", "my-project"], installed);
  expect(init.exitCode, init.stderr).toBe(0);
  const validate = await installedPipegen(["validate"], project);
  expect([validate.exitCode, validate.stdout, validate.stderr]).toEqual([0, "✓ 2 pipelines valid", ""]);
  const render = await installedPipegen(["render"], project);
  expect(render.exitCode, render.stderr).toBe(0);
  expect(render.stdout.split("\n").at(-1)).toMatch(/^✓ rendered \d+ files to dist \(\d+ changed, 0 unchanged\)$/);

  const fromCheckout = await pipegen(["render", "--out", "dist-checkout", "-q"], { cwd: project });
  expect(fromCheckout.exitCode, fromCheckout.stderr).toBe(0);
  const bundle = await snapshot(path.join(project, "dist"));
  expect(Object.keys(bundle)).toEqual(expect.arrayContaining(["dags/daily_orders.py", "requirements.txt"]));
  expect(bundle).toEqual(await snapshot(path.join(project, "dist-checkout")));
  expect((await stat(path.join(project, "dist/startup.sh"))).mode & 0o111).not.toBe(0);

  // What init's editor settings point at is installed, and is the schema `pipegen schema` prints.
  const settings = JSON.parse(await readFile(path.join(project, ".vscode/settings.json"), "utf8"));
  const schemaPath = Object.keys(settings["yaml.schemas"])[0]!.replace("./node_modules/", "node_modules/");
  const schema = await installedPipegen(["schema"], project);
  expect(`${schema.stdout}\n`).toBe(await readFile(path.join(installed, schemaPath), "utf8"));
});
