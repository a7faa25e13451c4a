/**
 * The credential gate in `pipegen validate`: given a spec with one string set
 * to something, want it refused (with the kind of credential, never the value)
 * or accepted. The look-alikes are as important as the refusals.
 */
import { describe, expect, it } from "vitest";
import { credentialProblems, describeCredential } from "../../src/validate/credentials.js";
import { basePipeline, problemsOf, REDSHIFT } from "../helpers/spec.js";

// AWS's documented example keys (docs.aws.amazon.com, "Managing access keys"): not real credentials.
const ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
const SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

const HINT =
  "specs must not carry credentials: store the secret in AWS Secrets Manager and give its ARN (e.g. connections.redshift.secretArn), or keep it in an Airflow connection and give the connection id";

const job = (args: Record<string, string>) =>
  basePipeline({ steps: [{ id: "load", kind: "glueJob", job: "j", args }] });
const sql = (statement: string) => basePipeline({ steps: [{ id: "q", kind: "redshiftSql", sql: statement }] });
const doc = (text: string) =>
  basePipeline({ steps: [{ id: "wait", kind: "s3Sensor", bucket: "landing-bucket", key: "in/*.csv", doc: text }] });

describe("refused", () => {
  it.each<[string, Record<string, unknown>, string]>([
    [
      "access key id in a Glue argument",
      job({ "--aws_key": ACCESS_KEY_ID }),
      "steps[0].args.--aws_key: looks like an AWS access key id",
    ],
    [
      "temporary access key id inside SQL",
      sql(`COPY t FROM 's3://b/k' CREDENTIALS 'aws_access_key_id=ASIAIOSFODNN7EXAMPLE'`),
      "steps[0].sql: looks like an AWS access key id",
    ],
    [
      "secret access key on its own",
      job({ "--k": SECRET_KEY }),
      "steps[0].args.--k: looks like an AWS secret access key",
    ],
    [
      "aws_secret_access_key= assignment",
      sql(`UNLOAD ('select 1') TO 's3://b/k' CREDENTIALS 'aws_secret_access_key=abc123'`),
      "steps[0].sql: looks like a password or key assignment",
    ],
    [
      "password= in a JDBC-style string",
      job({ "--jdbc": "jdbc:redshift://host:5439/dev;user=etl;password=Tr0ub4dor" }),
      "steps[0].args.--jdbc: looks like a password or key assignment",
    ],
    [
      "password: in free text",
      doc("log in with password: hunter2"),
      "steps[0].doc: looks like a password or key assignment",
    ],
    [
      "connection URI with a password",
      job({
        "--conn":
          "redshift://admin:S3cret!@sample-workgroup.111122223333.us-east-1.redshift-serverless.amazonaws.com:5439/dev",
      }),
      "steps[0].args.--conn: looks like a connection URI with a password",
    ],
    [
      "postgres URI with a password",
      doc("postgresql://etl:pa%24%24word@db:5432/app"),
      "steps[0].doc: looks like a connection URI with a password",
    ],
    [
      "SQL CREATE USER ... PASSWORD",
      sql("CREATE USER etl PASSWORD 'Abcd1234'"),
      "steps[0].sql: looks like a SQL password",
    ],
    [
      "Glue argument named like a password",
      job({ "--db_password": "hunter2" }),
      'steps[0].args.--db_password: looks like a secret in a field named "--db_password"',
    ],
    [
      "Glue argument named api_key",
      job({ "--api_key": "k-123" }),
      'steps[0].args.--api_key: looks like a secret in a field named "--api_key"',
    ],
    ["private key", doc("-----BEGIN RSA PRIVATE KEY-----\nMIIE..."), "steps[0].doc: looks like a private key"],
    [
      "a camelCase Glue argument",
      job({ "--dbPassword": "Tr0ub4dor-and-3" }),
      'steps[0].args.--dbPassword: looks like a secret in a field named "--dbPassword"',
    ],
    [
      "a kebab-case Glue argument",
      job({ "--db-password": "Tr0ub4dor-and-3" }),
      'steps[0].args.--db-password: looks like a secret in a field named "--db-password"',
    ],
    [
      "an upper-case Glue argument",
      job({ "--DB_PASSWORD": "Tr0ub4dor-and-3" }),
      'steps[0].args.--DB_PASSWORD: looks like a secret in a field named "--DB_PASSWORD"',
    ],
    [
      "any token",
      job({ "--slackWebhookToken": "xoxb-1234" }),
      'steps[0].args.--slackWebhookToken: looks like a secret in a field named "--slackWebhookToken"',
    ],
    [
      "any secret",
      job({ "--clientSecret": "s3cr3t" }),
      'steps[0].args.--clientSecret: looks like a secret in a field named "--clientSecret"',
    ],
    [
      "a password inside a JSON literal in SQL",
      sql(`INSERT INTO settings VALUES ('{"user": "etl", "password": "Tr0ub4dor"}')`),
      "steps[0].sql: looks like a password or key assignment",
    ],
    [
      "a camelCase password inside nested JSON",
      sql(`SELECT json_parse('{"db": {"dbPassword": "Tr0ub4dor"}}')`),
      "steps[0].sql: looks like a password or key assignment",
    ],
    [
      "an escaped JSON password",
      job({ "--config": '{\\"apiToken\\": \\"abc123\\"}' }),
      "steps[0].args.--config: looks like a password or key assignment",
    ],
    [
      "a JSON password that is a number",
      doc('{"password": 12345678}'),
      "steps[0].doc: looks like a password or key assignment",
    ],
    [
      "a camelCase assignment in a connection string",
      job({ "--jdbc": "jdbc:redshift://h:5439/dev;UID=etl;dbPassword=Tr0ub4dor" }),
      "steps[0].args.--jdbc: looks like a password or key assignment",
    ],
    ["a Python dict literal", doc("{'secret_key': 'abc'}"), "steps[0].doc: looks like a password or key assignment"],
  ])("%s", (_, spec, want) => {
    expect(problemsOf(spec)).toEqual([`${want} — ${HINT}`]);
  });

  it("a password next to an unknown key is reported as both", () => {
    expect(problemsOf(basePipeline({ connections: { redshift: { ...REDSHIFT, password: "hunter2" } } }))).toEqual([
      'connections.redshift.password: unknown key "password" — remove it; see `pipegen schema` for the allowed keys',
      `connections.redshift.password: looks like a secret in a field named "password" — ${HINT}`,
    ]);
  });

  it("reports every credential in the spec", () => {
    const spec = basePipeline({
      description: `key ${ACCESS_KEY_ID}`,
      steps: [{ id: "load", kind: "glueJob", job: "j", args: { "--pwd": "x1", "--s": SECRET_KEY } }],
    });
    expect(
      credentialProblems({ file: "f.yaml", data: spec })
        .map((p) => p.path.join("."))
        .sort(),
    ).toEqual(["description", "steps.0.args.--pwd", "steps.0.args.--s"]);
  });

  it("never repeats the secret in the message", () => {
    for (const p of credentialProblems({
      file: "f.yaml",
      data: job({ "--a": ACCESS_KEY_ID, "--b": SECRET_KEY, "--c": "u=1;password=Tr0ub4dor" }),
    }))
      expect(`${p.message} ${p.hint}`).not.toMatch(/AKIA|wJalr|Tr0ub4dor/);
  });
});

