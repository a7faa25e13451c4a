/**
 * `pipegen iam` end to end on the examples and on fixtures that cover every
 * step kind and auth mode:
 * - golden documents under test/golden-iam/ (reviewed for minimality;
 *   UPDATE_GOLDEN=1 rewrites them after an intended change);
 * - every document linted by Parliament with zero findings, and a canary
 *   policy that Parliament must flag, so a silent linter cannot pass;
 * - pipegen's own wildcard check on every document;
 * - enforcement, where moto can evaluate it: the S3 statements of the
 *   examples' execution-role policy, exercised with real boto3 calls under
 *   moto's IAM access control. moto matches Action and Resource but not
 *   Condition values, and it checks Glue, Redshift Data, Secrets Manager and
 *   CloudWatch Logs requests against Resource "*" only; for those statements
 *   (and for s3:prefix conditions) these tests check shape, not enforcement.
 */

import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { buildIam, type IamOptions } from "../src/iam/index.js";
import type { PolicyDocument } from "../src/iam/model.js";
import { checkWildcards } from "../src/iam/wildcard-check.js";
import { validatePipelines } from "../src/pipeline-run.js";
import { runnerPin } from "../src/runner/pin.js";
import { diffBundle } from "../src/write/index.js";
import { ROOT } from "./helpers/cli.js";
import { writeGolden } from "./helpers/golden.js";
import { venvBin } from "./helpers/python.js";

const GOLDEN = path.join(ROOT, "test/golden-iam");

const IAM_CASES: ReadonlyArray<{ name: string; paths: string[]; options: IamOptions }> = [
  {
    name: "examples",
    paths: ["pipelines"],
    options: { executionRole: "service-role/mwaa-exec", environment: "prod", dagBucket: "prod-mwaa-source" },
  },
  {
    name: "fixtures",
    paths: ["test/fixtures/iam"],
    options: {
      executionRole: "arn:aws:iam::123456789012:role/mwaa-lake",
      environment: "lake",
      dagBucket: "lake-mwaa",
      kmsKey: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    },
  },
];

async function build(c: (typeof IAM_CASES)[number]) {
  return buildIam(await validatePipelines({ cwd: ROOT, paths: c.paths }), c.options);
}

describe.each(IAM_CASES)("IAM documents for the $name", (c) => {
  it("match the golden documents", async () => {
    const result = await build(c);
    if (process.env.UPDATE_GOLDEN) await writeGolden(path.join(GOLDEN, c.name), result.files, "iam");
    expect((await diffBundle(path.join(GOLDEN, c.name), result.files, { kind: "iam" })).changes).toEqual([]);
  });

  it("hold no wildcard outside the allow-list", async () => {
    for (const d of (await build(c)).documents)
      expect({ file: d.file, violations: checkWildcards(d.policy) }).toEqual({ file: d.file, violations: [] });
  });

  it("are built identically twice (deterministic)", async () => {
    expect((await build(c)).files).toEqual((await build(c)).files);
  });
});

async function goldenFiles(): Promise<string[]> {
  const out: string[] = [];
  for (const c of IAM_CASES)
    for (const f of await readdir(path.join(GOLDEN, c.name))) out.push(path.join(GOLDEN, c.name, f));
  return out.sort();
}

