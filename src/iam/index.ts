/**
 * `pipegen iam`: least-privilege IAM documents derived from validated
 * pipelines. Each step kind's builder (steps/) says which AWS calls its
 * operator makes and on what; this module groups the grants by the identity
 * they are for, adds MWAA's own baseline and the bucket policies that
 * cross-account buckets need, and checks every document for wildcards before
 * anything is written. Pure: it returns documents and files, never touches
 * the disk or the network.
 */
import { SpecError, UserError } from "../errors.js";
import { placeProblem, type SpecProblem } from "../problem.js";
import type { RenderedFile } from "../rendered-file.js";
import type { ResolvedPipeline } from "../resolve/index.js";
import { AWS_PARTITIONS, awsAccountId, awsRegion } from "../spec/common.js";
import type { Step } from "../spec/steps/index.js";
import { Arns, type AwsPlacement, roleName } from "./arn.js";
import { type BaselineGrant, baselineGrants } from "./baseline.js";
import type { Grant, Grantee, IamContext, PolicyDocument, PolicyStatement } from "./model.js";
import { notifyGrants } from "./notify.js";
import { stepGrants } from "./steps/index.js";
import { checkWildcards } from "./wildcard-check.js";

export type Partition = AwsPlacement["partition"];

/** The problems IAM found in the specs, each placed in its file, in file and line order and once each. */
function specError(found: readonly SpecProblem[], pipelines: readonly ResolvedPipeline[]): SpecError {
  const locators = new Map(pipelines.map((p) => [p.file, p.locate]));
  const seen = new Set<string>();
  const problems = found
    .map((p) => placeProblem(p, locators.get(p.file)!))
    .filter((p) => {
      const key = `${p.file}:${p.path}:${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  return new SpecError(problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line)));
}

export const PARTITIONS: readonly Partition[] = AWS_PARTITIONS;

export interface IamOptions {
  /** Overrides `aws.account` of the specs. */
  readonly account?: string | undefined;
  /** Overrides `aws.region` of the specs. */
  readonly region?: string | undefined;
  readonly partition?: Partition | undefined;
  /** The MWAA execution role (name or ARN): the principal of cross-account bucket policies. */
  readonly executionRole?: string | undefined;
  /** MWAA environment name and source bucket: together they add the baseline document. */
  readonly environment?: string | undefined;
  readonly dagBucket?: string | undefined;
  /** The environment's customer managed KMS key; MWAA's AWS owned key when undefined. */
  readonly kmsKey?: string | undefined;
}

export type IamDocumentKind =
  | "execution-role"
  | "mwaa-baseline"
  | "glue-role"
  | "redshift-unload-role"
  | "redshift-unload-trust"
  | "bucket-policy";

export interface IamDocument {
  /** File name inside the output folder. */
  readonly file: string;
  readonly kind: IamDocumentKind;
  /** Where the document goes, in one line. */
  readonly attachTo: string;
  readonly policy: PolicyDocument;
  /** Each statement's Sid and why it exists, in statement order. */
  readonly grants: readonly { readonly sid: string; readonly explain: string }[];
  /** Characters IAM counts (JSON without whitespace) and the limit for this kind of policy. */
  readonly size: { readonly characters: number; readonly limit: number; readonly limitName: string };
}

export interface IamResult {
  readonly placement: AwsPlacement;
  readonly documents: readonly IamDocument[];
  /** Things the user must know that no statement says. */
  readonly notes: readonly string[];
  readonly files: readonly RenderedFile[];
}

/** IAM's size limits (IAM and STS quotas; S3 bucket policy size), counted without whitespace. */
const LIMITS = {
  managed: { limit: 6144, limitName: "a customer managed policy" },
  bucket: { limit: 20480, limitName: "a bucket policy" },
} as const;

/**
 * Builds every IAM document the pipelines need.
 * @throws {SpecError} when a spec lacks something IAM needs (e.g. a workgroup id), or specs disagree on account or region
 * @throws {UserError} when an option is missing or invalid
 */
export function buildIam(pipelines: readonly ResolvedPipeline[], options: IamOptions = {}): IamResult {
  const placement = resolvePlacement(pipelines, options);
  const arns = new Arns(placement);
  const notes: string[] = [];
  const grants = pipelineGrants(pipelines, arns, notes);
  const owners = bucketOwners(pipelines, placement.account);
  const executionRole = options.executionRole === undefined ? undefined : arns.iamRole(options.executionRole);
  // In this order: the documents' order, the notes' order, and which problem is reported first.
  const documents = [
    ...executionDocuments(grants, executionRole),
    ...baselineDocuments(options, arns, executionRole, notes),
    ...roleDocuments(grants, "glue-role"),
    ...roleDocuments(grants, "redshift-role"),
    ...bucketPolicies(grants, owners, executionRole, placement, notes),
  ];
  for (const d of documents) {
    const violations = checkWildcards(d.policy);
    if (violations.length > 0)
      throw new Error(`pipegen built ${d.file} with wildcards outside its allow-list:\n${violations.join("\n")}`);
    if (d.size.characters > d.size.limit)
      notes.push(
        `${d.file} has ${d.size.characters} characters, over the ${d.size.limit} of ${d.size.limitName}: split it by pipeline (run pipegen iam on fewer specs at a time)`,
      );
  }
  const files = documents.map((d) => ({ path: d.file, content: `${JSON.stringify(d.policy, null, 2)}\n` }));
  // One note per fact: several steps of a pipeline may report the same one (e.g. its secret's region).
  return { placement, documents, notes: [...new Set(notes)], files };
}

/**
 * What every step of every pipeline needs, each grant with its pipeline.
 * @throws {SpecError} naming every input a spec lacks
 */
function pipelineGrants(pipelines: readonly ResolvedPipeline[], arns: Arns, notes: string[]): PipelineGrant[] {
  const missing: SpecProblem[] = [];
  const annotated: Annotated[] = [];
  for (const resolved of pipelines) {
    const ctx: IamContext = {
      resolved,
      arns,
      sid: (step: Step, purpose: string) => `${pascal(resolved.pipeline.id)}${pascal(step.id)}${purpose}`,
      note: (text) => notes.push(text),
      missing: (path, message, hint) => missing.push({ file: resolved.file, path, message, hint }),
    };
    for (const step of resolved.steps)
      for (const grant of stepGrants(step, ctx))
        annotated.push({ grant, pipeline: resolved.pipeline.id, step: step.step.id });
    const notifySid = (stepId: string | undefined, purpose: string) =>
      `${pascal(resolved.pipeline.id)}${stepId ? pascal(stepId) : ""}${purpose}`;
    for (const grant of notifyGrants(resolved, notifySid, ctx.note))
      annotated.push({ grant, pipeline: resolved.pipeline.id, step: "notify" });
  }
  if (missing.length > 0) throw specError(missing, pipelines);
  return perStep(annotated);
}

/** The execution role's documents: what the tasks do, in as many parts as IAM's size limit needs. */
function executionDocuments(grants: readonly PipelineGrant[], executionRole: string | undefined): IamDocument[] {
  const parts = splitByPipeline(
    grants.filter((g) => g.to.kind === "execution-role"),
    LIMITS.managed.limit,
  );
  return parts.map((part, i) => {
    const file = parts.length === 1 ? "mwaa-execution-role.json" : `mwaa-execution-role-${i + 1}.json`;
    const which =
      parts.length === 1
        ? ""
        : ` (part ${i + 1} of ${parts.length}: one managed policy holds at most ${LIMITS.managed.limit} characters)`;
    const label = executionRole ?? "the MWAA execution role";
    return identityDocument(file, "execution-role", `attach to ${label}: what the pipelines' tasks do${which}`, part);
  });
}

