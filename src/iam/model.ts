/**
 * What `pipegen iam` builds: grants (one IAM statement each, with the reason
 * it exists) for the identities that act when a DAG runs, assembled into
 * policy documents.
 */
import type { ResolvedPipeline, ResolvedStep } from "../resolve/index.js";
import type { Step, StepKind } from "../spec/steps/index.js";
import type { Arns } from "./arn.js";

/** An IAM condition block, e.g. `{ StringLike: { "s3:prefix": ["in/*"] } }`. */
export type Condition = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Principal?: { readonly AWS: string } | { readonly Service: string };
  readonly Action: readonly string[];
  readonly Resource?: readonly string[];
  readonly NotResource?: readonly string[];
  readonly Condition?: Condition;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

/** The identity a grant is for. */
export type Grantee =
  /** The MWAA execution role: every Amazon-provider hook and the XTable JVM run as it. */
  | { readonly kind: "execution-role" }
  /** A Glue job's or crawler's own role: what the Glue service does on the step's behalf. */
  | { readonly kind: "glue-role"; readonly roleArn: string }
  /**
   * The role Redshift assumes for UNLOAD (the step's `iamRole`): its ARN, or
   * `default` for the namespace's or cluster's default IAM role.
   */
  | { readonly kind: "redshift-role"; readonly roleArn: string };

/** One statement and why it exists. */
export interface Grant {
  readonly to: Grantee;
  readonly sid: string;
  /** One line for the human output: what calls this and why it is scoped as it is. */
  readonly explain: string;
  readonly actions: readonly string[];
  /** Exact ARNs or ARN patterns; `["*"]` only for actions in RESOURCE_STAR_ACTIONS. */
  readonly resources: readonly string[];
  readonly condition?: Condition;
  /** The S3 bucket every resource is in, for S3 grants; cross-account buckets get a bucket policy. */
  readonly bucket?: string;
}

/** What a step builder gets: the pipeline, ARN builders and the Sid convention. */
export interface IamContext {
  readonly resolved: ResolvedPipeline;
  readonly arns: Arns;
  /** The statement id for a step and purpose: `<Pipeline><Step><Purpose>`, letters and digits only. */
  sid(step: Step, purpose: string): string;
  /** Records something the user must know that is not a grant (e.g. what is not covered). */
  note(text: string): void;
  /** Records an input pipegen needs and the spec lacks (or gives wrong); the run fails with all of them. */
  missing(path: readonly PropertyKey[], message: string, hint?: string): void;
}

/** The grants of one step of kind K, built from its resolved facts. */
export type IamStepBuilder<K extends StepKind> = (resolved: ResolvedStep<K>, ctx: IamContext) => Grant[];
