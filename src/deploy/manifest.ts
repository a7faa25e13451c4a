/**
 * The deploy manifest: the list of objects pipegen manages under a prefix,
 * stored as an object beside them (`<prefix>.pipegen/manifest.json`, outside
 * `dags/` so MWAA never syncs it to Airflow). Only objects listed here are
 * ever updated in place or pruned; everything else in the bucket belongs to
 * someone else.
 *
 * It is written last, with a conditional PUT on the ETag read at plan time,
 * so two deploys racing on one prefix cannot silently overwrite each other's
 * record.
 */
import { randomUUID } from "node:crypto";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { z } from "zod";
import { formatPath } from "../problem.js";
import { describeIssue } from "../validate/messages.js";
import { type BucketTarget, objectParams, s3Url } from "./bucket-target.js";
import { type EnvironmentFile, STATE_DIR } from "./bundle.js";
import { AwsCallError, PreflightError } from "./errors.js";
import { describeError, RetriesExhausted, withRetry } from "./retry.js";

const MANIFEST_FORMAT = "pipegen-deploy-manifest/1";

/** The manifest's path under the prefix. */
const MANIFEST_PATH = `${STATE_DIR}/manifest.json`;

/** The manifest's object key for a prefix. */
export const manifestKey = (prefix: string) => `${prefix}${MANIFEST_PATH}`;

const managedObject = z.strictObject({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  etag: z.string(),
  versionId: z.string().optional(),
  size: z.number().int().nonnegative(),
});

const environmentState = z.strictObject({
  /** Object versions last sent to the environment with UpdateEnvironment (or found already in use). */
  versions: z.partialRecord(z.enum(["requirements.txt", "startup.sh", "plugins.zip"]), z.string()),
  /** False while the environment has not been seen running them (an update requested without --wait). */
  confirmed: z.boolean(),
});

const manifestSchema = z.strictObject({
  format: z.literal(MANIFEST_FORMAT),
  /** Random per deploy: lets a retried PUT recognise its own earlier success. */
  deployId: z.string(),
  deployedAt: z.string(),
  tool: z.string(),
  /** Keys relative to the prefix. */
  objects: z.record(z.string(), managedObject),
  environments: z.record(z.string(), environmentState),
});

/** The manifest as stored. */
export type Manifest = z.output<typeof manifestSchema>;
/** One object pipegen manages: the hash it uploaded, and the ETag and version S3 gave it. */
export type ManagedObject = z.output<typeof managedObject>;
/** What the manifest records of one MWAA environment. */
export type EnvironmentState = z.output<typeof environmentState>;
/** Object versions of the environment files, by file. */
export type EnvironmentVersions = Partial<Record<EnvironmentFile, string>>;

/** The manifest as read from the bucket. */
export interface StoredManifest {
  readonly manifest: Manifest;
  /** ETag of the manifest object, for the conditional write. */
  readonly etag: string;
}

/** The manifest of a prefix pipegen never deployed to. */
export function emptyManifest(): Manifest {
  return { format: MANIFEST_FORMAT, deployId: "", deployedAt: "", tool: "", objects: {}, environments: {} };
}

/**
 * Reads the manifest; undefined when there is none (first deploy to this prefix).
 * @throws {PreflightError} when the object exists but is not a pipegen manifest
 */
export async function readManifest(target: BucketTarget): Promise<StoredManifest | undefined> {
  const url = s3Url(target, MANIFEST_PATH);
  let text: string;
  let etag: string;
  try {
    const r = await withRetry(async () => {
      const got = await target.s3.send(new GetObjectCommand(objectParams(target, MANIFEST_PATH)));
      return { text: await got.Body!.transformToString("utf8"), etag: got.ETag ?? "" };
    }, target.policy);
    text = r.text;
    etag = r.etag;
  } catch (error) {
    if ((error as { name?: string }).name === "NoSuchKey") return undefined;
    throw new AwsCallError(`cannot read the deploy manifest ${url}: ${describeError(error)}`, error);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    data = undefined;
  }
  const parsed = manifestSchema.safeParse(data, { reportInput: true });
  if (!parsed.success)
    throw new PreflightError(
      `${url} is not a deploy manifest this pipegen understands (${data === undefined ? "not JSON" : issueText(parsed.error.issues[0]!)}). ` +
        `It lists the objects pipegen manages; if it was damaged, restore its previous version (the bucket is versioned) or delete it, and pipegen will recognise the objects it wrote by their metadata.`,
    );
  return { manifest: parsed.data, etag };
}

