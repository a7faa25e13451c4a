/**
 * Where the XTable runner archive lives in the MWAA bucket, and how the
 * generated startup.sh names it.
 *
 * `pipegen deploy` uploads the archive beside the bundle, under the deploy
 * prefix, at a key that holds its SHA-256 (`<prefix>xtable-runner/<sha256>.zip`):
 * a key never changes content, so a worker that verified it once never needs
 * it again, and two bundles that ship different runners never overwrite each
 * other's. startup.sh names the archive in three shell assignments that deploy
 * reads back (`readRunnerReference`), so a rendered folder deployed with
 * `--from` says itself which archive it needs.
 */

/** The folder of runner archives, under the deploy prefix. */
export const RUNNER_FOLDER = "xtable-runner";

/** The bundle path of the runner archive with this SHA-256. */
export const runnerArchivePath = (sha256: string): string => `${RUNNER_FOLDER}/${sha256}.zip`;

const ARCHIVE_PATH = /^xtable-runner\/([0-9a-f]{64})\.zip$/;

/** Whether a bundle path is a runner archive (`xtable-runner/<sha256>.zip`). */
export const isRunnerArchivePath = (p: string): boolean => ARCHIVE_PATH.test(p);

/** The bucket and key prefix where `pipegen deploy` puts the bundle, and so the runner. */
export interface RunnerLocation {
  readonly bucket: string;
  /** "" or a key prefix ending in "/", e.g. "team-a/". */
  readonly prefix: string;
}

/** The runner archive a bundle needs: where it is and what its bytes are. */
export interface RunnerReference extends RunnerLocation {
  /** The archive's object key: `<prefix>xtable-runner/<sha256>.zip`. */
  readonly key: string;
  /** Hex SHA-256 of the archive. */
  readonly sha256: string;
  /** The archive's size in bytes. */
  readonly size: number;
}

/**
 * A key prefix as `pipegen deploy` writes it: "" stays "", anything else loses
 * leading and trailing slashes and gains one trailing slash ("/team-a/mwaa" → "team-a/mwaa/").
 */
export function normalizePrefix(raw: string): string {
  const trimmed = raw.trim().replace(/^\/+|\/+$/g, "");
  return trimmed === "" ? "" : `${trimmed}/`;
}

/** The reference to an archive of this SHA-256 and size, deployed to this location. */
export function runnerReference(location: RunnerLocation, archive: { sha256: string; size: number }): RunnerReference {
  const prefix = normalizePrefix(location.prefix);
  return {
    bucket: location.bucket,
    prefix,
    key: `${prefix}${runnerArchivePath(archive.sha256)}`,
    sha256: archive.sha256,
    size: archive.size,
  };
}

/** `s3://bucket/key` of the archive. */
export const runnerUri = (ref: Pick<RunnerReference, "bucket" | "key">): string => `s3://${ref.bucket}/${ref.key}`;

/** The shell variables startup.sh assigns, in order. */
export const STARTUP_VARIABLES = {
  uri: "PIPEGEN_XTABLE_RUNNER_URI",
  sha256: "PIPEGEN_XTABLE_RUNNER_SHA256",
  size: "PIPEGEN_XTABLE_RUNNER_BYTES",
} as const;

/**
 * The three assignments that name the archive in startup.sh. Bucket names and
 * the prefixes `xtableRunner` accepts hold no quote, but the values are quoted
 * as shell words all the same.
 */
export function startupAssignments(ref: RunnerReference): string {
  return [
    `${STARTUP_VARIABLES.uri}=${shellWord(runnerUri(ref))}`,
    `${STARTUP_VARIABLES.sha256}=${shellWord(ref.sha256)}`,
    `${STARTUP_VARIABLES.size}=${ref.size}`,
  ].join("\n");
}

/** A string as one single-quoted shell word. */
export function shellWord(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** startup.sh names the archive, but not in the form this pipegen writes. */
export class RunnerReferenceError extends Error {
  override readonly name = "RunnerReferenceError";
}

/**
 * The archive a rendered startup.sh names; undefined when it names none (a
 * bundle without an xtable step, or one rendered before pipegen shipped the runner).
 * @throws {RunnerReferenceError} when it names one in a form that cannot be read
 */
export function readRunnerReference(startupSh: string): RunnerReference | undefined {
  const value = (name: string): string | undefined => {
    const lines = startupSh.split("\n").filter((l) => l.startsWith(`${name}=`));
    if (lines.length > 1) throw new RunnerReferenceError(`it assigns ${name} ${lines.length} times`);
    return lines[0]?.slice(name.length + 1);
  };
  const uri = value(STARTUP_VARIABLES.uri);
  const sha256 = value(STARTUP_VARIABLES.sha256);
  const size = value(STARTUP_VARIABLES.size);
  if (uri === undefined && sha256 === undefined && size === undefined) return undefined;
  const parsedUri = /^'s3:\/\/([a-z0-9.-]+)\/([A-Za-z0-9._\-/]*)'$/.exec(uri ?? "");
  const parsedSha = /^'([0-9a-f]{64})'$/.exec(sha256 ?? "");
  if (!parsedUri || !parsedSha || !/^[1-9][0-9]*$/.test(size ?? ""))
    throw new RunnerReferenceError(
      `its ${Object.values(STARTUP_VARIABLES).join(", ")} lines are missing or not in the form pipegen writes`,
    );
  const [, bucket, key] = parsedUri as unknown as [string, string, string];
  const sha = parsedSha[1]!;
  const archive = runnerArchivePath(sha);
  if (!key.endsWith(archive) || !(key === archive || key.endsWith(`/${archive}`)))
    throw new RunnerReferenceError(`${runnerUri({ bucket, key })} is not the archive of SHA-256 ${sha}`);
  return runnerReference({ bucket, prefix: key.slice(0, -archive.length) }, { sha256: sha, size: Number(size) });
}
