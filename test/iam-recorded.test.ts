/**
 * `pipegen iam` proven against the calls the tasks really make. Every task
 * of the variant specs in test/fixtures/iam-recorded/ runs in real Airflow
 * (2.10.3 and 3.3.1, with the Amazon provider MWAA ships) against a local
 * moto server, with a botocore hook recording every AWS call
 * (test/python/iam/record_calls.py: execute(), poke() for sensors, on_kill()
 * for Data API tasks, and the S3 calls Redshift and Glue make with their own
 * roles on the tasks' behalf). Each call is mapped to the IAM requests AWS
 * authorizes (test/helpers/iam-calls.ts) and decided by a small IAM
 * evaluator (test/helpers/iam-eval.ts) against the documents `pipegen iam`
 * writes: the execution role's, the Glue roles', the UNLOAD roles' and, for
 * buckets of another account, the bucket policy as well. The test fails on
 * any denied request, and on any action of any statement that no request
 * used, apart from the keeps listed below with their reasons.
 *
 * Not the tasks' own code, and said so in the recorder: moto has no
 * BatchExecuteStatement, GetCrawlerMetrics or UpdateCrawler, so the recorder
 * answers those (the calls are still recorded); moto never finishes a Data
 * API statement or reports a crawl SUCCEEDED, so the recorder patches those
 * two responses. The XTable step's calls come from a JVM, not botocore, and
 * are not part of this test (test/iam.test.ts checks its S3 statements).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildIam, type IamResult } from "../src/iam/index.js";
import type { PolicyStatement } from "../src/iam/model.js";
import { validatePipelines } from "../src/pipeline-run.js";
import { renderBundle } from "../src/render/bundle.js";
import type { ResolvedPipeline } from "../src/resolve/index.js";
import { writeBundle } from "../src/write/index.js";
import { ROOT } from "./helpers/cli.js";
import { GOLDEN_TARGETS } from "./helpers/golden.js";
import { type MappingContext, type RecordedCall, requestsFor } from "./helpers/iam-calls.js";
import { evaluate, type NamedPolicy } from "./helpers/iam-eval.js";
import { startMoto } from "./helpers/moto.js";
import { venvBin } from "./helpers/python.js";

const ACCOUNT = "111122223333";
const EXECUTION_ROLE = `arn:aws:iam::${ACCOUNT}:role/mwaa-exec`;

/**
 * Statement actions kept although no recorded request uses them: `<Sid purpose>` → action → why.
 */
const KEPT: Record<string, Record<string, string>> = {
  WriteUnload: {
    "s3:GetObject":
      "the Redshift guide lists GET with LIST and PUT as what UNLOAD needs on its target; Redshift's S3 calls are simulated from the statement (list, delete for CLEANPATH, put), and which of its calls reads is not observable here",
  },
};

interface Recording {
  airflow_version: string;
  calls: RecordedCall[];
  tasks: Array<{ dag: string; task: string; class: string; ran: string[]; error: string | null }>;
}