/**
 * MWAA's own baseline, when the options name the environment and its bucket.
 * @throws {UserError} when they name only one of them
 */
function baselineDocuments(
  options: IamOptions,
  arns: Arns,
  executionRole: string | undefined,
  notes: string[],
): IamDocument[] {
  const { environment, dagBucket, kmsKey } = options;
  if (environment === undefined && dagBucket === undefined) {
    notes.push(
      "MWAA's own baseline (logs, metrics, Celery queues, KMS, the DAG bucket) was not written: pass --environment and --dag-bucket to get mwaa-execution-role-baseline.json",
    );
    return [];
  }
  if (environment === undefined || dagBucket === undefined)
    throw new UserError("the MWAA baseline needs both --environment and --dag-bucket");
  return [
    identityDocument(
      "mwaa-execution-role-baseline.json",
      "mwaa-baseline",
      `attach to ${executionRole ?? "the MWAA execution role"}: what MWAA itself needs for environment ${environment}, apart from any pipeline`,
      baselineGrants({ environment, dagBucket, kmsKey }, arns),
    ),
  ];
}

type OtherRole = Exclude<Grantee, { kind: "execution-role" }>;

/** The documents of one role other than the execution role; `name` is the role's name, safe in a file name. */
const ROLE_DOCUMENTS: {
  readonly [K in OtherRole["kind"]]: (role: string, name: string, grants: readonly Grant[]) => IamDocument[];
} = {
  "glue-role": (role, name, grants) => [
    identityDocument(
      `glue-role-${name}.json`,
      "glue-role",
      `attach to Glue role ${role}: the S3 paths its jobs and crawlers read (catalog and log access stay with its Glue service policy)`,
      grants,
    ),
  ],
  "redshift-role": (role, name, grants) => {
    const which =
      role === "default"
        ? "the default IAM role of the Redshift namespace or cluster the pipelines unload from"
        : `${role}, associated with the Redshift namespace or cluster`;
    return [
      identityDocument(
        `redshift-unload-role-${name}.json`,
        "redshift-unload-role",
        `attach to ${which}: where UNLOAD writes (Redshift assumes it through IAM_ROLE)`,
        grants,
      ),
      trustDocument(`redshift-unload-role-${name}-trust.json`, which),
    ];
  },
};

