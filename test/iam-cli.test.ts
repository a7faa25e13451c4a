/** `pipegen iam` through the built bin: the documents on disk, one line per grant, --json, and clean refusals. */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pipegen, ROOT } from "./helpers/cli.js";

let work: string;
beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), "pipegen-iam-"));
  await cp(path.join(ROOT, "pipelines"), path.join(work, "pipelines"), { recursive: true });
});
afterEach(() => rm(work, { recursive: true, force: true }));

const EXAMPLE_FLAGS = [
  "--execution-role",
  "service-role/mwaa-exec",
  "--environment",
  "prod",
  "--dag-bucket",
  "prod-mwaa-source",
];

describe("pipegen iam", () => {
  it("writes the golden documents and explains every statement in one line", async () => {
    const r = await pipegen(["iam", ...EXAMPLE_FLAGS], { cwd: work });
    expect(r.exitCode).toBe(0);
    const [manifest, ...written] = (await readdir(path.join(work, "iam"))).sort();
    expect(manifest).toBe(".pipegen-files.json");
    expect(written).toEqual((await readdir(path.join(ROOT, "test/golden-iam/examples"))).sort());
    for (const f of written)
      expect(await readFile(path.join(work, "iam", f), "utf8")).toBe(
        await readFile(path.join(ROOT, "test/golden-iam/examples", f), "utf8"),
      );

    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("IAM for account 111122223333, region us-east-1");
    expect(lines.at(-1)).toBe("✓ wrote 13 IAM documents to iam for 6 pipelines");
    expect(lines).toContain(
      "  ProductsWaitForProductsListPrefix  s3:ListBucket — S3KeySensor lists s3://sample-inp-bucket-etl/products/year=${YYYY}/month=${MM}/day=${DD}/ (the key up to its first wildcard) and matches keys with fnmatch; sizes come with the listing, so no object is read",
    );
    for (const f of written) {
      const policy = JSON.parse(await readFile(path.join(work, "iam", f), "utf8")) as {
        Statement: Array<{ Sid: string }>;
      };
      expect(lines.some((l) => l.startsWith(`iam/${f} — `))).toBe(true);
      for (const s of policy.Statement)
        expect(lines.filter((l) => new RegExp(`^  ${s.Sid} +[a-z0-9-]+:`).test(l)).length).toBeGreaterThanOrEqual(1);
    }
  });

  it("--json prints the documents, where they go and why each statement exists", async () => {
    const r = await pipegen(["iam", ...EXAMPLE_FLAGS, "--json", "--out", "policies"], { cwd: work });
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout) as {
      account: string;
      region: string;
      documents: Array<{
        file: string;
        kind: string;
        attachTo: string;
        grants: Array<{ sid: string; explain: string }>;
        policy: { Statement: Array<{ Sid: string }> };
      }>;
      notes: string[];
    };
    expect([out.account, out.region]).toEqual(["111122223333", "us-east-1"]);
    expect(out.documents.map((d) => `${d.kind} ${d.file}`)).toEqual([
      "execution-role policies/mwaa-execution-role-1.json",
      "execution-role policies/mwaa-execution-role-2.json",
      "execution-role policies/mwaa-execution-role-3.json",
      "execution-role policies/mwaa-execution-role-4.json",
      "mwaa-baseline policies/mwaa-execution-role-baseline.json",
      "glue-role policies/glue-role-glue-products.json",
      "glue-role policies/glue-role-glue-sales.json",
      "redshift-unload-role policies/redshift-unload-role-default.json",
      "redshift-unload-trust policies/redshift-unload-role-default-trust.json",
      "redshift-unload-role policies/redshift-unload-role-redshift-unload-products.json",
      "redshift-unload-trust policies/redshift-unload-role-redshift-unload-products-trust.json",
      "bucket-policy policies/bucket-policy-sample-inp-bucket-etl.json",
      "bucket-policy policies/bucket-policy-sample-opt-bucket-etl.json",
    ]);
    for (const d of out.documents) expect(d.grants.map((g) => g.sid)).toEqual(d.policy.Statement.map((s) => s.Sid));
    expect(out.notes.length).toBeGreaterThan(0);
  });

  it("removes documents a previous run wrote that are no longer needed", async () => {
    expect((await pipegen(["iam", ...EXAMPLE_FLAGS], { cwd: work })).exitCode).toBe(0);
    expect(await readdir(path.join(work, "iam"))).toContain("glue-role-glue-products.json");
    await rm(path.join(work, "pipelines/products.pipeline.ts"));
    expect((await pipegen(["iam", ...EXAMPLE_FLAGS], { cwd: work })).exitCode).toBe(0);
    expect(await readdir(path.join(work, "iam"))).not.toContain("glue-role-glue-products.json");
  });

  it("recognises a folder an earlier pipegen iam wrote (no manifest): its old documents go, a manifest comes", async () => {
    await mkdir(path.join(work, "iam"));
    const old = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] };
    await writeFile(path.join(work, "iam", "glue-role-old.json"), `${JSON.stringify(old, null, 2)}\n`);
    expect((await pipegen(["iam", ...EXAMPLE_FLAGS], { cwd: work })).exitCode).toBe(0);
    const written = await readdir(path.join(work, "iam"));
    expect(written).not.toContain("glue-role-old.json");
    expect(written).toContain(".pipegen-files.json");
  });

  it("points at a workgroup without workgroupId in its file, and writes nothing", async () => {
    const spec = (await readFile(path.join(work, "pipelines/sales.pipeline.yaml"), "utf8")).replace(
      /\n\s+workgroupId: .*/,
      "",
    );
    await writeFile(path.join(work, "pipelines/sales.pipeline.yaml"), spec);
    const r = await pipegen(["iam", ...EXAMPLE_FLAGS], { cwd: work });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split("\n")).toEqual([
      'pipelines/sales.pipeline.yaml:18:5 connections.redshift: needs workgroupId for pipegen iam: IAM names Redshift Serverless workgroup "analytics" by its id, not its name (aws redshift-serverless get-workgroup --workgroup-name analytics --query workgroup.workgroupId)',
      "✗ 1 problem in 1 spec file; nothing was written",
    ]);
    await expect(readdir(path.join(work, "iam"))).rejects.toThrow();
  });

  it("points at specs that disagree on the account", async () => {
    const spec = (await readFile(path.join(work, "pipelines/sales.pipeline.yaml"), "utf8")).replace(
      'account: "111122223333"',
      'account: "999988887777"',
    );
    await writeFile(path.join(work, "pipelines/sales.pipeline.yaml"), spec);
    const r = await pipegen(["iam", ...EXAMPLE_FLAGS], { cwd: work });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^pipelines\/sales\.pipeline\.yaml:\d+:\d+ aws\.account: is 999988887777, but pipelines\/products\.pipeline\.ts says 111122223333 — one MWAA environment runs in one account and region; make the specs agree\n/,
    );
  });

  it.each([
    [
      ["iam", "pipelines/orders_lakehouse.pipeline.yaml"],
      "✗ no AWS account: pass --account or set aws.account in a spec",
    ],
    [["iam", "--environment", "prod"], "✗ the MWAA baseline needs both --environment and --dag-bucket"],
    [
      ["iam"],
      "✗ bucket sample-inp-bucket-etl belongs to account 444455556666, so its bucket policy must name the MWAA execution role: pass --execution-role <name or ARN>",
    ],
    [
      ["iam", "--partition", "aws-mars"],
      "error: option '--partition <partition>' argument 'aws-mars' is invalid. Allowed choices are aws, aws-cn, aws-us-gov.\n(run with --help for usage)",
    ],
  ])("%j exits 1: %s", async (args, message) => {
    const r = await pipegen(args, { cwd: work });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(message);
  });

  it("never writes over a folder it does not own", async () => {
    await mkdir(path.join(work, "notes"));
    await writeFile(path.join(work, "notes", "todo.md"), "keep me\n");
    const here = await pipegen(["iam", ...EXAMPLE_FLAGS, "--out", "."], { cwd: work });
    expect(here.stderr).toBe(
      "✗ --out . holds notes/, which pipegen did not write (and 1 more); nothing was written. pipegen replaces everything in its output folder, so it writes only to a folder that is new, empty or its own: give --out a folder of its own, such as iam/",
    );
    const notes = await pipegen(["iam", ...EXAMPLE_FLAGS, "--out", "notes"], { cwd: work });
    expect(notes.stderr).toBe(
      "✗ --out notes holds todo.md, which pipegen did not write; nothing was written. pipegen replaces everything in its output folder, so it writes only to a folder that is new, empty or its own: move todo.md out of notes, or give --out a folder of its own, such as iam/",
    );
    expect([here.exitCode, notes.exitCode]).toEqual([1, 1]);
    expect(await readFile(path.join(work, "notes", "todo.md"), "utf8")).toBe("keep me\n");
    expect((await readdir(work)).sort()).toEqual(["notes", "pipelines"]);
  });

  it("refuses a spec with a credential before building any policy", async () => {
    const r = await pipegen(
      [
        "iam",
        `${ROOT}test/fixtures/credentials/leaky.pipeline.yaml`,
        "--account",
        "111122223333",
        "--region",
        "us-east-1",
      ],
      { cwd: work },
    );
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("looks like an AWS access key id");
  });
});
