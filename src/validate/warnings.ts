/**
 * What `validate` warns about: valid specs that do something a user should
 * know before it runs. Warnings never fail validation.
 */
import type { SpecProblem } from "../problem.js";
import { KNOWN_OPERATORS } from "../spec/known-operators.js";
import type { Pipeline } from "../spec/pipeline.js";

/** Warnings for valid specs, as problems (with no hint) that do not fail validation. */
export function specWarnings(specs: readonly { readonly file: string; readonly pipeline: Pipeline }[]): SpecProblem[] {
  const out: SpecProblem[] = [];
  for (const { file, pipeline } of specs)
    for (const [i, step] of pipeline.steps.entries())
      if (step.kind === "operator" && !KNOWN_OPERATORS[step.operator])
        out.push({
          file,
          path: ["steps", i, "operator"],
          message: `pipegen imports nothing, so it cannot check ${step.operator}: the DAG imports only if that class exists with the packages MWAA installs (requirements.txt) and takes these arguments, and placeholders or Jinja render only in its templated fields. Import the rendered DAG once (e.g. airflow dags list-import-errors) before you deploy`,
        });
      else if (step.kind === "unload" && step.legacyOperator)
        out.push({
          file,
          path: ["steps", i, "legacyOperator"],
          message:
            "RedshiftToS3Operator puts the worker's temporary AWS credentials into the UNLOAD statement, where Redshift's query history shows them, unless the AWS connection's extra names a role_arn (which every other task of that connection then assumes too). Drop legacyOperator to UNLOAD with iamRole instead",
        });
  return out;
}
