/** Builds specs for table tests: a valid base pipeline plus the part under test. */

import { formatProblem, type Problem } from "../../src/errors.js";
import type { LoadedSpec } from "../../src/load/index.js";
import { type ResolvedPipeline, resolvePipeline } from "../../src/resolve/index.js";
import type { AirflowVersion } from "../../src/spec/airflow-versions.js";
import { type ValidSpec, validateSpec } from "../../src/validate/index.js";

export const REDSHIFT = {
  workgroup: "analytics",
  database: "dev",
  secretArn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:airflow/redshift-AbCdEf",
};

export function basePipeline(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "demo",
    airflowVersion: "2.10.3",
    schedule: "@daily",
    startDate: "2024-01-01",
    connections: { redshift: REDSHIFT },
    xtableRunner: { bucket: "mwaa-env-bucket" },
    steps: [{ id: "wait", kind: "s3Sensor", bucket: "landing-bucket", key: "in/*.csv" }],
    ...overrides,
  };
}

/** Validates raw data as if it came from `pipelines/demo.pipeline.yaml` (positions are not checked here). */
export function validate(data: unknown, airflowVersion?: AirflowVersion): ValidSpec | Problem[] {
  const spec: LoadedSpec = { file: "pipelines/demo.pipeline.yaml", data, locate: () => ({ line: 1, column: 1 }) };
  return validateSpec(spec, { airflowVersion });
}

/** Problems as `path: message — hint` lines, without the location. */
export function problemsOf(data: unknown, airflowVersion?: AirflowVersion): string[] {
  const result = validate(data, airflowVersion);
  if (!Array.isArray(result)) return [];
  return result.map((p) => formatProblem({ ...p, line: 0 }).replace(/^pipelines\/demo\.pipeline\.yaml /, ""));
}

export function resolved(data: unknown, airflowVersion?: AirflowVersion): ResolvedPipeline {
  const result = validate(data, airflowVersion);
  if (Array.isArray(result)) throw new Error(`invalid test spec:\n${result.map(formatProblem).join("\n")}`);
  return resolvePipeline(result, { airflowVersion });
}
