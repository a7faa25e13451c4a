/**
 * The bundle to deploy: every file with its content hash and the upload
 * class that fixes when it may land. The bundle is laid out like the MWAA
 * bucket (what `pipegen render` writes): `dags/…`, `requirements.txt`,
 * `startup.sh`, and possibly `plugins.zip` and runner artifact folders.
 */
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { RenderedFile } from "../render/bundle.js";
import { MANIFEST } from "../write/ownership.js";
import { DeploySettingsError } from "./errors.js";
import { runPool } from "./pool.js";

/** One file of the bundle, read into memory and hashed. */
export interface BundleFile {
  /** Path inside the bundle with forward slashes, e.g. `dags/products.py`. */
  readonly path: string;
  readonly body: Buffer;
  /** Hex SHA-256 of the content: the identity the plan compares. */
  readonly sha256: string;
  readonly size: number;
  readonly uploadClass: UploadClass;
}

/**
 * Upload classes, in the order they land. Every object of a class is in the
 * bucket before any object of the next class is sent, so a DAG is never live
 * before the code it imports.
 */
export const UPLOAD_CLASSES = [
  { id: 1, label: "runtime: the XTable runner, then startup.sh and plugins" },
  { id: 2, label: "requirements.txt and modules the DAGs import" },
  { id: 3, label: "DAG files" },
  { id: 4, label: "dags/.airflowignore" },
] as const;

/** An upload class id: 1 lands first, 4 last. */
export type UploadClass = (typeof UPLOAD_CLASSES)[number]["id"];

/** The files MWAA reads at environment level; a new version of one needs `UpdateEnvironment`. */
export const ENVIRONMENT_FILES = {
  "requirements.txt": { path: "RequirementsS3Path", version: "RequirementsS3ObjectVersion" },
  "startup.sh": { path: "StartupScriptS3Path", version: "StartupScriptS3ObjectVersion" },
  "plugins.zip": { path: "PluginsS3Path", version: "PluginsS3ObjectVersion" },
} as const;

/** requirements.txt, startup.sh or plugins.zip. */
export type EnvironmentFile = keyof typeof ENVIRONMENT_FILES;

/** Whether a bundle path is one of the files MWAA reads by object version. */
export const isEnvironmentFile = (p: string): p is EnvironmentFile => Object.hasOwn(ENVIRONMENT_FILES, p);

/** Where pipegen keeps its own state under the prefix; never part of a bundle. */
export const STATE_DIR = ".pipegen";

/**
 * The class of a bundle path:
 * 1. anything outside `dags/` except requirements.txt: startup.sh, plugins.zip, the XTable
 *    runner archives (which land before the rest of the class: startup.sh names them);
 * 2. requirements.txt, and everything in a sub-folder of `dags/` or that is not a DAG file
 *    (the operator module `dags/pipegen_xtable/**`, SQL files, a constraints file);
 * 3. DAG files: `dags/*.py` and zipped DAGs `dags/*.zip`;
 * 4. `dags/.airflowignore`.
 */
export function uploadClassOf(p: string): UploadClass {
  if (p === "dags/.airflowignore") return 4;
  if (p.startsWith("dags/")) {
    const rest = p.slice("dags/".length);
    return !rest.includes("/") && /\.(py|zip)$/.test(rest) ? 3 : 2;
  }
  return p === "requirements.txt" ? 2 : 1;
}

/** Hex SHA-256 of a body: how the plan and the object metadata identify content. */
export function sha256Hex(body: Buffer): string {
  return createHash("sha256").update(body).digest("hex");
}

function bundleFile(p: string, body: Buffer): BundleFile {
  return { path: p, body, sha256: sha256Hex(body), size: body.length, uploadClass: uploadClassOf(p) };
}

/** The bundle `renderPipelines` produced in memory. */
export function bundleFromRendered(files: readonly RenderedFile[]): BundleFile[] {
  return checkBundle(
    files.map((f) => bundleFile(f.path, Buffer.from(f.content, "utf8"))),
    "the rendered bundle",
  );
}

/**
 * Reads an existing bundle folder, such as the `dist/` that `pipegen render`
 * wrote, but the list of files render keeps there for itself (not part of
 * the bundle: it never reaches the bucket).
 * @throws {DeploySettingsError} when the folder is missing, has no `dags/`, or holds a path pipegen reserves
 */
export async function readBundleDir(dir: string, shownAs = dir): Promise<BundleFile[]> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory())
    throw new DeploySettingsError(
      `--from ${shownAs}: ${info ? "is a file, not a folder" : "no such folder"}; run \`pipegen render\` first or point --from at a bundle`,
    );
  const paths: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (p === MANIFEST) continue;
      // `stat` follows symlinks, so a linked file deploys its target's content.
      const s = e.isSymbolicLink() ? await stat(path.join(dir, p)) : e;
      if (s.isDirectory()) await walk(p);
      else if (s.isFile()) paths.push(p);
    }
  };
  await walk("");
  paths.sort();
  // Read in parallel (a thousand DAG files one by one cost a noticeable part of a no-op deploy).
  const files = new Array<BundleFile>(paths.length);
  const read = await runPool(
    paths.map((p, i) => [p, i] as const),
    32,
    async ([p, i]) => {
      files[i] = bundleFile(p, await readFile(path.join(dir, p)));
    },
  );
  if (read.failed.length > 0) throw read.failed[0]!.error;
  return checkBundle(files, `--from ${shownAs}`);
}

function checkBundle(files: BundleFile[], what: string): BundleFile[] {
  if (!files.some((f) => f.uploadClass === 3))
    throw new DeploySettingsError(`${what} has no DAG files (dags/*.py); there is nothing to deploy`);
  const reserved = files.find((f) => f.path === STATE_DIR || f.path.startsWith(`${STATE_DIR}/`));
  if (reserved)
    throw new DeploySettingsError(
      `${what} contains ${reserved.path}, but ${STATE_DIR}/ holds pipegen's deploy manifest`,
    );
  return files;
}
