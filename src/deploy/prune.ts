/**
 * Prune: deletes objects pipegen deployed earlier that the bundle no longer
 * has. The plan decides which (only managed objects, never environment
 * files); the deploy calls this once per upload class, in reverse order, so
 * DAG files go before the modules they import. On a versioned bucket a
 * delete leaves a delete marker: the previous version stays recoverable.
 */
import { DeleteObjectsCommand } from "@aws-sdk/client-s3";
import { type BucketTarget, bucketParams, keyOf, pathOf } from "./bucket-target.js";
import { describeError, withRetry } from "./retry.js";

/** Deletes the objects at these bundle paths: DeleteObjects in batches of 1,000 keys (the API's limit). */
export async function deleteObjects(
  target: BucketTarget,
  paths: readonly string[],
): Promise<{ deleted: string[]; failed: { path: string; error: string }[] }> {
  const deleted: string[] = [];
  const failed: { path: string; error: string }[] = [];
  for (let i = 0; i < paths.length; i += 1000) {
    const batch = paths.slice(i, i + 1000);
    try {
      const r = await withRetry(
        () =>
          target.s3.send(
            new DeleteObjectsCommand({
              ...bucketParams(target),
              Delete: { Quiet: true, Objects: batch.map((p) => ({ Key: keyOf(target, p) })) },
            }),
          ),
        target.policy,
      );
      const errors = new Map(
        (r.Errors ?? []).map((e) => [pathOf(target, e.Key!), `${e.Code ?? "Error"}: ${e.Message ?? ""}`.trim()]),
      );
      for (const p of batch) {
        const error = errors.get(p);
        if (error) failed.push({ path: p, error });
        else deleted.push(p);
      }
    } catch (error) {
      failed.push(...batch.map((p) => ({ path: p, error: describeError(error) })));
    }
  }
  return { deleted, failed };
}
