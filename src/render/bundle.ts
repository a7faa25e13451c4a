/**
 * Phase 4: render. Turns resolved pipelines into the files of an MWAA bundle,
 * laid out like the MWAA bucket. Pure: it returns `{path, content}` and
 * never touches the disk.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { RenderedFile } from "../rendered-file.js";
import type { ResolvedPipeline } from "../resolve/index.js";
import { startupAssignments } from "../runner/location.js";
import { constraintsUrl } from "../spec/airflow-versions.js";
import { STEP_KINDS } from "../spec/step-kinds.js";
import { renderDag } from "./dag.js";
import { renderTemplate } from "./templates.js";

export type { RenderedFile } from "../rendered-file.js";

/** The folder in dags/ that holds the XTable operator; it contains no DAGs. */
export const XTABLE_PACKAGE = "pipegen_xtable";

const STARTUP_DIR = fileURLToPath(new URL("../../startup/", import.meta.url));

/** Renders every file of the bundle, sorted by path. */
export function renderBundle(pipelines: readonly ResolvedPipeline[]): RenderedFile[] {
  if (pipelines.length === 0) return [];
  const target = pipelines[0]!.target;
  const kinds = new Set(pipelines.flatMap((p) => p.pipeline.steps.map((s) => s.kind)));
  const usesXTable = kinds.has("xtable");
  const files: RenderedFile[] = pipelines.map((p) => ({ path: `dags/${p.pipeline.id}.py`, content: renderDag(p) }));

  files.push({
    path: "dags/.airflowignore",
    content: renderTemplate("airflowignore.hbs", { folders: usesXTable ? [XTABLE_PACKAGE] : [] }),
  });

  if (usesXTable) {
    for (const name of ["__init__.py", "operator.py"])
      files.push({
        path: `dags/${XTABLE_PACKAGE}/${name}`,
        content: renderTemplate(`xtable-operator/${name}.hbs`, { source: "" }),
      });
    // Validation makes every spec with an xtable step name the same runner place.
    const runner = pipelines.find((p) => p.runner)?.runner;
    if (!runner) throw new Error("an xtable step without a runner location passed validation");
    files.push({
      path: "startup.sh",
      content: renderTemplate("startup.sh.hbs", {
        runnerAssignments: startupAssignments(runner),
        installJava: readFileSync(`${STARTUP_DIR}install-java.sh`, "utf8"),
        installRunner: readFileSync(`${STARTUP_DIR}install-xtable-runner.sh`, "utf8"),
      }),
    });
  }

  const targets = pipelines.flatMap((p) => p.notifyTargets.map((n) => n.target));
  const usesAws =
    [...kinds].some((k) => STEP_KINDS[k].amazonProvider) ||
    targets.some((t) => "sns" in t) ||
    pipelines.some((p) => p.steps.some((s) => s.kind === "operator" && s.amazonProvider));
  const usesSlack = targets.some((t) => "slack" in t);
  const usesSqlConnection = pipelines.some((p) => p.redshift?.via === "connection");
  files.push({
    path: "requirements.txt",
    content: renderTemplate("requirements.txt.hbs", {
      airflowVersion: target.version,
      python: target.python,
      constraintsUrl: constraintsUrl(target),
      packages: [
        ...(usesAws ? ["apache-airflow-providers-amazon"] : []),
        ...(usesSqlConnection ? ["apache-airflow-providers-common-sql"] : []),
        ...(usesSlack ? ["apache-airflow-providers-slack"] : []),
      ],
    }),
  });
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
