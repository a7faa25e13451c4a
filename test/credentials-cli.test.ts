/** The credential gate through the built bin: file:line:col of each credential, exit 1, nothing echoed. */
import { expect, it } from "vitest";
import { pipegen } from "./helpers/cli.js";

const HINT =
  "specs must not carry credentials: store the secret in AWS Secrets Manager and give its ARN (e.g. connections.redshift.secretArn), or keep it in an Airflow connection and give the connection id";

it("pipegen validate refuses specs with credentials and points at each, in YAML and TypeScript", async () => {
  const r = await pipegen(["validate", "test/fixtures/credentials"]);
  expect(r.exitCode).toBe(1);
  expect(r.stderr.split("\n")).toEqual([
    `test/fixtures/credentials/leaky.pipeline.yaml:18:22 steps[0].args.--db_password: looks like a secret in a field named "--db_password" — ${HINT}`,
    `test/fixtures/credentials/leaky.pipeline.yaml:19:18 steps[0].args.--aws_key: looks like an AWS access key id — ${HINT}`,
    `test/fixtures/credentials/leaky.pipeline.yaml:22:10 steps[1].sql: looks like a SQL password — ${HINT}`,
    `test/fixtures/credentials/leaky_ts.pipeline.ts:14:25 steps[0].args.--conn: looks like a connection URI with a password — ${HINT}`,
    "✗ 4 problems in 2 spec files; nothing was written",
  ]);
  expect(r.stderr).not.toMatch(/hunter2|AKIAIOSFODNN7EXAMPLE|Abcd1234|S3cret/);
});
