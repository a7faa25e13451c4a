/**
 * `GlueCrawlerOperator` (+ `GlueCrawlerSensor`). What the Amazon provider
 * calls (operators/glue_crawler.py, hooks/glue_crawler.py, sensors/glue_crawler.py;
 * the same in 9.0.0 and 9.34.0):
 * - always: `has_crawler` → GetCrawler; the crawler exists, so `update_crawler`
 *   → GetCrawler and UpdateCrawler only when the config differs; then
 *   StartCrawler. pipegen passes config={"Name": ...} unless the spec manages
 *   the crawler, and Name never differs, so an unmanaged crawler is never updated.
 * - a missing crawler is created (CreateCrawler), which can only succeed with
 *   a managed config (Role and Targets); so CreateCrawler only with `manage`.
 * - wait: operator → the `crawler_ready` waiter (GetCrawler), GetCrawler again,
 *   then GetCrawlerMetrics; wait: sensor → the sensor's GetCrawler.
 * CreateCrawler/UpdateCrawler with a Role also need iam:PassRole on it.
 */
import { s3UriParts } from "../../spec/s3-uri.js";
import type { Grant, IamStepBuilder } from "../model.js";
import { templatePattern } from "../s3-patterns.js";
import { folderPatterns, listCondition } from "./s3-grants.js";

export const glueCrawlerGrants: IamStepBuilder<"glueCrawler"> = ({ step }, ctx) => {
  const to = { kind: "execution-role" } as const;
  const crawler = ctx.arns.glueCrawler(step.crawler);
  const waits = {
    sensor: "; GlueCrawlerSensor polls GetCrawler",
    operator: "; the operator waits on GetCrawler",
    none: "",
  }[step.wait];
  const grants: Grant[] = [
    {
      to,
      sid: ctx.sid(step, "RunCrawler"),
      explain: `GlueCrawlerOperator reads crawler ${step.crawler} (GetCrawler) and starts it (StartCrawler)${waits}`,
      actions: ["glue:GetCrawler", "glue:StartCrawler"],
      resources: [crawler],
    },
  ];
  if (step.wait === "operator")
    grants.push({
      to,
      sid: ctx.sid(step, "CrawlerMetrics"),
      explain: "after the crawl, the operator logs GetCrawlerMetrics, which IAM cannot scope to one crawler",
      actions: ["glue:GetCrawlerMetrics"],
      resources: ["*"],
    });
  if (!step.manage) {
    ctx.note(
      `${ctx.resolved.pipeline.id}.${step.id}: crawler ${step.crawler} is not managed by the spec, so its role and S3 targets are unknown to pipegen: grant that role read access to its targets yourself (and name it in the bucket policy of a cross-account bucket)`,
    );
    return grants;
  }

  const role = step.manage.role;
  grants.push(
    {
      to,
      sid: ctx.sid(step, "UpdateCrawler"),
      explain: `manage: the operator updates crawler ${step.crawler} when its role, database or targets differ from the spec`,
      actions: ["glue:UpdateCrawler"],
      resources: [crawler],
    },
    {
      to,
      sid: ctx.sid(step, "CreateCrawler"),
      explain:
        "manage: the operator creates the crawler when it does not exist; IAM cannot scope CreateCrawler to a name",
      actions: ["glue:CreateCrawler"],
      resources: ["*"],
    },
    {
      to,
      sid: ctx.sid(step, "PassCrawlerRole"),
      explain: `manage: creating or updating the crawler hands it role ${role}, only to Glue`,
      actions: ["iam:PassRole"],
      resources: [role],
      condition: { StringEquals: { "iam:PassedToService": "glue.amazonaws.com" } },
    },
  );
  const glueRole = { kind: "glue-role", roleArn: role } as const;
  step.manage.s3Targets.forEach((target, i) => {
    const { bucket, key } = s3UriParts(target);
    const { objects, prefixes } = folderPatterns(templatePattern(key));
    const n = step.manage!.s3Targets.length > 1 ? String(i + 1) : "";
    grants.push({
      to: glueRole,
      bucket,
      sid: ctx.sid(step, `ReadTarget${n}`),
      explain: `the crawler reads the objects of its S3 target ${target}`,
      actions: ["s3:GetObject"],
      resources: objects.map((o) => ctx.arns.s3Object(bucket, o)),
    });
    grants.push({
      to: glueRole,
      bucket,
      sid: ctx.sid(step, `ListTarget${n}`),
      explain: `the crawler lists its S3 target ${target}${prefixes ? "; limited to that prefix" : " (the whole bucket)"}`,
      actions: ["s3:ListBucket"],
      resources: [ctx.arns.s3Bucket(bucket)],
      ...(prefixes ? { condition: listCondition(prefixes) } : {}),
    });
  });
  return grants;
};
