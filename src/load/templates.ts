/**
 * Loads step templates: each `*.template.ts` file's default export, one
 * template (`defineTemplate({...})`) or a list of them, checked and filed by
 * name and version. Every problem (a file that does not load, a definition
 * that is not a template, two definitions of one version) is located in the
 * template file.
 */
import { readFile } from "node:fs/promises";
import type { Locator, Problem, SpecPath } from "../problem.js";
import { placeProblem } from "../problem.js";
import { isStepTemplate, type StepTemplate, TEMPLATE_NAME, TEMPLATE_VERSION } from "../spec/template.js";
import type { SpecFile } from "./discover.js";

/** A template, and where it is defined (for messages and `pipegen templates`). */
export interface LoadedTemplate {
  readonly template: StepTemplate;
  readonly file: string;
  readonly locate: Locator;
  /** Its place in the file's default export: `[]` for a single template, `[i]` in a list. */
  readonly path: SpecPath;
}

/** Every loaded template, by name and then version. */
export type TemplateRegistry = ReadonlyMap<string, ReadonlyMap<string, LoadedTemplate>>;

export async function loadTemplates(files: readonly SpecFile[]): Promise<{
  registry: TemplateRegistry;
  problems: Problem[];
}> {
  const registry = new Map<string, Map<string, LoadedTemplate>>();
  const problems: Problem[] = [];
  for (const found of files) {
    const loaded = await loadTemplateFile(found);
    problems.push(...loaded.problems);
    for (const t of loaded.templates) {
      const versions = registry.get(t.template.name) ?? new Map<string, LoadedTemplate>();
      registry.set(t.template.name, versions);
      const first = versions.get(t.template.version);
      if (first)
        problems.push(
          placeProblem(
            {
              file: t.file,
              path: [...t.path, "version"],
              message: `${t.template.name}@${t.template.version} is also defined in ${first.file}`,
              hint: "a pipeline pins one definition: give this one a new version, or remove one of them",
            },
            t.locate,
          ),
        );
      else versions.set(t.template.version, t);
    }
  }
  return { registry, problems };
}

async function loadTemplateFile(found: SpecFile): Promise<{ templates: LoadedTemplate[]; problems: Problem[] }> {
  const file = found.file;
  let text: string;
  try {
    text = await readFile(found.absolute, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return {
      templates: [],
      problems: [{ file, line: 0, column: 0, path: "", message: `cannot read the template file: ${code}` }],
    };
  }
  const { loadTypeScriptSpec } = await import("./typescript.js");
  const loaded = await loadTypeScriptSpec(file, found.absolute, text);
  if (Array.isArray(loaded)) return { templates: [], problems: loaded.map(asTemplateFileProblem) };
  const entries: Array<[SpecPath, unknown]> = Array.isArray(loaded.data)
    ? loaded.data.map((d, i) => [[i], d])
    : [[[], loaded.data]];
  const templates: LoadedTemplate[] = [];
  const problems: Problem[] = [];
  for (const [path, value] of entries) {
    const why = definitionProblem(value);
    if (why)
      problems.push(
        placeProblem({ file, path: [...path, ...why.path], message: why.message, hint: why.hint }, loaded.locate),
      );
    else templates.push({ template: value as StepTemplate, file, locate: loaded.locate, path });
  }
  return { templates, problems };
}

/** A loader problem, told in a template file's terms. */
function asTemplateFileProblem(p: Problem): Problem {
  if (p.message === "has no default export")
    return { ...p, hint: "end the file with `export default defineTemplate({ ... })`" };
  if (p.message.startsWith("the spec threw while loading"))
    return {
      ...p,
      message: p.message.replace(/^the spec threw/, "the template file threw"),
      hint:
        p.hint === "a spec module must only build and export its pipeline"
          ? "a template file must only define and export its templates"
          : p.hint,
    };
  return p;
}

/** What is wrong with an exported template definition, or undefined. */
function definitionProblem(value: unknown): { path: SpecPath; message: string; hint?: string } | undefined {
  if (!isStepTemplate(value))
    return {
      path: [],
      message: "is not a step template",
      hint: 'export what defineTemplate returns (import { defineTemplate, z } from "pipegen"), or a list of them',
    };
  if (typeof value.name !== "string" || !TEMPLATE_NAME.test(value.name))
    return {
      path: ["name"],
      message: "must be a template name: lowercase letters, digits, '_' and '-', starting with a letter",
    };
  if (typeof value.version !== "string" || !TEMPLATE_VERSION.test(value.version))
    return { path: ["version"], message: 'must be a version such as "1", "1.2" or "1.2.3" (a string)' };
  const config = value.config as unknown as { safeParse?: unknown; shape?: unknown } | undefined;
  if (typeof config?.safeParse !== "function" || typeof config.shape !== "object")
    return {
      path: ["config"],
      message: "must be a zod object schema",
      hint: "config: z.object({ ... }), with the z pipegen exports",
    };
  if (typeof value.steps !== "function")
    return { path: ["steps"], message: "must be a function from the config to a list of steps" };
  return undefined;
}
