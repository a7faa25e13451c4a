/**
 * The XTable runner archive in a deploy. startup.sh names the archive it
 * fetches (src/runner/location.ts); deploy uploads exactly that archive,
 * beside the bundle, in the first upload class and before startup.sh.
 *
 * - The archive's key holds its SHA-256, so the plan knows whether the bucket
 *   has it without building anything: the archive is packed only when it
 *   must be uploaded, and its bytes must then have the SHA-256 startup.sh
 *   names, or nothing is written.
 * - It lands at the bucket and prefix of the deploy; a startup.sh that names
 *   another place is refused (the worker would fetch from where nothing is).
 * - Prune never deletes an archive that a deployed startup.sh names: the one
 *   in the bucket before this deploy, and every version recorded as sent to
 *   an environment (MWAA may still run it, or roll back to it).
 */
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { packRunner } from "../runner/archive.js";
import { type FoundRunner, locateRunner } from "../runner/locate.js";
import {
  isRunnerArchivePath,
  type RunnerReference,
  RunnerReferenceError,
  readRunnerReference,
  runnerArchivePath,
  runnerUri,
} from "../runner/location.js";
import { PIN_FILE } from "../runner/pin.js";
import { type BucketTarget, objectParams, s3Url } from "./bucket-target.js";
import { type BundleFile, uploadClassOf } from "./bundle.js";
import { AwsCallError, DeploySettingsError } from "./errors.js";
import type { Manifest } from "./manifest.js";
import { describeError, withRetry } from "./retry.js";

/** Where the runner folder comes from: by default `$PIPEGEN_XTABLE_RUNNER`, else the one jars/build.sh builds. */
export interface RunnerSource {
  /** A runner folder (launcher jar + dependencies). */
  readonly explicit?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Told before the runner is built (it takes minutes). */
  readonly onNote?: (message: string) => void;
}

/** The runner archive of a bundle: what startup.sh names, as a bundle file without its bytes yet. */
export interface RunnerUpload {
  readonly reference: RunnerReference;
  /** `xtable-runner/<sha256>.zip`, with the SHA-256 and size startup.sh names; `body` is empty until `loadRunnerArchive`. */
  readonly file: BundleFile;
}

/**
 * The archive the bundle's startup.sh names, checked against where this deploy writes.
 * @param from the `--from` folder as the user gave it; undefined when the specs were rendered in memory
 * @throws {DeploySettingsError} when startup.sh names it unreadably, or at another bucket or prefix
 */
export function runnerUpload(
  bundle: readonly BundleFile[],
  target: BucketTarget,
  from: string | undefined,
): RunnerUpload | undefined {
  const rendered = from === undefined;
  const shownAs = from ?? "the rendered bundle";
  const startup = bundle.find((f) => f.path === "startup.sh");
  if (!startup) return undefined;
  let reference: RunnerReference | undefined;
  try {
    reference = readRunnerReference(startup.body.toString("utf8"));
  } catch (error) {
    if (!(error instanceof RunnerReferenceError)) throw error;
    throw new DeploySettingsError(
      `${shownAs}'s startup.sh names the XTable runner, but ${error.message}; render the bundle again with this pipegen`,
    );
  }
  if (!reference) return undefined;
  if (reference.bucket !== target.bucket || reference.prefix !== target.prefix)
    throw new DeploySettingsError(
      `${shownAs}'s startup.sh fetches the XTable runner from ${runnerUri(reference)}, but this deploy writes to s3://${target.bucket}/${target.prefix}, ` +
        `so the workers would find no runner. Set xtableRunner in the specs to { bucket: ${target.bucket}${target.prefix ? `, prefix: ${target.prefix}` : ""} }${rendered ? "" : " and render again"}, or deploy to s3://${reference.bucket}/${reference.prefix}`,
    );
  const path = runnerArchivePath(reference.sha256);
  const given = bundle.find((f) => f.path === path);
  if (given && given.sha256 !== reference.sha256)
    throw new DeploySettingsError(
      `${shownAs}/${path} is not the archive its name says: its SHA-256 is ${given.sha256}`,
    );
  return {
    reference,
    file: given ?? {
      path,
      body: Buffer.alloc(0),
      sha256: reference.sha256,
      size: reference.size,
      uploadClass: uploadClassOf(path),
    },
  };
}

