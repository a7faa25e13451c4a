/**
 * Phase 2: validate. Runs the zod schema and the graph checks on every loaded
 * spec and collects every problem; nothing stops at the first one.
 */
import { dagIdOfFile, type LoadedSpec } from "../load/index.js";
import type { TemplateRegistry } from "../load/templates.js";
import { type Locator, type Problem, placeProblem, type SpecProblem } from "../problem.js";
import { normalizePrefix } from "../runner/location.js";
import { type AirflowVersion, airflowTarget } from "../spec/airflow-versions.js";
import { type Pipeline, pipeline } from "../spec/pipeline.js";
import { assetProblems } from "./assets.js";
import { credentialProblems } from "./credentials.js";
import { checkStepGraph } from "./graph.js";
import { checkTaskGroups } from "./groups.js";
import { notifyProblems } from "./notify.js";
import { operatorStepProblems } from "./operator-steps.js";
import { paramProblems } from "./params.js";
import { targetProblems } from "./target.js";
import { expandTemplates } from "./templates.js";
import { zodProblems } from "./zod-problems.js";

/** A spec that passed validation. */
export interface ValidSpec {
  readonly file: string;
  readonly pipeline: Pipeline;
  /** Where paths of the spec are written in its file, for problems found later (resolve, iam, warnings). */
  readonly locate: Locator;
}

export interface ValidateOptions {
  /** The Airflow version the whole bundle is rendered for, instead of each spec's own. */
  readonly airflowVersion?: AirflowVersion | undefined;
  /** The step templates that `kind: template` steps may use; none by default. */
  readonly templates?: TemplateRegistry | undefined;
}

const NO_TEMPLATES: TemplateRegistry = new Map();

export function validateSpec(spec: LoadedSpec, options: ValidateOptions = {}): ValidSpec | Problem[] {
  const { file } = spec;
  // Template steps become ordinary steps first; their problems are placed where the instance is written.
  const expanded = expandTemplates(spec, options.templates ?? NO_TEMPLATES);
  const data = expanded.data;
  const found: SpecProblem[] = [];

  const result = pipeline.safeParse(data, { reportInput: true });
  if (!result.success) found.push(...zodProblems(pipeline, result.error.issues, { file, data }));

  if (result.success) {
    const target = airflowTarget(options.airflowVersion ?? result.data.airflowVersion);
    found.push(...targetProblems({ file, pipeline: result.data }, target, options.airflowVersion !== undefined));
    found.push(...paramProblems({ file, pipeline: result.data }));
    found.push(...operatorStepProblems(result.data, target).map((o) => ({ file, ...o })));
    found.push(...notifyProblems(result.data, target).map((n) => ({ file, ...n })));
  }

  found.push(
    ...checkStepGraph({ file, data }),
    ...checkTaskGroups({ file, data }),
    ...credentialProblems({ file, data }),
  );

  const id = (spec.data as { id?: unknown } | null)?.id;
  const expected = dagIdOfFile(file);
  if (typeof id === "string" && id !== expected)
    found.push({
      file,
      path: ["id"],
      message: `is "${id}" but the file is named for "${expected}"`,
      hint: `rename the file to ${id}.pipeline.<ext> or set id: ${expected}; MWAA shows a DAG only when its id matches its file`,
    });

  const problems = [...expanded.problems, ...found.flatMap((p) => expanded.remap(p) ?? [])].map((p) =>
    placeProblem(p, spec.locate),
  );
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  if (problems.length > 0 || !result.success) return dedupe(problems);
  return { file, pipeline: result.data, locate: expanded.locate };
}

/**
 * Checks that only make sense across files: one DAG file per id, one
 * Airflow version per bundle (skipped when the run sets the version), and
 * one XTable runner location per bundle (there is one startup.sh).
 */
export function crossFileProblems(
  specs: readonly ValidSpec[],
  options: {
    readonly checkVersions: boolean;
    /** False when some specs of the bundle failed on their own: an asset's producer may be among them. */
    readonly allValid?: boolean;
  },
): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const byId = groupBy(specs, (s) => s.pipeline.id);
  for (const [id, same] of byId)
    if (same.length > 1)
      for (const s of same)
        problems.push({
          file: s.file,
          path: ["id"],
          message: `dags/${id}.py would be written from ${same.map((o) => o.file).join(" and ")}`,
          hint: "DAG ids must be unique in a bundle: rename one spec file and its id",
        });
  const versions = groupBy(specs, (s) => s.pipeline.airflowVersion);
  if (options.checkVersions && versions.size > 1) {
    const summary = [...versions].map(([v, same]) => `${v} (${same.map((s) => s.file).join(", ")})`).join(" and ");
    for (const s of specs)
      problems.push({
        file: s.file,
        path: ["airflowVersion"],
        message: `one bundle deploys to one MWAA environment, but the specs target ${summary}`,
        hint: "use the same airflowVersion in every spec, or render with --airflow-version",
      });
  }
  problems.push(...runnerLocationProblems(specs));
  problems.push(...assetProblems(specs, { producersKnown: options.allValid ?? true }));
  return problems;
}

/** The specs with an xtable step must name one runner location: the bundle has one startup.sh. */
function runnerLocationProblems(specs: readonly ValidSpec[]): SpecProblem[] {
  const located = specs.filter((s) => s.pipeline.xtableRunner && s.pipeline.steps.some((st) => st.kind === "xtable"));
  const places = groupBy(located, (s) => {
    const { bucket, prefix } = s.pipeline.xtableRunner!;
    return `s3://${bucket}/${normalizePrefix(prefix)}`;
  });
  if (places.size <= 1) return [];
  const summary = [...places].map(([place, same]) => `${place} (${same.map((s) => s.file).join(", ")})`).join(" and ");
  return located.map((s) => ({
    file: s.file,
    path: ["xtableRunner"],
    message: `one bundle has one startup.sh, which fetches the XTable runner from one place, but the specs name ${summary}`,
    hint: "name the same bucket and prefix (where pipegen deploy writes) in every spec with an xtable step",
  }));
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
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
