/**
 * The `operator` step through the built bin: `pipegen iam` refuses a step
 * without iam statements, or with a statement that fails the wildcard check,
 * with file:line:col and a hint, and writes nothing; `validate` warns, with
 * its place, that it cannot check a class pipegen has no facts for.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { pipegen, ROOT } from "./helpers/cli.js";

const NO_IAM = "test/fixtures/operator/no_iam.pipeline.yaml";

it("iam refuses operator steps without statements or with Resource * on a scopable action, and writes nothing", async () => {
  const out = await mkdtemp(path.join(tmpdir(), "pipegen-operator-iam-"));
  try {
    const r = await pipegen(["iam", NO_IAM, "--out", `${out}/iam`], { cwd: ROOT });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split("\n")).toEqual([
      `${NO_IAM}:13:15 steps[0].operator: pipegen cannot derive the AWS calls SnsPublishOperator makes, and the step declares no iam statements — add iam: [{ actions: [...], resources: [...] }] with what the operator calls as the MWAA execution role (exact actions and ARNs), or iam: [] if it calls no AWS API`,
      `${NO_IAM}:23:9 steps[1].iam[0]: Resource "*" for lambda:InvokeFunction, which is not in the allow-list — name exact actions and ARNs: pipegen grants Resource * only for actions IAM cannot scope, and wildcards only in the forms listed under "IAM policies" in pipegen's README`,
      "✗ 2 problems in 1 spec file; nothing was written",
    ]);
    expect(await readdir(out)).toEqual([]);
    // The same spec validates and renders: IAM is the one thing pipegen cannot derive for it.
    expect((await pipegen(["validate", NO_IAM], { cwd: ROOT })).exitCode).toBe(0);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

it("validate warns where it cannot check an operator class, and still exits 0", async () => {
  const spec = "test/corpus/legal/operator_hatch.pipeline.yaml";
  const r = await pipegen(["validate", spec], { cwd: ROOT });
  expect(r.exitCode).toBe(0);
  expect(r.stderr).toBe(
    `warning ${spec}:48:15 steps[3].operator: pipegen imports nothing, so it cannot check airflow.providers.amazon.aws.operators.s3.S3CreateObjectOperator: the DAG imports only if that class exists with the packages MWAA installs (requirements.txt) and takes these arguments, and placeholders or Jinja render only in its templated fields. Import the rendered DAG once (e.g. airflow dags list-import-errors) before you deploy`,
  );
  // The classes pipegen has facts for are checked, not warned about.
  expect((await pipegen(["validate", "pipelines"], { cwd: ROOT })).stderr).toBe("");
});