/**
 * Packs the runner into the archive startup.sh names. A runner that is not
 * built yet is built first; when the default runner's archive differs from
 * what startup.sh names, jars/build.sh is asked once to bring it up to date.
 * @throws {DeploySettingsError} when the archive's bytes differ from what startup.sh names
 * @throws {RunnerSetupError} when there is no runner and it cannot be built
 */
export async function loadRunnerArchive(upload: RunnerUpload, source: RunnerSource = {}): Promise<BundleFile> {
  if (upload.file.body.length > 0) return upload.file;
  const want = upload.reference.sha256;
  let found: FoundRunner = await locateRunner({ ...source, build: "missing" });
  let archive = await packRunner(found.dir);
  if (archive.sha256 !== want && !found.explicit) {
    found = await locateRunner({ ...source, build: "refresh" });
    archive = await packRunner(found.dir);
  }
  if (archive.sha256 !== want)
    throw new DeploySettingsError(
      `the XTable runner in ${found.dir} packs into an archive with SHA-256 ${archive.sha256} (${archive.size} bytes), but startup.sh fetches ${runnerUri(upload.reference)} and accepts only SHA-256 ${want}; nothing was written. ` +
        (found.explicit
          ? "Point PIPEGEN_XTABLE_RUNNER at the runner this pipegen pins, or unset it."
          : `The runner built from jars/ is not the one pinned in ${PIN_FILE}: rebuild it with jars/build.sh, or if jars/ changed on purpose, update the pin (jars/README.md) and render again.`),
    );
  return { ...upload.file, body: archive.bytes, size: archive.size };
}

/**
 * Runner archives that a deployed startup.sh names: the one in the bucket now,
 * and each version the manifest records as sent to an environment. Read only
 * when the manifest holds runner archives that the bundle no longer names.
 * @throws {AwsCallError} when a startup.sh cannot be read
 */
export async function runnersInUse(
  target: BucketTarget,
  manifest: Manifest | undefined,
  bundlePaths: ReadonlySet<string>,
): Promise<Set<string>> {
  const inUse = new Set<string>();
  const stale = Object.keys(manifest?.objects ?? {}).filter((p) => isRunnerArchivePath(p) && !bundlePaths.has(p));
  if (stale.length === 0) return inUse;
  const versions = new Set<string | undefined>([undefined]);
  for (const env of Object.values(manifest?.environments ?? {}))
    if (env.versions["startup.sh"]) versions.add(env.versions["startup.sh"]);
  for (const versionId of versions) {
    const text = await readStartup(target, versionId);
    try {
      const ref = text === undefined ? undefined : readRunnerReference(text);
      if (ref && ref.bucket === target.bucket && ref.prefix === target.prefix) inUse.add(runnerArchivePath(ref.sha256));
    } catch (error) {
      if (!(error instanceof RunnerReferenceError)) throw error;
      // A startup.sh pipegen cannot read may name any archive: keep them all.
      for (const p of stale) inUse.add(p);
    }
  }
  return inUse;
}

async function readStartup(target: BucketTarget, versionId: string | undefined): Promise<string | undefined> {
  try {
    return await withRetry(async () => {
      const got = await target.s3.send(
        new GetObjectCommand({ ...objectParams(target, "startup.sh"), ...(versionId ? { VersionId: versionId } : {}) }),
      );
      return got.Body!.transformToString("utf8");
    }, target.policy);
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === "NoSuchKey" || e.name === "NoSuchVersion" || e.$metadata?.httpStatusCode === 404) return undefined;
    throw new AwsCallError(
      `cannot read ${s3Url(target, "startup.sh")}${versionId ? ` version ${versionId}` : ""}, which may name an XTable runner archive that prune must keep: ${describeError(error)}`,
      error,
    );
  }
}
