/**
 * What the writing phases did: the files that landed, failed or were not
 * tried, the deletes, and the state the new manifest records. The upload,
 * environment and prune steps add to it; the deploy's report is made from
 * it, whether the deploy completed or stopped half-way.
 */
import { canonicalState, type EnvironmentState, emptyManifest, type ManagedObject, type Manifest } from "./manifest.js";
import type { Plan } from "./plan.js";

/** A file that landed. */
export interface UploadedFile {
  readonly path: string;
  readonly versionId: string | undefined;
  readonly multipart: boolean;
  /** Retried requests while uploading it. */
  readonly retries: number;
}

/** A file that could not be uploaded or deleted, with the error in one line. */
export interface FailedPath {
  readonly path: string;
  readonly error: string;
}

/** The running record of one deploy's writes. */
export class WriteLog {
  readonly uploaded: UploadedFile[] = [];
  readonly failed: FailedPath[] = [];
  /** Files that were to be uploaded but were not tried, because something before them failed. */
  readonly notAttempted: string[] = [];
  readonly deleted: string[] = [];
  readonly deleteFailed: FailedPath[] = [];
  /** The objects pipegen manages: what the plan found in the bucket, plus uploads, minus deletes. */
  readonly managed: Record<string, ManagedObject>;
  /** Per MWAA environment, the versions last sent to it or seen running. */
  readonly environments: Record<string, EnvironmentState>;
  /** The state the manifest read at plan time records, in canonical form. */
  readonly #before: string;

  /** Starts from the plan's managed objects and the environments the stored manifest records. */
  constructor(plan: Plan, stored: Manifest | undefined) {
    this.managed = { ...plan.managed };
    this.environments = { ...(stored?.environments ?? {}) };
    this.#before = canonicalState(stored ?? emptyManifest());
  }

  /** The state the new manifest records. */
  state(): Pick<Manifest, "objects" | "environments"> {
    return { objects: this.managed, environments: this.environments };
  }

  /** Whether that state differs from the stored manifest's, so the manifest must be written. */
  changed(): boolean {
    return canonicalState(this.state()) !== this.#before;
  }
}