/** The documents of every role of one kind that grants go to, by role name. */
function roleDocuments(grants: readonly PipelineGrant[], kind: OtherRole["kind"]): IamDocument[] {
  const mine = grants.filter((g): g is PipelineGrant & { to: OtherRole } => g.to.kind === kind);
  const roles = [...new Set(mine.map((g) => g.to.roleArn))].sort(
    (a, b) => roleName(a).localeCompare(roleName(b)) || a.localeCompare(b),
  );
  return roles.flatMap((role) => {
    // Role names are unique within an account; a same-named role of another account gets its account in the file name.
    const clash = roles.some((other) => other !== role && roleName(other) === roleName(role));
    const name = fileSafe(clash ? `${roleName(role)}-${role.split(":")[4]}` : roleName(role));
    return ROLE_DOCUMENTS[kind](
      role,
      name,
      mine.filter((g) => g.to.roleArn === role),
    );
  });
}

/**
 * The bucket policies of the buckets of other accounts that grants reach.
 * @throws {UserError} when a policy must name the execution role and the options do not
 */
function bucketPolicies(
  grants: readonly PipelineGrant[],
  owners: ReadonlyMap<string, string>,
  executionRole: string | undefined,
  placement: AwsPlacement,
  notes: string[],
): IamDocument[] {
  const documents: IamDocument[] = [];
  for (const [bucket, owner] of [...owners].sort()) {
    const mine = grants.filter((g) => g.bucket === bucket);
    if (mine.length === 0) continue;
    const statements = mine.map((g) => {
      const principal = principalOf(g.to, executionRole);
      if (principal === undefined)
        throw new UserError(
          `bucket ${bucket} belongs to account ${owner}, so its bucket policy must name the MWAA execution role: pass --execution-role <name or ARN>`,
        );
      return { grant: g, statement: statementOf(g, principal) };
    });
    if (mine.some((g) => g.actions.includes("s3:PutObject")))
      notes.push(
        `bucket ${bucket} (account ${owner}) receives objects written by account ${placement.account}: keep its Object Ownership at "bucket owner enforced" (the default since 2023) so that account ${owner} owns them`,
      );
    documents.push(
      document(
        `bucket-policy-${bucket}.json`,
        "bucket-policy",
        `put on bucket ${bucket} in account ${owner}: lets roles of account ${placement.account} do what their own policies allow there`,
        statements,
        LIMITS.bucket,
      ),
    );
  }
  return documents;
}

