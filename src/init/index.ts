/**
 * `pipegen init`: the files of a new pipegen project. Like rendering, this
 * returns `{path, content}` and leaves the disk to the caller.
 */

import type { RenderedFile } from "../render/bundle.js";
import { renderTemplate } from "../render/templates.js";
import { AIRFLOW_TARGETS } from "../spec/airflow-versions.js";

/** Template in templates/init/ → path in the new project. */
const FILES: ReadonlyArray<readonly [template: string, path: string]> = [
  ["package.json.hbs", "package.json"],
  ["tsconfig.json.hbs", "tsconfig.json"],
  ["gitignore.hbs", ".gitignore"],
  ["vscode-settings.json.hbs", ".vscode/settings.json"],
  ["daily_orders.pipeline.ts.hbs", "pipelines/daily_orders.pipeline.ts"],
  ["lakehouse_sync.pipeline.yaml.hbs", "pipelines/lakehouse_sync.pipeline.yaml"],
  ["deploy-workflow.yml.hbs", ".github/workflows/mwaa.yml"],
];

export interface InitOptions {
  /** The project's package name. */
  readonly name: string;
  /** pipegen's own version, for the dev dependency range. */
  readonly pipegenVersion: string;
}

export function initProjectFiles(options: InitOptions): RenderedFile[] {
  const view = {
    name: options.name,
    pipegenRange: `^${options.pipegenVersion}`,
    // New projects start on the newest Airflow that MWAA runs.
    airflowVersion: AIRFLOW_TARGETS.at(-1)!.version,
  };
  return FILES.map(([template, path]) => ({ path, content: renderTemplate(`init/${template}`, view) }));
}

/** A valid npm package name from a folder name. */
export function packageNameFor(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+|[._-]+$/g, "");
  return name || "mwaa-pipelines";
}
