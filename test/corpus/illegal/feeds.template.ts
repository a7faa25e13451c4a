// The template the illegal template specs here use (a valid one: their mistakes are their own).
import { defineTemplate, z } from "pipegen";

export const feedV1 = defineTemplate({
  name: "feed",
  version: "1",
  description: "wait for a feed, then crawl it",
  config: z.object({ bucket: z.string(), key: z.string(), crawler: z.string(), retries: z.number().int().optional() }),
  steps: (cfg) => [
    { id: "land", kind: "s3Sensor", bucket: cfg.bucket, key: cfg.key, retries: cfg.retries },
    { id: "crawl", kind: "glueCrawler", crawler: cfg.crawler },
  ],
  group: true,
});

export const feedV2 = defineTemplate({
  name: "feed",
  version: "2",
  config: z.object({ bucket: z.string(), key: z.string() }),
  steps: (cfg) => [{ id: "land", kind: "s3Sensor", bucket: cfg.bucket, key: cfg.key }],
});

export default [feedV1, feedV2];
