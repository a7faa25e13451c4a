/** `pipegen validate` through the built bin: an unload step that asks for RedshiftToS3Operator is valid, with a located warning. */
import { expect, it } from "vitest";
import { pipegen, ROOT } from "./helpers/cli.js";

const SPEC = "test/fixtures/iam-recorded/cluster_secret.pipeline.yaml";
const WARNING =
  "steps[1].legacyOperator: RedshiftToS3Operator puts the worker's temporary AWS credentials into the UNLOAD statement, where Redshift's query history shows them, unless the AWS connection's extra names a role_arn (which every other task of that connection then assumes too). Drop legacyOperator to UNLOAD with iamRole instead";

it("validate warns about legacyOperator with file:line:col, and still exits 0", async () => {
  const r = await pipegen(["validate", SPEC], { cwd: ROOT });
  expect(r.exitCode).toBe(0);
  expect(r.stderr).toBe(`warning ${SPEC}:20:21 ${WARNING}`);
  expect(r.stdout).toBe("✓ 1 pipeline valid");
  const json = await pipegen(["validate", "--json", SPEC], { cwd: ROOT });
  expect(JSON.parse(json.stdout).warnings).toEqual([
    {
      file: SPEC,
      line: 20,
      column: 21,
      path: "steps[1].legacyOperator",
      message: WARNING.slice(WARNING.indexOf(": ") + 2),
    },
  ]);
});

it("validate is silent about the default unload form", async () => {
  const r = await pipegen(["validate", "test/fixtures/iam-recorded/conn.pipeline.yaml"], { cwd: ROOT });
  expect([r.exitCode, r.stderr]).toEqual([0, ""]);
});
