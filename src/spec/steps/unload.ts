import { z } from "zod";
import { iamRoleArn, jinjaString, s3Uri, sqlIdentifier, stepBase, templatedString } from "../common.js";
import { parseUnloadOption } from "../unload-options.js";

/** One UNLOAD option, checked against the options pipegen knows (unload-options.ts). */
const unloadOption = z
  .string()
  .superRefine((text, ctx) => {
    const parsed = parseUnloadOption(text);
    if ("problem" in parsed) ctx.addIssue({ code: "custom", message: parsed.problem });
  })
  .pipe(jinjaString);

/**
 * UNLOAD a Redshift table or query to S3. pipegen builds the statement
 * `UNLOAD ('<query>') TO 's3://…' IAM_ROLE '<role>' <options>` and runs it
 * like every other Redshift step (the Data API, or an Airflow connection):
 * Redshift writes to S3 as `iamRole`, and no credential is ever part of the SQL.
 */
export const unloadStep = z
  .strictObject({
    ...stepBase,
    kind: z.literal("unload"),
    schema: sqlIdentifier.default("public"),
    /** Table to unload; give either `table` or `query`. */
    table: sqlIdentifier.optional(),
    query: templatedString
      .min(1)
      .refine((q) => q.replace(/[\s;]+$/, "").trim() !== "", { message: "is empty: give the SELECT to unload" })
      .optional(),
    /** Destination prefix, e.g. `s3://bucket/products/year=${YYYY}/`. */
    to: s3Uri.pipe(templatedString),
    /**
     * The IAM role Redshift assumes to write to S3: the ARN of a role
     * associated with the namespace or cluster, or `default` for its default
     * IAM role (when left out). `pipegen iam` writes its policy and trust policy.
     */
    iamRole: z
      .string()
      .refine((r) => r === "default" || iamRoleArn.safeParse(r).success, {
        message:
          'must be the ARN of an IAM role associated with the namespace or cluster (arn:aws:iam::123456789012:role/redshift-unload), or "default"',
      })
      .optional(),
    /** UNLOAD options, e.g. `["FORMAT AS PARQUET", "PARTITION BY (day)", "ALLOWOVERWRITE"]`. */
    options: z.array(unloadOption).default([]),
    includeHeader: z.boolean().default(false),
    /**
     * Only with `legacyOperator`: run the provider's operator through the Data
     * API (default when the Redshift connection is a workgroup or cluster).
     */
    dataApi: z.boolean().optional(),
    /**
     * Renders the Amazon provider's `RedshiftToS3Operator` instead. Without
     * `role_arn` in the AWS connection's extra, that operator puts the
     * worker's temporary AWS credentials into the UNLOAD statement, where
     * Redshift's query history shows them; `validate` warns about it.
     */
    legacyOperator: z.boolean().default(false),
  })
  .superRefine((s, ctx) => {
    if ((s.table === undefined) === (s.query === undefined))
      ctx.addIssue({ code: "custom", path: ["table"], message: "give exactly one of `table` or `query`" });
    if (s.legacyOperator && s.iamRole !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["iamRole"],
        message:
          "RedshiftToS3Operator (legacyOperator) ignores iamRole: it takes the role from the AWS connection's role_arn, or sends the worker's credentials; drop legacyOperator to use iamRole",
      });
    if (!s.legacyOperator && s.dataApi !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["dataApi"],
        message:
          "applies only with legacyOperator: the UNLOAD statement runs like every Redshift step, through the Data API for a workgroup or cluster and over the connection for a connId",
      });
  });

export type UnloadStep = z.output<typeof unloadStep>;