/** A schema issue of a manifest in one phrase: where, and what is wrong. */
function issueText(issue: z.core.$ZodIssue): string {
  return `${issue.path.length > 0 ? `${formatPath(issue.path)} ` : ""}${describeIssue(issue).message}`;
}

/** The recorded state in a canonical form (sorted keys): equal strings mean the same state. */
export function canonicalState(m: Pick<Manifest, "objects" | "environments">): string {
  const objects = Object.keys(m.objects)
    .sort()
    .map((k) => {
      const o = m.objects[k]!;
      return [k, o.sha256, o.etag, o.versionId ?? null, o.size];
    });
  const environments = Object.keys(m.environments)
    .sort()
    .map((k) => [k, Object.entries(m.environments[k]!.versions).sort(), m.environments[k]!.confirmed]);
  return JSON.stringify([objects, environments]);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  return value;
}

/** Another deploy wrote the manifest after this one read it. */
class ConcurrentDeployError extends Error {}

/** What a manifest write records besides the state. */
export interface ManifestWrite {
  /** The manifest read at plan time: the write succeeds only if it is still the current one. */
  readonly previous: StoredManifest | undefined;
  /** Recorded in the manifest, e.g. "pipegen 0.1.0". */
  readonly tool: string;
  readonly now: () => Date;
}

/**
 * Writes the manifest if nobody else wrote it since `previous` was read
 * (If-Match on its ETag, or If-None-Match when there was none).
 */
export async function writeManifest(
  target: BucketTarget,
  state: Pick<Manifest, "objects" | "environments">,
  { previous, tool, now }: ManifestWrite,
): Promise<void> {
  const url = s3Url(target, MANIFEST_PATH);
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    deployId: randomUUID(),
    deployedAt: now().toISOString(),
    tool,
    objects: sortKeys(state.objects) as Manifest["objects"],
    environments: sortKeys(state.environments) as Manifest["environments"],
  };
  const body = `${JSON.stringify(manifest, null, 2)}\n`;
  let attempts = 0;
  try {
    await withRetry(async () => {
      attempts++;
      try {
        await target.s3.send(
          new PutObjectCommand({
            ...objectParams(target, MANIFEST_PATH),
            Body: body,
            ContentType: "application/json",
            ...(previous ? { IfMatch: previous.etag } : { IfNoneMatch: "*" }),
          }),
        );
      } catch (error) {
        if (!isPreconditionFailed(error)) throw error;
        // A retried PUT whose first try landed but whose response was lost
        // fails its own precondition: that is success, not a race.
        if (attempts > 1 && (await readDeployId(target)) === manifest.deployId) return;
        throw new ConcurrentDeployError();
      }
    }, target.policy);
  } catch (error) {
    if (error instanceof ConcurrentDeployError)
      throw new AwsCallError(
        `another deploy changed ${url} while this one ran, so its record was not overwritten. ` +
          `Run one deploy per prefix at a time (in GitHub Actions, a \`concurrency\` group), then re-run this one.`,
        error,
      );
    const detail = error instanceof RetriesExhausted ? error.message : describeError(error);
    throw new AwsCallError(`cannot write the deploy manifest ${url}: ${detail}`, error);
  }
}

async function readDeployId(target: BucketTarget): Promise<string | undefined> {
  try {
    const got = await target.s3.send(new GetObjectCommand(objectParams(target, MANIFEST_PATH)));
    return (JSON.parse(await got.Body!.transformToString("utf8")) as { deployId?: string }).deployId;
  } catch {
    return undefined;
  }
}

function isPreconditionFailed(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === "PreconditionFailed" || e.$metadata?.httpStatusCode === 412;
}