let pipelines: ResolvedPipeline[];
let iam: IamResult;
let work: string;
beforeAll(async () => {
  pipelines = await validatePipelines({ cwd: ROOT, paths: ["test/fixtures/iam-recorded"] });
  iam = buildIam(pipelines, { executionRole: EXECUTION_ROLE });
  work = await mkdtemp(path.join(tmpdir(), "pipegen-iam-recorded-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function mappingContext(): MappingContext {
  const workgroupIds = new Map<string, string>();
  const bucketOwners = new Map<string, string>();
  for (const p of pipelines) {
    const rs = p.pipeline.connections.redshift;
    if (rs && "workgroup" in rs && rs.workgroupId) workgroupIds.set(rs.workgroup, rs.workgroupId);
    for (const [b, o] of Object.entries(p.pipeline.aws?.bucketOwners ?? {})) bucketOwners.set(b, o);
  }
  return { account: ACCOUNT, region: "us-east-1", executionRole: EXECUTION_ROLE, workgroupIds, bucketOwners };
}

type Documents = IamResult["documents"];

function documentsOf(principal: string, docs: Documents = iam.documents): NamedPolicy[] {
  const name = principal.slice(principal.lastIndexOf("/") + 1);
  const mine =
    principal === EXECUTION_ROLE
      ? docs.filter((d) => d.kind === "execution-role")
      : principal === `arn:aws:iam::${ACCOUNT}:role/redshift-default-role`
        ? docs.filter((d) => d.file === "redshift-unload-role-default.json")
        : docs.filter((d) => d.file === `glue-role-${name}.json` || d.file === `redshift-unload-role-${name}.json`);
  return mine.map((d) => ({ name: d.file, Statement: d.policy.Statement }));
}

function bucketPolicyOf(resource: string, docs: Documents = iam.documents): NamedPolicy | undefined {
  const bucket = /^arn:aws:s3:::([^/]+)/.exec(resource)?.[1];
  const doc = bucket && docs.find((d) => d.file === `bucket-policy-${bucket}.json`);
  return doc ? { name: doc.file, Statement: doc.policy.Statement } : undefined;
}

/** Every request of the recording that the documents deny, one line each. */
function denials(recording: Recording, docs: Documents = iam.documents): string[] {
  return requestsFor(recording.calls, mappingContext()).flatMap((r) => {
    const d = evaluate(
      documentsOf(r.principal, docs),
      r.call.service === "s3" ? bucketPolicyOf(r.resource, docs) : undefined,
      r,
    );
    return d.allowed
      ? []
      : [
          `${r.call.dag}.${r.call.task} ${r.call.operation} → ${r.action} on ${r.resource} as ${r.principal}${r.implied ? ` (${r.implied})` : ""}: ${d.why}`,
        ];
  });
}

/** The documents with each statement passed through `edit` (return undefined to drop it). */
function edited(edit: (s: PolicyStatement) => PolicyStatement | undefined): Documents {
  return iam.documents.map((d) => ({
    ...d,
    policy: { ...d.policy, Statement: d.policy.Statement.flatMap((s) => edit(s) ?? []) },
  }));
}

const recordings = new Map<string, Recording>();

describe.each(GOLDEN_TARGETS)("Airflow %s: every recorded AWS call is allowed, every grant is used", (version) => {
  let recording: Recording;
  beforeAll(async () => {
    const out = path.join(work, version);
    await writeBundle(
      out,
      renderBundle(
        await validatePipelines({ cwd: ROOT, paths: ["test/fixtures/iam-recorded"], airflowVersion: version }),
      ),
    );
    const moto = await startMoto({ MOTO_ACCOUNT_ID: ACCOUNT });
    try {
      const r = await execa(
        venvBin(`airflow-${version}`, "python"),
        [`${ROOT}test/python/iam/record_calls.py`, `${out}/dags`, moto.endpoint],
        {
          cwd: ROOT,
          reject: false,
        },
      );
      if (r.exitCode !== 0) throw new Error(`record_calls.py exited ${r.exitCode}:\n${r.stderr.slice(-4000)}`);
      recording = JSON.parse(r.stdout);
    } finally {
      await moto.stop();
    }
    recordings.set(version, recording);
  }, 240_000);

  it("runs every task of every variant without an error", () => {
    expect(recording.airflow_version).toBe(version);
    expect(recording.tasks.filter((t) => t.error).map((t) => `${t.dag}.${t.task}: ${t.error}`)).toEqual([]);
    expect(new Set(recording.tasks.map((t) => t.dag))).toEqual(new Set(pipelines.map((p) => p.pipeline.id)));
    // Every variant made calls the evaluator decides.
    for (const p of pipelines) expect(recording.calls.some((c) => c.dag === p.pipeline.id)).toBe(true);
  });

  it("allows every request behind every recorded call", () => {
    expect(denials(recording)).toEqual([]);
  });

  it("would catch the gaps issue 13 found (canaries: the same calls against weakened documents)", () => {
    const without = (action: string) => edited((s) => ({ ...s, Action: s.Action.filter((a) => a !== action) }));
    // No CancelStatement: every on_kill is denied.
    expect(
      denials(recording, without("redshift-data:CancelStatement")).filter((d) => d.includes("CancelStatement →")),
    ).toHaveLength(recording.calls.filter((c) => c.operation === "CancelStatement").length);
    // A role name granted without its path: GetRole and PassRole of the /service-role/ role are denied.
    const pathless = edited((s) => ({
      ...s,
      ...(s.Resource ? { Resource: s.Resource.filter((r) => !r.includes(":role/*/")) } : {}),
    }));
    expect(denials(recording, pathless).map((d) => d.split(" → ")[1]!.split(" on ")[0])).toEqual(
      expect.arrayContaining(["iam:GetRole", "iam:PassRole"]),
    );
    // No bucket policy on the partner's bucket: UNLOAD's writes there are denied, whatever the role's own policy says.
    const noBucketPolicy = iam.documents.filter((d) => d.file !== "bucket-policy-partner-out.json");
    expect(
      denials(recording, noBucketPolicy).some((d) => d.includes("s3:PutObject on arn:aws:s3:::partner-out/")),
    ).toBe(true);
  });
});

it("uses every action of every statement on both Airflow versions together, apart from the listed keeps", () => {
  expect([...recordings.keys()].sort()).toEqual([...GOLDEN_TARGETS]);
  const used = new Set<string>();
  for (const recording of recordings.values())
    for (const r of requestsFor(recording.calls, mappingContext())) {
      const d = evaluate(documentsOf(r.principal), r.call.service === "s3" ? bucketPolicyOf(r.resource) : undefined, r);
      for (const m of d.allowedBy) used.add(`${m.policy} ${m.sid} ${m.action}`);
    }
  const unused: string[] = [];
  const kept: string[] = [];
  for (const d of iam.documents) {
    if (d.kind === "redshift-unload-trust") continue; // Redshift assumes the role; no task call exercises a trust policy
    for (const s of d.policy.Statement)
      for (const action of s.Action) {
        if (used.has(`${d.file} ${s.Sid} ${action}`)) continue;
        const purpose = Object.keys(KEPT).find((p) => s.Sid.endsWith(p));
        if (purpose && KEPT[purpose]![action]) kept.push(`${d.file} ${s.Sid} ${action}`);
        else unused.push(`${d.file} ${s.Sid} ${action}`);
      }
  }
  expect(unused).toEqual([]);
  // The keeps are real statements (a keep for something no longer granted would hide nothing).
  expect(kept.length).toBeGreaterThan(0);
  const summary = [...recordings].map(([v, r]) => {
    const requests = requestsFor(r.calls, mappingContext());
    return `Airflow ${v}: ${r.tasks.length} tasks, ${r.calls.length} calls (${r.calls.filter((c) => c.on_behalf).length} on behalf, ${r.calls.filter((c) => c.stubbed).length} stubbed), ${requests.length} IAM requests`;
  });
  console.log(`${summary.join("\n")}\nkept: ${kept.join("; ")}`);
});
