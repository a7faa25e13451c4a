/**
 * Asset schedules through the built bin: a spec scheduled on another
 * pipeline's output validates only in a bundle that holds the producer, and
 * render then writes nothing at all.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { pipegen, ROOT } from "./helpers/cli.js";

const CONSUMER = "pipelines/sales_features.pipeline.yaml";

it("refuses a schedule on an output that no pipeline of the bundle produces, with file:line:col and a hint", async () => {
  const r = await pipegen(["validate", CONSUMER], { cwd: ROOT });
  expect(r.exitCode).toBe(1);
  expect(r.stderr.split("\n")).toEqual([
    `${CONSUMER}:19:7 schedule.assets[0]: no pipeline in the bundle produces glue://sales_db/sales, so this DAG would never run — list it in the outputs of the step that writes it (and render that pipeline in the same bundle), or write { uri: glue://sales_db/sales, external: true } if something outside the bundle updates it`,
    `${CONSUMER}:20:7 schedule.assets[1]: no pipeline in the bundle produces redshift://analytics/dev/analytics/sales_daily_mv, so this DAG would never run — list it in the outputs of the step that writes it (and render that pipeline in the same bundle), or write { uri: redshift://analytics/dev/analytics/sales_daily_mv, external: true } if something outside the bundle updates it`,
    "✗ 2 problems in 1 spec file; nothing was written",
  ]);
  const out = await mkdtemp(path.join(tmpdir(), "pipegen-assets-cli-"));
  try {
    expect((await pipegen(["render", CONSUMER, "--out", `${out}/dist`], { cwd: ROOT })).exitCode).toBe(1);
    expect(await readdir(out)).toEqual([]);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
  // With its producer in the bundle, it validates.
  const both = await pipegen(["validate", CONSUMER, "pipelines/sales.pipeline.yaml"], { cwd: ROOT });
  expect([both.exitCode, both.stdout]).toEqual([0, "✓ 2 pipelines valid"]);
});
