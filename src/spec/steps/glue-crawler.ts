import { z } from "zod";
import { duration, glueName, iamRoleArn, jinjaString, s3Uri, stepBase } from "../common.js";

/** Runs a Glue crawler (Amazon provider `GlueCrawlerOperator`). */
export const glueCrawlerStep = z.strictObject({
  ...stepBase,
  kind: z.literal("glueCrawler"),
  /** Name of an existing crawler. */
  crawler: glueName,
  /**
   * How to wait for the crawl: `sensor` adds a `GlueCrawlerSensor` task,
   * `operator` waits inside the operator, `none` does not wait.
   */
  wait: z.enum(["sensor", "operator", "none"]).default("sensor"),
  pollInterval: duration.default(30),
  /**
   * Lets pipegen manage the crawler's configuration: the operator creates the
   * crawler, or updates it when these differ. Without it the crawler is only started.
   */
  manage: z
    .strictObject({
      role: iamRoleArn,
      database: glueName,
      s3Targets: z.array(s3Uri.pipe(jinjaString)).min(1),
    })
    .optional(),
});

export type GlueCrawlerStep = z.output<typeof glueCrawlerStep>;
