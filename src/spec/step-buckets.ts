/**
 * The S3 buckets a step's operator reads or writes, by name. Validation uses
 * it to reject `aws.bucketOwners` entries that no step touches (a typo there
 * would silently leave a cross-account bucket without its bucket policy).
 */
import { parseS3Uri } from "./s3-uri.js";
import { unhandledStepKind } from "./step-kinds.js";
import type { Step } from "./steps/index.js";

/** Buckets the step's tasks touch at run time; `glueCatalog.warehouse` is not one (XTable passes each table's own location). */
export function stepBuckets(step: Step): string[] {
  const uris: Array<string | undefined> = [];
  switch (step.kind) {
    case "s3Sensor":
      return [step.bucket];
    case "glueCrawler":
      uris.push(...(step.manage?.s3Targets ?? []));
      break;
    case "glueJob":
      uris.push(step.scriptLocation);
      break;
    case "xtable":
      for (const d of step.datasets) uris.push(d.tableBasePath, d.tableDataPath);
      break;
    case "unload":
      uris.push(step.to);
      break;
    // Redshift reads and writes no bucket for these (UNLOAD's target is above).
    case "redshiftProcedure":
    case "redshiftSql":
    case "refreshMaterializedView":
      break;
    // pipegen cannot know what an arbitrary operator touches; its iam statements say.
    case "operator":
      break;
    default:
      return unhandledStepKind(step);
  }
  return uris.flatMap((u) => (u === undefined ? [] : (parseS3Uri(u)?.bucket ?? [])));
}
