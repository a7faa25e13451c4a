/**
 * Phase 2: validate. Runs the zod schema and the graph checks on every loaded
 * spec and collects every problem; nothing stops at the first one.
 */
import type { Problem } from "../errors.js";
import { dagIdOfFile, formatPath, type LoadedSpec } from "../load/index.js";
import { pipeline, type Pipeline } from "../spec/pipeline.js";
import { credentialProblems } from "./credentials.js";
import { checkStepGraph } from "./graph.js";
import { describeIssue, describeUnknownKey } from "./messages.js";
import { allowedKeysAt } from "./schema-keys.js";

/** A spec that passed validation. */
export interface ValidSpec {
  readonly file: string;
  readonly pipeline: Pipeline;
}

export function validateSpec(spec: LoadedSpec): ValidSpec | Problem[] {
  const problems: Problem[] = [];
  const at = (path: readonly PropertyKey[], message: string, hint?: string, key = false): Problem => ({
    file: spec.file,
    ...spec.locate(path, { key }),
    path: formatPath(path),
    message,
    ...(hint ? { hint } : {}),
  });

  const result = pipeline.safeParse(spec.data, { reportInput: true });
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) {
          const text = describeUnknownKey(key, allowedKeysAt(pipeline, issue.path, spec.data));
          problems.push(at([...issue.path, key], text.message, text.hint, true));
        }
      } else {
        const text = describeIssue(issue);
        problems.push(at(issue.path, text.message, text.hint));
      }
    }
  }

  for (const g of checkStepGraph(spec.data)) problems.push(at(g.path, g.message, g.hint));
  for (const c of credentialProblems(spec.data)) problems.push(at(c.path, c.message, c.hint));

  const id = (spec.data as { id?: unknown } | null)?.id;
  const expected = dagIdOfFile(spec.file);
  if (typeof id === "string" && id !== expected)
    problems.push(at(["id"], `is "${id}" but the file is named for "${expected}"`, `rename the file to ${id}.pipeline.<ext> or set id: ${expected}; MWAA shows a DAG only when its id matches its file`));

  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  if (problems.length > 0 || !result.success) return dedupe(problems);
  return { file: spec.file, pipeline: result.data };
}

/** Checks that only make sense across files: one bundle, one Airflow version. */
export function validateBundle(specs: readonly (ValidSpec & { locate: LoadedSpec["locate"] })[]): Problem[] {
  const versions = new Map<string, string[]>();
  for (const s of specs) versions.set(s.pipeline.airflowVersion, [...(versions.get(s.pipeline.airflowVersion) ?? []), s.file]);
  if (versions.size <= 1) return [];
  const summary = [...versions].map(([v, files]) => `${v} (${files.join(", ")})`).join(" and ");
  return specs.map((s) => ({
    file: s.file,
    ...s.locate(["airflowVersion"]),
    path: "airflowVersion",
    message: `one bundle deploys to one MWAA environment, but the specs target ${summary}`,
    hint: "use the same airflowVersion in every spec, or render with --airflow-version",
  }));
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}:${p.column}:${p.path}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
