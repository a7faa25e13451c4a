/**
 * Data-aware scheduling: what a step produces, and what a pipeline waits
 * for, as Airflow Datasets (2.x) or Assets (3.x), named by URI. pipegen
 * knows three kinds, each with one URI form, so that a producer and its
 * consumers name the same thing the same way:
 *
 * - `s3://<bucket>/<prefix>`: objects under an S3 prefix;
 * - `glue://<database>/<table>`: a table of the Glue Data Catalog (such as
 *   the Iceberg table an xtable step registers);
 * - `redshift://<workgroup or cluster>/<database>/<schema>/<table>`.
 *
 * URIs are static: no date placeholders or Jinja (Airflow matches them as
 * written). The canonical form (canonicalAssetUri) is what pipegen emits and
 * compares; Airflow 3 names an asset by the URI as written, so two spellings
 * of one prefix would otherwise be two assets.
 */
import { z } from "zod";
import { s3BucketNameProblem } from "./s3-bucket-name.js";

const NAME = /^[A-Za-z_][A-Za-z0-9_$-]*$/;

/** Why `uri` is not an asset URI pipegen knows, or undefined. */
export function assetUriProblem(uri: string): string | undefined {
  if (/[{}]|\$\{/.test(uri)) return "must be static: Airflow matches an asset by its URI, so no placeholders or Jinja";
  if (/\s/.test(uri)) return "must not contain whitespace";
  const m = /^([a-z0-9]+):\/\/([^/]*)(?:\/(.*))?$/.exec(uri);
  if (!m)
    return "must be a URI such as s3://bucket/prefix/, glue://database/table or redshift://workgroup/database/schema/table";
  const [, scheme, host, rest = ""] = m as unknown as [string, string, string, string | undefined];
  const parts = rest === "" ? [] : rest.split("/");
  switch (scheme) {
    case "s3": {
      const why = s3BucketNameProblem(host);
      return why ? `names an invalid S3 bucket '${host}': ${why}` : undefined;
    }
    case "glue":
      return NAME.test(host) && parts.length === 1 && NAME.test(parts[0]!)
        ? undefined
        : "a Glue table is glue://<database>/<table>";
    case "redshift":
      return /^[a-z][a-z0-9-]*$/.test(host) && parts.length === 3 && parts.every((p) => NAME.test(p))
        ? undefined
        : "a Redshift table is redshift://<workgroup or cluster>/<database>/<schema>/<table>";
    default:
      return `scheme "${scheme}" is not one pipegen knows: use s3://, glue:// or redshift://`;
  }
}

/** The form pipegen emits and compares: an S3 key without trailing slashes (Airflow drops them too). */
export function canonicalAssetUri(uri: string): string {
  const s3 = /^s3:\/\/([^/]+)\/?(.*?)\/*$/.exec(uri);
  if (s3) return s3[2] === "" ? `s3://${s3[1]}/` : `s3://${s3[1]}/${s3[2]}`;
  return uri;
}

export const assetUri = z
  .string()
  .superRefine((uri, ctx) => {
    const why = assetUriProblem(uri);
    if (why) ctx.addIssue({ code: "custom", message: `is not an asset URI: ${why}` });
  })
  .meta({
    id: "AssetUri",
    description:
      "an Airflow Dataset/Asset: s3://<bucket>/<prefix>, glue://<database>/<table> or redshift://<workgroup or cluster>/<database>/<schema>/<table>",
  });

/** A pipeline's schedule on assets: it runs when they are updated (all of them, or any). */
export const assetSchedule = z.strictObject({
  assets: z
    .array(
      z.union([
        assetUri,
        z.strictObject({
          uri: assetUri,
          /** Produced outside this bundle (another team's DAG, or an API call). */
          external: z.literal(true),
        }),
      ]),
    )
    .min(1),
  /** `all` (the default) waits until every asset was updated since the last run; `any` runs on each update. */
  mode: z.enum(["all", "any"]).default("all"),
});

export type AssetSchedule = z.output<typeof assetSchedule>;

/** The URIs a schedule waits for, canonical, with whether each is marked external. */
export function scheduledAssets(s: AssetSchedule): Array<{ uri: string; external: boolean }> {
  return s.assets.map((a) =>
    typeof a === "string"
      ? { uri: canonicalAssetUri(a), external: false }
      : { uri: canonicalAssetUri(a.uri), external: true },
  );
}
