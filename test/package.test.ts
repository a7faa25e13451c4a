/**
 * The package as users install it: `npm pack`, `npm install <tarball>` in a
 * fresh folder, then the installed bin runs init, validate and render there,
 * and its bundle is byte for byte what this checkout's build renders. This
 * proves that `files` in package.json holds everything the CLI reads at run
 * time (templates, the schema, startup fragments) and the XTable runner's
 * sources, and nothing of the working tree (tests, TypeScript sources,
 * caches, a built runner). The npm registry is reached through the local
 * npm cache first (--prefer-offline).
 *
 * The installed package ships the XTable runner's sources, not a build: the
 * first `pipegen xtable run` builds the runner into pipegen's cache folder
 * with the package's own jars/build.sh, saying so first; later runs and
 * `pipegen deploy` find it there, and the archive deploy uploads is the one
 * pinned in jars/runner-archive.json. Maven's local repository is the
 * checkout's (.cache/m2, where the global setup built Apache XTable from its
 * source release), so this build compiles the runner from the shipped sources
 * without downloading 600 MB again.
 */
import { access, constants, mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CreateBucketCommand, GetObjectCommand, PutBucketVersioningCommand, S3Client } from "@aws-sdk/client-s3";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import { packRunner } from "../src/runner/archive.js";
import { runnerArchivePath } from "../src/runner/location.js";
import { runnerPin } from "../src/runner/pin.js";
import { pipegen, ROOT } from "./helpers/cli.js";
import { MOTO_AWS_ENV, startMoto } from "./helpers/moto.js";
import { pythonJson } from "./helpers/python.js";
import { snapshot } from "./helpers/snapshot.js";
import { buildEnv } from "./helpers/xtable.js";

let work: string;
let tarball: string;
let packed: string[];
/** Where the tarball was installed, as `npx pipegen` would have it. */
let installed: string;
let project: string;

const installedPipegen = (args: readonly string[], cwd: string, env: Record<string, string> = {}) =>
  execa(path.join(installed, "node_modules/.bin/pipegen"), args, {
    cwd,
    env: { NO_COLOR: "1", ...env },
    reject: false,
  });

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

it("installed from the tarball, builds the XTable runner into its cache from the shipped sources, then xtable run and deploy use it", async () => {
  const cache = path.join(work, "pipegen-cache");
  const env = buildEnv({ PIPEGEN_CACHE_DIR: cache, PIPEGEN_MAVEN_REPO: path.join(ROOT, ".cache/m2") });
  const tables = path.join(work, "tables");
  const made = await pythonJson<{ cases: Record<string, { path: string }> }>("delta", [
    `${ROOT}test/python/xtable_fixtures.py`,
    "delta",
    tables,
    "sales=partitioned_date",
  ]);
  const config = path.join(work, "dataset.yaml");
  await writeFile(
    config,
    `sourceFormat: DELTA\ntargetFormats: [ICEBERG]\ndatasets:\n  - tableBasePath: ${made.cases.sales!.path}\n    tableName: sales\n`,
  );
  const lib = path.join(cache, "xtable-runner", "lib");
  const packageRoot = path.join(installed, "node_modules", "pipegen");

  const first = await installedPipegen(["xtable", "run", "--config", config, "-q"], work, env);
  expect(first.exitCode, first.stderr).toBe(0);
  expect(first.stderr).toContain(
    `! the XTable runner is not built yet: building it into ${lib} from the sources pipegen ships (${path.join(await realpath(packageRoot), "jars")}) with Maven and a JDK 17.`,
  );
  expect(first.stdout.split("\n")).toEqual(["✓ sales → ICEBERG (full)", "✓ 1 sync succeeded"]);
  // Built from the shipped sources into the cache: nothing written into the installed package.
  expect((await readdir(packageRoot)).sort()).toEqual([
    "README.md",
    "build",
    "jars",
    "package.json",
    "schema",
    "startup",
    "templates",
  ]);
  expect(await readdir(path.join(packageRoot, "jars"))).not.toContain("target");
  // The same bytes as the pin: the build from the tarball's sources reproduces the archive.
  expect((await packRunner(lib)).sha256).toBe(runnerPin().sha256);

  const again = await installedPipegen(["xtable", "run", "--config", config, "-q"], work, env);
  expect(again.exitCode, again.stderr).toBe(0);
  expect(again.stderr).toBe("");
  expect(again.stdout.split("\n")[0]).toBe("✓ sales → ICEBERG (up to date)");

  // deploy of a new project's bundle (its lakehouse_sync step names my-mwaa-bucket) to the local S3 server.
  const moto = await startMoto();
  try {
    const s3 = new S3Client({
      endpoint: moto.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    await s3.send(new CreateBucketCommand({ Bucket: "my-mwaa-bucket" }));
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: "my-mwaa-bucket", VersioningConfiguration: { Status: "Enabled" } }),
    );
    const deployProject = path.join(installed, "deploy-project");
    expect((await installedPipegen(["init", deployProject, "-q"], work)).exitCode).toBe(0);
    const deployed = await installedPipegen(["deploy", "--bucket", "my-mwaa-bucket"], deployProject, {
      ...env,
      ...MOTO_AWS_ENV,
      AWS_ENDPOINT_URL_S3: moto.endpoint,
      AWS_ENDPOINT_URL_STS: moto.endpoint,
    });
    expect(deployed.exitCode, deployed.stderr).toBe(0);
    expect(deployed.stderr).not.toContain("building");
    const key = runnerArchivePath(runnerPin().sha256);
    expect(deployed.stdout).toContain(`  add     ${key}`);
    const got = await s3.send(new GetObjectCommand({ Bucket: "my-mwaa-bucket", Key: key }));
    expect(got.ContentLength).toBe(runnerPin().size);
    expect(got.Metadata).toEqual({ "pipegen-sha256": runnerPin().sha256 });
  } finally {
    await moto.stop();
  }
}, 900_000);