async function parliament(
  files: readonly string[],
): Promise<Record<string, Array<{ issue: string; severity: string; detail: unknown }>>> {
  const r = await execa(venvBin("parliament", "python"), [`${ROOT}test/python/iam/parliament_lint.py`, ...files], {
    reject: false,
  });
  if (r.exitCode !== 0) throw new Error(`parliament_lint.py exited ${r.exitCode}:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe("Parliament", () => {
  it("finds nothing in any generated document (every auditor, every severity)", async () => {
    // Parliament lints identity and resource policies; a role trust policy has no Resource, so it
    // reads one as malformed. Trust policies are checked exactly below instead.
    const files = (await goldenFiles()).filter((f) => !f.endsWith("-trust.json"));
    expect(files.length).toBeGreaterThanOrEqual(12);
    const findings = await parliament(files);
    expect(Object.keys(findings)).toHaveLength(files.length);
    expect(Object.entries(findings).filter(([, f]) => f.length > 0)).toEqual([]);
  });

  it("does flag a bad policy (canary: the linter is really running)", async () => {
    const findings = await parliament([`${ROOT}test/python/iam/canary-bad-policy.json`]);
    expect(
      Object.values(findings)[0]!
        .map((f) => f.issue)
        .sort(),
    ).toEqual(["RESOURCE_MISMATCH", "RESOURCE_STAR", "UNKNOWN_ACTION"]);
  });
});

describe("moto enforces the S3 statements of the examples' execution-role policy", () => {
  // Each S3 call a task makes, and calls it must not be able to make. moto checks action and
  // resource; the s3:prefix conditions on the list statements are not evaluated by moto.
  const checks: Array<{ op: string; bucket: string; key?: string; prefix?: string; allowed: boolean; why: string }> = [
    {
      op: "list",
      bucket: "sample-inp-bucket-etl",
      prefix: "products/year=2024/month=03/day=05/",
      allowed: true,
      why: "products sensor lists its day",
    },
    {
      op: "get",
      bucket: "sample-inp-bucket-etl",
      key: "products/year=2024/month=03/day=05/a.csv",
      allowed: false,
      why: "the wildcard sensor never reads objects",
    },
    {
      op: "put",
      bucket: "sample-inp-bucket-etl",
      key: "products/x.csv",
      allowed: false,
      why: "the landing bucket is read-only",
    },
    {
      op: "head",
      bucket: "orders-landing",
      key: "exports/dt=2024-03-05/_SUCCESS",
      allowed: true,
      why: "orders sensor heads its marker",
    },
    {
      op: "head",
      bucket: "orders-landing",
      key: "exports/dt=2024-03-05/other.csv",
      allowed: false,
      why: "only the marker key",
    },
    {
      op: "list",
      bucket: "orders-lake",
      prefix: "delta/orders/_delta_log/",
      allowed: true,
      why: "XTable lists the Delta log",
    },
    {
      op: "get",
      bucket: "orders-lake",
      key: "delta/orders/_delta_log/00000000000000000000.json",
      allowed: true,
      why: "XTable reads the Delta log",
    },
    {
      op: "put",
      bucket: "orders-lake",
      key: "delta/orders/metadata/v1.metadata.json",
      allowed: true,
      why: "XTable writes Iceberg metadata",
    },
    {
      op: "delete",
      bucket: "orders-lake",
      key: "delta/orders/metadata/v1.metadata.json",
      allowed: true,
      why: "XTable replaces its own metadata",
    },
    {
      op: "put",
      bucket: "orders-lake",
      key: "delta/orders/.hoodie/hoodie.properties",
      allowed: true,
      why: "XTable writes Hudi metadata",
    },
    {
      op: "put",
      bucket: "orders-lake",
      key: "delta/orders/part-00000.snappy.parquet",
      allowed: false,
      why: "XTable never writes data files",
    },
    {
      op: "delete",
      bucket: "orders-lake",
      key: "delta/orders/_delta_log/00000000000000000000.json",
      allowed: false,
      why: "XTable never touches the source log",
    },
    {
      op: "put",
      bucket: "orders-exports",
      key: "daily/dt=2024-03-05/0000_part_00.parquet",
      allowed: false,
      why: "UNLOAD writes as the role Redshift assumes, never as the execution role",
    },
    {
      op: "put",
      bucket: "orders-exports",
      key: "monthly/0000_part_00.parquet",
      allowed: false,
      why: "only the UNLOAD prefix",
    },
    {
      op: "put",
      bucket: "sample-opt-bucket-etl",
      key: "products/year=2024/month=03/day=05/products_f_0000_part_00.parquet",
      allowed: false,
      why: "the execution role has no S3 grant for a table UNLOAD either",
    },
    {
      op: "put",
      bucket: "sample-opt-bucket-etl",
      key: "products/year=2024/month=03/day=05/other.parquet",
      allowed: false,
      why: "only the table's file prefix",
    },
    {
      op: "put",
      bucket: "datalake-sales",
      key: "sales/metadata/v2.metadata.json",
      allowed: true,
      why: "sales XTable writes Iceberg metadata",
    },
    { op: "put", bucket: "datalake-sales", key: "sales/.hoodie/x", allowed: false, why: "sales only targets Iceberg" },
    {
      op: "list",
      bucket: "prod-mwaa-source",
      prefix: "dags/",
      allowed: false,
      why: "the DAG bucket is in the baseline document, not this one",
    },
    {
      op: "head",
      bucket: "prod-mwaa-source",
      key: `xtable-runner/${runnerPin().sha256}.zip`,
      allowed: true,
      why: "startup.sh (aws s3 cp) heads the runner archive",
    },
    {
      op: "get",
      bucket: "prod-mwaa-source",
      key: `xtable-runner/${runnerPin().sha256}.zip`,
      allowed: true,
      why: "startup.sh (aws s3 cp) reads the runner archive",
    },
    {
      op: "get",
      bucket: "prod-mwaa-source",
      key: "dags/sales.py",
      allowed: false,
      why: "the runner grant reads nothing beside the runner archives",
    },
    {
      op: "put",
      bucket: "prod-mwaa-source",
      key: `xtable-runner/${runnerPin().sha256}.zip`,
      allowed: false,
      why: "the workers never write the runner",
    },
    {
      op: "get",
      bucket: "aws-glue-assets-111122223333-us-east-1",
      key: "scripts/sample_glue_job.py",
      allowed: false,
      why: "the job script is the Glue role's to read",
    },
  ];

  it("allows what the tasks do and nothing next to it", async () => {
    const policies = (await readdir(path.join(GOLDEN, "examples")))
      .filter((f) => f.startsWith("mwaa-execution-role-") && !f.includes("baseline"))
      .map((f) => path.join(GOLDEN, "examples", f));
    expect(policies.length).toBeGreaterThan(0);
    const input = {
      policies,
      objects: [
        ["orders-landing", "exports/dt=2024-03-05/_SUCCESS"],
        ["orders-lake", "delta/orders/_delta_log/00000000000000000000.json"],
        ["prod-mwaa-source", `xtable-runner/${runnerPin().sha256}.zip`],
        ["prod-mwaa-source", "dags/sales.py"],
      ],
      checks: checks.map(({ op, bucket, key, prefix }) => ({
        op,
        bucket,
        ...(key === undefined ? {} : { key }),
        ...(prefix === undefined ? {} : { prefix }),
      })),
    };
    const r = await execa(venvBin("parliament", "python"), [`${ROOT}test/python/iam/moto_s3_enforcement.py`], {
      input: JSON.stringify(input),
      reject: false,
    });
    if (r.exitCode !== 0) throw new Error(`moto_s3_enforcement.py exited ${r.exitCode}:\n${r.stderr}`);
    const results = JSON.parse(r.stdout) as Array<{ allowed: boolean }>;
    expect(results.map((res, i) => `${checks[i]!.why}: ${res.allowed ? "allowed" : "denied"}`)).toEqual(
      checks.map((c) => `${c.why}: ${c.allowed ? "allowed" : "denied"}`),
    );
  });
});

it("golden documents parse as IAM policy JSON with unique Sids", async () => {
  for (const file of await goldenFiles()) {
    const doc = JSON.parse(await readFile(file, "utf8")) as PolicyDocument;
    expect(doc.Version).toBe("2012-10-17");
    const sids = doc.Statement.map((s) => s.Sid);
    expect(new Set(sids).size).toBe(sids.length);
    for (const s of doc.Statement) expect(s.Sid).toMatch(/^[A-Za-z0-9]+$/);
  }
});

it("UNLOAD roles come with a trust policy for Redshift, and nothing else in it", async () => {
  const trusts = (await goldenFiles()).filter((f) => f.endsWith("-trust.json"));
  expect(trusts.map((f) => path.basename(f))).toEqual([
    "redshift-unload-role-default-trust.json",
    "redshift-unload-role-redshift-unload-products-trust.json",
    "redshift-unload-role-default-trust.json",
    "redshift-unload-role-lake-unload-trust.json",
  ]);
  for (const file of trusts)
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "RedshiftAssumesRoleForUnload",
          Effect: "Allow",
          Principal: { Service: "redshift.amazonaws.com" },
          Action: ["sts:AssumeRole"],
        },
      ],
    });
});