describe("similar-looking but fine", () => {
  it.each<[string, Record<string, unknown>]>([
    ["a Secrets Manager ARN (it contains 'secret')", basePipeline({ connections: { redshift: REDSHIFT } })],
    [
      "a secret ARN in a field named like a password",
      job({ "--db_password_secret_arn": "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf" }),
    ],
    ["a secret's name in a ...Name field", job({ "--apiKeyName": "prod/api-key" })],
    ["a connection id in a ..._conn_id field", job({ "--password_conn_id": "redshift_default" })],
    ["Jinja that reads the password at run time", job({ "--password": "{{ conn.redshift_default.password }}" })],
    ["password= with a Jinja value", job({ "--jdbc": "user=etl;password={{ conn.redshift_default.password }}" })],
    ["a masked value", job({ "--password": "****" })],
    ["a documentation stand-in", doc("set password=<your password> in the connection, not here")],
    ["SQL PASSWORD DISABLE", sql("ALTER USER etl PASSWORD DISABLE")],
    [
      "a path with 'password' in it",
      basePipeline({
        steps: [{ id: "wait", kind: "s3Sensor", bucket: "landing-bucket", key: "passwords/rotated/_SUCCESS" }],
      }),
    ],
    ["an s3:// URI (no user info)", job({ "--input": "s3://landing-bucket/in/" })],
    ["an https URI with a user but no password", doc("see https://etl@example.com/runbook")],
    ["an IAM role id (AROA...), which is not a key", job({ "--role_id": "AROAIOSFODNN7EXAMPLE" })],
    ["a 40-character path segment", job({ "--p": "products/year=2024/month=01/day=01/part0" })],
    ["a 40-character hex digest", job({ "--sha": "da39a3ee5e6b4b0d3255bfef95601890afd80709" })],
    ["a next_token argument", job({ "--next_token": "abc" })],
    ["tokenizer settings", job({ "--tokenizer": "whitespace" })],
    ["prose about rotating passwords", doc("Rotate the password in Secrets Manager, never in the spec.")],
    ["a token's type", job({ "--tokenType": "bearer" })],
    ["a password's hash column in SQL", sql("SELECT password_hash FROM users WHERE password_hash = md5('x')")],
    ["a pagination token in JSON", doc('{"nextToken": "abc"}')],
    ["a secret's name in JSON", sql(`SELECT '{"secretName": "prod/db"}'`)],
    ["Jinja reading a secret in JSON", job({ "--config": '{"password": "{{ conn.db.password }}"}' })],
    ["the word password in a JSON value", doc('{"note": "password rotated"}')],
  ])("%s", (_, spec) => {
    expect(problemsOf(spec)).toEqual([]);
  });
});

it("describeCredential names the kind, or nothing", () => {
  expect(describeCredential(ACCESS_KEY_ID, undefined)).toBe("an AWS access key id");
  expect(describeCredential("hunter2", "password")).toBe('a secret in a field named "password"');
  expect(describeCredential("hunter2", "description")).toBeUndefined();
});