/** A grant and the pipeline and step it serves. */
interface Annotated {
  readonly grant: Grant;
  readonly pipeline: string;
  readonly step: string;
}

/** A grant after merging, with the pipeline it serves (for splitting documents by pipeline). */
interface PipelineGrant extends Grant {
  readonly pipeline: string;
}

/**
 * Every grant stays its own statement, with the Sid of its pipeline, step and
 * purpose, even where two steps need the very same access (every Data API
 * step reads the same secret): a statement then says which step it serves, and
 * removing a step removes exactly its statements.
 */
function perStep(annotated: readonly Annotated[]): PipelineGrant[] {
  return annotated.map((a) => ({ ...a.grant, pipeline: a.pipeline }));
}

/** Packs whole pipelines into documents under `limit` characters; a pipeline too big for one is cut between statements. */
function splitByPipeline(grants: readonly PipelineGrant[], limit: number): PipelineGrant[][] {
  const size = (gs: readonly Grant[]) =>
    JSON.stringify({ Version: "2012-10-17", Statement: gs.map((g) => statementOf(g)) }).length;
  const parts: PipelineGrant[][] = [];
  let current: PipelineGrant[] = [];
  const pipelines = [...new Set(grants.map((g) => g.pipeline))];
  for (const pipeline of pipelines) {
    const mine = grants.filter((g) => g.pipeline === pipeline);
    if (current.length > 0 && size([...current, ...mine]) > limit) {
      parts.push(current);
      current = [];
    }
    for (const g of mine) {
      if (current.length > 0 && size([...current, g]) > limit && size(mine) > limit) {
        parts.push(current);
        current = [];
      }
      current.push(g);
    }
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

function identityDocument(
  file: string,
  kind: IamDocumentKind,
  attachTo: string,
  grants: readonly BaselineGrant[],
): IamDocument {
  return document(
    file,
    kind,
    attachTo,
    grants.map((grant) => ({ grant, statement: statementOf(grant) })),
    LIMITS.managed,
  );
}

function document(
  file: string,
  kind: IamDocumentKind,
  attachTo: string,
  parts: readonly { grant: Grant; statement: PolicyStatement }[],
  limit: { limit: number; limitName: string },
): IamDocument {
  // Sids are built from ids and purposes; in the rare case two coincide, later ones get a number (IAM wants them unique).
  const used = new Map<string, number>();
  const sids = parts.map((p) => {
    const n = (used.get(p.statement.Sid) ?? 0) + 1;
    used.set(p.statement.Sid, n);
    return n === 1 ? p.statement.Sid : `${p.statement.Sid}${n}`;
  });
  const policy: PolicyDocument = {
    Version: "2012-10-17",
    Statement: parts.map((p, i) => ({ ...p.statement, Sid: sids[i]! })),
  };
  const grants = parts.map((p, i) => ({ sid: sids[i]!, explain: p.grant.explain }));
  return { file, kind, attachTo, policy, grants, size: { characters: JSON.stringify(policy).length, ...limit } };
}

function statementOf(g: BaselineGrant, principal?: string): PolicyStatement {
  return {
    Sid: g.sid,
    Effect: "Allow",
    ...(principal === undefined ? {} : { Principal: { AWS: principal } }),
    Action: [...new Set(g.actions)].sort(),
    ...(g.notResource ? { NotResource: [...g.notResource] } : { Resource: [...new Set(g.resources)] }),
    ...(g.condition ? { Condition: g.condition } : {}),
  };
}

function principalOf(to: Grantee, executionRole: string | undefined): string | undefined {
  if (to.kind === "execution-role") return executionRole;
  return to.roleArn === "default" ? undefined : to.roleArn;
}

/** The trust policy of an UNLOAD role: Redshift (provisioned and Serverless alike) assumes it. */
function trustDocument(file: string, role: string): IamDocument {
  const statement: PolicyStatement = {
    Sid: "RedshiftAssumesRoleForUnload",
    Effect: "Allow",
    Principal: { Service: "redshift.amazonaws.com" },
    Action: ["sts:AssumeRole"],
  };
  const policy: PolicyDocument = { Version: "2012-10-17", Statement: [statement] };
  return {
    file,
    kind: "redshift-unload-trust",
    attachTo: `the trust policy of ${role}`,
    policy,
    grants: [
      {
        sid: statement.Sid,
        explain:
          "Redshift assumes the role when it runs UNLOAD … IAM_ROLE; the role must also be associated with the namespace or cluster",
      },
    ],
    size: { characters: JSON.stringify(policy).length, limit: 2048, limitName: "a role trust policy" },
  };
}

/** Account and region: options first, then what the specs declare; specs that declare must agree. */
function resolvePlacement(pipelines: readonly ResolvedPipeline[], options: IamOptions): AwsPlacement {
  const partition = options.partition ?? "aws";
  if (!PARTITIONS.includes(partition)) throw new UserError(`--partition must be one of ${PARTITIONS.join(", ")}`);
  if (options.account !== undefined && !awsAccountId.safeParse(options.account).success)
    throw new UserError(`--account must be a 12-digit AWS account id, got "${options.account}"`);
  if (options.region !== undefined && !awsRegion.safeParse(options.region).success)
    throw new UserError(`--region must be an AWS region code such as eu-west-1, got "${options.region}"`);
  const problems: SpecProblem[] = [];
  const pick = (field: "account" | "region", given: string | undefined, flag: string): string | undefined => {
    const declared = pipelines.flatMap((p) =>
      p.pipeline.aws?.[field] === undefined ? [] : [{ file: p.file, value: p.pipeline.aws[field]! }],
    );
    const chosen = given ?? declared[0]?.value;
    for (const d of declared)
      if (d.value !== chosen)
        problems.push({
          file: d.file,
          path: ["aws", field],
          message: `is ${d.value}, but ${given !== undefined ? `${flag} is ${given}` : `${declared[0]!.file} says ${chosen}`}`,
          hint: "one MWAA environment runs in one account and region; make the specs agree",
        });
    return chosen;
  };
  const account = pick("account", options.account, "--account");
  const region = pick("region", options.region, "--region");
  if (problems.length > 0) throw specError(problems, pipelines);
  if (account === undefined) throw new UserError("no AWS account: pass --account or set aws.account in a spec");
  if (region === undefined) throw new UserError("no AWS region: pass --region or set aws.region in a spec");
  const regionPartition = region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
  if (regionPartition !== partition)
    throw new UserError(
      `region ${region} is in partition ${regionPartition}, not ${partition}: pass --partition ${regionPartition}`,
    );
  return { partition, account, region };
}

/** Cross-account buckets of all pipelines; one bucket has one owner. */
function bucketOwners(pipelines: readonly ResolvedPipeline[], account: string): Map<string, string> {
  const owners = new Map<string, { owner: string; file: string }>();
  const problems: SpecProblem[] = [];
  for (const p of pipelines)
    for (const [bucket, owner] of Object.entries(p.pipeline.aws?.bucketOwners ?? {})) {
      const seen = owners.get(bucket);
      if (seen && seen.owner !== owner)
        problems.push({
          file: p.file,
          path: ["aws", "bucketOwners", bucket],
          message: `is ${owner}, but ${seen.file} says ${seen.owner}`,
          hint: "a bucket has one owner; make the specs agree",
        });
      else owners.set(bucket, { owner, file: p.file });
    }
  if (problems.length > 0) throw specError(problems, pipelines);
  return new Map([...owners].filter(([, o]) => o.owner !== account).map(([b, o]) => [b, o.owner]));
}

function pascal(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
}

function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9+=,.@_-]/g, "_");
}
